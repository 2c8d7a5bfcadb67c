//! The search index: made once per build from the site model and the rendered
//! bodies, written as the files `SearchPlan` names, read by the browser's
//! `search-engine.js`. Pure: no I/O.
//!
//! Scores are computed here, not in the browser: each (word, page) pair gets
//! its BM25 score with field weights (title > summary > headings > body),
//! quantised to 0..=63. A query then only adds up numbers it downloads.
//!
//! Nothing is cut to keep the files small: every page a word is on is in its
//! list, so a query's "every word" is exact, and every title holding a word
//! is marked, so a query that is a page's title finds it first however
//! common its words. What is left out is detail: a common word keeps the
//! scores of its best pages only (`SCORED`), and positions, which only a
//! quoted phrase needs, are in files of their own.
//!
//! Most queries are one word, typed and read: for those the build works
//! out the answer itself (`alone`), as the engine would, so the reader
//! downloads that word's term shard and nothing else, not the page lists of
//! every word beside it nor every page's facets.
//!
//! The files (JSON, so hosts gzip them), format `FORMAT`:
//! - `search/index.json`, the manifest: the format, the first word of each term
//!   shard, how many term shards share a position file, the stop words, how
//!   many pages a result chunk holds, each facet's values as `[slug, name]`,
//!   and a version the browser adds to every other file's URL so a new build
//!   is never read against an old cache. Small hubs get everything inline
//!   here, by file name (`terms/0`, `lists/0`, `near/0`...).
//! - `search/facets.json`: each page's theme, type, organisation, region and
//!   audience as fixed-width codes (two to five characters a page at 10,000
//!   pages).
//! - `search/terms/<n>.json`: the words of one alphabetical range, each with
//!   what a query of it alone shows: how many pages it is on and how many
//!   its query finds, their facet counts, the first page of results and the
//!   word that found each; then the records of the pages those results name
//!   (see `encode::terms_value`).
//! - `search/lists/<n>.json`: the same words' page lists, in the same order,
//!   as `[pages, scores, best, titles, title lengths]` (see
//!   `encode::lists_value`): numbers as gaps in base-32 digits (the upper
//!   half of the alphabet meaning "more digits follow"), scores and lengths
//!   as one character each.
//! - `search/near/<n>.json`: for the words of term shards `2n` and `2n + 1`,
//!   where each stands on each of its pages: `{word: positions}`, a page's
//!   positions as gaps ended by a comma, in the order of the word's pages.
//!   Every word of a page's texts counts a position, stop words too; each
//!   text (title, summary, each heading...) starts one further on.
//! - `search/docs/<n>.json`: a run of pages as `[title, path, type, organisation,
//!   date, excerpt]`, the type and organisation as facet codes.
//!
//! Pages are numbered sorted by type, organisation and region, so the facet
//! codes form long runs that compress to almost nothing.

mod alone;
mod encode;
mod score;
pub mod tokenise;

use std::collections::HashMap;
use std::hash::Hasher;
use std::ops::Range;

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::content::{Page, PageKey};
use crate::markdown::Rendered;
use crate::site::Site;

use crate::hashing::Quick;
use encode::{facets, lists_value, near_file, shards, terms_value};
use score::{count, postings};

pub use score::{Run, run_size};

pub use crate::site::{SearchFile, SearchPlan};
pub use encode::SCORED;

/// The theme's search engine, which reads these files.
const ENGINE: &str = include_str!("../../themes/hub/static/search-engine.js");

/// The shape of the files, as `search-engine.js` declares it (`var FORMAT =
/// 3;`), which is the one place it is written: a change to the files bumps
/// it there, and the browser refuses a manifest of another format.
pub const FORMAT: u32 = declared_format(ENGINE.as_bytes());

const fn declared_format(engine: &[u8]) -> u32 {
    let needle = b"var FORMAT = ";
    let mut at = 0;
    while at + needle.len() <= engine.len() {
        let mut matched = 0;
        while matched < needle.len() && engine[at + matched] == needle[matched] {
            matched += 1;
        }
        if matched == needle.len() {
            let mut end = at + matched;
            let mut format = 0;
            while end < engine.len() && engine[end].is_ascii_digit() {
                format = format * 10 + (engine[end] - b'0') as u32;
                end += 1;
            }
            assert!(end > at + matched, "search-engine.js: `var FORMAT = ` is not followed by a number");
            return format;
        }
        at += 1;
    }
    panic!("search-engine.js declares no `var FORMAT = <number>;`")
}

