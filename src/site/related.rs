//! Related pages: for each case study, toolkit and discussion set, the pages that
//! share most of its themes, then the newest, then by title and file.

use std::collections::{BTreeMap, HashMap};

use super::{RELATED, newest_first_order};
use crate::content::{KindName, Page, PageKey};

/// Each listed page's related pages, best first. Pages with the same set of
/// themes have the same candidates, so the ranking is computed once per
/// distinct theme set rather than once per pair of pages, which keeps 100,000
/// pages linear.
pub fn related(pages: &BTreeMap<PageKey, Page>) -> HashMap<PageKey, Vec<PageKey>> {
    let mut groups: BTreeMap<Vec<&str>, Vec<&Page>> = BTreeMap::new();
    for page in pages.values() {
        if let Some(key) = theme_set(page) {
            groups.entry(key).or_default().push(page);
        }
    }
    // Only the newest few of a group can ever be picked from it.
    let candidates: Vec<Vec<&Page>> = groups
        .values()
        .map(|members| {
            let mut newest = members.clone();
            newest.sort_by(|a, b| newest_first_order(a, b));
            newest.truncate(RELATED + 1);
            newest
        })
        .collect();
    let ranked = Ranked::new(groups.keys(), &candidates);
    let mut related = HashMap::with_capacity(pages.len());
    for (group, members) in groups.values().enumerate() {
        let best: Vec<&Page> =
            ranked.best_for(group).into_iter().map(|(other, position)| candidates[other][position]).collect();
        for page in members {
            let others = best.iter().filter(|other| other.key != page.key).take(RELATED);
            related.insert(page.key.clone(), others.map(|other| other.key.clone()).collect());
        }
    }
    related
}

/// A candidate: (group, position in the group).
type Candidate = (usize, usize);

/// Every candidate's place in the one newest-first order, and each group's
/// themes as sorted numbers, so ranking compares integers, not titles.
struct Ranked {
    rank: Vec<Vec<usize>>,
    themes: Vec<Vec<u32>>,
}

impl Ranked {
    fn new<'a>(sets: impl Iterator<Item = &'a Vec<&'a str>> + Clone, candidates: &[Vec<&Page>]) -> Ranked {
        let mut all: Vec<Candidate> = candidates
            .iter()
            .enumerate()
            .flat_map(|(group, members)| (0..members.len()).map(move |position| (group, position)))
            .collect();
        all.sort_by(|&(a, at), &(b, bt)| newest_first_order(candidates[a][at], candidates[b][bt]));
        let mut rank: Vec<Vec<usize>> = candidates.iter().map(|members| vec![0; members.len()]).collect();
        for (place, (group, position)) in all.into_iter().enumerate() {
            rank[group][position] = place;
        }
        let mut names: Vec<&str> = sets.clone().flat_map(|themes| themes.iter().copied()).collect();
        names.sort_unstable();
        names.dedup();
        let number = |name: &str| names.binary_search(&name).map_or(u32::MAX, |at| at as u32);
        let themes = sets.map(|themes| themes.iter().map(|name| number(name)).collect()).collect();
        Ranked { rank, themes }
    }

    /// The best `RELATED + 1` candidates for a page of `group`: most shared
    /// themes first, then newest. Groups are taken a level of sharing at a
    /// time, so only the few candidates near the top are ever sorted.
    fn best_for(&self, group: usize) -> Vec<Candidate> {
        let mut by_shared: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (other, themes) in self.themes.iter().enumerate() {
            let shared = common(&self.themes[group], themes);
            if shared > 0 {
                by_shared.entry(shared).or_default().push(other);
            }
        }
        let mut best = Vec::with_capacity(RELATED + 1);
        for others in by_shared.values().rev() {
            let mut level: Vec<(usize, Candidate)> = others
                .iter()
                .flat_map(|&other| self.rank[other].iter().enumerate().map(move |(at, &rank)| (rank, (other, at))))
                .collect();
            level.sort_unstable();
            best.extend(level.into_iter().take(RELATED + 1 - best.len()).map(|(_, candidate)| candidate));
            if best.len() > RELATED {
                break;
            }
        }
        best
    }
}

/// How many numbers two sorted lists share.
fn common(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// A listed page's themes, sorted and without repeats; `None` for plain pages
/// and pages without themes, which have no related pages.
fn theme_set(page: &Page) -> Option<Vec<&str>> {
    if page.kind_name() == KindName::Page || page.meta.themes.is_empty() {
        return None;
    }
    let mut themes: Vec<&str> = page.meta.themes.iter().map(String::as_str).collect();
    themes.sort_unstable();
    themes.dedup();
    Some(themes)
}
