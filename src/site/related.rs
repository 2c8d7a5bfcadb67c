//! Related pages: for each case study, toolkit and discussion set, the pages that
//! share most of its themes, then the newest, then by title and file.

use crate::hashing::QuickMap;

use rayon::prelude::*;

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
pub fn related(order: &[&Page]) -> QuickMap<PageKey, Vec<PageKey>> {
    let groups = Groups::new(order);
    let best: Vec<Vec<Candidate>> =
        (0..groups.members.len()).into_par_iter().map(|group| groups.best_for(group)).collect();
    let mut related = QuickMap::with_capacity_and_hasher(order.len(), Default::default());
    for (members, best) in groups.members.iter().zip(best) {
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
    /// Each group's themes, as a set of bits (a theme's number is its bit),
    /// so how many two groups share is a count of bits: group `g`'s are
    /// `themes[g * words..][..words]`. A hub has a few dozen themes at most:
    /// one word each, usually.
    themes: Vec<u64>,
    words: usize,
    /// Each group's pages, by place in the newest-first order (so newest first).
    members: Vec<Vec<usize>>,
}

impl Groups {
    fn new(order: &[&Page]) -> Groups {
        let mut numbers: QuickMap<&str, usize> = QuickMap::default();
        for page in order {
            for theme in &page.meta.themes {
                let next = numbers.len();
                numbers.entry(theme).or_insert(next);
            }
        }
        let words = numbers.len().div_ceil(64).max(1);
        let mut group_of: QuickMap<Vec<u64>, usize> = QuickMap::default();
        let mut groups = Groups { themes: Vec::new(), words, members: Vec::new() };
        for (place, page) in order.iter().enumerate() {
            if page.kind_name() == KindName::Page || page.meta.themes.is_empty() {
                continue;
            }
            let mut themes = vec![0u64; words];
            for theme in &page.meta.themes {
                let number = numbers[theme.as_str()];
                themes[number / 64] |= 1 << (number % 64);
            }
            let group = *group_of.entry(themes.clone()).or_insert_with(|| {
                groups.themes.extend(themes);
                groups.members.push(Vec::new());
                groups.members.len() - 1
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
        let mine = self.themes(group);
        // What a group must share to have a chance: with the best full, as
        // many themes as the last of them.
        let mut floor = 1;
        // Every pair of theme sets meets here: kept to a few instructions.
        for (other, themes) in self.themes.chunks_exact(self.words).enumerate() {
            let shared = common(mine, themes);
            if shared < floor {
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
            if best.len() > RELATED {
                floor = best[RELATED].0;
            }
        }
        best
    }

    /// Group `group`'s themes, as bits.
    fn themes(&self, group: usize) -> &[u64] {
        &self.themes[group * self.words..(group + 1) * self.words]
    }
}

/// How many themes two sets of bits share.
fn common(a: &[u64], b: &[u64]) -> usize {
    a.iter().zip(b).map(|(a, b)| (a & b).count_ones() as usize).sum()
}
