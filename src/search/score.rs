//! Pages to words and scores: each page's fields tokenised and counted, then
//! each (word, page) pair scored with BM25 and field weights, quantised to
//! 0..=63, with whether the word is in the page's title and where on the page
//! it stands. The browser only adds these numbers up.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::hashing::{Quick, QuickMap};

use rayon::prelude::*;

use crate::config::SearchField;
use crate::content::{Kind, describe};
use crate::site::Site;

use super::encode::push_gaps;
use super::{Doc, tokenise};

/// The highest quantised score.
const MAX_SCORE: f64 = 63.0;

/// BM25's term-frequency saturation.
const K1: f64 = 1.2;

/// Added to every word's inverse document frequency, so a word on every page
/// (as "belonging" is on a belonging hub) still ranks a page with it in the
/// title above one that mentions it once, instead of scoring zero everywhere.
const IDF_FLOOR: f64 = 0.3;

/// How much a word counts in a field, and how far the field's length tempers
/// it (BM25F's weight and `b`).
fn weight(field: SearchField) -> (f64, f64) {
    match field {
        SearchField::Title => (6.0, 0.3),
        SearchField::Summary => (3.5, 0.5),
        SearchField::Headings => (2.5, 0.5),
        SearchField::Organisation => (2.0, 0.0),
        SearchField::Themes => (2.0, 0.0),
        SearchField::Region => (1.5, 0.0),
        SearchField::Questions => (1.5, 0.75),
        SearchField::Body => (1.0, 0.75),
    }
}

const FIELDS: usize = SearchField::ALL.len();

/// A count per field, in `SearchField::ALL` order.
type Frequencies = [u32; FIELDS];

/// How often a word occurs in each field of one page, up to 255: BM25 has
/// long since saturated by then, and a byte a field keeps 3 million of these
/// in 40 MB at 10,000 pages.
type Counts = [u8; FIELDS];

/// Words to what the index knows of them, hashed quickly.
type WordMap<V> = QuickMap<String, V>;

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 << 8) | u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// The text of each field of a page, as configured. A case study's outcomes
/// count as body text, in the sentences its chart describes them with.
fn field_texts<'a>(site: &'a Site, doc: &Doc<'a>) -> Vec<(SearchField, Vec<Cow<'a, str>>)> {
    let page = doc.page;
    let meta = &page.meta;
    let borrowed = |texts: Vec<&'a str>| texts.into_iter().map(Cow::Borrowed).collect::<Vec<_>>();
    site.config
        .search
        .fields
        .iter()
        .map(|&field| {
            let texts = match field {
                SearchField::Title => borrowed(vec![meta.title.as_str()]),
                SearchField::Summary => borrowed(meta.summary.iter().map(String::as_str).collect()),
                SearchField::Headings => borrowed(
                    doc.body.map(|body| body.headings.iter().map(|h| h.text.as_str()).collect()).unwrap_or_default(),
                ),
                SearchField::Body => {
                    let mut texts = borrowed(doc.body.map(|body| vec![body.text.as_str()]).unwrap_or_default());
                    if let Kind::CaseStudy(case) = &page.kind {
                        texts.extend(case.outcomes.iter().map(|outcome| Cow::Owned(describe(outcome))));
                    }
                    texts
                }
                SearchField::Organisation => borrowed(page.organisation().into_iter().collect()),
                SearchField::Region => borrowed(page.region().into_iter().collect()),
                SearchField::Themes => borrowed(
                    meta.themes
                        .iter()
                        .map(|slug| site.config.theme(slug).map_or(slug.as_str(), |theme| theme.name.as_str()))
                        .collect(),
                ),
                SearchField::Questions => match &page.kind {
                    Kind::Discussion(discussion) => borrowed(discussion.questions.iter().map(String::as_str).collect()),
                    _ => Vec::new(),
                },
            };
            (field, texts)
        })
        .collect()
}

fn field_index(field: SearchField) -> usize {
    SearchField::ALL.iter().position(|f| *f == field).unwrap_or(0)
}

/// One page's words, by number in its run's vocabulary, with how often each
/// occurs in each field; each field's length; and how many words its title
/// has. (Where each word stands is kept by the run, by word.)
///
/// Most of a page's words are only in its body: those are kept in four
/// bytes each (the number above `BODY_BITS`, the count below), and only the
/// few in other fields with a count per field. At 100,000 pages that is 34
/// million words, 270 MB less.
struct PageWords {
    fields: Vec<(u32, Counts)>,
    body: Vec<u32>,
    lengths: Frequencies,
    title_length: u8,
}

/// The bits of a packed body word that hold its count.
const BODY_BITS: u32 = 8;

