//! Text to search words, the same way the browser does it (`search-engine.js`
//! implements these rules again; `tests/vectors/tokenise.json` holds both to them):
//!
//! 1. Compatibility-decompose (NFKD), drop combining marks, lower-case: "Café"
//!    and "cafe" are one word, and so are "ﬁnance" and "finance".
//! 2. A word is a run of letters and digits (Unicode Alphabetic and Numeric).
//! 3. Inside a word an apostrophe is dropped ("women's" -> "womens"); between
//!    digits a comma is dropped and a point kept ("2,000" -> "2000", "3.5");
//!    a `%` straight after a number stays on it ("14%").
//! 4. A hyphenated word gives its parts and then the parts joined:
//!    "co-production" -> "co", "production", "coproduction".
//! 5. Words longer than `MAX_LEN` characters (hashes, pasted URLs) are skipped.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The longest word indexed, in characters.
pub const MAX_LEN: usize = 40;

/// The search words of `text`, in order, repeats kept.
pub fn tokenise(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    tokenise_into(text, &mut |word| words.push(word.to_string()));
    words
}

/// Calls `emit` with each search word of `text`, in order.
pub fn tokenise_into(text: &str, emit: &mut dyn FnMut(&str)) {
    let folded = fold(text);
    let chars: Vec<char> = folded.chars().collect();
    let mut parts: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        let previous = index.checked_sub(1).map(|i| chars[i]);
        let next = chars.get(index + 1).copied();
        let between_words = previous.is_some_and(is_word_char) && next.is_some_and(is_word_char);
        let between_digits = previous.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
        if is_word_char(c) {
            word.push(c);
        } else if is_apostrophe(c) && between_words {
            // dropped: "women's" is one word
        } else if c == ',' && between_digits {
            // dropped: "2,000" is 2000
        } else if c == '.' && between_digits {
            word.push('.');
        } else if is_hyphen(c) && between_words {
            parts.push(std::mem::take(&mut word));
        } else {
            if c == '%' && previous.is_some_and(|p| p.is_ascii_digit()) {
                word.push('%');
            }
            finish(&mut parts, &mut word, emit);
        }
        index += 1;
    }
    finish(&mut parts, &mut word, emit);
}

/// Emits the word just read: alone, or as a hyphenated word's parts and join.
fn finish(parts: &mut Vec<String>, word: &mut String, emit: &mut dyn FnMut(&str)) {
    if word.is_empty() && parts.is_empty() {
        return;
    }
    parts.push(std::mem::take(word));
    let mut emit_short = |word: &str| {
        if !word.is_empty() && word.chars().count() <= MAX_LEN {
            emit(word);
        }
    };
    if parts.len() == 1 {
        emit_short(&parts[0]);
    } else {
        for part in parts.iter() {
            emit_short(part);
        }
        emit_short(&parts.concat());
    }
    parts.clear();
}

/// NFKD, combining marks dropped, lower-cased. ASCII text (most of a hub) skips
/// the decomposition.
fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let stripped: String = text.nfkd().filter(|c| !is_combining_mark(*c)).collect();
    stripped.to_lowercase()
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

#[cfg(test)]
mod tests {
    use super::tokenise;

    /// The cases the browser's tokeniser runs too (tests/browser/engine.test.mjs).
    #[test]
    fn shared_vectors() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/vectors/tokenise.json")).expect("vectors parse");
        let cases = vectors["cases"].as_array().expect("cases");
        assert!(cases.len() >= 15);
        for case in cases {
            let text = case["text"].as_str().expect("text");
            let words: Vec<String> = serde_json::from_value(case["words"].clone()).expect("words");
            assert_eq!(tokenise(text), words, "tokenising {text:?}");
        }
    }
}
