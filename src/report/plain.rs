//! Plain English, by the GOV.UK and NHS content guides: a sentence of more
//! than 25 words, and words and phrases the guides ask writers to avoid,
//! each with the plainer words they suggest.

/// The most words a sentence should have.
pub const LONGEST: usize = 25;

/// A word or phrase to avoid, how to find its forms, and what to say instead.
struct Avoid {
    /// The word as the report names it.
    word: &'static str,
    /// The words to match, each with any of the endings below: a word's
    /// stem (`utilis`), or a phrase's words (`touch`, `base` finds "touched
    /// base").
    stem: &'static [&'static str],
    instead: &'static str,
}

/// The endings a one-word stem is matched with: `utilis` finds "utilise",
/// "utilised", "utilising" and "utilisation".
const ENDINGS: &[&str] =
    &["", "e", "es", "ed", "ing", "s", "ation", "ations", "ion", "ment", "ments", "ly", "ness", "on", "d"];

/// From the GOV.UK style guide's "words to avoid" and the NHS content
/// style guide; words with an everyday meaning the guides allow ("key" for
/// a key that unlocks, "deliver" for pizzas) are left out, as the report
/// cannot tell the meanings apart.
const AVOID: &[Avoid] = &[
    Avoid { word: "utilise", stem: &["utilis"], instead: "use" },
    Avoid { word: "utilize", stem: &["utiliz"], instead: "use" },
    Avoid { word: "facilitate", stem: &["facilitat"], instead: "help, run or make possible (say what is done)" },
    Avoid { word: "going forward", stem: &["going", "forward"], instead: "from now on, or in future" },
    Avoid { word: "in order to", stem: &["in", "order", "to"], instead: "to" },
    Avoid { word: "leverage", stem: &["leverag"], instead: "use, or influence" },
    Avoid { word: "empower", stem: &["empower"], instead: "let, or allow" },
    Avoid { word: "liaise", stem: &["liais"], instead: "work with, or talk to" },
    Avoid { word: "collaborate", stem: &["collaborat"], instead: "work with" },
    Avoid { word: "commence", stem: &["commenc"], instead: "start" },
    Avoid { word: "prior to", stem: &["prior", "to"], instead: "before" },
    Avoid { word: "in respect of", stem: &["in", "respect", "of"], instead: "about, or for" },
    Avoid { word: "endeavour", stem: &["endeavour"], instead: "try" },
    Avoid { word: "ascertain", stem: &["ascertain"], instead: "find out" },
    Avoid { word: "incentivise", stem: &["incentivis"], instead: "encourage, or motivate" },
    Avoid { word: "disincentivise", stem: &["disincentivis"], instead: "discourage" },
    Avoid { word: "deploy", stem: &["deploy"], instead: "use, or put in place" },
    Avoid { word: "streamline", stem: &["streamlin"], instead: "simplify" },
    Avoid { word: "overarching", stem: &["overarching"], instead: "main, or central" },
    Avoid { word: "robust", stem: &["robust"], instead: "strong, or well thought out" },
    Avoid { word: "holistic", stem: &["holistic"], instead: "whole, or complete" },
    Avoid { word: "synergy", stem: &["synerg"], instead: "working together" },
    Avoid { word: "upskill", stem: &["upskill"], instead: "train" },
    Avoid { word: "touch base", stem: &["touch", "base"], instead: "talk, or meet" },
    Avoid { word: "one-stop shop", stem: &["one-stop", "shop"], instead: "say what it does" },
    Avoid { word: "ring-fence", stem: &["ring-fenc"], instead: "keep for, or protect" },
    Avoid { word: "drive out", stem: &["drive", "out"], instead: "stop, or prevent" },
    Avoid { word: "whilst", stem: &["whilst"], instead: "while" },
    Avoid { word: "amongst", stem: &["amongst"], instead: "among" },
];

/// A word to avoid found in a sentence: the word as the report names it,
/// as written, and what to say instead.
#[derive(Debug, PartialEq)]
pub struct Found {
    pub word: &'static str,
    pub written: String,
    pub instead: &'static str,
}

/// The sentence's words, as a reader counts them: runs of text holding a
/// letter or a digit (a dash or bullet alone is not a word).
pub fn words(sentence: &str) -> usize {
    sentence.split_whitespace().filter(|word| word.chars().any(char::is_alphanumeric)).count()
}

/// Whether `word` is `stem` with one of the endings.
fn with_ending(word: &str, stem: &str) -> bool {
    word.strip_prefix(stem).is_some_and(|ending| ENDINGS.contains(&ending))
}

/// Every word or phrase to avoid in `sentence`, in the order written.
pub fn words_to_avoid(sentence: &str) -> Vec<Found> {
    let written: Vec<&str> = sentence
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
        .filter(|word| !word.is_empty())
        .collect();
    let lower: Vec<String> = written.iter().map(|word| word.to_lowercase()).collect();
    let mut found = Vec::new();
    for at in 0..lower.len() {
        for avoid in AVOID {
            let parts = avoid.stem;
            let matched = lower.len() >= at + parts.len()
                && parts.iter().enumerate().all(|(offset, part)| with_ending(&lower[at + offset], part));
            if matched {
                let written = written[at..at + parts.len()].join(" ");
                found.push(Found { word: avoid.word, written, instead: avoid.instead });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_with_a_letter_or_digit() {
        assert_eq!(words("Turnover fell – from 14% to 8%."), 6, "a dash alone is not a word");
        assert_eq!(words(""), 0);
    }

    #[test]
    fn words_to_avoid_are_found_in_their_forms_and_phrases_whole() {
        let found = |text: &str| words_to_avoid(text).into_iter().map(|f| f.written).collect::<Vec<_>>();
        assert_eq!(found("We Utilised the forum, utilisation grew."), ["Utilised", "utilisation"]);
        assert_eq!(
            found("Going forward, staff were empowered in order to speak."),
            ["Going forward", "empowered", "in order to"]
        );
        assert_eq!(found("The budget was ring-fenced."), ["ring-fenced"]);
        assert_eq!(found("Going forwards we meet."), ["Going forwards"], "found once, with its ending");
        assert_eq!(found("We touched base, then drove out."), ["touched base"], "a phrase's words take endings");
        assert!(
            found("The trust’s leverage’s worth").is_empty(),
            "a word keeps its apostrophe: a possessive is no verb"
        );
        assert!(found("Facilities were used; a forward going plan; the order to stop.").is_empty());
        assert!(found("The robustness of it").len() == 1, "endings: robustness");
        assert!(found("A robot, an utility, a collaborator.").is_empty(), "only the listed endings");
        let first = &words_to_avoid("We will facilitate it.")[0];
        assert_eq!((first.word, first.instead), ("facilitate", "help, run or make possible (say what is done)"));
    }
}
