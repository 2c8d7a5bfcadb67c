//! A batch of changed files, by path under the hub's root, sorted by what
//! they touch: the configuration, the theme, the content.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Paths, relative to the hub's root, changed since the last batch. A
/// folder's path stands for everything in it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub paths: BTreeSet<PathBuf>,
}

impl Changes {
    /// True when `site.toml` changed: everything is read again.
    pub fn config(&self) -> bool {
        self.paths.iter().any(|path| path == Path::new("site.toml"))
    }

    /// True when anything under `themes/` or `static/` changed.
    pub fn theme(&self) -> bool {
        self.paths.iter().any(|path| path.starts_with("themes") || path.starts_with("static"))
    }

    /// The changed paths under `content/`, relative to it (the folder itself
    /// as an empty path).
    pub fn content(&self) -> impl Iterator<Item = &Path> {
        self.paths.iter().filter_map(|path| path.strip_prefix("content").ok())
    }

    /// These changes and `later` ones, as one batch.
    pub fn and(&self, later: &Changes) -> Changes {
        Changes { paths: self.paths.union(&later.paths).cloned().collect() }
    }

    /// A short description for the terminal: the one file, or how many.
    pub fn describe(&self) -> String {
        match self.paths.len() {
            1 => self.paths.iter().next().map(|path| path.display().to_string()).unwrap_or_default(),
            count => format!("{count} files"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_sorted_by_what_they_touch() {
        let changes = Changes {
            paths: ["content/case-studies/eeast.md", "static/style.css"].into_iter().map(PathBuf::from).collect(),
        };
        assert!(!changes.config());
        assert!(changes.theme());
        assert_eq!(changes.content().collect::<Vec<_>>(), [Path::new("case-studies/eeast.md")]);
        assert_eq!(changes.describe(), "2 files");
        let later = Changes { paths: ["site.toml"].into_iter().map(PathBuf::from).collect() };
        let both = changes.and(&later);
        assert!(both.config() && both.theme() && both.paths.len() == 3);
    }
}
