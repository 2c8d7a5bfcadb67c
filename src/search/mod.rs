//! The search index: made once per build from the site model and the rendered
//! bodies, written as the files `SearchPlan` names, read by the browser's
//! `search-engine.js`. Pure: no I/O.
//!
//! Scores are computed here, not in the browser: each (word, page) pair gets
//! its BM25 score with field weights (title > summary > headings > body),
//! quantised to 0..=63. A query then only adds up numbers it downloads.
//!
//! The files (JSON, so hosts gzip them):
//! - `search/index.json`, the manifest: the format, the first word of each term
//!   shard, the stop words, how many pages a result chunk holds, and a
//!   version the browser adds to every other file's URL so a new build is
//!   never read against an old cache. Small hubs get everything inline here.
//! - `search/facets.json`: the theme, type, organisation, region and audience
//!   values, and each page's values as fixed-width codes (two to five
//!   characters a page at 10,000 pages).
//! - `search/terms/<n>.json`: words of one alphabetical range, as
//!   `[word, gaps, scores]`: the pages' numbers as gaps (base-32 digits, the
//!   upper half of the alphabet meaning "more digits follow") and one
//!   character per page for the score. A word on more than `SCORED` pages
//!   keeps the scores of its best pages only, and adds a fourth string: their
//!   positions in its page list, as gaps.
//! - `search/docs/<n>.json`: a run of pages as `[title, path, type, organisation,
//!   date, excerpt]`, the type and organisation as facet codes.
//!
//! Pages are numbered sorted by type, organisation and region, so the facet
//! codes form long runs that compress to almost nothing.

pub mod tokenise;

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::config::SearchField;
use crate::content::{Audience, Kind, KindName, Page, PageKey, describe};
use crate::markdown::Rendered;
use crate::site::{SearchFile, Site};

/// Bumped when the files change shape, so the browser can refuse a mismatch.
pub const FORMAT: u32 = 1;

/// Words too common to find anything with, never indexed nor searched for.
/// `[search] stop_words` adds to them.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "so", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "to", "was", "we", "were", "which", "with", "our", "us",
];

/// The 64 characters the index writes numbers with; a value is its position.
const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// The highest quantised score.
const MAX_SCORE: f64 = 63.0;

/// How many of a word's pages keep their score: its best ones. Its other
/// pages still match (they count, and filters see them) but rank after these,
/// in page order. Dropping the scores of the many pages where a common word
/// is only mentioned makes its shard a fraction of the size.
pub const SCORED: usize = 128;

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

/// The search index files, by file.
#[derive(Debug, Default)]
pub struct Index {
    files: HashMap<SearchFile, Vec<u8>>,
}

impl Index {
    /// The bytes of one index file; `None` when the site has no such file.
    pub fn file(&self, file: SearchFile) -> Option<&[u8]> {
        self.files.get(&file).map(Vec::as_slice)
    }
}

/// One page as the index sees it.
struct Doc<'a> {
    key: &'a PageKey,
    page: &'a Page,
    body: Option<&'a Rendered>,
}

