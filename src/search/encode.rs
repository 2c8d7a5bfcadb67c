//! The index as text: page numbers as gaps and scores as characters of one
//! 64-character alphabet, words cut into alphabetical shards of about equal
//! compressed size, and each page's facet values as fixed-width codes.

use std::collections::HashMap;
use std::ops::Range;

use serde_json::{Map, Value, json};

use crate::content::{Audience, KindName};
use crate::site::Site;

use super::Doc;
use super::alone::{Alone, FIRST};
use super::score::{Posting, Word};

/// The 64 characters the index writes numbers with; a value is its position.
const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// How many of a word's pages keep their score: its best ones. Its other
/// pages still match (they count, filters see them, and a title holding the
/// word is marked on every page) but rank after these among pages equal in
/// title. Dropping the scores of the many pages where a common word is only
/// mentioned makes its shard a fraction of the size.
pub const SCORED: usize = 128;

/// Splits the sorted words of a site of `pages` pages into at most `count`
/// alphabetical ranges of about equal size once compressed. A range only
/// ends where the first three letters change, so every word of three letters
/// or more that a reader types, and every longer word it starts, is in one
/// shard: typing "retention" downloads one shard, however slowly it is typed.
pub(super) fn shards(words: &[Word], pages: usize, count: usize) -> Vec<Range<usize>> {
    let size = |word: &Word| compressed_size(word.text.len(), word.pages.len(), titled(word), pages);
    let total: usize = words.iter().map(size).sum::<usize>().max(1);
    let mut shards = Vec::new();
    let mut start = 0;
    let mut before = 0;
    let mut current = usize::MAX;
    let mut group: Option<&str> = None;
    for (at, word) in words.iter().enumerate() {
        let first = prefix(&word.text);
        let target = (before * count / total).min(count.saturating_sub(1));
        if group != Some(first) && (target != current || at == 0) {
            if at > 0 {
                shards.push(start..at);
            }
            start = at;
            current = target;
        }
        group = Some(first);
        before += size(word);
    }
    if !words.is_empty() {
        shards.push(start..words.len());
    }
    shards
}

fn titled(word: &Word) -> usize {
    word.pages.iter().filter(|posting| posting.title()).count()
}

/// The first three characters of a word, or the word if shorter.
fn prefix(word: &str) -> &str {
    word.char_indices().nth(3).map_or(word, |(end, _)| &word[..end])
}

/// About how many bytes a word's entry takes once gzipped: the information in
/// its page gaps (a word on every page costs almost nothing), a byte or two
/// per scored page and per title holding it, and the word itself.
fn compressed_size(word: usize, list: usize, titles: usize, pages: usize) -> usize {
    let bits_per_gap = (1.0 + pages as f64 / list.max(1) as f64).log2();
    word + 8 + (list as f64 * bits_per_gap / 8.0).ceil() as usize + 2 * list.min(SCORED) + 2 * titles
}

/// The positions in `list` of the pages whose scores a shard keeps: all of
/// them for a word on `SCORED` pages or fewer, else its best `SCORED`, the
/// earlier page on a tie; in list order.
pub(super) fn scored(list: &[Posting]) -> Vec<usize> {
    let mut best: Vec<usize> = (0..list.len()).collect();
    if list.len() > SCORED {
        best.select_nth_unstable_by(SCORED - 1, |a, b| list[*b].score().cmp(&list[*a].score()).then(a.cmp(b)));
        best.truncate(SCORED);
        best.sort_unstable();
    }
    best
}