impl PageWords {
    /// The page's words with their counts: those in other fields than the
    /// body first, then those only in the body.
    fn terms(&self) -> impl Iterator<Item = (u32, Counts)> + '_ {
        let body = field_index(SearchField::Body);
        let only_body = self.body.iter().map(move |packed| {
            let mut counts = [0; FIELDS];
            counts[body] = (packed & ((1 << BODY_BITS) - 1)) as u8;
            (packed >> BODY_BITS, counts)
        });
        self.fields.iter().copied().chain(only_body)
    }
}

/// Whether a word's counts on a page can be packed as a body word.
fn only_in_body(number: u32, counts: &Counts) -> bool {
    let body = field_index(SearchField::Body);
    number < 1 << (32 - BODY_BITS) && counts.iter().enumerate().all(|(field, count)| field == body || *count == 0)
}

/// A run of pages counted together (one per thread's share of the work), so
/// each word is hashed once and only a word new to the run allocates.
#[derive(Default)]
pub struct Run {
    /// The run's words, by number.
    words: Vec<String>,
    /// Word numbers by the word's hash: looking up a number in a table of
    /// plain integers, then checking the one word it names, was a third of
    /// indexing faster than a table keyed by strings scattered over the heap.
    by_hash: HashMap<u64, u32, BuildHasherDefault<Identity>>,
    /// Words whose hash an earlier, different word already has.
    collided: WordMap<u32>,
    /// Per word: whether it is a stop word, the last page it was seen on and
    /// where in that page's list it is.
    stop: Vec<bool>,
    last_page: Vec<usize>,
    slot: Vec<usize>,
    pages: Vec<PageWords>,
    /// Per word, where it stands on each of the run's pages it is on: the
    /// page's positions as gaps, ended by a comma, in page order, as the
    /// position files write them.
    near: Vec<String>,
    /// The page being counted: its words with their counts, and each word's
    /// slot in that list and position.
    terms: Vec<(u32, Counts)>,
    seen: Vec<(u32, u32)>,
}

impl Run {
    fn number(&mut self, word: &str, stop_words: &[String]) -> u32 {
        let mut hasher = Quick::default();
        hasher.write(word.as_bytes());
        let hash = hasher.finish();
        match self.by_hash.get(&hash) {
            Some(&number) if self.words[number as usize] == word => return number,
            Some(_) => {
                if let Some(&number) = self.collided.get(word) {
                    return number;
                }
                self.collided.insert(word.to_string(), self.words.len() as u32);
            }
            None => {
                self.by_hash.insert(hash, self.words.len() as u32);
            }
        }
        let number = self.words.len() as u32;
        self.words.push(word.to_string());
        self.stop.push(stop_words.binary_search_by(|stop| stop.as_str().cmp(word)).is_ok());
        self.last_page.push(usize::MAX);
        self.slot.push(0);
        self.near.push(String::new());
        number
    }

    pub(super) fn count(&mut self, site: &Site, doc: &Doc, stop_words: &[String]) {
        let page = self.pages.len();
        let title = field_index(SearchField::Title);
        let mut words = PageWords { fields: Vec::new(), body: Vec::new(), lengths: [0; FIELDS], title_length: 0 };
        // Taken out while the words are numbered, and put back for the next page.
        let mut terms = std::mem::take(&mut self.terms);
        terms.clear();
        // Every word, stop words too, takes a position; each text starts one
        // further on, so no phrase runs from one text into the next.
        let mut position = 0u32;
        self.seen.clear();
        for (field, texts) in field_texts(site, doc) {
            let field = field_index(field);
            for text in &texts {
                tokenise::tokenise_into(text, &mut |word| {
                    words.lengths[field] += 1;
                    position += 1;
                    let number = self.number(word, stop_words) as usize;
                    if self.stop[number] {
                        return;
                    }
                    if self.last_page[number] != page {
                        self.last_page[number] = page;
                        self.slot[number] = terms.len();
                        terms.push((number as u32, [0; FIELDS]));
                    }
                    let slot = self.slot[number];
                    let count = &mut terms[slot].1[field];
                    *count = count.saturating_add(1);
                    if field == title {
                        words.title_length = words.title_length.saturating_add(1);
                    }
                    self.seen.push((slot as u32, position));
                });
                position += 1;
            }
        }
        for (number, counts) in &terms {
            if only_in_body(*number, counts) {
                words.body.push(number << BODY_BITS | u32::from(counts[field_index(SearchField::Body)]));
            } else {
                words.fields.push((*number, *counts));
            }
        }
        // Grouped by word, each word's positions in order (the sort is
        // stable), added to the word's positions in the run.
        self.seen.sort_by_key(|(slot, _)| *slot);
        let mut at = 0;
        for (slot, (number, _)) in terms.iter().enumerate() {
            let start = at;
            while at < self.seen.len() && self.seen[at].0 == slot as u32 {
                at += 1;
            }
            let near = &mut self.near[*number as usize];
            push_gaps(near, self.seen[start..at].iter().map(|(_, position)| *position));
            near.push(',');
        }
        // Kept until every page is counted: no room to spare at 100,000 pages.
        words.fields.shrink_to_fit();
        words.body.shrink_to_fit();
        self.terms = terms;
        self.pages.push(words);
    }
}