/// Builds the index files for `site`, reading each page's rendered `bodies`.
/// Empty when search is off.
pub fn index(site: &Site, bodies: &HashMap<PageKey, Rendered>) -> Index {
    let Some(plan) = site.routes.search_plan() else { return Index::default() };
    let mut docs: Vec<Doc> = site.pages.iter().map(|(key, page)| Doc { key, page, body: bodies.get(key) }).collect();
    docs.sort_by(|a, b| {
        let (a_page, b_page) = (a.page, b.page);
        (a_page.kind_name(), a_page.organisation(), a_page.region(), a.key).cmp(&(
            b_page.kind_name(),
            b_page.organisation(),
            b_page.region(),
            b.key,
        ))
    });
    let stop_words = stop_words(site);
    let postings = postings(site, &docs, &stop_words);
    let facets = facets(site, &docs);
    let chunk_size = docs.len().div_ceil(plan.chunks).max(1);
    let mut chunks: Vec<Value> =
        docs.chunks(chunk_size).map(|run| run.iter().map(|doc| record(site, doc, &facets.codes)).collect()).collect();
    chunks.resize(plan.chunks.max(chunks.len()), Value::Array(Vec::new()));
    let shards = shards(&postings, docs.len(), plan.shards);
    // A word belongs to the last shard whose first word is not after it; the
    // first shard starts at "" so every word has one.
    let firsts: Vec<&str> = shards
        .iter()
        .enumerate()
        .map(|(number, shard)| if number == 0 { "" } else { shard.first().map_or("", |entry| entry.0) })
        .collect();
    let mut manifest = json!({
        "format": FORMAT,
        "pages": docs.len(),
        "chunk": chunk_size,
        "shards": firsts,
        "stop": stop_words,
    });
    let mut files = HashMap::new();
    if plan.inline {
        let mut inline = Map::new();
        inline.insert("facets".to_string(), facets.value);
        inline.insert("terms/0".to_string(), shard_value(shards.first().map_or(&[][..], Vec::as_slice)));
        inline.insert("docs/0".to_string(), chunks.into_iter().next().unwrap_or(Value::Array(Vec::new())));
        manifest["inline"] = Value::Object(inline);
    } else {
        files.insert(SearchFile::Facets, encode(&facets.value));
        let encoded: Vec<Vec<u8>> = (0..plan.shards)
            .into_par_iter()
            .map(|number| encode(&shard_value(shards.get(number).map_or(&[][..], Vec::as_slice))))
            .collect();
        for (number, bytes) in encoded.into_iter().enumerate() {
            files.insert(SearchFile::Terms(number), bytes);
        }
        for (number, chunk) in chunks.iter().enumerate() {
            files.insert(SearchFile::Docs(number), encode(chunk));
        }
        manifest["version"] = Value::String(version(&files));
    }
    files.insert(SearchFile::Manifest, encode(&manifest));
    Index { files }
}

/// A value as compact JSON.
fn encode(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

/// The built-in stop words and the hub's own, folded as search words are.
fn stop_words(site: &Site) -> Vec<String> {
    let mut words: Vec<String> = STOP_WORDS.iter().map(|word| word.to_string()).collect();
    for extra in &site.config.search.stop_words {
        words.extend(tokenise::tokenise(extra));
    }
    words.sort();
    words.dedup();
    words
}

/// A version string for the files: a hash of their bytes, in file order.
fn version(files: &HashMap<SearchFile, Vec<u8>>) -> String {
    let mut sorted: Vec<(&SearchFile, &Vec<u8>)> = files.iter().collect();
    sorted.sort_by_key(|(file, _)| **file);
    let mut hash = Quick::default();
    for (_, bytes) in sorted {
        hash.write(bytes);
    }
    format!("{:016x}", hash.finish())
}

/// A fast, stable hash (the multiply-and-rotate one rustc uses, eight bytes
/// at a time) for the index's word maps, where the standard library's
/// SipHash, made to resist hostile keys, was a fifth of indexing; and for the
/// version string, which must not change between builds.
#[derive(Default)]
struct Quick(u64);

impl Quick {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for Quick {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(eight));
        }
        let mut rest = [0u8; 8];
        rest[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(rest) ^ bytes.len() as u64);
    }
}

type WordMap<V> = HashMap<String, V, BuildHasherDefault<Quick>>;

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
/// occurs in each field; and each field's length.
struct PageWords {
    terms: Vec<(u32, Frequencies)>,
    lengths: Frequencies,
}

/// A run of pages counted together (one per thread's share of the work), so
/// each word is hashed once and only a word new to the run allocates.
#[derive(Default)]
struct Run {
    /// The run's words, by number.
    words: Vec<String>,
    numbers: WordMap<u32>,
    /// Per word: whether it is a stop word, the last page it was seen on and
    /// where in that page's list it is.
    stop: Vec<bool>,
    last_page: Vec<usize>,
    slot: Vec<usize>,
    pages: Vec<PageWords>,
}

impl Run {
    fn number(&mut self, word: &str, stop_words: &[String]) -> u32 {
        if let Some(number) = self.numbers.get(word) {
            return *number;
        }
        let number = self.words.len() as u32;
        self.words.push(word.to_string());
        self.numbers.insert(word.to_string(), number);
        self.stop.push(stop_words.binary_search_by(|stop| stop.as_str().cmp(word)).is_ok());
        self.last_page.push(usize::MAX);
        self.slot.push(0);
        number
    }