/// A shard's page lists as `[pages, scores, best, titles, title lengths]`
/// per word, in the order of its term shard's words: the pages as gaps; the
/// scores of its best pages (all of them, when it is on `SCORED` pages or
/// fewer, and `best` is then empty) and their positions in its page list,
/// as gaps; the positions in its page list of the pages whose title holds
/// it, as gaps, and each of those titles' length in words, one character
/// each. Empty strings at the end are left out.
pub(super) fn lists_value(shard: &[Word], title_lengths: &[u8]) -> Value {
    Value::Array(
        shard
            .iter()
            .map(|word| {
                let list = &word.pages;
                let best = scored(list);
                let scores: String = best.iter().map(|&at| digit(list[at].score())).collect();
                let mut best_at = String::new();
                if list.len() > SCORED {
                    push_gaps(&mut best_at, best.iter().map(|&at| at as u32));
                }
                let titles: Vec<u32> =
                    list.iter().enumerate().filter(|(_, posting)| posting.title()).map(|(at, _)| at as u32).collect();
                let mut titles_at = String::new();
                push_gaps(&mut titles_at, titles.iter().copied());
                let lengths: String =
                    titles.iter().map(|&at| digit(title_length(title_lengths, list[at as usize].page()))).collect();
                let mut gaps = String::with_capacity(list.len());
                push_gaps(&mut gaps, list.iter().map(|posting| posting.page()));
                let mut entry: Vec<Value> = vec![gaps.into(), scores.into()];
                for part in [best_at, titles_at, lengths] {
                    entry.push(part.into());
                }
                while entry.len() > 2 && entry.last().is_some_and(|part| part.as_str() == Some("")) {
                    entry.pop();
                }
                Value::Array(entry)
            })
            .collect(),
    )
}

/// A page's title length in words as the index writes it: 1 to 63.
pub(super) fn title_length(title_lengths: &[u8], page: u32) -> u8 {
    title_lengths.get(page as usize).copied().unwrap_or(1).clamp(1, 63)
}

/// A term shard as `[entries, records]`: per word `[word, pages, total,
/// counts, first, matched]` (see `Alone`): how many pages it is on; how
/// many a query of it alone finds; their facet counts, each facet's values
/// in order, as numbers; the first `FIRST` of them in order, as numbers;
/// and for each of those, which of the words it stands for matched there
/// best, as a number. Then what a result shows of each of those pages that
/// a word found on `FIRST` pages or more shows, as `[page, record...]`.
/// Empty strings at the end are left out.
pub(super) fn terms_value(shard: &[Word], alone: &[Alone], record: impl Fn(u32) -> Value) -> Value {
    let mut pages: Vec<u32> = Vec::new();
    let entries: Vec<Value> = shard
        .iter()
        .zip(alone)
        .map(|(word, alone)| {
            let mut counts = String::new();
            for count in &alone.counts {
                push_number(&mut counts, *count);
            }
            let mut first = String::new();
            let mut matched = String::new();
            for (page, by) in alone.first.iter().zip(&alone.matched) {
                push_number(&mut first, *page);
                push_number(&mut matched, u32::from(*by));
            }
            if alone.total as usize >= FIRST {
                pages.extend(&alone.first);
            }
            let mut entry: Vec<Value> = vec![
                word.text.as_str().into(),
                word.pages.len().into(),
                alone.total.into(),
                counts.into(),
                first.into(),
                matched.into(),
            ];
            while entry.len() > 3 && entry.last().is_some_and(|part| part.as_str() == Some("")) {
                entry.pop();
            }
            Value::Array(entry)
        })
        .collect();
    pages.sort_unstable();
    pages.dedup();
    let records: Vec<Value> = pages
        .into_iter()
        .map(|page| {
            let mut row = vec![Value::from(page)];
            if let Value::Array(fields) = record(page) {
                row.extend(fields);
            }
            Value::Array(row)
        })
        .collect();
    json!([entries, records])
}

/// The position file of some words, as compact JSON: `{word: positions}`,
/// each page's positions (in the word's page list order) as gaps, ended by a
/// comma. Written directly, and each word's positions let go once written:
/// at 100,000 pages they are most of the index.
pub(super) fn near_file<'a>(words: impl Iterator<Item = &'a mut Word>) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(b'{');
    for word in words {
        if out.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(Value::from(word.text.as_str()).to_string().as_bytes());
        out.extend_from_slice(b":\"");
        out.extend_from_slice(std::mem::take(&mut word.near).as_bytes());
        out.push(b'"');
    }
    out.push(b'}');
    out
}