/// One page a word is on: its number, the word's quantised score there, and
/// whether the word is in its title, in one `u32` (the page in the top 25
/// bits, the score in the next 6, the title in the last): at 100,000 pages
/// there are 34 million of them. A site has fewer than 2^25 (33 million)
/// pages: at 10 KB a page held in memory, more than any machine builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Posting(u32);

impl Posting {
    pub fn new(page: u32, score: u8, title: bool) -> Posting {
        Posting(page << 7 | u32::from(score.min(63)) << 1 | u32::from(title))
    }

    pub fn page(self) -> u32 {
        self.0 >> 7
    }

    pub fn score(self) -> u8 {
        (self.0 >> 1 & 63) as u8
    }

    pub fn title(self) -> bool {
        self.0 & 1 == 1
    }
}

/// One indexed word: its pages in page order, and where it stands on each
/// (each page's positions as gaps, ended by a comma).
#[derive(Debug, Default)]
pub(super) struct Word {
    pub text: String,
    pub pages: Vec<Posting>,
    pub near: String,
}

/// Every indexed word, sorted as JavaScript compares strings (UTF-16 units),
/// and how many words each page's title has.
pub(super) struct Postings {
    pub words: Vec<Word>,
    pub title_lengths: Vec<u8>,
}

/// How many pages one run counts, of a site of `pages`: four runs a thread,
/// so a thread that finishes early takes another.
pub fn run_size(pages: usize) -> usize {
    pages.div_ceil(4 * rayon::current_num_threads()).max(1)
}

impl Run {
    /// An empty run, its table sized for a hub's vocabulary.
    pub(super) fn new() -> Run {
        Run { by_hash: HashMap::with_capacity_and_hasher(1 << 14, Default::default()), ..Run::default() }
    }

    /// How many pages the run has counted.
    pub(super) fn pages(&self) -> usize {
        self.pages.len()
    }
}

/// Counts the words of `docs`, in their order, a run per `run_size` pages.
pub(super) fn count(site: &Site, docs: &[Doc], stop_words: &[String]) -> Vec<Run> {
    docs.par_chunks(run_size(docs.len()))
        .map(|docs| {
            let mut run = Run::new();
            for doc in docs {
                run.count(site, doc, stop_words);
            }
            run
        })
        .collect()
}

/// Scores the words the runs counted, their pages numbered in run order.
pub(super) fn postings(runs: Vec<Run>) -> Postings {
    let (words, renumbered) = vocabulary(&runs);
    let page_count: usize = runs.iter().map(Run::pages).sum();
    let pages = page_count as f64;
    let mut average = [0.0f64; FIELDS];
    let mut frequency: Vec<u32> = vec![0; words.len()];
    for (run, global) in runs.iter().zip(&renumbered) {
        for page in &run.pages {
            for (slot, length) in page.lengths.iter().enumerate() {
                average[slot] += f64::from(*length) / pages.max(1.0);
            }
            for (number, _) in page.terms() {
                frequency[global[number as usize] as usize] += 1;
            }
        }
    }
    let idf: Vec<f64> = frequency.iter().map(|df| idf(*df, pages)).collect();
    // Scores are quantised against the highest, so they are computed twice
    // rather than kept: 3 million floats would be 50 MB at 10,000 pages.
    let score = |global: &[u32], page: &PageWords, number: u32, tf: &Counts| {
        idf[global[number as usize] as usize] * saturate(tf, &page.lengths, &average)
    };
    let top = runs
        .par_iter()
        .zip(renumbered.par_iter())
        .flat_map_iter(|(run, global)| {
            run.pages.iter().flat_map(move |page| page.terms().map(move |(n, tf)| score(global, page, n, &tf)))
        })
        .reduce(|| 0.0, f64::max);
    // Each page's words moved into the words' lists, and the page let go.
    let title = field_index(SearchField::Title);
    let mut lists: Vec<Word> = words
        .into_iter()
        .zip(&frequency)
        .map(|(text, df)| Word { text, pages: Vec::with_capacity(*df as usize), near: String::new() })
        .collect();
    let mut title_lengths = Vec::with_capacity(page_count);
    let mut doc = 0u32;
    for (run, global) in runs.into_iter().zip(&renumbered) {
        for page in run.pages {
            for (number, tf) in page.terms() {
                let word = &mut lists[global[number as usize] as usize];
                let score = quantise(score(global, &page, number, &tf), top);
                word.pages.push(Posting::new(doc, score, tf[title] > 0));
            }
            title_lengths.push(page.title_length);
            doc += 1;
        }
        // The runs are in page order, so each word's positions follow on.
        for (number, near) in run.near.into_iter().enumerate() {
            lists[global[number] as usize].near.push_str(&near);
        }
    }
    // Stop words have a number in the vocabulary but no pages.
    lists.retain(|word| !word.pages.is_empty());
    lists.sort_by(|a, b| a.text.encode_utf16().cmp(b.text.encode_utf16()));
    Postings { words: lists, title_lengths }
}

