//! The hub as belong knows it before it writes a file: the site, every page's
//! body, the theme and the search index. `Model::make` reads the hub's files;
//! `Model::apply` brings a model up to date with a batch of changed files,
//! giving a new model. Build, check and the preview all go through it, and
//! its fields are private: nothing outside changes a model.
//!
//! 1. the configuration, the content (`content::Sources`) and the theme;
//! 2. the site (`site::model`), or, when only some pages' bodies changed, the
//!    last site with those pages in place (`Site::with_bodies`);
//! 3. every page's body (`render::bodies`), kept from the last model where
//!    its `BodyInputs` are unchanged.
//!
//! Each model has a generation, one more than the model it was applied to:
//! the preview tags every page it serves with it.

mod changes;
mod moved;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Changed, LoadOptions, Loaded, Page, Reading, Sources};
use crate::date::Date;
use crate::diagnostics::{self, Code, Diagnostic};
use crate::pictures::Cache;
use crate::render::{self, Bodies, Inputs};
use crate::search;
use crate::site::{self, Site, Source, routes};
use crate::theme::{self, Theme};
use crate::timings::{Progress, Quiet, Timings};

pub use changes::Changes;

/// Where the hub is and how it is to be read.
#[derive(Clone, Debug)]
pub struct Hub {
    /// The hub's folder (holding `site.toml` and `content/`).
    pub root: PathBuf,
    /// In place of `base_url` from site.toml.
    pub base_url: Option<String>,
    /// Keep pages marked `draft: true`.
    pub drafts: bool,
    /// The day `review_due` is judged against.
    pub today: Date,
}

/// What a model keeps of the files it was made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Nothing (build, check): each page's Markdown is let go as soon as its
    /// body is rendered. Applying changes to such a model reads the hub again.
    Nothing,
    /// Every file as read (the preview), so a change reads only what it touched.
    Sources,
}

/// A modelled hub: everything a build knows before it writes.
pub struct Model {
    hub: Hub,
    generation: u64,
    /// The files as read, when the model keeps them.
    sources: Option<Sources>,
    theme: Arc<Theme>,
    /// What went wrong loading the theme (its templates are then the
    /// embedded ones).
    theme_problems: Vec<Diagnostic>,
    site: Site,
    bodies: Bodies,
    search: Arc<search::Index>,
    shared: render::Shared,
    /// Where the pictures' published files are made and kept.
    pictures: Cache,
    /// The problems of reading the files, of the configuration and of the
    /// theme.
    problems: Vec<Diagnostic>,
    /// The problems of modelling the site (two pages with one URL, clashing
    /// paths): kept with the site when a body edit keeps it. The bodies keep
    /// their own.
    site_problems: Vec<Diagnostic>,
    /// The files of `content/` no page links to or shows, by their path
    /// under `content/`: not published, each reported.
    unpublished: Arc<BTreeSet<String>>,
    /// The pages belong last saw published, from the hub's cache folder.
    published: Arc<Vec<moved::Published>>,
    /// Markdown pages found, loaded or not (not counting section introductions).
    page_files: usize,
    timings: Timings,
}

/// What a model is made from once the files are read.
struct Parts {
    config: Arc<Config>,
    theme: Arc<Theme>,
    theme_problems: Vec<Diagnostic>,
    sources: Sources,
    /// The pages read again, when nothing else changed: the site may keep
    /// everything but their bodies.
    only_pages: Option<Vec<Arc<Page>>>,
    /// The pages belong last saw published.
    published: Arc<Vec<moved::Published>>,
}

/// Reads `site.toml`, with the hub's `base_url` in place of its own.
fn config(hub: &Hub) -> Result<Config, Vec<Diagnostic>> {
    let mut config = crate::config::load(&hub.root)?;
    if let Some(base_url) = &hub.base_url {
        config.set_base_url(base_url).map_err(|diagnostic| vec![diagnostic])?;
    }
    Ok(config)
}

impl Model {
    /// Reads the hub and models it. `Err` carries the problems when
    /// nothing can be modelled: a `site.toml` that does not read. Every
    /// other problem is in the model (`diagnostics`).
    pub fn make(hub: &Hub, keep: Keep, progress: &dyn Progress) -> Result<Model, Vec<Diagnostic>> {
        let mut timings = Timings::default();
        let config = Arc::new(config(hub)?);
        let reading = Reading { root: &hub.root, config: &config, today: hub.today };
        let sources = timings.step(progress, "load and validate", || Sources::read(&reading));
        let (theme, theme_problems) = timings.time("theme", || theme::load(&hub.root, &config.theme));
        let published = Arc::new(moved::read(&hub.root));
        let parts = Parts { config, theme: Arc::new(theme), theme_problems, sources, only_pages: None, published };
        Ok(Model::assemble(hub, parts, keep, None, timings, progress))
    }

