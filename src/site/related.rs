//! Related pages: for each case study, toolkit and discussion set, the pages that
//! share most of its themes, then the newest, then by title and file.

use std::collections::{BTreeMap, HashMap};

use super::{RELATED, newest_first_order};
use crate::content::{KindName, Page, PageKey};

/// Each listed page's related pages, best first. Pages with the same set of
/// themes have the same candidates, so the ranking is computed once per
/// distinct theme set (a few hundred at most) rather than once per pair of
/// pages, which keeps 100,000 pages linear.
pub fn related(pages: &BTreeMap<PageKey, Page>) -> HashMap<PageKey, Vec<PageKey>> {
    let mut groups: BTreeMap<Vec<&str>, Vec<&Page>> = BTreeMap::new();
    for page in pages.values() {
        if let Some(key) = theme_set(page) {
            groups.entry(key).or_default().push(page);
        }
    }
    // Only the newest few of a group can ever be picked from it.
    for members in groups.values_mut() {
        members.sort_by(|a, b| newest_first_order(a, b));
        members.truncate(RELATED + 1);
    }
    let mut best_by_group: HashMap<&Vec<&str>, Vec<&Page>> = HashMap::new();
    for key in groups.keys() {
        let mut candidates: Vec<(usize, &Page)> = Vec::new();
        for (other_key, members) in &groups {
            let shared = other_key.iter().filter(|theme| key.contains(theme)).count();
            if shared > 0 {
                candidates.extend(members.iter().map(|&member| (shared, member)));
            }
        }
        candidates
            .sort_by(|(shared_a, a), (shared_b, b)| shared_b.cmp(shared_a).then_with(|| newest_first_order(a, b)));
        candidates.truncate(RELATED + 1);
        best_by_group.insert(key, candidates.into_iter().map(|(_, member)| member).collect());
    }
    let mut related = HashMap::with_capacity(pages.len());
    for page in pages.values() {
        let Some(best) = theme_set(page).and_then(|key| best_by_group.get(&key)) else { continue };
        let others = best.iter().filter(|other| other.key != page.key).take(RELATED).map(|other| other.key.clone());
        related.insert(page.key.clone(), others.collect());
    }
    related
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
