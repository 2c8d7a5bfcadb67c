//! Related pages: for each case study, toolkit and discussion set, the pages that
//! share most of its themes, then the newest, then by title and file.

use std::collections::HashMap;

use super::RELATED;
use crate::content::{KindName, Page, PageKey};

/// A candidate for other pages' related blocks: how many themes it shares
/// with the page, and its place in the newest-first order.
type Candidate = (usize, usize);

/// Each listed page's related pages, best first. `order` is every page,
/// newest first. Pages with the same set of themes have the same candidates,
/// so the ranking is made once per distinct theme set rather than once per
/// pair of pages, which keeps 100,000 pages linear; and only the newest few
/// pages of a set can ever be picked from it.
pub fn related(order: &[&Page]) -> HashMap<PageKey, Vec<PageKey>> {
    let groups = Groups::new(order);
    let mut related = HashMap::with_capacity(order.len());
    for (group, members) in groups.members.iter().enumerate() {
        let best = groups.best_for(group);
        for &member in members {
            let page = order[member];
            let others = best.iter().filter(|&&(_, place)| place != member).take(RELATED);
            related.insert(page.key.clone(), others.map(|&(_, place)| order[place].key.clone()).collect());
        }
    }
    related
}

/// The pages that have related pages, grouped by their set of themes.
struct Groups {
    /// Each group's themes, as sorted numbers, so comparing two is cheap.
    themes: Vec<Vec<u32>>,
    /// Each group's pages, by place in the newest-first order (so newest first).
    members: Vec<Vec<usize>>,
}

impl Groups {
    fn new(order: &[&Page]) -> Groups {
        let mut numbers: HashMap<&str, u32> = HashMap::new();
        let mut group_of: HashMap<Vec<u32>, usize> = HashMap::new();
        let mut groups = Groups { themes: Vec::new(), members: Vec::new() };
        for (place, page) in order.iter().enumerate() {
            if page.kind_name() == KindName::Page || page.meta.themes.is_empty() {
                continue;
            }
            let mut themes: Vec<u32> = page
                .meta
                .themes
                .iter()
                .map(|theme| {
                    let next = numbers.len() as u32;
                    *numbers.entry(theme).or_insert(next)
                })
                .collect();
            themes.sort_unstable();
            themes.dedup();
            let group = *group_of.entry(themes.clone()).or_insert_with(|| {
                groups.themes.push(themes);
                groups.members.push(Vec::new());
                groups.themes.len() - 1
            });
            groups.members[group].push(place);
        }
        groups
    }

    /// The best `RELATED + 1` candidates for a page of `group` (one more than
    /// shown, as the page itself may be among them): most shared themes
    /// first, then newest.
    fn best_for(&self, group: usize) -> Vec<Candidate> {
        // Sorted by (shared, descending; place, ascending).
        let mut best: Vec<Candidate> = Vec::with_capacity(RELATED + 2);
        let better = |a: &Candidate, b: &Candidate| a.0 > b.0 || (a.0 == b.0 && a.1 < b.1);
        for (other, themes) in self.themes.iter().enumerate() {
            let shared = common(&self.themes[group], themes);
            if shared == 0 || (best.len() > RELATED && best[RELATED].0 > shared) {
                continue;
            }
            for &place in self.members[other].iter().take(RELATED + 1) {
                let candidate = (shared, place);
                if best.len() > RELATED && !better(&candidate, &best[RELATED]) {
                    break;
                }
                let at = best.iter().position(|kept| better(&candidate, kept)).unwrap_or(best.len());
                best.insert(at, candidate);
                best.truncate(RELATED + 1);
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
