//! What a query of one word alone shows, worked out for every indexed word
//! as `search-engine.js` works out any query: the words it stands for, how
//! many pages hold one of them, their facet counts, the first page of
//! results and which word found each. A reader who types one word then
//! reads that word's term shard, not the page lists of every word beside
//! it nor every page's facets. The engine's tests hold this and its own
//! way to one answer.

use super::encode::{Column, scored, title_length};
use super::score::Word;

/// How many results a query shows first (`PAGE` in search.js).
pub const FIRST: usize = 10;

/// How much a match counts, by how it matched (`WEIGHT` in search-engine.js).
const EXACT: f64 = 1.0;
const PREFIX: f64 = 0.8;
const STEM: f64 = 0.75;
/// Words a word may stand for by prefix, and by stem (`MAX_EXPANSIONS`).
const MAX_EXPANSIONS: usize = 40;
/// Shorter words match only themselves (`MIN_PREFIX`).
const MIN_PREFIX: usize = 3;
/// What a title holding the query adds (`TITLE`).
const TITLE: f64 = 1000.0;

/// A query of one word, answered.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Alone {
    /// How many pages hold one of the words it stands for.
    pub total: u32,
    /// How many of those pages have each value of each facet, the facets in
    /// `FACET_NAMES` order and each one's values in order.
    pub counts: Vec<u32>,
    /// The first `FIRST` of those pages, best first.
    pub first: Vec<u32>,
    /// For each of `first`, which of the words it stands for (their place
    /// in `expansions`) scored best there.
    pub matched: Vec<u8>,
}

/// A light English stem, used only as a prefix (`stem` in search-engine.js):
/// "mentors" -> "mentor", "belonging" -> "belong", "policies" -> "polic".
pub(super) fn stem(word: &str) -> &str {
    if word.is_empty() || !word.bytes().all(|byte| byte.is_ascii_lowercase()) {
        return word;
    }
    for (ending, shortest) in [("ies", 6), ("ing", 6), ("ed", 5)] {
        if let Some(stemmed) = word.strip_suffix(ending) {
            return if word.len() >= shortest { stemmed } else { word };
        }
    }
    if ["ss", "us", "is"].iter().any(|ending| word.ends_with(ending)) {
        return word;
    }
    match word.strip_suffix('s') {
        Some(stemmed) if word.len() >= 5 => stemmed,
        _ => word,
    }
}

/// The words of `shard` that `shard[at]` stands for, with how much each
/// counts, in the engine's order: itself, the words it starts, then the
/// words its stem starts.
pub(super) fn expansions(shard: &[Word], at: usize) -> Vec<(usize, f64)> {
    let word = shard[at].text.as_str();
    let mut found = vec![(at, EXACT)];
    if word.encode_utf16().count() < MIN_PREFIX {
        return found;
    }
    let add = |found: &mut Vec<(usize, f64)>, prefix: &str, weight: f64| {
        let start = shard.partition_point(|other| other.text.encode_utf16().lt(prefix.encode_utf16()));
        let starting = shard[start..].iter().take_while(|other| other.text.starts_with(prefix));
        // Weights only fall from one pass to the next: a word found before
        // keeps its place and weight.
        for (offset, _) in starting.enumerate().take(MAX_EXPANSIONS) {
            let candidate = start + offset;
            if !found.iter().any(|(known, _)| *known == candidate) {
                found.push((candidate, weight));
            }
        }
    };
    add(&mut found, word, PREFIX);
    let stemmed = stem(word);
    if stemmed != word && stemmed.encode_utf16().count() >= 4 {
        add(&mut found, stemmed, STEM);
    }
    found
}

/// Working space for `answer`, one page's worth per page of the site.
pub(super) struct Scratch {
    best: Vec<f64>,
    title: Vec<f64>,
    matched: Vec<u8>,
    touched: Vec<u32>,
}

impl Scratch {
    pub fn new(pages: usize) -> Scratch {
        Scratch { best: vec![0.0; pages], title: vec![0.0; pages], matched: vec![0; pages], touched: Vec::new() }
    }
}

/// Each page's kept score of each word of a shard: its score where the
/// shard keeps it (`scored`), 0 elsewhere, as the engine decodes them.
pub(super) fn kept_scores(shard: &[Word]) -> Vec<Vec<u8>> {
    shard
        .iter()
        .map(|word| {
            let mut kept = vec![0; word.pages.len()];
            for at in scored(&word.pages) {
                kept[at] = word.pages[at].score();
            }
            kept
        })
        .collect()
}