/// Ascending numbers as gaps from the one before (minus one), each written
/// by `push_number`.
pub(super) fn push_gaps(out: &mut String, numbers: impl Iterator<Item = u32>) {
    let mut previous: i64 = -1;
    for number in numbers {
        push_number(out, (i64::from(number) - previous - 1) as u32);
        previous = i64::from(number);
    }
}

/// A number in base-32 digits, the upper half of the alphabet meaning "more
/// digits follow".
pub(super) fn push_number(out: &mut String, number: u32) {
    // Wide enough that the seventh group of five bits is no shift past the end.
    let number = u64::from(number);
    let mut digits = 1;
    while number >> (5 * digits) > 0 {
        digits += 1;
    }
    for place in (0..digits).rev() {
        let group = ((number >> (5 * place)) & 31) as usize;
        let more = if place > 0 { 32 } else { 0 };
        out.push(DIGITS[group + more] as char);
    }
}

fn digit(value: u8) -> char {
    DIGITS[usize::from(value.min(63))] as char
}

/// The facets as the index has them, in the order of `FACET_NAMES`.
pub(super) struct Facets {
    /// Each facet's values as `[slug, name]`, for the manifest.
    pub values: Value,
    /// Each page's values as fixed-width codes: `facets.json`.
    pub value: Value,
    /// Each page's type and organisation codes, for its result record, in
    /// the order of the pages given.
    pub codes: Vec<(usize, usize)>,
    /// Each facet's value positions on each page, for counting.
    pub columns: [Column; 5],
}

/// The facets, in the order `search-engine.js` lists them.
pub(super) const FACET_NAMES: [&str; 5] = ["theme", "type", "organisation", "region", "audience"];

/// One facet's value positions, page by page.
#[derive(Default)]
pub(super) struct Column {
    /// How many values the facet has.
    pub values: usize,
    start: Vec<u32>,
    positions: Vec<u16>,
}

impl Column {
    pub(super) fn new(values: usize) -> Column {
        Column { values, start: vec![0], positions: Vec::new() }
    }

    /// Adds the next page's value positions.
    pub(super) fn push(&mut self, positions: &[usize]) {
        self.positions.extend(positions.iter().map(|&position| position as u16));
        self.start.push(self.positions.len() as u32);
    }

    /// The value positions page `page` has.
    pub fn of(&self, page: u32) -> &[u16] {
        let page = page as usize;
        match (self.start.get(page), self.start.get(page + 1)) {
            (Some(&from), Some(&to)) => &self.positions[from as usize..to as usize],
            _ => &[],
        }
    }
}

pub(super) fn facets(site: &Site, docs: &[Doc]) -> Facets {
    let themes: Vec<(String, String)> =
        site.config.themes.iter().map(|theme| (theme.slug.clone(), theme.name.clone())).collect();
    let kinds: Vec<(String, String)> =
        KindName::ALL.iter().map(|kind| (kind.slug().to_string(), kind.label().to_string())).collect();
    let organisations: Vec<(String, String)> =
        site.organisations.iter().map(|term| (term.slug.clone(), term.name.clone())).collect();
    let regions: Vec<(String, String)> =
        site.regions.iter().map(|term| (term.slug.clone(), term.name.clone())).collect();
    let audiences: Vec<(String, String)> =
        Audience::ALL.iter().map(|audience| (audience.slug().to_string(), audience.label().to_string())).collect();
    let mut organisation_code = coder(&organisations);
    let mut region_code = coder(&regions);
    let mut codes = Vec::with_capacity(docs.len());
    let mut columns: [Vec<Vec<usize>>; 5] = Default::default();
    for doc in docs {
        let page = doc.page;
        let kind = KindName::ALL.iter().position(|kind| *kind == page.kind_name()).map_or(0, |index| index + 1);
        let organisation = organisation_code(page.organisation());
        codes.push((kind, organisation));
        let theme_codes =
            page.meta.themes.iter().filter_map(|slug| themes.iter().position(|(s, _)| s == slug)).collect();
        let audience_codes = page.audience().iter().filter_map(|a| Audience::ALL.iter().position(|b| b == a)).collect();
        columns[0].push(theme_codes);
        columns[1].push(vec![kind]);
        columns[2].push(vec![organisation]);
        columns[3].push(vec![region_code(page.region())]);
        columns[4].push(audience_codes);
    }
    let vocabularies = [&themes, &kinds, &organisations, &regions, &audiences];
    let multi = [true, false, false, false, true];
    let mut values = Map::new();
    let mut value = Map::new();
    let mut counted: [Column; 5] = Default::default();
    for (facet, pages) in columns.iter().enumerate() {
        values.insert(FACET_NAMES[facet].to_string(), json!(vocabularies[facet]));
        value.insert(FACET_NAMES[facet].to_string(), facet_codes(vocabularies[facet].len(), pages, multi[facet]));
        let column = &mut counted[facet];
        *column = Column::new(vocabularies[facet].len());
        for page in pages {
            // A single value's code is its position plus one, 0 for none.
            let positions: Vec<usize> =
                if multi[facet] { page.clone() } else { page.iter().filter_map(|code| code.checked_sub(1)).collect() };
            column.push(&positions);
        }
    }
    Facets { values: Value::Object(values), value: Value::Object(value), codes, columns: counted }
}

