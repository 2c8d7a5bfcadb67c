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
///
/// The text is read in runs between ASCII spaces and line breaks: no rule
/// looks across one, so this gives the words the whole text would, and a run
/// of plain ASCII (most of a hub) skips Unicode decomposition.
pub fn tokenise_into(text: &str, emit: &mut dyn FnMut(&str)) {
    let mut chars: Vec<char> = Vec::new();
    let mut word = Word::default();
    let bytes = text.as_bytes();
    let mut end = 0;
    while end < bytes.len() {
        // A run between ASCII spaces, noting on the way whether it is all
        // letters and digits. Cutting at ASCII bytes keeps UTF-8 whole.
        let mut start = end;
        while start < bytes.len() && bytes[start].is_ascii_whitespace() {
            start += 1;
        }
        end = start;
        let mut alphanumeric = true;
        while end < bytes.len() && !bytes[end].is_ascii_whitespace() {
            alphanumeric &= bytes[end].is_ascii_alphanumeric();
            end += 1;
        }
        if start == end {
            break;
        }
        let run = &text[start..end];
        let plain = if alphanumeric { Some(run) } else { plain_word(run) };
        if let Some(plain) = plain {
            word.text.clear();
            word.text.push_str(plain);
            word.text.make_ascii_lowercase();
            emit_short(&word.text, emit);
            word.text.clear();
            continue;
        }
        chars.clear();
        if run.is_ascii() {
            chars.extend(run.bytes().map(|byte| char::from(byte.to_ascii_lowercase())));
        } else {
            chars.extend(fold(run).chars());
        }
        words(&chars, &mut word, emit);
    }
}

/// The one word of a run that is ASCII letters and digits, with at most an
/// opening bracket or quote before it and one closing punctuation mark after
/// it (`(staff`, `teams.`, `said,`): most of a hub's text, read without the
/// rules below, which give the same word.
fn plain_word(run: &str) -> Option<&str> {
    let bytes = run.as_bytes();
    let start = usize::from(matches!(bytes.first(), Some(b'(' | b'"' | b'\'')));
    let end = bytes.len()
        - usize::from(matches!(bytes.last(), Some(b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b'"' | b'\'')));
    let word = bytes.get(start..end)?;
    (!word.is_empty() && word.iter().all(u8::is_ascii_alphanumeric)).then(|| &run[start..end])
}

fn emit_short(word: &str, emit: &mut dyn FnMut(&str)) {
    if !word.is_empty() && (word.len() <= MAX_LEN || word.chars().count() <= MAX_LEN) {
        emit(word);
    }
}

/// The word being read: its characters, and where each hyphenated part ends.
#[derive(Default)]
struct Word {
    text: String,
    cuts: Vec<usize>,
}

impl Word {
    /// Emits the word just read: alone, or as a hyphenated word's parts and then
    /// the parts joined.
    fn finish(&mut self, emit: &mut dyn FnMut(&str)) {
        if !self.cuts.is_empty() {
            let mut start = 0;
            for end in self.cuts.iter().copied().chain([self.text.len()]) {
                emit_short(&self.text[start..end], emit);
                start = end;
            }
        }
        emit_short(&self.text, emit);
        self.text.clear();
        self.cuts.clear();
    }
}

/// The words of folded characters, by the rules above.
fn words(chars: &[char], word: &mut Word, emit: &mut dyn FnMut(&str)) {
    for (index, &c) in chars.iter().enumerate() {
        let previous = index.checked_sub(1).map(|i| chars[i]);
        let next = chars.get(index + 1).copied();
        if is_word_char(c) {
            word.text.push(c);
            continue;
        }
        let between_words = previous.is_some_and(is_word_char) && next.is_some_and(is_word_char);
        let between_digits = previous.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
        if is_apostrophe(c) && between_words || c == ',' && between_digits {
            // dropped: "women's" is one word, "2,000" is 2000
        } else if c == '.' && between_digits {
            word.text.push('.');
        } else if is_hyphen(c) && between_words {
            word.cuts.push(word.text.len());
        } else {
            if c == '%' && previous.is_some_and(|p| p.is_ascii_digit()) {
                word.text.push('%');
            }
            word.finish(emit);
        }
    }
    word.finish(emit);
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
