//! The hub's Markdown files as last read, and reading again only what a
//! batch of changes may have touched: the files it names and, when files came
//! or went, any whose size or modification time changed.
//!
//! Each file's page is shared (`Arc`) with the content made from it, and what
//! did not change is shared with the sources before, so putting the content
//! together again after one save at 10,000 pages copies no page and searches
//! no map: the files are kept in `content/`'s own order.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use super::assets::stamp;
use super::{Content, DIR, Found, LoadOptions, Loaded, assemble, find, load_file};
use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::hashing::QuickMap;

/// One Markdown file as last read.
#[derive(Debug)]
struct Read {
    /// Its modification time and size when read.
    stamp: Option<(SystemTime, u64)>,
    loaded: Option<Loaded>,
    problems: Vec<Diagnostic>,
}

/// What `content/` held when last listed, and every Markdown file as last
/// read.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    found: Arc<Found>,
    /// Each file of `found.markdown`, as read, in its order.
    files: Vec<Arc<Read>>,
    /// Where each file of `found.markdown` is in it.
    places: Arc<QuickMap<PathBuf, usize>>,
}

/// How the hub's files are read: where the hub is, against which
/// configuration, and on which day (`review_due` is judged against it).
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub today: Date,
}

/// What changed under `content/` since the sources were read.
#[derive(Clone, Copy)]
pub enum Changed<'a> {
    /// These paths, relative to `content/` (a folder's stands for
    /// everything in it).
    Paths(&'a [&'a Path]),
    /// Every file may read differently: a new `site.toml`.
    Everything,
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
    /// Reads every Markdown file of the hub.
    pub fn read(reading: &Reading) -> Sources {
        Sources::default().update(reading, Changed::Everything).0
    }

    /// These sources brought up to date with what `changed`. A change to
    /// anything but a Markdown file already read lists the folder again and
    /// reads every file whose size or time changed, so renames and folder
    /// moves are seen whatever the events said.
    pub fn update(&self, reading: &Reading, changed: Changed) -> (Sources, Reread) {
        let content_dir = reading.root.join(DIR);
        let known: Option<Vec<usize>> = match changed {
            Changed::Paths(paths) => paths
                .iter()
                .map(|path| self.places.get(*path).copied().filter(|_| content_dir.join(path).is_file()))
                .collect(),
            Changed::Everything => None,
        };
        match known {
            Some(places) => self.reread(reading, &places),
            None => self.relist(reading, changed),
        }
    }

    /// The files at `places` read again; nothing else looked at.
    fn reread(&self, reading: &Reading, places: &[usize]) -> (Sources, Reread) {
        let mut sources = self.clone();
        let mut reread = Reread::default();
        for &place in places {
            let relative = &self.found.markdown[place];
            sources.files[place] = Arc::new(read_file(reading, relative));
            reread.files.push(relative.clone());
        }
        (sources, reread)
    }

    /// `content/` listed again: each file read again when it is new, under
    /// a changed path, or its size or time changed (every file, when
    /// everything changed).
    fn relist(&self, reading: &Reading, changed: Changed) -> (Sources, Reread) {
        let content_dir = reading.root.join(DIR);
        let found = find(reading.root, &self.found.assets);
        let read: Vec<(Arc<Read>, bool)> = found
            .markdown
            .par_iter()
            .map(|relative| {
                let named = match changed {
                    Changed::Paths(paths) => paths.iter().any(|path| relative.starts_with(path)),
                    Changed::Everything => true,
                };
                let earlier = self.places.get(relative).map(|&place| &self.files[place]);
                match earlier.filter(|read| !named && read.stamp == stamp(&content_dir.join(relative))) {
                    Some(read) => (read.clone(), false),
                    None => (Arc::new(read_file(reading, relative)), true),
                }
            })
            .collect();
        let mut reread = Reread { listed: true, files: Vec::new() };
        let mut files = Vec::with_capacity(read.len());
        for (relative, (read, again)) in found.markdown.iter().zip(read) {
            if again {
                reread.files.push(relative.clone());
            }
            files.push(read);
        }
        let places = found.markdown.iter().enumerate().map(|(place, relative)| (relative.clone(), place)).collect();
        (Sources { found: Arc::new(found), files, places: Arc::new(places) }, reread)
    }

    /// The content the files make: drafts left out unless `options` asks for
    /// them, and every problem found reading them.
    pub fn content(&self, options: LoadOptions) -> (Content, Vec<Diagnostic>) {
        assemble(&self.found, self.files.iter().map(|read| (read.loaded.clone(), read.problems.clone())), options)
    }

    /// The file at `relative` (under `content/`) as last read.
    pub fn loaded(&self, relative: &Path) -> Option<&Loaded> {
        self.files[*self.places.get(relative)?].loaded.as_ref()
    }
}

fn read_file(reading: &Reading, relative: &Path) -> Read {
    let stamp = stamp(&reading.root.join(DIR).join(relative));
    let (loaded, problems) = load_file(reading.root, relative, reading.config, reading.today);
    Read { stamp, loaded, problems }
}