    fn count(&mut self, site: &Site, doc: &Doc, stop_words: &[String]) {
        let page = self.pages.len();
        let mut words = PageWords { terms: Vec::new(), lengths: [0; FIELDS] };
        for (field, texts) in field_texts(site, doc) {
            let field = field_index(field);
            for text in &texts {
                tokenise::tokenise_into(text, &mut |word| {
                    words.lengths[field] += 1;
                    let number = self.number(word, stop_words) as usize;
                    if self.stop[number] {
                        return;
                    }
                    if self.last_page[number] != page {
                        self.last_page[number] = page;
                        self.slot[number] = words.terms.len();
                        words.terms.push((number as u32, [0; FIELDS]));
                    }
                    words.terms[self.slot[number]].1[field] += 1;
                });
            }
        }
        self.pages.push(words);
    }
}

/// Every word with the pages it is on, as (page number, quantised score) in
/// page order; words sorted as JavaScript compares strings (UTF-16 units).
fn postings(site: &Site, docs: &[Doc], stop_words: &[String]) -> Vec<(String, Vec<(u32, u8)>)> {
    let run_size = docs.len().div_ceil(4 * rayon::current_num_threads()).max(1);
    let runs: Vec<Run> = docs
        .par_chunks(run_size)
        .map(|docs| {
            let mut run =
                Run { numbers: WordMap::with_capacity_and_hasher(1 << 14, Default::default()), ..Run::default() };
            for doc in docs {
                run.count(site, doc, stop_words);
            }
            run
        })
        .collect();
    // One vocabulary: each run's words numbered anew, in page order.
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
    let per_doc: Vec<(Vec<(u32, Frequencies)>, Frequencies)> = runs
        .into_par_iter()
        .zip(renumbered.par_iter())
        .flat_map_iter(|(run, global)| {
            run.pages.into_iter().map(move |page| {
                let terms = page.terms.into_iter().map(|(number, tf)| (global[number as usize], tf)).collect();
                (terms, page.lengths)
            })
        })
        .collect();
    let pages = docs.len() as f64;
    let mut average = [0.0f64; FIELDS];
    let mut frequency: Vec<u32> = vec![0; words.len()];
    for (terms, lengths) in &per_doc {
        for (slot, length) in lengths.iter().enumerate() {
            average[slot] += f64::from(*length) / pages.max(1.0);
        }
        for (number, _) in terms {
            frequency[*number as usize] += 1;
        }
    }
    let idf: Vec<f64> = frequency
        .iter()
        .map(|df| {
            let df = f64::from(*df);
            (1.0 + (pages - df + 0.5) / (df + 0.5)).ln() + IDF_FLOOR
        })
        .collect();
    let scored: Vec<Vec<(u32, f64)>> = per_doc
        .par_iter()
        .map(|(terms, lengths)| {
            terms.iter().map(|(id, tf)| (*id, idf[*id as usize] * saturate(tf, lengths, &average))).collect()
        })
        .collect();
    let top = scored.par_iter().flatten().map(|(_, score)| *score).reduce(|| 0.0, f64::max);
    let quantised: Vec<Vec<(u32, u8)>> = scored
        .into_par_iter()
        .map(|terms| terms.into_iter().map(|(id, score)| (id, quantise(score, top))).collect())
        .collect();
    let mut lists: Vec<Vec<(u32, u8)>> = frequency.iter().map(|df| Vec::with_capacity(*df as usize)).collect();
    for (doc, terms) in quantised.iter().enumerate() {
        for (id, score) in terms {
            lists[*id as usize].push((doc as u32, *score));
        }
    }
    // Stop words have a number in the vocabulary but no pages.
    let mut postings: Vec<(String, Vec<(u32, u8)>)> =
        words.into_iter().zip(lists).filter(|(_, list)| !list.is_empty()).collect();
    postings.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    postings
}

/// A word's weight on a page before its rarity: per field, BM25's saturated,
/// length-normalised frequency times the field's weight, added up. Saturating
/// each field apart keeps the order title > summary > headings > body: no
/// number of mentions in the body outweighs the title.
fn saturate(tf: &[u32; FIELDS], lengths: &[u32; FIELDS], average: &[f64; FIELDS]) -> f64 {
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

type Entry<'a> = (&'a str, &'a [(u32, u8)]);

/// Splits the sorted words of a site of `pages` pages into at most `count`
/// alphabetical ranges of about equal size once compressed.
fn shards(postings: &[(String, Vec<(u32, u8)>)], pages: usize, count: usize) -> Vec<Vec<Entry<'_>>> {
    let size = |entry: &(String, Vec<(u32, u8)>)| compressed_size(entry.0.len(), entry.1.len(), pages);
    let total: usize = postings.iter().map(size).sum::<usize>().max(1);
    let mut shards: Vec<Vec<Entry>> = Vec::new();
    let mut before = 0;
    let mut current = usize::MAX;
    for entry in postings {
        let target = (before * count / total).min(count.saturating_sub(1));
        if target != current || shards.is_empty() {
            shards.push(Vec::new());
            current = target;
        }
        if let Some(shard) = shards.last_mut() {
            shard.push((entry.0.as_str(), entry.1.as_slice()));
        }
        before += size(entry);
    }
    shards
}

