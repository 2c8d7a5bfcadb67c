//! The hub's Markdown files as last read, and reading again only what a
//! batch of changes may have touched: the files it names and, when files came
//! or went, any whose size or modification time changed.
//!
//! Each file's page is shared (`Arc`) with the content made from it, so
//! putting the content together again after one save copies no page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use super::{Content, DIR, Found, LoadOptions, Loaded, assemble, find, load_file};
use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::Diagnostic;

/// One Markdown file as last read.
#[derive(Debug)]
struct Read {
    /// Its modification time and size when read.
    stamp: Option<(SystemTime, u64)>,
    loaded: Option<Loaded>,
    problems: Vec<Diagnostic>,
}

/// What `content/` held when last looked at, and every Markdown file as
/// last read.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    found: Found,
    files: BTreeMap<PathBuf, Arc<Read>>,
}

/// Which files an update read again.
#[derive(Debug, Default)]
pub struct Reread {
    /// True when `content/` was listed again: files may have come or gone.
    pub listed: bool,
    /// The Markdown files read again, relative to `content/`.
    pub files: Vec<PathBuf>,
}

impl Sources {
    /// Reads every Markdown file of the hub at `root`.
    pub fn read(root: &Path, config: &Config, today: Date) -> Sources {
        Sources::default().update(root, config, today, &[], true).0
    }

    /// These sources brought up to date with `changed` (paths under
    /// `content/`, a folder's path standing for everything in it):
    /// `everything` reads every file again (a new `site.toml` changes how
    /// pages read). A change to anything but a Markdown file already read
    /// lists the folder again and reads every file whose size or time
    /// changed, so renames and folder moves are seen whatever the events said.
    pub fn update(
        &self,
        root: &Path,
        config: &Config,
        today: Date,
        changed: &[&Path],
        everything: bool,
    ) -> (Sources, Reread) {
        let content_dir = root.join(DIR);
        let only_known = !everything
            && changed.iter().all(|path| self.files.contains_key(*path) && content_dir.join(path).is_file());
        let found = if only_known { self.found.clone() } else { find(root) };
        let read: Vec<(PathBuf, Arc<Read>, bool)> = found
            .markdown
            .par_iter()
            .map(|relative| {
                let unchanged = |read: &&Arc<Read>| {
                    !everything
                        && !changed.iter().any(|path| relative.starts_with(path))
                        && (only_known || read.stamp == stamp(&content_dir.join(relative)))
                };
                match self.files.get(relative).filter(unchanged) {
                    Some(read) => (relative.clone(), read.clone(), false),
                    None => (relative.clone(), Arc::new(read_file(root, relative, config, today)), true),
                }
            })
            .collect();
        let mut reread = Reread { listed: !only_known, files: Vec::new() };
        let mut files = BTreeMap::new();
        for (relative, read, again) in read {
            if again {
                reread.files.push(relative.clone());
            }
            files.insert(relative, read);
        }
        (Sources { found, files }, reread)
    }

    /// The content the files make: drafts left out unless `options` asks for
    /// them, and every problem found reading them.
    pub fn content(&self, options: LoadOptions) -> (Content, Vec<Diagnostic>) {
        let loaded = self.found.markdown.iter().filter_map(|relative| self.files.get(relative));
        assemble(self.found.clone(), loaded.map(|read| (read.loaded.clone(), read.problems.clone())), options)
    }

    /// The file at `relative` (under `content/`) as last read.
    pub fn loaded(&self, relative: &Path) -> Option<&Loaded> {
        self.files.get(relative)?.loaded.as_ref()
    }

    /// How many Markdown pages there are, section introductions aside.
    pub fn page_files(&self) -> usize {
        self.files.keys().filter(|path| path.file_stem().is_some_and(|stem| stem != "_index")).count()
    }
}

/// A file's modification time and size: what tells an update that a file
/// changed when no event named it.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

fn read_file(root: &Path, relative: &Path, config: &Config, today: Date) -> Read {
    let stamp = stamp(&root.join(DIR).join(relative));
    let (loaded, problems) = load_file(root, relative, config, today);
    Read { stamp, loaded, problems }
}