/// A free-text facet's code of a name (its position in `values` plus one, 0
/// for none): its term's, found by slug, so two spellings of one
/// organisation are one value. Each spelling is slugged once.
fn coder<'a>(values: &[(String, String)]) -> impl FnMut(Option<&'a str>) -> usize {
    let mut known: HashMap<&'a str, usize> = HashMap::new();
    move |name| {
        let Some(name) = name else { return 0 };
        *known.entry(name).or_insert_with(|| {
            let slug = crate::slug::slugify(name);
            values.iter().position(|(value, _)| *value == slug).map_or(0, |index| index + 1)
        })
    }
}

/// One facet's codes: every page's, each `width` characters. A
/// multi-valued facet's code is a bit set of value positions, six to a
/// character; a single value's is its position plus one, 0 meaning none.
fn facet_codes(values: usize, pages: &[Vec<usize>], multi: bool) -> Value {
    let width = if multi { values.div_ceil(6) } else { digits(values + 1) };
    let mut codes = String::with_capacity(width * pages.len());
    for page in pages {
        let number: u128 = if multi { page.iter().map(|bit| 1u128 << bit).sum() } else { page[0] as u128 };
        for place in (0..width).rev() {
            codes.push(DIGITS[((number >> (6 * place)) & 63) as usize] as char);
        }
    }
    json!({ "multi": multi, "width": width, "pages": codes })
}

