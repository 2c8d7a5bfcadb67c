//! The previewed site: the last good `Model`, the files rendered from it so
//! far, and how each batch of changes brings them up to date. What it serves
//! is always what a clean `belong build` of the same files writes.
//!
//! An update takes one of two paths:
//! - **a body edit**: every changed file is a page already on the site whose
//!   front matter is unchanged. Only those pages' Markdown is rendered again
//!   and only their own output files: no list, feed or related block shows a
//!   body.
//! - **anything else** (front matter, new, deleted or renamed files, section
//!   introductions, `site.toml`, templates, static files): the site is
//!   modelled again from the Markdown files as last read, re-reading only
//!   those the batch names (and, when it adds, deletes or renames files, any
//!   whose size or time changed), and reusing every body whose Markdown and
//!   links did not change.
//!
//! Output files are rendered when first asked for and kept. After an update,
//! each kept file the update may have touched is rendered again and compared,
//! which gives the files that changed: the pages open on them are reloaded.
//! The search index comes last, in a second step (`index_search`), so an
//! edited page is served before a large hub's index is remade.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::SystemTime;

use rayon::prelude::*;

use crate::content::{self, LoadOptions, Loaded, PageKey};
use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic};
use crate::render::{self, Contents, Inputs};
use crate::site::Source;
use crate::{Kept, Model, Options, search, theme};

use super::watch::Changes;

/// The bytes of one output file, shared between requests.
pub type Bytes = Arc<[u8]>;

/// What the server answers from.
pub struct Served {
    /// The last site that built without errors; `None` until one has.
    pub model: Option<Model>,
    /// The errors of the latest build, empty when it succeeded: the overlay
    /// shows them over the last good site.
    pub problems: Vec<Diagnostic>,
    /// The URL path the preview is served under (`/`, or `base_url`'s path).
    pub base_path: String,
}

impl Default for Served {
    fn default() -> Served {
        Served { model: None, problems: Vec::new(), base_path: "/".to_string() }
    }
}

/// The served site and its rendered files, shared by the request threads
/// and the one thread that applies changes. Requests hold the read lock
/// while they render, so a file is never kept from a model already replaced.
#[derive(Default)]
pub struct Live {
    served: RwLock<Served>,
    files: Mutex<HashMap<String, Bytes>>,
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

    fn kept(&self) -> MutexGuard<'_, HashMap<String, Bytes>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The output file `file` (a path under the output folder) as the site
    /// is now: kept from an earlier request, or rendered and kept.
    pub fn file(&self, file: &str) -> Lookup {
        let served = self.read();
        let Some(model) = &served.model else { return Lookup::NoSite };
        if let Some(bytes) = self.kept().get(file) {
            return Lookup::Found(bytes.clone());
        }
        let inputs = model.inputs();
        match render_file(model, &inputs, file) {
            None => Lookup::Missing,
            Some(Err(diagnostic)) => Lookup::Failed(Box::new(diagnostic)),
            Some(Ok(bytes)) => {
                self.kept().insert(file.to_string(), bytes.clone());
                Lookup::Found(bytes)
            }
        }
    }
}

/// One output file's bytes; `None` when the site has no such file.
fn render_file(model: &Model, inputs: &Inputs, file: &str) -> Option<Result<Bytes, Diagnostic>> {
    let source = model.site.routes.get(file)?;
    Some(render::render(file, source, inputs).and_then(|output| match output.contents {
        Contents::Bytes(bytes) => Ok(bytes.into()),
        Contents::Copy(path) => std::fs::read(&path).map(Into::into).map_err(|error| {
            Diagnostic::new(Code::ReadFailed, &path, format!("cannot read this file: {error}"))
                .hint("check that the file is still there and readable")
        }),
    }))
}

/// What one update did.
#[derive(Debug, Default)]
pub struct Update {
    /// Output files, among those served so far, whose bytes changed or which
    /// the site no longer has.
    pub changed: BTreeSet<String>,
    /// Bodies and output files rendered again.
    pub rendered: usize,
    /// True when there was no site before: every open page shows an error.
    pub first_site: bool,
    /// True when the site's set of files changed: a URL that had no file
    /// may have one now.
    pub routes_changed: bool,
    /// The update's errors, when it failed (the last good site stays).
    pub problems: Vec<Diagnostic>,
    /// Markdown pages read (section introductions aside), for the summary
    /// under the errors.
    pub pages: usize,
}

/// One Markdown file as last read.
#[derive(Clone)]
struct Read {
    stamp: Option<(SystemTime, u64)>,
    loaded: Option<Loaded>,
    problems: Vec<Diagnostic>,
}