/// Words too common to find anything with, never indexed nor searched for.
/// `[search] stop_words` adds to them.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "so", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "to", "was", "we", "were", "which", "with", "our", "us",
];

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

    /// Takes the bytes of one index file out, to write them and let go.
    pub fn take(&mut self, file: SearchFile) -> Option<Vec<u8>> {
        self.files.remove(&file)
    }
}

/// One page as the index sees it.
pub(super) struct Doc<'a> {
    key: &'a PageKey,
    page: &'a Page,
    body: Option<&'a Rendered>,
}

/// Where a page stands in the index's numbering: sorted by type,
/// organisation and region, then by key.
pub fn order<'a>(key: &'a PageKey, page: &'a Page) -> impl Ord + 'a {
    (page.kind_name(), page.organisation(), page.region(), key)
}

/// Counts each page's words as its body is made, so a build need not keep
/// the body's text: `build` and `check` count their bodies in `order`, a
/// run of `run_size` pages at a time, and hand the runs to `index`.
pub struct Counter<'a> {
    site: &'a Site,
    stop_words: Vec<String>,
}

/// The words of every page of a site, counted in `order` by a `Counter`.
pub struct Counted(Vec<Run>);

impl<'a> Counter<'a> {
    /// A counter for `site`'s pages; `None` when search is off.
    pub fn new(site: &'a Site) -> Option<Counter<'a>> {
        site.routes.search_plan()?;
        Some(Counter { site, stop_words: stop_words(site) })
    }

    /// An empty run, to count the next run of pages into.
    pub fn run(&self) -> Run {
        Run::new()
    }

    /// Counts the words of the page `key`, whose body is `body`, into
    /// `run`, and lets go of the body's text but what its search result
    /// shows.
    pub fn count(&self, run: &mut Run, key: &PageKey, body: &mut Rendered) {
        let page = self.site.page(key);
        run.count(self.site, &Doc { key, page, body: Some(body) }, &self.stop_words);
        if page.meta.summary.is_some() {
            body.text = String::new();
        } else {
            body.text.truncate(opening_end(&body.text));
            body.text.shrink_to_fit();
        }
    }
}

impl std::fmt::Debug for Counted {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "Counted({} pages)", self.0.iter().map(Run::pages).sum::<usize>())
    }
}

impl Counted {
    /// The runs, counted in `order`.
    pub fn new(runs: Vec<Run>) -> Counted {
        Counted(runs)
    }
}

