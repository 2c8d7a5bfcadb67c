//! The previewed site: the last model that built without errors, the files
//! rendered from it so far, and how each batch of changes brings them up to
//! date. What it serves is always what a clean `belong build` of the same
//! files writes.
//!
//! Each batch is applied to the latest model (`Model::apply`). A model with
//! errors becomes the latest but is not served: the last good one stays, with
//! the errors over it, and the next batch is applied to the broken one.
//!
//! Output files are rendered when first asked for and kept, each with the
//! generation since which its bytes have been current. After an update the
//! files open in a browser, and the stylesheets, are rendered again and
//! compared; the other kept files are let go, to be rendered when next asked
//! for. A page is stale when the file it shows changed after the generation it
//! was served from (`Live::stale`): asked when an update is announced and again
//! when a page's event stream connects, so no interleaving of the two loses an
//! update. The search index comes last (`index_search`), so an edited page is
//! served before a large hub's index is made again.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic};
use crate::hashing::QuickMap;
use crate::model::{Changes, Hub, Keep, Model};
use crate::pictures::cache;
use crate::render::{self, Contents};
use crate::site::{Source, routes};
use crate::timings::Quiet;

/// The bytes of one output file, shared between requests.
pub type Bytes = Arc<[u8]>;

/// One output file as rendered: its bytes, or why its template failed.
type Outcome = Result<Bytes, Box<Diagnostic>>;

/// What the server answers from.
pub struct Served {
    /// The last model that built without errors; `None` until one has.
    pub model: Option<Model>,
    /// The errors of the latest update, empty when it succeeded: the overlay
    /// shows them over the last good site.
    pub problems: Vec<Diagnostic>,
    /// The warnings of the latest model: open pages can show them.
    pub warnings: Vec<Diagnostic>,
    /// The URL path the preview is served under (`/`, or `base_url`'s path).
    pub base_path: String,
    /// The generation since which the site has had its set of files: a page
    /// shown for an address that had no file may have one after it.
    routes_since: u64,
}

impl Default for Served {
    fn default() -> Served {
        Served { model: None, problems: Vec::new(), warnings: Vec::new(), base_path: "/".to_string(), routes_since: 0 }
    }
}

impl Served {
    /// The served model's generation; 0 before any model built.
    pub fn generation(&self) -> u64 {
        self.model.as_ref().map_or(0, Model::generation)
    }
}

/// A kept output file, and the generation since which it has had these bytes.
#[derive(Clone)]
struct Kept {
    outcome: Outcome,
    since: u64,
}

/// The served site and its rendered files, shared by the request threads
/// and the one thread that applies changes. Requests hold the read lock
/// while they render, so a file is never kept from a model already replaced;
/// the kept files are locked after the site, never before.
#[derive(Default)]
pub struct Live {
    served: RwLock<Served>,
    files: Mutex<QuickMap<String, Kept>>,
}

/// What asking for an output file found.
pub enum Lookup {
    Found(Bytes),
    /// The site has no such file.
    Missing,
    /// The file's template failed on this page.
    Failed(Box<Diagnostic>),
    /// No build has succeeded yet.
    NoSite,
}