/// The preview's memory of the hub's files between updates.
pub struct Preview {
    options: Options,
    today: Date,
    /// Every Markdown file under `content/` as last read.
    files: BTreeMap<PathBuf, Arc<Read>>,
    /// What `content/` held at the last full update.
    found: content::Found,
    /// True after a failed update: the next one models the site from the
    /// files, since the served model is older than they are.
    failed: bool,
}

impl Preview {
    pub fn new(options: Options) -> Preview {
        let today = options.today.unwrap_or_else(Date::today);
        Preview { options, today, files: BTreeMap::new(), found: content::Found::default(), failed: true }
    }

    /// Brings `live` up to date with `changes` (everything, for the first
    /// build). The search index is left as it was: `index_search` follows.
    pub fn update(&mut self, live: &Live, changes: &Changes) -> Update {
        if !self.failed
            && !changes.config()
            && !changes.theme()
            && let Some(update) = self.edit_bodies(live, changes)
        {
            return update;
        }
        self.rebuild(live, changes)
    }

    /// The body-edit path; `None` when the changes are not only body edits.
    fn edit_bodies(&mut self, live: &Live, changes: &Changes) -> Option<Update> {
        let mut edits: Vec<Edit> = Vec::new();
        {
            let served = live.read();
            let model = served.model.as_ref()?;
            for relative in changes.content() {
                let key = PageKey::new(relative);
                let old = model.site.pages.get(&key)?;
                let read = read_file(&self.options.root, relative, &model.site.config, self.today);
                let Some(Loaded::Page(page)) = &read.loaded else { return None };
                let mut same_front_matter = (**page).clone();
                same_front_matter.body.clone_from(&old.body);
                same_front_matter.body_line = old.body_line;
                if same_front_matter != *old || read.problems.iter().any(Diagnostic::is_error) {
                    return None;
                }
                let body = render::page_body(&model.site, page, &page.body);
                if body.diagnostics.iter().any(Diagnostic::is_error) {
                    return None;
                }
                let page = (**page).clone();
                edits.push(Edit { relative: relative.to_path_buf(), key, page, body, read });
            }
        }
        if edits.is_empty() {
            return None;
        }
        let mut served = live.write();
        let model = served.model.as_mut()?;
        let mut previous = Vec::new();
        for edit in &mut edits {
            edit.body.diagnostics.clear();
            let old_page = model.site.pages.insert(edit.key.clone(), edit.page.clone());
            let old_body = model.bodies.pages.insert(edit.key.clone(), std::mem::take(&mut edit.body));
            previous.push((edit.key.clone(), old_page, old_body));
        }
        if render::check_anchors(&model.site, &model.bodies).iter().any(Diagnostic::is_error) {
            // A heading another page links to is gone: put the old pages
            // back and let the full path report it.
            for (key, old_page, old_body) in previous {
                if let (Some(page), Some(body)) = (old_page, old_body) {
                    model.site.pages.insert(key.clone(), page);
                    model.bodies.pages.insert(key, body);
                }
            }
            return None;
        }
        let keys: BTreeSet<&PageKey> = edits.iter().map(|edit| &edit.key).collect();
        let files = files_from(model, |source| matches!(source, Source::Page(key) if keys.contains(key)));
        let mut update = refresh(live, model, Some(&files));
        update.rendered += edits.len();
        drop(served);
        for edit in edits {
            self.files.insert(edit.relative, Arc::new(edit.read));
        }
        Some(update)
    }

