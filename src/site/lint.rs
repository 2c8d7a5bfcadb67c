//! Slips only the whole site shows: two pages with one title, which readers
//! see as two cards that look the same.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::content::{Page, PageKey};
use crate::diagnostics::{Code, Diagnostic};

/// A warning on each page whose title another page (earlier in source
/// order) already has, however its case, spaces and apostrophes are typed.
pub fn duplicate_titles(pages: &BTreeMap<PageKey, Arc<Page>>) -> Vec<Diagnostic> {
    let mut first: BTreeMap<String, &Page> = BTreeMap::new();
    let mut found = Vec::new();
    for page in pages.values() {
        let title = same_title(&page.meta.title);
        if title.is_empty() {
            continue;
        }
        match first.get(&title) {
            Some(earlier) => found.push(
                Diagnostic::new(
                    Code::DuplicateTitle,
                    &page.file,
                    format!(
                        "this page has the same title as {}, so readers see two cards that look the same",
                        earlier.file.display()
                    ),
                )
                .at(page.title_line, 1)
                .field("title")
                .hint("give each page a title of its own: name the organisation, the team or the year"),
            ),
            None => {
                first.insert(title, page);
            }
        }
    }
    found
}

/// A title as a reader compares it: case, runs of spaces and the kind of
/// apostrophe or quote do not count.
pub fn same_title(title: &str) -> String {
    let straight: String = title
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            other => other,
        })
        .collect();
    straight.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_that_differ_only_in_case_spaces_and_apostrophes_are_the_same() {
        assert_eq!(super::same_title("St Elsewhere’s  story"), super::same_title("st elsewhere's story"));
        assert_ne!(super::same_title("Our story"), super::same_title("Our stories"));
    }
}