    /// This model brought up to date with `changes`: the files they touch
    /// read again, the site modelled again (or kept, when only bodies
    /// changed) and each body kept where its inputs did not change. `Err`
    /// when the new `site.toml` does not read; this model is then still the
    /// latest.
    pub fn apply(&self, changes: &Changes) -> Result<Model, Vec<Diagnostic>> {
        let Some(sources) = &self.sources else {
            let mut model = Model::make(&self.hub, Keep::Sources, &Quiet)?;
            model.generation = self.generation + 1;
            return Ok(model);
        };
        let config = if changes.config() { Arc::new(config(&self.hub)?) } else { self.site.config.clone() };
        let (theme, theme_problems) = if changes.config() || changes.theme() {
            let (theme, problems) = theme::load(&self.hub.root, &config.theme);
            (Arc::new(theme), problems)
        } else {
            (self.theme.clone(), self.theme_problems.clone())
        };
        let named: Vec<&std::path::Path> = changes.content().collect();
        let changed = if changes.config() { Changed::Everything } else { Changed::Paths(&named) };
        let reading = Reading { root: &self.hub.root, config: &config, today: self.hub.today };
        let (sources, reread) = sources.update(&reading, changed);
        // Only pages read again, and nothing else (a site.toml change lists
        // the folder again): the site may keep everything but their bodies.
        // A theme change may add or take away static files, which are routes.
        let only_pages = (!changes.theme() && !reread.listed)
            .then(|| {
                let page = |relative: &PathBuf| match sources.loaded(relative) {
                    Some(Loaded::Page(page)) => Some(page.clone()),
                    _ => None,
                };
                reread.files.iter().map(page).collect::<Option<Vec<_>>>()
            })
            .flatten();
        let published = self.published.clone();
        let parts = Parts { config, theme, theme_problems, sources, only_pages, published };
        Ok(Model::assemble(&self.hub, parts, Keep::Sources, Some(self), Timings::default(), &Quiet))
    }

    /// Puts a model together from its parts; `previous` lends the bodies
    /// (and, for body edits, the site) it can.
    fn assemble(
        hub: &Hub,
        parts: Parts,
        keep: Keep,
        previous: Option<&Model>,
        mut timings: Timings,
        progress: &dyn Progress,
    ) -> Model {
        let Parts { config, theme, theme_problems, sources, only_pages, published } = parts;
        let (content, mut problems) = sources.content(LoadOptions { drafts: hub.drafts, today: Some(hub.today) });
        let page_files = content.page_files;
        problems.extend(config.warnings.iter().cloned());
        problems.extend(theme_problems.iter().cloned());
        let kept = previous
            .zip(only_pages)
            .and_then(|(previous, pages)| Some((previous.site.with_bodies(&pages)?, previous.site_problems.clone())));
        let sources = (keep == Keep::Sources).then_some(sources);
        progress.step("model and markdown", None);
        let (mut site, site_problems) = match kept {
            Some(kept) => kept,
            None => {
                let (site, site_problems) = timings.time("model", || site::model(content, config, &theme));
                (share_with(site, previous.map(|previous| &previous.site)), site_problems)
            }
        };
        let markdown = match keep {
            Keep::Nothing => render::Markdown::Taken(site.take_markdown()),
            Keep::Sources => render::Markdown::InSite { previous: previous.map(|model| (&model.site, &model.bodies)) },
        };
        let bodies = timings.time("markdown", || render::bodies(&site, markdown));
        let unpublished = unpublished(&site, &bodies);
        problems.extend(unpublished.iter().map(|path| not_published(path)));
        problems.extend(moved::gone(&site, &published));
        let shared = render::Shared::new(&site);
        Model {
            hub: hub.clone(),
            generation: previous.map_or(1, |previous| previous.generation + 1),
            sources,
            theme,
            theme_problems,
            site,
            bodies,
            // The last index serves until `set_search` gives this model its own.
            search: previous.map(|previous| previous.search.clone()).unwrap_or_default(),
            shared,
            pictures: Cache::new(&hub.root),
            problems,
            site_problems,
            unpublished: Arc::new(unpublished),
            published,
            page_files,
            timings,
        }
    }