/// A shard as `[word, gaps, scores]` per word; a word on more than `SCORED`
/// pages adds the positions (in its page list, as gaps) of the pages its
/// scores are for.
/// About how many bytes a word's entry takes once gzipped: the information in
/// its page gaps (a word on every page costs almost nothing), a byte or two
/// per scored page, and the word itself.
fn compressed_size(word: usize, list: usize, pages: usize) -> usize {
    let bits_per_gap = (1.0 + pages as f64 / list.max(1) as f64).log2();
    word + 8 + (list as f64 * bits_per_gap / 8.0).ceil() as usize + 2 * list.min(SCORED)
}

fn shard_value(shard: &[Entry]) -> Value {
    Value::Array(
        shard
            .iter()
            .map(|(word, list)| {
                if list.len() <= SCORED {
                    return json!([word, gaps(list), scores(list)]);
                }
                let mut best: Vec<usize> = (0..list.len()).collect();
                best.select_nth_unstable_by(SCORED - 1, |a, b| list[*b].1.cmp(&list[*a].1).then(a.cmp(b)));
                best.truncate(SCORED);
                best.sort_unstable();
                let top: Vec<(u32, u8)> = best.iter().map(|&at| (at as u32, list[at].1)).collect();
                json!([word, gaps(list), scores(&top), gaps(&top)])
            })
            .collect(),
    )
}

/// Page numbers as gaps from the one before (minus one), in base-32 digits.
fn gaps(list: &[(u32, u8)]) -> String {
    let mut out = String::with_capacity(list.len());
    let mut previous: i64 = -1;
    for (doc, _) in list {
        let gap = (i64::from(*doc) - previous - 1) as u64;
        previous = i64::from(*doc);
        let mut groups = Vec::new();
        let mut rest = gap;
        loop {
            groups.push((rest % 32) as usize);
            rest /= 32;
            if rest == 0 {
                break;
            }
        }
        for (position, group) in groups.iter().rev().enumerate() {
            let more = if position + 1 < groups.len() { 32 } else { 0 };
            out.push(DIGITS[group + more] as char);
        }
    }
    out
}

fn scores(list: &[(u32, u8)]) -> String {
    list.iter().map(|(_, score)| DIGITS[usize::from(*score)] as char).collect()
}

/// The facet vocabularies and each page's codes.
struct Facets {
    value: Value,
    /// Each page's type and organisation codes, for its result record.
    codes: HashMap<PageKey, (usize, usize)>,
}

fn facets(site: &Site, docs: &[Doc]) -> Facets {
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
    let position = |values: &[(String, String)], name: Option<&str>| {
        name.and_then(|name| values.iter().position(|(_, value)| value == name)).map_or(0, |index| index + 1)
    };
    let mut codes = HashMap::new();
    let mut columns: [Vec<Vec<usize>>; 5] = Default::default();
    for doc in docs {
        let page = doc.page;
        let kind = KindName::ALL.iter().position(|kind| *kind == page.kind_name()).map_or(0, |index| index + 1);
        let organisation = position(&organisations, page.organisation());
        codes.insert(doc.key.clone(), (kind, organisation));
        let theme_codes =
            page.meta.themes.iter().filter_map(|slug| themes.iter().position(|(s, _)| s == slug)).collect();
        let audience_codes = page.audience().iter().filter_map(|a| Audience::ALL.iter().position(|b| b == a)).collect();
        columns[0].push(theme_codes);
        columns[1].push(vec![kind]);
        columns[2].push(vec![organisation]);
        columns[3].push(vec![position(&regions, page.region())]);
        columns[4].push(audience_codes);
    }
    let [theme, kind, organisation, region, audience] = columns;
    let value = json!({
        "theme": facet(&themes, &theme, true),
        "type": facet(&kinds, &kind, false),
        "organisation": facet(&organisations, &organisation, false),
        "region": facet(&regions, &region, false),
        "audience": facet(&audiences, &audience, true),
    });
    Facets { value, codes }
}