/// The answer to a query of `shard[at]` alone (`kept` from `kept_scores`).
pub(super) fn answer(
    shard: &[Word],
    kept: &[Vec<u8>],
    at: usize,
    title_lengths: &[u8],
    columns: &[Column; 5],
    scratch: &mut Scratch,
) -> Alone {
    let Scratch { best, title, matched, touched } = scratch;
    for (place, &(word, weight)) in expansions(shard, at).iter().enumerate() {
        for (posting, score) in shard[word].pages.iter().zip(&kept[word]) {
            let page = posting.page() as usize;
            let value = (f64::from(*score) + 1.0) * weight;
            if best[page] == 0.0 {
                touched.push(page as u32);
            }
            // The engine's matchedWords keeps the first match of the best value.
            if value > best[page] {
                best[page] = value;
                matched[page] = place as u8;
            }
            if posting.title() {
                title[page] = title[page].max(weight);
            }
        }
    }
    let total = |page: u32| {
        // The engine adds the share of the title only where a title holds
        // the word; elsewhere that share is 0.
        let page_at = page as usize;
        let score = best[page_at] + TITLE * title[page_at];
        score + (TITLE / 2.0) * (title[page_at] / f64::from(title_length(title_lengths, page))).min(1.0)
    };
    let mut counts: Vec<u32> = vec![0; columns.iter().map(|column| column.values).sum()];
    let mut first: Vec<(f64, u32)> = Vec::with_capacity(FIRST + 1);
    for &page in touched.iter() {
        let mut offset = 0;
        for column in columns {
            for &position in column.of(page) {
                counts[offset + usize::from(position)] += 1;
            }
            offset += column.values;
        }
        // Best first, the lower page on a tie, as the engine sorts.
        let score = total(page);
        let place = first.partition_point(|&(other, number)| other > score || (other == score && number < page));
        if place < FIRST {
            first.insert(place, (score, page));
            first.truncate(FIRST);
        }
    }
    let answer = Alone {
        total: touched.len() as u32,
        counts,
        matched: first.iter().map(|&(_, page)| matched[page as usize]).collect(),
        first: first.into_iter().map(|(_, page)| page).collect(),
    };
    for &page in touched.iter() {
        best[page as usize] = 0.0;
        title[page as usize] = 0.0;
        matched[page as usize] = 0;
    }
    touched.clear();
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::score::Posting;

    fn word(text: &str, pages: &[(u32, u8, bool)]) -> Word {
        let pages = pages.iter().map(|&(page, score, title)| Posting::new(page, score, title)).collect();
        Word { text: text.to_string(), pages, near: String::new() }
    }

    #[test]
    fn stems_follow_the_engines_rules() {
        for (word, stemmed) in [
            ("mentors", "mentor"),
            ("belonging", "belong"),
            ("policies", "polic"),
            ("trained", "train"),
            ("ties", "ties"),
            ("sing", "sing"),
            ("red", "red"),
            ("process", "process"),
            ("status", "status"),
            ("analysis", "analysis"),
            ("cats", "cats"),
            ("teams", "team"),
            ("armies", "arm"),
            ("biking", "bik"),
            ("ended", "end"),
            ("café", "café"),
            ("14%", "14%"),
            ("", ""),
        ] {
            assert_eq!(stem(word), stemmed, "{word}");
        }
    }

    #[test]
    fn a_word_stands_for_itself_the_words_it_starts_and_its_stems() {
        let texts = ["belief", "belong", "belonged", "belonging", "belongings", "belongs", "bet"];
        let shard: Vec<Word> = texts.iter().map(|text| word(text, &[(0, 1, false)])).collect();
        let named = |at: usize| -> Vec<(&str, f64)> {
            expansions(&shard, at).into_iter().map(|(at, weight)| (texts[at], weight)).collect()
        };
        assert_eq!(
            named(3),
            [("belonging", 1.0), ("belongings", 0.8), ("belong", 0.75), ("belonged", 0.75), ("belongs", 0.75)]
        );
        assert_eq!(
            named(1),
            [("belong", 1.0), ("belonged", 0.8), ("belonging", 0.8), ("belongings", 0.8), ("belongs", 0.8)]
        );
        assert_eq!(named(6), [("bet", 1.0)]);
        let short: Vec<Word> = ["be", "bed", "beds"].iter().map(|text| word(text, &[(0, 1, false)])).collect();
        assert_eq!(expansions(&short, 0), [(0, 1.0)], "a word under three letters stands for itself");
        assert_eq!(expansions(&short, 1), [(1, 1.0), (2, 0.8)], "one of three stands for the words it starts");
        // A stem of four letters is long enough to stand for its forms.
        let team: Vec<Word> = ["team", "teams", "teamwork"].iter().map(|text| word(text, &[(0, 1, false)])).collect();
        assert_eq!(expansions(&team, 1), [(1, 1.0), (0, 0.75), (2, 0.75)]);
        // At most forty words by prefix.
        let many: Vec<Word> = (0..50).map(|n| word(&format!("net{n:02}"), &[(0, 1, false)])).collect();
        let mut with_net = vec![word("net", &[(0, 1, false)])];
        with_net.extend(many);
        assert_eq!(expansions(&with_net, 0).len(), 40, "the word itself and 39 more");
    }

    #[test]
    fn the_answer_counts_every_page_and_ranks_titles_then_scores() {
        // Page 0: "belonging" in a title of two words; page 1: in the body,
        // scored 60; page 2: "belongs" in a title of 9 words; page 3: in
        // the body only, scored 10; page 4: both words; page 5: both words
        // scoring the same, 3 x 1 and 4 x 0.75 (the first found names it).
        let shard = vec![
            word("belonging", &[(0, 5, true), (1, 60, false), (3, 10, false), (4, 1, false), (5, 2, false)]),
            word("belongs", &[(2, 5, true), (4, 2, false), (5, 3, false)]),
        ];
        let lengths = [2, 4, 9, 4, 4, 4];
        let mut theme = Column::new(2);
        for positions in [&[0][..], &[1], &[0, 1], &[], &[1], &[]] {
            theme.push(&positions.iter().map(|&p| p as usize).collect::<Vec<_>>());
        }
        let mut columns: [Column; 5] = Default::default();
        columns[0] = theme;
        let kept = kept_scores(&shard);
        let mut scratch = Scratch::new(6);
        let alone = answer(&shard, &kept, 0, &lengths, &columns, &mut scratch);
        assert_eq!(alone.total, 6);
        assert_eq!(alone.first, [0, 2, 1, 3, 5, 4], "titles first, the shorter ahead; then by score");
        assert_eq!(alone.matched, [0, 1, 0, 0, 0, 1], "page 4: belongs' 3 x 0.75 beats belonging's 2 x 1");
        assert_eq!(alone.counts, [2, 3]);
        let again = answer(&shard, &kept, 0, &lengths, &columns, &mut scratch);
        assert_eq!(again, alone, "the scratch space is left clean");
    }
}