/// How many base-64 digits write numbers below `limit`.
fn digits(limit: usize) -> usize {
    let mut width = 1;
    while 64usize.pow(width as u32) < limit {
        width += 1;
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::score::Posting;

    /// Reads gaps back as search-engine.js does.
    fn decode(gaps: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        let (mut id, mut value) = (-1i64, 0i64);
        for c in gaps.bytes() {
            let digit = DIGITS.iter().position(|d| *d == c).unwrap() as i64;
            if digit >= 32 {
                value = value * 32 + digit - 32;
            } else {
                id += value * 32 + digit + 1;
                ids.push(id as u32);
                value = 0;
            }
        }
        ids
    }

    fn values(text: &str) -> Vec<u8> {
        text.bytes().map(|c| DIGITS.iter().position(|d| *d == c).unwrap() as u8).collect()
    }

    fn word(text: &str, pages: impl IntoIterator<Item = (u32, u8, bool)>) -> Word {
        let pages = pages.into_iter().map(|(page, score, title)| Posting::new(page, score, title)).collect();
        Word { text: text.to_string(), pages, near: String::new() }
    }

    #[test]
    fn page_numbers_survive_gap_encoding_with_one_character_for_neighbours() {
        let ids = [0u32, 1, 2, 40, 41, 1_000, 33_000, 33_001, 1_048_600, 1_048_601 + 32 * 32 * 32];
        let mut encoded = String::new();
        push_gaps(&mut encoded, ids.iter().copied());
        assert_eq!(decode(&encoded), ids);
        assert_eq!(&encoded[..3], "000", "consecutive pages cost one character each");
        let mut largest = String::new();
        push_number(&mut largest, u32::MAX);
        assert_eq!(largest.len(), 7, "32 bits in seven groups of five");
    }

    #[test]
    fn shards_are_alphabetical_ranges_of_about_equal_size() {
        let words: Vec<Word> = (0..100).map(|n| word(&format!("w{n:03}"), (0..10).map(|id| (id, 1, false)))).collect();
        let shards: Vec<&[Word]> = shards(&words, 10, 4).into_iter().map(|range| &words[range]).collect();
        assert_eq!(shards.len(), 4);
        assert!(
            shards.iter().all(|shard| (20..=30).contains(&shard.len())),
            "{:?}",
            shards.iter().map(|shard| shard.len()).collect::<Vec<_>>()
        );
        let texts: Vec<&str> = shards.iter().flat_map(|shard| shard.iter()).map(|word| word.text.as_str()).collect();
        assert_eq!(texts, words.iter().map(|word| word.text.as_str()).collect::<Vec<_>>(), "in order, each once");
        // One word bigger than a shard's share still gets one shard, and no shard is empty.
        let mut lopsided = words;
        lopsided[0].pages = (0..10_000).map(|page| Posting::new(page, 1, false)).collect();
        assert!(super::shards(&lopsided, 10_000, 4).iter().all(|shard| !shard.is_empty()));
        assert!(super::shards(&[], 10, 4).is_empty());
    }

    #[test]
    fn words_sharing_their_first_three_letters_share_a_shard() {
        let texts = ["bea", "belief", "belong", "belonged", "belonging", "belongs", "bet", "café", "cafés", "cat"];
        let words: Vec<Word> = texts.iter().map(|text| word(text, (0..500).map(|id| (id, 1, false)))).collect();
        let shards: Vec<&[Word]> = shards(&words, 1_000, 8).into_iter().map(|range| &words[range]).collect();
        for (one, other) in [("belief", "belonging"), ("belong", "belongs"), ("café", "cafés")] {
            let shard_of = |w: &str| shards.iter().position(|shard| shard.iter().any(|word| word.text == w));
            assert_eq!(shard_of(one), shard_of(other), "{one} and {other}");
        }
        assert!(shards.len() > 3, "still split where the letters change: {}", shards.len());
        assert_eq!(prefix("café"), "caf");
        assert_eq!(prefix("ab"), "ab");
    }

    #[test]
    fn facet_codes_have_one_fixed_width_code_per_page() {
        let values: Vec<(String, String)> = (0..8).map(|n| (format!("v{n}"), format!("V{n}"))).collect();
        let multi = facet_codes(values.len(), &[vec![0, 7], vec![], vec![6]], true);
        assert_eq!(multi["width"], 2);
        assert_eq!(multi["pages"], "210010", "bits 0 and 7 make 129, 2 then 1 in base 64; bit 6 makes 64");
        let single = facet_codes(values.len(), &[vec![0], vec![3]], false);
        assert_eq!(single["width"], 1);
        assert_eq!(single["pages"], "03");
        // Codes run from 0 (none) to the number of values: 64 values need 65.
        assert_eq!(facet_codes(64, &[vec![64], vec![0]], false)["pages"], "1000");
        assert_eq!(facet_codes(63, &[vec![63]], false)["pages"], "_", "63 values fit one digit");
        assert_eq!(digits(64), 1);
        assert_eq!(digits(65), 2);
    }

    #[test]
    fn a_common_word_keeps_the_scores_of_exactly_its_best_pages() {
        // 300 pages, each page's score its number times 37 mod 64, so the best are known.
        let common = word("common", (0..300u32).map(|id| (id * 2, ((id * 37) % 64) as u8, false)));
        let value = lists_value(std::slice::from_ref(&common), &[]);
        let entry = value[0].as_array().unwrap();
        let list = &common.pages;
        assert_eq!(decode(entry[0].as_str().unwrap()), list.iter().map(|posting| posting.page()).collect::<Vec<_>>());
        let positions = decode(entry[2].as_str().unwrap());
        let scores = values(entry[1].as_str().unwrap());
        assert_eq!(positions.len(), SCORED);
        assert_eq!(scores.len(), SCORED);
        // The best pages: highest score first, the earlier page on a tie.
        let mut best: Vec<u32> = (0..list.len() as u32).collect();
        best.sort_by(|a, b| list[*b as usize].score().cmp(&list[*a as usize].score()).then(a.cmp(b)));
        best.truncate(SCORED);
        best.sort_unstable();
        assert_eq!(positions, best, "the pages kept are the best");
        for (position, score) in positions.iter().zip(&scores) {
            assert_eq!(list[*position as usize].score(), *score, "each score sits at its page's position");
        }
        assert_eq!(entry.len(), 3, "no title holds it: nothing after the best pages");
        assert_eq!(scored(list), best.iter().map(|at| *at as usize).collect::<Vec<_>>());
        // A word on fewer pages keeps every score and needs no positions.
        let rare = word("rare", (0..5).map(|id| (id, id as u8, false)));
        let value = lists_value(std::slice::from_ref(&rare), &[]);
        assert_eq!(value[0].as_array().unwrap().len(), 2);
        assert_eq!(value[0][1], "01234");
    }

    #[test]
    fn every_title_holding_a_word_is_marked_with_its_length_however_common_the_word() {
        // 1,000 pages with the word; every seventh has it in its title.
        let common = word("networks", (0..1_000u32).map(|id| (id, (id % 50) as u8, id % 7 == 0)));
        let lengths: Vec<u8> = (0..1_000).map(|id| (id % 9 + 1) as u8).collect();
        let value = lists_value(std::slice::from_ref(&common), &lengths);
        let entry = value[0].as_array().unwrap();
        assert_eq!(entry.len(), 5);
        let titles = decode(entry[3].as_str().unwrap());
        assert_eq!(titles, (0..1_000).filter(|id| id % 7 == 0).collect::<Vec<u32>>());
        let shown = values(entry[4].as_str().unwrap());
        assert_eq!(shown, titles.iter().map(|id| lengths[*id as usize]).collect::<Vec<_>>());
        // A small word with a title keeps an empty `best` to hold its place.
        let small = word("rare", [(3, 9, true)]);
        let value = lists_value(std::slice::from_ref(&small), &[0, 0, 0, 4]);
        assert_eq!(value[0], serde_json::json!(["3", "9", "", "0", "4"]));
    }

    #[test]
    fn a_position_file_maps_each_word_to_its_positions_page_by_page() {
        let mut one = word("staff", [(0, 1, false), (4, 1, false)]);
        one.near = "0A,3,".to_string();
        let two = Word { near: "5,".to_string(), ..word("quote\"word", [(1, 1, false)]) };
        let mut words = [one, two];
        let bytes = near_file(words.iter_mut());
        let parsed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(parsed, serde_json::json!({"staff": "0A,3,", "quote\"word": "5,"}));
        assert!(words.iter().all(|word| word.near.is_empty()), "let go once written");
        assert_eq!(near_file(std::iter::empty()), b"{}");
    }

    #[test]
    fn a_word_on_every_page_weighs_less_than_its_page_count_suggests() {
        // Gaps of 1 carry almost nothing; scattered pages carry their numbers.
        let dense = compressed_size(6, 10_000, 0, 10_000);
        let sparse = compressed_size(6, 1_000, 0, 10_000);
        assert!(dense < 3 * sparse, "ten times the pages, not ten times the bytes: {dense} against {sparse}");
        assert!(compressed_size(6, 1, 0, 10_000) < sparse);
        assert!(compressed_size(20, 1, 0, 10_000) > compressed_size(6, 1, 0, 10_000), "longer words weigh more");
        assert_eq!(compressed_size(4, 100, 0, 100), 4 + 8 + 13 + 200);
        assert_eq!(compressed_size(4, 100, 10, 100), 4 + 8 + 13 + 200 + 20, "titles weigh too");
    }
}