impl Live {
    /// The served state, for reading.
    pub fn read(&self) -> RwLockReadGuard<'_, Served> {
        self.served.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Served> {
        self.served.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn kept(&self) -> MutexGuard<'_, QuickMap<String, Kept>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The output file `file` (a path under the output folder) as the site
    /// is now, kept from an earlier request or rendered and kept, with the
    /// generation of the model it is from.
    pub fn file(&self, file: &str) -> (Lookup, u64) {
        if let Some(problem) = self.make_picture(file) {
            let generation = self.read().generation();
            return (Lookup::Failed(problem), generation);
        }
        let served = self.read();
        let Some(model) = &served.model else { return (Lookup::NoSite, 0) };
        let generation = model.generation();
        let kept = self.kept().get(file).map(|kept| kept.outcome.clone());
        let outcome = match kept {
            Some(outcome) => outcome,
            None => {
                let Some(outcome) = render_file(model, file) else { return (Lookup::Missing, generation) };
                self.kept().insert(file.to_string(), Kept { outcome: outcome.clone(), since: generation });
                outcome
            }
        };
        let lookup = match outcome {
            Ok(bytes) => Lookup::Found(bytes),
            Err(diagnostic) => Lookup::Failed(diagnostic),
        };
        (lookup, generation)
    }

    /// Makes the picture `file` is a width of, when its files are not yet
    /// in the cache: a preview makes each picture when first asked for it,
    /// as a build does, without holding the site (that would hold up the
    /// next update for as long). `Some` when the picture cannot be made.
    fn make_picture(&self, file: &str) -> Option<Box<Diagnostic>> {
        let (picture, store) = {
            let served = self.read();
            let model = served.model.as_ref()?;
            let Some(Source::Picture { path, .. }) = model.site().routes.get(file) else { return None };
            if !model.publishes_content(path) {
                return None;
            }
            (model.site().pictures.get(path)?.clone(), model.inputs().pictures.clone())
        };
        match store.make(&picture) {
            Ok(cache::Outcome::Kept | cache::Outcome::Made) => None,
            Ok(cache::Outcome::Refused(problem)) => Some(problem),
            Err(error) => Some(Box::new(
                Diagnostic::new(Code::ReadFailed, &picture.file, format!("{error:#}"))
                    .hint("check that the hub's folder can be written: belong keeps made pictures in .belong-cache/"),
            )),
        }
    }

    /// Whether a page served from `generation`, showing `file` (`None` for an
    /// address the site had no file for, which shows the 404 page), is older
    /// than the site: the file changed since, or may have (it is not kept).
    pub fn stale(&self, file: Option<&str>, generation: u64) -> bool {
        let served = self.read();
        if generation >= served.generation() {
            return false;
        }
        let kept = self.kept();
        let changed = |file: &str| kept.get(file).is_none_or(|kept| kept.since > generation);
        match file {
            Some(file) => changed(file),
            None => served.routes_since > generation || changed(routes::NOT_FOUND),
        }
    }
}

/// One output file of `model`; `None` when the site has no such file.
fn render_file(model: &Model, file: &str) -> Option<Outcome> {
    let source = model.site().routes.get(file).filter(|source| model.publishes(file, source))?;
    let rendered = render::render(file, source, &model.inputs()).and_then(|output| match output.contents {
        Contents::Bytes(bytes) => Ok(bytes.into()),
        Contents::Copy(path) => std::fs::read(&path).map(Into::into).map_err(|error| {
            Diagnostic::new(Code::ReadFailed, &path, format!("cannot read this file: {error}"))
                .hint("check that the file is still there and readable")
        }),
    });
    Some(rendered.map_err(Box::new))
}

/// What one update did.
#[derive(Debug, Default)]
pub struct Update {
    /// Output files compared (the open pages' and the stylesheets) whose bytes
    /// changed, or which the site no longer has.
    pub changed: BTreeSet<String>,
    /// Bodies rendered again (the rest were kept).
    pub bodies: usize,
    /// Output files rendered again to compare.
    pub files: usize,
    /// The update's errors, when it failed (the last good site stays).
    pub problems: Vec<Diagnostic>,
    /// The warnings of the hub as it now reads.
    pub warnings: Vec<Diagnostic>,
    /// Warnings not reported by the update before, for the terminal.
    pub new_warnings: Vec<Diagnostic>,
    /// Markdown pages read (section introductions aside), for the summary.
    pub pages: usize,
}

/// The preview's own state between updates.
pub struct Preview {
    hub: Hub,
    /// The latest model when it has errors: the next batch is applied to it,
    /// while the last good one is served.
    broken: Option<Model>,
    /// Changes no model has yet (a `site.toml` that did not read), applied
    /// with the next batch.
    pending: Changes,
    /// The warnings reported last.
    warned: HashSet<Diagnostic>,
}

impl Preview {
    pub fn new(hub: Hub) -> Preview {
        Preview { hub, broken: None, pending: Changes::default(), warned: HashSet::new() }
    }