/// Builds the index files for `site`, reading each page's rendered body
/// (`body` gives it, when the page has one). With `counted`, the words a
/// `Counter` counted as the bodies were made are used, and the bodies'
/// text is not read but for results' excerpts. Empty when search is off.
pub fn index<'a>(site: &'a Site, body: impl Fn(&PageKey) -> Option<&'a Rendered>, counted: Option<Counted>) -> Index {
    let Some(plan) = site.routes.search_plan() else { return Index::default() };
    let mut docs: Vec<Doc> = site.pages.iter().map(|(key, page)| Doc { key, page, body: body(key) }).collect();
    docs.sort_by(|a, b| order(a.key, a.page).cmp(&order(b.key, b.page)));
    let stop_words = stop_words(site);
    // Counted in the same `order` from the same site, so one run's pages
    // follow another's as `docs` does.
    let runs = match counted {
        Some(Counted(runs)) => runs,
        None => count(site, &docs, &stop_words),
    };
    debug_assert_eq!(runs.iter().map(Run::pages).sum::<usize>(), docs.len());
    let postings = postings(runs);
    let facets = facets(site, &docs);
    let chunk_size = docs.len().div_ceil(plan.chunks).max(1);
    let mut chunks: Vec<Value> = docs
        .chunks(chunk_size)
        .zip(facets.codes.chunks(chunk_size))
        .map(|(run, codes)| run.iter().zip(codes).map(|(doc, code)| record(site, doc, *code)).collect())
        .collect();
    chunks.resize(plan.chunks.max(chunks.len()), Value::Array(Vec::new()));
    let mut postings = postings;
    let ranges = shards(&postings.words, docs.len(), plan.shards);
    let mut manifest = json!({
        "format": FORMAT,
        "pages": docs.len(),
        "chunk": chunk_size,
        "shards": firsts(&ranges, &postings.words),
        "near_every": SearchPlan::SHARDS_PER_NEAR,
        "stop": stop_words,
        "values": facets.values,
        "shortcuts": shortcuts(),
    });
    // Positions first: writing them lets them go.
    let near = near_files(plan, &ranges, &mut postings.words);
    let words = &postings.words;
    let lengths = &postings.title_lengths;
    let shard = |number: usize| ranges.get(number).map_or(&[][..], |range| &words[range.clone()]);
    let record = |page: u32| {
        let page = page as usize;
        chunks.get(page / chunk_size).and_then(|chunk| chunk.get(page % chunk_size)).cloned().unwrap_or(Value::Null)
    };
    let term_files = |number: usize| term_files(shard(number), lengths, &facets.columns, record);
    let mut files = HashMap::new();
    if plan.inline {
        let (terms, lists) = term_files(0);
        let mut inline = Map::new();
        inline.insert("facets".to_string(), facets.value);
        inline.insert("terms/0".to_string(), terms);
        inline.insert("lists/0".to_string(), lists);
        let near = near.first().map_or(Value::Null, |bytes| serde_json::from_slice(bytes).unwrap_or(Value::Null));
        inline.insert("near/0".to_string(), near);
        inline.insert("docs/0".to_string(), chunks.into_iter().next().unwrap_or(Value::Array(Vec::new())));
        manifest["inline"] = Value::Object(inline);
    } else {
        files.insert(SearchFile::Facets, encode(&facets.value));
        let encoded: Vec<(Vec<u8>, Vec<u8>)> = (0..plan.shards)
            .into_par_iter()
            .map(|number| {
                let (terms, lists) = term_files(number);
                (encode(&terms), encode(&lists))
            })
            .collect();
        for (number, (terms, lists)) in encoded.into_iter().enumerate() {
            files.insert(SearchFile::Terms(number), terms);
            files.insert(SearchFile::Lists(number), lists);
        }
        for (number, bytes) in near.into_iter().enumerate() {
            files.insert(SearchFile::Near(number), bytes);
        }
        for (number, chunk) in chunks.iter().enumerate() {
            files.insert(SearchFile::Docs(number), encode(chunk));
        }
        manifest["version"] = Value::String(version(&files));
    }
    files.insert(SearchFile::Manifest, encode(&manifest));
    Index { files }
}

/// The hub's own pages that no content file makes, offered above the
/// results when a query asks for them: the evidence table, for "evidence",
/// "outcomes", "figures" and the like. Each is `[title, path, excerpt,
/// words]`; a query matches when every word of it is one of the words (the
/// last may be the start of one, as it is typed).
fn shortcuts() -> Value {
    let words = "evidence outcome outcomes figure figures result results measure measures measured impact data \
                 statistics stats numbers csv spreadsheet spreadsheets worked works";
    json!([[
        "Evidence: what worked, in figures",
        crate::site::routes::EVIDENCE,
        "Every measured outcome of every case study in one table, with a spreadsheet (CSV) to download.",
        tokenise::tokenise(words),
    ]])
}

/// Each shard's first word, as the manifest names them: a word belongs to
/// the last shard whose first word is not after it, and the first shard
/// starts at "" so every word has one.
fn firsts<'a>(ranges: &[Range<usize>], words: &'a [score::Word]) -> Vec<&'a str> {
    let first =
        |(number, range): (usize, &Range<usize>)| if number == 0 { "" } else { words[range.start].text.as_str() };
    ranges.iter().enumerate().map(first).collect()
}