/// One vocabulary for every run: each run's words numbered anew, in page
/// order, and for each run its numbers in the new one.
fn vocabulary(runs: &[Run]) -> (Vec<String>, Vec<Vec<u32>>) {
    let mut numbers: WordMap<u32> = WordMap::default();
    let mut words: Vec<String> = Vec::new();
    let renumbered: Vec<Vec<u32>> = runs
        .iter()
        .map(|run| {
            run.words
                .iter()
                .map(|word| {
                    *numbers.entry(word.clone()).or_insert_with(|| {
                        words.push(word.clone());
                        (words.len() - 1) as u32
                    })
                })
                .collect()
        })
        .collect();
    (words, renumbered)
}

/// How much finding a word on `df` of `pages` pages says: BM25's inverse
/// document frequency, plus `IDF_FLOOR`.
fn idf(df: u32, pages: f64) -> f64 {
    let df = f64::from(df);
    (1.0 + (pages - df + 0.5) / (df + 0.5)).ln() + IDF_FLOOR
}

/// A word's weight on a page before its rarity: per field, BM25's saturated,
/// length-normalised frequency times the field's weight, added up. Saturating
/// each field apart keeps the order title > summary > headings > body: no
/// number of mentions in the body outweighs the title.
fn saturate(tf: &Counts, lengths: &Frequencies, average: &[f64; FIELDS]) -> f64 {
    SearchField::ALL
        .iter()
        .enumerate()
        .filter(|(slot, _)| tf[*slot] > 0)
        .map(|(slot, field)| {
            let (weight, b) = weight(*field);
            let relative = if average[slot] > 0.0 { f64::from(lengths[slot]) / average[slot] } else { 1.0 };
            let frequency = f64::from(tf[slot]) / (1.0 - b + b * relative);
            weight * frequency * (K1 + 1.0) / (frequency + K1)
        })
        .sum()
}