    /// Brings `live` up to date with `changes` (the first call reads the
    /// whole hub). `open` is the files shown by open pages: with the
    /// stylesheets, they are rendered again and compared, and the other kept
    /// files are let go. The search index is left as it was: `index_search`
    /// follows.
    pub fn update(&mut self, live: &Live, changes: &Changes, open: &BTreeSet<String>) -> Update {
        let changes = self.pending.and(changes);
        let made = {
            let served = live.read();
            match self.broken.as_ref().or(served.model.as_ref()) {
                Some(latest) => latest.apply(&changes),
                None => Model::make(&self.hub, Keep::Sources, &Quiet),
            }
        };
        let model = match made {
            Ok(model) => model,
            Err(problems) => {
                self.pending = changes;
                let pages = live.read().model.as_ref().map_or(0, Model::page_files);
                return self.fail(live, problems, pages);
            }
        };
        self.pending = Changes::default();
        if model.failed() {
            let (problems, pages) = (model.diagnostics(), model.page_files());
            self.broken = Some(model);
            return self.fail(live, problems, pages);
        }
        self.broken = None;
        if live.read().model.is_none() {
            // The pages a preview starts with are the ones an author may
            // rename while it runs (a hint only, as for a build).
            let _ = model.remember_pages();
        }
        let warnings = model.diagnostics();
        let new_warnings = warnings.iter().filter(|warning| !self.warned.contains(*warning)).cloned().collect();
        self.warned = warnings.iter().cloned().collect();
        Update { new_warnings, ..serve(live, model, open, warnings) }
    }

    /// Keeps the last good site and records `problems`' errors for the
    /// overlay, and its warnings.
    fn fail(&mut self, live: &Live, problems: Vec<Diagnostic>, pages: usize) -> Update {
        let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
            problems.into_iter().partition(Diagnostic::is_error);
        let mut served = live.write();
        served.problems.clone_from(&errors);
        served.warnings.clone_from(&warnings);
        let new_warnings = warnings.iter().filter(|warning| !self.warned.contains(*warning)).cloned().collect();
        self.warned = warnings.iter().cloned().collect();
        Update { problems: errors, warnings, new_warnings, pages, ..Update::default() }
    }
}

/// Serves `model`, which built without errors (its `warnings` aside): the
/// files to compare are rendered from it before it replaces the served one.
fn serve(live: &Live, model: Model, open: &BTreeSet<String>, warnings: Vec<Diagnostic>) -> Update {
    let generation = model.generation();
    let earlier: QuickMap<String, Kept> = live.kept().clone();
    let stylesheets = earlier.keys().filter(|file| file.ends_with(".css"));
    let compared: BTreeSet<&String> = open.iter().chain(stylesheets).collect();
    let rendered: Vec<(&String, Option<Outcome>)> =
        compared.into_par_iter().map(|file| (file, render_file(&model, file))).collect();
    let mut update = Update { bodies: model.bodies().rendered(), files: rendered.len(), ..Update::default() };
    let mut kept = QuickMap::default();
    for (file, outcome) in rendered {
        let before = earlier.get(file);
        let same = before.zip(outcome.as_ref()).is_some_and(|(before, now)| before.outcome == *now);
        if !same {
            update.changed.insert(file.clone());
        }
        if let Some(outcome) = outcome {
            let since = before.filter(|_| same).map_or(generation, |before| before.since);
            kept.insert(file.clone(), Kept { outcome, since });
        }
    }
    update.pages = model.page_files();
    let mut served = live.write();
    let routes_changed = served.model.as_ref().is_none_or(|old| !old.same_files(&model));
    if routes_changed {
        served.routes_since = generation;
    }
    served.problems.clear();
    served.warnings.clone_from(&warnings);
    update.warnings = warnings;
    served.base_path.clone_from(&model.site().base_path);
    let old = served.model.replace(model);
    *live.kept() = kept;
    drop(served);
    // Freeing a large site takes a tenth of a second at 10,000 pages:
    // not while the browser waits.
    std::thread::spawn(move || drop(old));
    update
}

/// Makes the search index of the served site again and serves it. No page
/// shows the index, so no page is stale for it; its kept files are let go.
pub fn index_search(live: &Live) {
    let made = {
        let served = live.read();
        served.model.as_ref().map(|model| (model.search_index(None), model.generation()))
    };
    let Some((index, generation)) = made else { return };
    let mut served = live.write();
    let Some(model) = served.model.as_mut().filter(|model| model.generation() == generation) else { return };
    model.set_search(index);
    let search_files: Vec<&str> = model
        .site()
        .routes
        .iter()
        .filter(|(_, source)| matches!(source, Source::SearchIndex(_)))
        .map(|(file, _)| file)
        .collect();
    let mut kept = live.kept();
    for file in search_files {
        kept.remove(file);
    }
}
