//! Watches the hub's sources (`content/`, `themes/`, `static/`, `site.toml`)
//! and hands over each burst of saves as one batch of changed paths, once the
//! files have been quiet for a few milliseconds.
//!
//! Editors save in many ways: in place, to a temporary file renamed over the
//! page, with swap and backup files beside it. Every path an event names is
//! kept (a rename gives both names) except editors' own files, and the
//! preview re-reads what the batch names, so the save pattern does not matter.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{RecursiveMode, Watcher as _};

use crate::content;
use crate::model::Changes;

/// How long the files must be quiet before a batch is handed over: long
/// enough to gather an editor's write-then-rename, short enough not to notice.
const SETTLE: Duration = Duration::from_millis(8);

/// The longest a burst (a `git checkout` of hundreds of files) is gathered
/// before a rebuild starts anyway; later events make the next batch.
const GATHER_AT_MOST: Duration = Duration::from_millis(250);

/// The folders under the root whose every file the site is made from.
const WATCHED_DIRS: [&str; 3] = ["content", "themes", "static"];

/// A running watch over one hub.
pub struct Watcher {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    watched: BTreeSet<PathBuf>,
}

/// Starts watching the hub at `root`.
pub fn watch(root: &Path) -> Result<Watcher> {
    let root = root.canonicalize().with_context(|| format!("cannot open the hub folder {}", root.display()))?;
    let (sender, events) = channel();
    let mut watcher = notify::recommended_watcher(sender).context("cannot watch the hub's files for changes")?;
    // The root itself, not its whole tree: `target/` or `public/` may hold
    // thousands of folders. Its own events show `site.toml` and the watched
    // folders appearing, being replaced or going.
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {} for changes", root.display()))?;
    let mut watch = Watcher { root, watcher, events, watched: BTreeSet::new() };
    watch.watch_folders()?;
    Ok(watch)
}

impl Watcher {
    /// Adds a recursive watch for each watched folder that exists and is not
    /// yet watched (one may be created, or replaced, while the preview runs).
    fn watch_folders(&mut self) -> Result<()> {
        for name in WATCHED_DIRS {
            let dir = self.root.join(name);
            if !dir.is_dir() {
                if self.watched.remove(&dir) {
                    let _ = self.watcher.unwatch(&dir);
                }
                continue;
            }
            if self.watched.insert(dir.clone()) {
                self.watcher
                    .watch(&dir, RecursiveMode::Recursive)
                    .with_context(|| format!("cannot watch {} for changes", dir.display()))?;
            }
        }
        Ok(())
    }

    /// Waits up to `timeout` for a change, then gathers the burst it starts.
    /// `None` when nothing the site is made from changed in that time.
    pub fn next(&mut self, timeout: Duration) -> Result<Option<Changes>> {
        let mut changes = Changes::default();
        let first = match self.events.recv_timeout(timeout) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => return Ok(None),
            Err(RecvTimeoutError::Disconnected) => anyhow::bail!("the file watcher stopped"),
        };
        self.note(first, &mut changes);
        let started = Instant::now();
        while started.elapsed() < GATHER_AT_MOST {
            match self.events.recv_timeout(SETTLE) {
                Ok(event) => self.note(event, &mut changes),
                Err(_) => break,
            }
        }
        if changes.paths.iter().any(|path| path.components().count() == 1) {
            // A watched folder at the top may have been made, removed or renamed.
            self.watch_folders()?;
        }
        Ok((!changes.paths.is_empty()).then_some(changes))
    }

    /// Adds the paths of one event that matter to the site. A watcher error
    /// (events lost when the queue overflowed) counts as a change to
    /// everything, so the next build reads the files again.
    fn note(&self, event: notify::Result<notify::Event>, changes: &mut Changes) {
        let event = match event {
            Ok(event) => event,
            Err(_) => {
                changes.paths.insert(PathBuf::from("site.toml"));
                return;
            }
        };
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        for path in event.paths {
            if let Some(relative) = self.relevant(&path) {
                changes.paths.insert(relative);
            }
        }
    }

    /// `path` relative to the root, when the site is made from it.
    fn relevant(&self, path: &Path) -> Option<PathBuf> {
        let relative = path.strip_prefix(&self.root).ok()?;
        let first = relative.components().next()?.as_os_str().to_str()?;
        let wanted = relative == Path::new("site.toml") || WATCHED_DIRS.contains(&first);
        let name = relative.file_name()?.to_str()?;
        (wanted && !content::is_editor_file(name)).then(|| relative.to_path_buf())
    }
}