/// One facet: its values as `[slug, name]` and every page's code, each
/// `width` characters. A multi-valued facet's code is a bit set of value
/// positions, six to a character; a single value's is its position plus one,
/// 0 meaning none.
fn facet(values: &[(String, String)], pages: &[Vec<usize>], multi: bool) -> Value {
    let width = if multi { values.len().div_ceil(6) } else { digits(values.len() + 1) };
    let mut codes = String::with_capacity(width * pages.len());
    for page in pages {
        let number: u128 = if multi { page.iter().map(|bit| 1u128 << bit).sum() } else { page[0] as u128 };
        for place in (0..width).rev() {
            codes.push(DIGITS[((number >> (6 * place)) & 63) as usize] as char);
        }
    }
    json!({ "values": values, "multi": multi, "width": width, "pages": codes })
}

/// How many base-64 digits write numbers below `limit`.
fn digits(limit: usize) -> usize {
    let mut width = 1;
    while 64usize.pow(width as u32) < limit {
        width += 1;
    }
    width
}

fn record(site: &Site, doc: &Doc, codes: &HashMap<PageKey, (usize, usize)>) -> Value {
    let meta = &doc.page.meta;
    let (kind, organisation) = codes.get(doc.key).copied().unwrap_or_default();
    let date = meta.date.map(|date| date.to_string()).unwrap_or_default();
    let excerpt = match &meta.summary {
        Some(summary) => summary.clone(),
        None => opening(doc.body.map_or("", |body| body.text.as_str())),
    };
    json!([meta.title, site.path(doc.key), kind, organisation, date, excerpt])
}

/// The first 30 words of a text, for a page without a summary.
fn opening(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(31).collect();
    if words.len() > 30 { format!("{}…", words[..30].join(" ")) } else { words.join(" ") }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn page_numbers_survive_gap_encoding_with_one_character_for_neighbours() {
        let ids = [0u32, 1, 2, 40, 41, 1_000, 33_000, 33_001, 1_048_600];
        let list: Vec<(u32, u8)> = ids.iter().map(|id| (*id, 5)).collect();
        let encoded = gaps(&list);
        assert_eq!(decode(&encoded), ids);
        assert_eq!(&encoded[..3], "000", "consecutive pages cost one character each");
        assert_eq!(scores(&list), "555555555");
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

    #[test]
    fn shards_are_alphabetical_ranges_of_about_equal_size() {
        let postings: Vec<(String, Vec<(u32, u8)>)> =
            (0..100).map(|n| (format!("w{n:03}"), (0..10).map(|id| (id, 1)).collect())).collect();
        let shards = shards(&postings, 10, 4);
        assert_eq!(shards.len(), 4);
        assert!(
            shards.iter().all(|shard| (20..=30).contains(&shard.len())),
            "{:?}",
            shards.iter().map(Vec::len).collect::<Vec<_>>()
        );
        let words: Vec<&str> = shards.iter().flatten().map(|entry| entry.0).collect();
        assert_eq!(words, postings.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), "in order, each once");
        // One word bigger than a shard's share still gets one shard, and no shard is empty.
        let mut lopsided = postings.clone();
        lopsided[0].1 = (0..10_000).map(|id| (id, 1)).collect();
        assert!(shards_of(&lopsided, 4).iter().all(|shard| !shard.is_empty()));
    }

    fn shards_of(postings: &[(String, Vec<(u32, u8)>)], count: usize) -> Vec<Vec<Entry<'_>>> {
        shards(postings, 10_000, count)
    }

    #[test]
    fn facet_codes_have_one_fixed_width_code_per_page() {
        let values: Vec<(String, String)> = (0..8).map(|n| (format!("v{n}"), format!("V{n}"))).collect();
        let multi = facet(&values, &[vec![0, 7], vec![], vec![6]], true);
        assert_eq!(multi["width"], 2);
        assert_eq!(multi["pages"], "210010", "bits 0 and 7 make 129, 2 then 1 in base 64; bit 6 makes 64");
        let single = facet(&values, &[vec![0], vec![3]], false);
        assert_eq!(single["width"], 1);
        assert_eq!(single["pages"], "03");
        assert_eq!(digits(64), 1);
        assert_eq!(digits(65), 2);
    }
}