/// A term shard's two files: what a query of each of its words alone
/// shows, and their page lists.
fn term_files(
    shard: &[score::Word],
    title_lengths: &[u8],
    columns: &[encode::Column; 5],
    record: impl Fn(u32) -> Value,
) -> (Value, Value) {
    let kept = alone::kept_scores(shard);
    let mut scratch = alone::Scratch::new(title_lengths.len());
    let answers: Vec<alone::Alone> =
        (0..shard.len()).map(|at| alone::answer(shard, &kept, at, title_lengths, columns, &mut scratch)).collect();
    (terms_value(shard, &answers, record), lists_value(shard, title_lengths))
}

/// The position files, their words' positions let go as each is written; a
/// small hub's one file holds every word.
fn near_files(plan: SearchPlan, ranges: &[Range<usize>], words: &mut [score::Word]) -> Vec<Vec<u8>> {
    if plan.inline {
        return vec![near_file(words.iter_mut())];
    }
    (0..plan.near)
        .map(|file| {
            // The file's shards are neighbours, so their words are one run.
            let shards = plan.near_shards(file);
            let mine = &ranges[shards.start.min(ranges.len())..shards.end.min(ranges.len())];
            let span = mine.first().zip(mine.last()).map_or(0..0, |(first, last)| first.start..last.end);
            near_file(words[span].iter_mut())
        })
        .collect()
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

/// What a result shows of a page: `[title, path, type, organisation, date,
/// excerpt]`, the type and organisation as the facet codes in `code`.
fn record(site: &Site, doc: &Doc, code: (usize, usize)) -> Value {
    let meta = &doc.page.meta;
    let (kind, organisation) = code;
    let date = meta.date.map(|date| date.to_string()).unwrap_or_default();
    let excerpt = match &meta.summary {
        Some(summary) => crate::content::short_summary(summary).into_owned(),
        None => opening(doc.body.map_or("", |body| body.text.as_str())),
    };
    json!([meta.title, site.path(doc.key), kind, organisation, date, excerpt])
}

/// Where the words `opening` reads of a text end.
fn opening_end(text: &str) -> usize {
    // The 31st word too: it says the excerpt goes on.
    match text.split_whitespace().nth(30) {
        Some(word) => word.as_ptr() as usize - text.as_ptr() as usize + word.len(),
        None => text.len(),
    }
}

/// The first 30 words of a text, for a page without a summary.
fn opening(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(31).collect();
    if words.len() > 30 { format!("{}…", words[..30].join(" ")) } else { words.join(" ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_without_a_summary_shows_its_first_thirty_words() {
        let text = (1..=40).map(|n| format!("w{n}")).collect::<Vec<_>>().join(" \n ");
        let excerpt = opening(&text);
        assert!(excerpt.starts_with("w1 w2 w3 "), "{excerpt}");
        assert!(excerpt.ends_with("w30…"), "{excerpt}");
        assert_eq!(opening("Short  text\nhere"), "Short text here");
        let thirty = (1..=30).map(|n| format!("w{n}")).collect::<Vec<_>>().join(" ");
        assert_eq!(opening(&thirty), thirty, "no ellipsis when nothing is cut");
        for text in [text.as_str(), thirty.as_str(), "Short  text\nhere", "", "  "] {
            let kept = &text[..opening_end(text)];
            assert_eq!(opening(kept), opening(text), "what a build keeps of {text:?} gives the same excerpt");
        }
        assert_eq!(&text[..opening_end(&text)], &text[..text.find("w31").unwrap() + 3]);
    }

    #[test]
    fn the_format_is_the_one_the_engine_declares() {
        assert_eq!(declared_format(b"x\n  var FORMAT = 27;\n"), 27);
        assert!(ENGINE.contains(&format!("var FORMAT = {FORMAT};")));
    }

    #[test]
    fn the_version_changes_with_any_file_and_only_then() {
        let files = |text: &str| {
            HashMap::from([(SearchFile::Facets, b"{}".to_vec()), (SearchFile::Terms(0), text.as_bytes().to_vec())])
        };
        let one = version(&files("[[\"a\"]]"));
        assert_eq!(one.len(), 16);
        assert!(one.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(one, version(&files("[[\"a\"]]")));
        assert_ne!(one, version(&files("[[\"b\"]]")));
    }
}