    /// Whether output file `file`, made from `source`, is published: every
    /// route is, but the files of `content/` no page links to or shows.
    pub fn publishes(&self, file: &str, source: &Source) -> bool {
        routes::content_file(file, source).is_none_or(|content| self.publishes_content(content))
    }

    /// Whether the file of `content/` at `path` (under `content/`) is
    /// published: some page links to it or shows it.
    pub fn publishes_content(&self, path: &str) -> bool {
        !self.unpublished.contains(path)
    }

    /// Records this model's pages as the ones published, for the next
    /// model to say which addresses are gone (not for a build with drafts).
    pub fn remember_pages(&self) -> std::io::Result<()> {
        if self.hub.drafts {
            return Ok(());
        }
        moved::write(&self.hub.root, &self.site)
    }

    /// Whether `other` publishes the same files as this model: the same
    /// routes, and the same files of `content/` left out.
    pub fn same_files(&self, other: &Model) -> bool {
        self.site.routes == other.site.routes && self.unpublished == other.unpublished
    }

    /// The hub's folder.
    pub fn root(&self) -> &std::path::Path {
        &self.hub.root
    }

    /// The day `review_due` is judged against.
    pub fn today(&self) -> Date {
        self.hub.today
    }

    /// This model's number: 1 for a model made from the files, one more
    /// for each batch of changes applied since.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    pub fn bodies(&self) -> &Bodies {
        &self.bodies
    }

    /// What rendering one of the model's files reads.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            site: &self.site,
            bodies: &self.bodies,
            theme: &self.theme,
            search: &self.search,
            today: self.hub.today,
            shared: &self.shared,
            pictures: &self.pictures,
        }
    }

    /// Makes the search index of this model (it does not set it: a preview
    /// makes it while the model serves), from `words` when the bodies were
    /// counted as they were made (`take_words`).
    pub fn search_index(&self, words: Option<search::Counted>) -> search::Index {
        search::index(&self.site, |key| self.bodies.get(key), words)
    }

    /// The search words counted as the bodies were made, by a model that
    /// keeps nothing (`Keep::Nothing`) and so not the bodies' text.
    pub fn take_words(&mut self) -> Option<search::Counted> {
        self.bodies.take_words()
    }

    /// Gives the model its search index.
    pub fn set_search(&mut self, index: search::Index) {
        self.search = Arc::new(index);
    }

    /// Every problem of the hub as this model read it, sorted by file and line.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self.all_problems().cloned().collect();
        diagnostics::sort(&mut all);
        all
    }

    /// True when any problem is an error: nothing may be written from it.
    pub fn failed(&self) -> bool {
        self.all_problems().any(Diagnostic::is_error)
    }

    fn all_problems(&self) -> impl Iterator<Item = &Diagnostic> {
        self.problems.iter().chain(&self.site_problems).chain(self.bodies.diagnostics())
    }

    /// Markdown pages found, loaded or not (not counting section introductions).
    pub fn page_files(&self) -> usize {
        self.page_files
    }

    /// How long making the model took, step by step, taken out of it.
    pub fn take_timings(&mut self) -> Timings {
        std::mem::take(&mut self.timings)
    }
}

/// The files of `content/` that no page or section introduction links to or
/// shows, and that site.toml does not name as the `share_image`, by their
/// path under `content/`.
fn unpublished(site: &Site, bodies: &Bodies) -> BTreeSet<String> {
    let mut used = bodies.files();
    used.extend(site.config.share_image.as_deref());
    let files = site.routes.iter().filter_map(|(file, source)| routes::content_file(file, source));
    files.filter(|file| !used.contains(file)).map(str::to_string).collect()
}

/// Why a file of `content/` is not published, and how to publish it.
fn not_published(path: &str) -> Diagnostic {
    let name = path.rsplit('/').next().unwrap_or(path);
    Diagnostic::new(
        Code::NotPublished,
        std::path::Path::new(crate::content::DIR).join(path),
        "this file is not published: no page links to it or shows it",
    )
    .hint(format!(
        "to publish it, link to it from a page in its folder, such as [the words to click]({name}), or move it to \
         static/ to publish it as it is; files only for your team belong outside content/"
    ))
}

/// `site` with the parts it shares with `previous` taken from it when they
/// are equal, so bodies that read them compare by address (`BodyInputs`).
fn share_with(mut site: Site, previous: Option<&Site>) -> Site {
    if let Some(previous) = previous {
        if site.routes == previous.routes {
            site.routes = previous.routes.clone();
        }
        if site.pictures == previous.pictures {
            site.pictures = previous.pictures.clone();
        }
        if site.components == previous.components {
            site.components = previous.components.clone();
        }
    }
    site
}