    /// The full path: reads what changed, models the site again and keeps
    /// it when it has no errors.
    fn rebuild(&mut self, live: &Live, changes: &Changes) -> Update {
        let config = match crate::config(&self.options) {
            Ok(config) => config,
            Err(problems) => return self.fail(live, problems),
        };
        {
            let mut served = live.write();
            if served.model.is_none() {
                served.base_path = crate::site::base_path(&config.base_url);
            }
        }
        let theme = match theme::load(&self.options.root, &config.theme) {
            Ok(theme) => theme,
            Err(problems) => return self.fail(live, problems),
        };
        let everything = changes.config() || self.files.is_empty();
        let named: Vec<&Path> = changes.content().collect();
        let content_dir = self.options.root.join(content::DIR);
        // Saves to pages already known need no walk of the whole folder, nor
        // a look at every file's time: the events name what changed. New,
        // deleted or renamed files and folders, and theme changes, get both.
        let only_known = !everything
            && !changes.theme()
            && named.iter().all(|path| self.files.contains_key(*path) && content_dir.join(path).is_file());
        if !only_known {
            self.found = content::find(&self.options.root);
        }
        let found = self.found.clone();
        let files: BTreeMap<PathBuf, Arc<Read>> = found
            .markdown
            .par_iter()
            .map(|relative| {
                let unchanged = |read: &&Arc<Read>| {
                    !everything
                        && !named.iter().any(|path| relative.starts_with(path))
                        && (only_known || read.stamp == stamp(&content_dir.join(relative)))
                };
                let read = match self.files.get(relative).filter(unchanged) {
                    Some(read) => read.clone(),
                    None => Arc::new(read_file(&self.options.root, relative, &config, self.today)),
                };
                (relative.clone(), read)
            })
            .collect();
        self.files = files;
        let loaded = found.markdown.iter().filter_map(|relative| self.files.get(relative));
        let loaded: Vec<_> = loaded.map(|read| (read.loaded.clone(), read.problems.clone())).collect();
        let load_options = LoadOptions { drafts: self.options.drafts, today: Some(self.today) };
        let (content, mut problems) = content::assemble(found, loaded, load_options);
        let (model, model_problems) = {
            let served = live.read();
            Model::new(content, config, theme, self.today, Kept::Markdown(served.model.as_ref()))
        };
        problems.extend(model_problems);
        if problems.iter().any(Diagnostic::is_error) {
            return self.fail(live, problems);
        }
        self.failed = false;
        let mut served = live.write();
        let first_site = served.model.is_none();
        let routes_changed = served.model.as_ref().is_none_or(|old| old.site.routes != model.site.routes);
        let mut model = model;
        if let Some(old) = served.model.as_mut() {
            // The old index serves until `index_search` makes the new one.
            model.search = std::mem::take(&mut old.search);
        }
        served.problems.clear();
        served.base_path.clone_from(&model.site.base_path);
        let old = served.model.replace(model);
        let mut update = served.model.as_ref().map(|model| refresh(live, model, None)).unwrap_or_default();
        update.first_site = first_site;
        update.routes_changed = routes_changed;
        drop(served);
        // Freeing a large site takes a tenth of a second at 10,000 pages:
        // not while the browser waits.
        std::thread::spawn(move || drop(old));
        update
    }

    /// Keeps the last good site and records `problems` for the overlay.
    fn fail(&mut self, live: &Live, mut problems: Vec<Diagnostic>) -> Update {
        self.failed = true;
        problems.retain(Diagnostic::is_error);
        crate::diagnostics::sort(&mut problems);
        live.write().problems.clone_from(&problems);
        let pages = self.files.keys().filter(|path| path.file_stem().is_some_and(|stem| stem != "_index")).count();
        Update { problems, pages, ..Update::default() }
    }
}

/// One page whose body alone changed.
struct Edit {
    relative: PathBuf,
    key: PageKey,
    page: content::Page,
    body: crate::markdown::Rendered,
    read: Read,
}

/// Makes the search index of the served site again and serves it; the files
/// of the index that changed are in the update.
pub fn index_search(live: &Live) -> Update {
    let index = {
        let served = live.read();
        let Some(model) = served.model.as_ref().filter(|model| model.site.config.search.enabled) else {
            return Update::default();
        };
        search::index(&model.site, &model.bodies.pages)
    };
    let mut served = live.write();
    let Some(model) = served.model.as_mut() else { return Update::default() };
    model.search = index;
    let files = files_from(model, |source| matches!(source, Source::SearchIndex(_)));
    refresh(live, model, Some(&files))
}

/// The site's output files whose source `made_from` picks.
fn files_from(model: &Model, made_from: impl Fn(&Source) -> bool) -> Vec<String> {
    model.site.routes.iter().filter(|(_, source)| made_from(source)).map(|(file, _)| file.to_string()).collect()
}

/// Renders again the kept files among `only` (every kept file when `None`),
/// keeps the new bytes, and returns which changed or went.
fn refresh(live: &Live, model: &Model, only: Option<&[String]>) -> Update {
    let mut kept = live.kept();
    let files: Vec<String> = match only {
        Some(files) => files.iter().filter(|file| kept.contains_key(*file)).cloned().collect(),
        None => kept.keys().cloned().collect(),
    };
    let inputs = model.inputs();
    let rendered: Vec<(String, Option<Result<Bytes, Diagnostic>>)> =
        files.into_par_iter().map(|file| (file.clone(), render_file(model, &inputs, &file))).collect();
    let mut update = Update { rendered: rendered.len(), ..Update::default() };
    for (file, result) in rendered {
        match result {
            Some(Ok(bytes)) => {
                if kept.get(&file) != Some(&bytes) {
                    kept.insert(file.clone(), bytes);
                    update.changed.insert(file);
                }
            }
            _ => {
                kept.remove(&file);
                update.changed.insert(file);
            }
        }
    }
    update
}

/// A file's modification time and size: what tells the full path that a
/// file changed when no event named it.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

fn read_file(root: &Path, relative: &Path, config: &crate::config::Config, today: Date) -> Read {
    let stamp = stamp(&root.join(content::DIR).join(relative));
    let (loaded, problems) = content::load_file(root, relative, config, today);
    Read { stamp, loaded, problems }
}