/// A score as 0..=63 on a log scale, so small differences between weak
/// matches still order them.
fn quantise(score: f64, top: f64) -> u8 {
    if top <= 0.0 {
        return 0;
    }
    ((1.0 + score).ln() / (1.0 + top).ln() * MAX_SCORE).round().clamp(0.0, MAX_SCORE) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_posting_keeps_its_page_score_and_title_in_four_bytes() {
        assert_eq!(std::mem::size_of::<Posting>(), 4);
        for (page, score, title) in [(0, 0, false), (1, 63, true), ((1 << 25) - 1, 37, false), (40_000, 1, true)] {
            let posting = Posting::new(page, score, title);
            assert_eq!((posting.page(), posting.score(), posting.title()), (page, score, title));
        }
        assert_eq!(Posting::new(5, 200, false).score(), 63, "a score past the highest is the highest");
    }

    #[test]
    fn a_body_word_is_packed_and_any_other_keeps_its_counts_per_field() {
        let body = field_index(SearchField::Body);
        let title = field_index(SearchField::Title);
        let mut in_body = [0; FIELDS];
        in_body[body] = 255;
        let mut in_title = in_body;
        in_title[title] = 1;
        assert!(only_in_body(7, &in_body));
        assert!(!only_in_body(7, &in_title));
        assert!(only_in_body((1 << 24) - 1, &in_body), "every number of 24 bits packs");
        assert!(!only_in_body(1 << 24, &in_body), "a number past 24 bits keeps its counts apart");
        let page = PageWords {
            fields: vec![(3, in_title)],
            body: vec![7 << BODY_BITS | 255, 9 << BODY_BITS | 2],
            lengths: [0; FIELDS],
            title_length: 1,
        };
        let mut twice = [0; FIELDS];
        twice[body] = 2;
        assert_eq!(page.terms().collect::<Vec<_>>(), [(3, in_title), (7, in_body), (9, twice)]);
    }

    #[test]
    fn rarity_is_bm25_idf_with_a_floor() {
        assert!((idf(1, 10.0) - ((1.0f64 + 9.5 / 1.5).ln() + 0.3)).abs() < 1e-12);
        assert!((idf(10, 10.0) - ((1.0f64 + 0.5 / 10.5).ln() + 0.3)).abs() < 1e-12);
        assert!(idf(1, 10.0) > idf(5, 10.0) && idf(5, 10.0) > idf(10, 10.0));
        assert!(idf(10, 10.0) > 0.3, "a word on every page still counts");
    }

    #[test]
    fn field_weights_saturate_each_field_apart() {
        // Title once, at its average length: weight 6 times 1.
        // Body four times, at twice its average length: b = 0.75 makes the
        // frequency 4 / 1.75, saturated with k1 = 1.2.
        let average = [10.0, 0.0, 0.0, 100.0, 0.0, 0.0, 0.0, 0.0];
        let lengths = [10, 0, 0, 200, 0, 0, 0, 0];
        let body = 4.0 / 1.75;
        let expected = 6.0 + body * 2.2 / (body + 1.2);
        let actual = saturate(&[1, 0, 0, 4, 0, 0, 0, 0], &lengths, &average);
        assert!((actual - expected).abs() < 1e-9, "{actual} against {expected}");
        // A field no page has (average 0) is not normalised.
        assert!((saturate(&[0, 1, 0, 0, 0, 0, 0, 0], &lengths, &average) - 3.5).abs() < 1e-9);
        assert_eq!(saturate(&[0; FIELDS], &lengths, &average), 0.0);
    }

    #[test]
    fn quantising_is_logarithmic_against_the_highest_score() {
        let top = 1f64.exp() - 1.0; // ln(1 + top) = 1
        assert_eq!(quantise(0.25f64.exp() - 1.0, top), 16, "a quarter of the way on the log scale: 63 / 4");
        assert_eq!(quantise(0.5f64.exp() - 1.0 + 1e-9, top), 32);
    }

    #[test]
    fn words_whose_hashes_collide_keep_numbers_of_their_own() {
        let mut run = Run::default();
        assert_eq!(run.number("alpha", &[]), 0);
        // Make "beta" look, by its hash, like the word numbered 0.
        let mut hasher = Quick::default();
        hasher.write(b"beta");
        run.by_hash.insert(hasher.finish(), 0);
        assert_eq!(run.number("beta", &[]), 1);
        assert_eq!(run.number("beta", &[]), 1);
        assert_eq!(run.number("alpha", &[]), 0);
        assert_eq!(run.number("the", &["the".to_string()]), 2);
        assert_eq!(run.words, ["alpha", "beta", "the"]);
        assert_eq!(run.stop, [false, false, true]);
    }

    #[test]
    fn quantised_scores_keep_their_order_and_range() {
        let top = 20.0;
        let quantised: Vec<u8> = [0.0, 0.05, 0.5, 2.0, 10.0, 20.0, 40.0].iter().map(|s| quantise(*s, top)).collect();
        assert_eq!(quantised[0], 0);
        assert_eq!(quantised[5], 63);
        assert_eq!(quantised[6], 63, "clamped");
        assert!(quantised.windows(2).all(|pair| pair[0] <= pair[1]), "{quantised:?}");
        assert!(quantised[1] > 0, "a weak match still scores");
        assert_eq!(quantise(3.0, 0.0), 0);
    }

    #[test]
    fn a_title_match_outweighs_any_number_of_body_mentions() {
        let average = [8.0, 20.0, 10.0, 800.0, 5.0, 3.0, 2.0, 20.0];
        let lengths = [8, 20, 10, 800, 5, 3, 2, 0];
        let title = saturate(&[1, 0, 0, 0, 0, 0, 0, 0], &lengths, &average);
        let summary = saturate(&[0, 1, 0, 0, 0, 0, 0, 0], &lengths, &average);
        let heading = saturate(&[0, 0, 1, 0, 0, 0, 0, 0], &lengths, &average);
        let body = saturate(&[0, 0, 0, 50, 0, 0, 0, 0], &lengths, &average);
        assert!(title > summary && summary > heading && heading > body, "{title} {summary} {heading} {body}");
        let both = saturate(&[1, 0, 0, 3, 0, 0, 0, 0], &lengths, &average);
        assert!(both > title, "more fields, more weight");
    }
}
