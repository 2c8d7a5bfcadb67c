//! The index as text: page numbers as gaps and scores as characters of one
//! 64-character alphabet, words cut into alphabetical shards of about equal
//! compressed size, and each page's facet values as fixed-width codes.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::content::{Audience, KindName};
use crate::site::Site;

use super::Doc;

/// The 64 characters the index writes numbers with; a value is its position.
const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// How many of a word's pages keep their score: its best ones. Its other
/// pages still match (they count, and filters see them) but rank after these,
/// in page order. Dropping the scores of the many pages where a common word
/// is only mentioned makes its shard a fraction of the size.
pub const SCORED: usize = 128;

pub(super) type Entry<'a> = (&'a str, &'a [(u32, u8)]);

/// Splits the sorted words of a site of `pages` pages into at most `count`
/// alphabetical ranges of about equal size once compressed. A range only
/// ends where the first three letters change, so every word of three letters
/// or more that a reader types, and every longer word it starts, is in one
/// shard: typing "retention" downloads one shard, however slowly it is typed.
pub(super) fn shards(postings: &[(String, Vec<(u32, u8)>)], pages: usize, count: usize) -> Vec<Vec<Entry<'_>>> {
    let size = |entry: &(String, Vec<(u32, u8)>)| compressed_size(entry.0.len(), entry.1.len(), pages);
    let total: usize = postings.iter().map(size).sum::<usize>().max(1);
    let mut shards: Vec<Vec<Entry>> = Vec::new();
    let mut before = 0;
    let mut current = usize::MAX;
    let mut group: Option<&str> = None;
    for entry in postings {
        let start = prefix(&entry.0);
        let target = (before * count / total).min(count.saturating_sub(1));
        if group != Some(start) && (target != current || shards.is_empty()) {
            shards.push(Vec::new());
            current = target;
        }
        group = Some(start);
        if let Some(shard) = shards.last_mut() {
            shard.push((entry.0.as_str(), entry.1.as_slice()));
        }
        before += size(entry);
    }
    shards
}

/// The first three characters of a word, or the word if shorter.
fn prefix(word: &str) -> &str {
    word.char_indices().nth(3).map_or(word, |(end, _)| &word[..end])
}

/// About how many bytes a word's entry takes once gzipped: the information in
/// its page gaps (a word on every page costs almost nothing), a byte or two
/// per scored page, and the word itself.
fn compressed_size(word: usize, list: usize, pages: usize) -> usize {
    let bits_per_gap = (1.0 + pages as f64 / list.max(1) as f64).log2();
    word + 8 + (list as f64 * bits_per_gap / 8.0).ceil() as usize + 2 * list.min(SCORED)
}

/// A shard as `[word, gaps, scores]` per word; a word on more than `SCORED`
/// pages adds the positions (in its page list, as gaps) of the pages its
/// scores are for.
pub(super) fn shard_value(shard: &[Entry]) -> Value {
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
pub(super) struct Facets {
    pub value: Value,
    /// Each page's type and organisation codes, for its result record, in
    /// the order of the pages given.
    pub codes: Vec<(usize, usize)>,
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
    fn words_sharing_their_first_three_letters_share_a_shard() {
        let words = ["bea", "belief", "belong", "belonged", "belonging", "belongs", "bet", "café", "cafés", "cat"];
        let postings: Vec<(String, Vec<(u32, u8)>)> =
            words.iter().map(|word| (word.to_string(), (0..500).map(|id| (id, 1)).collect())).collect();
        let shards = shards(&postings, 1_000, 8);
        for (word, other) in [("belief", "belonging"), ("belong", "belongs"), ("café", "cafés")] {
            let shard_of = |w: &str| shards.iter().position(|shard| shard.iter().any(|entry| entry.0 == w));
            assert_eq!(shard_of(word), shard_of(other), "{word} and {other}: {shards:?}");
        }
        assert!(shards.len() > 3, "still split where the letters change: {}", shards.len());
        assert_eq!(prefix("café"), "caf");
        assert_eq!(prefix("ab"), "ab");
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
        // Codes run from 0 (none) to the number of values: 64 values need 65.
        let many: Vec<(String, String)> = (0..64).map(|n| (format!("v{n}"), format!("V{n}"))).collect();
        assert_eq!(facet(&many, &[vec![64], vec![0]], false)["pages"], "1000");
        assert_eq!(facet(&many[..63], &[vec![63]], false)["pages"], "_", "63 values fit one digit");
        assert_eq!(digits(64), 1);
        assert_eq!(digits(65), 2);
    }

    #[test]
    fn a_common_word_keeps_the_scores_of_exactly_its_best_pages() {
        // 300 pages, each page's score its number mod 64, so the best are known.
        let list: Vec<(u32, u8)> = (0..300u32).map(|id| (id * 2, ((id * 37) % 64) as u8)).collect();
        let value = shard_value(&[("common", list.as_slice())]);
        let entry = value[0].as_array().unwrap();
        assert_eq!(decode(entry[1].as_str().unwrap()), list.iter().map(|(id, _)| *id).collect::<Vec<_>>());
        let positions = decode(entry[3].as_str().unwrap());
        let scores: Vec<u8> =
            entry[2].as_str().unwrap().bytes().map(|c| DIGITS.iter().position(|d| *d == c).unwrap() as u8).collect();
        assert_eq!(positions.len(), SCORED);
        assert_eq!(scores.len(), SCORED);
        // The best pages: highest score first, the earlier page on a tie.
        let mut best: Vec<u32> = (0..list.len() as u32).collect();
        best.sort_by(|a, b| list[*b as usize].1.cmp(&list[*a as usize].1).then(a.cmp(b)));
        best.truncate(SCORED);
        best.sort_unstable();
        assert_eq!(positions, best, "the pages kept are the best");
        for (position, score) in positions.iter().zip(&scores) {
            assert_eq!(list[*position as usize].1, *score, "each score sits at its page's position");
        }
        // A word on fewer pages keeps every score and needs no positions.
        let rare = shard_value(&[("rare", &list[..5])]);
        assert_eq!(rare[0].as_array().unwrap().len(), 3);
    }

    #[test]
    fn a_word_on_every_page_weighs_less_than_its_page_count_suggests() {
        // Gaps of 1 carry almost nothing; scattered pages carry their numbers.
        let dense = compressed_size(6, 10_000, 10_000);
        let sparse = compressed_size(6, 1_000, 10_000);
        assert!(dense < 3 * sparse, "ten times the pages, not ten times the bytes: {dense} against {sparse}");
        assert!(compressed_size(6, 1, 10_000) < sparse);
        assert!(compressed_size(20, 1, 10_000) > compressed_size(6, 1, 10_000), "longer words weigh more");
        assert_eq!(compressed_size(4, 100, 100), 4 + 8 + 13 + 200);
    }
}
