//! belong builds the belonging knowledge hub: Markdown case studies, toolkits and
//! discussion sets in, a static, accessible website out.
//!
//! The pipeline runs one way, each step taking the last one's value:
//! `config::load`, `content::load`, `theme::load` -> `site::model` (with the
//! routes table) -> `render::bodies` -> `render::render` per route -> `output`
//! (build) or nothing (check).
//! Content problems travel beside the values as `Diagnostic`s; only machine
//! failures (disk, permissions) are errors.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod escape;
pub mod highlight;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod shrink;
pub mod site;
pub mod slug;
pub mod theme;
pub mod timings;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rayon::prelude::*;

use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::render::{Bodies, Inputs, OutputFile};
use crate::site::{Site, Source};
use crate::theme::Theme;
use crate::timings::Timings;

/// What `build` and `check` are asked to do.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The hub's folder (holding `site.toml` and `content/`).
    pub root: PathBuf,
    /// Overrides `output_dir` from site.toml.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// Minify HTML, CSS and JavaScript (`build --minify`).
    pub minify: bool,
    /// The day to judge `review_due` against; today when `None`.
    pub today: Option<Date>,
}

/// Told how a build is going, so `main.rs` can show it. `advance` is
/// called from the render threads.
pub trait Progress: Sync {
    /// A step starts; `total` is how many files it makes, when it counts them.
    fn step(&self, name: &'static str, total: Option<usize>);
    /// One more file of the current step is made.
    fn advance(&self);
}

/// Progress that shows nothing (`check`, and library callers).
pub struct Quiet;

impl Progress for Quiet {
    fn step(&self, _: &'static str, _: Option<usize>) {}
    fn advance(&self) {}
}

/// What a run found and did.
#[derive(Debug, Default)]
pub struct Report {
    /// Every problem found, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Markdown pages found, loaded or not (not counting section introductions).
    pub pages: usize,
    /// Files written (zero for `check`, or when errors stopped the build).
    pub files: usize,
    /// Where the site was written, when it was.
    pub output: Option<PathBuf>,
    /// How long each step took (`build --timings` prints them).
    pub timings: Timings,
}

impl Report {
    /// True when any diagnostic is an error: the run should exit 1.
    pub fn failed(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A modelled site with its rendered bodies and theme, ready to render files:
/// everything a build knows before it writes. A preview keeps one and renders
/// single routes from it.
pub struct Model {
    pub site: Site,
    pub bodies: Bodies,
    pub theme: Theme,
    pub search: search::Index,
    /// The day "due for review" is judged against.
    pub today: Date,
    /// Markdown pages found, loaded or not.
    page_files: usize,
    /// How long modelling and rendering the bodies took.
    pub timings: Timings,
}

/// What a model keeps for the next one.
pub enum Kept<'a> {
    /// Nothing: the Markdown goes once the bodies are made (build, check).
    Nothing,
    /// Every page's Markdown, to compare with the next save, and the bodies
    /// reused from this earlier model (a preview).
    Markdown(Option<&'a Model>),
}

impl Model {
    /// Models `content` with `config` and `theme`: the site, then every
    /// page's body. A preview passes `Kept::Markdown` with its last model,
    /// whose bodies are kept where nothing they read changed; build and
    /// check pass `Kept::Nothing`, and each page's Markdown is let go once
    /// its body is rendered. The search index is left empty for
    /// `search::index` to fill: a preview serves an edited page before the
    /// index is done.
    pub fn new(
        content: content::Content,
        config: config::Config,
        theme: Theme,
        today: Date,
        kept: Kept,
    ) -> (Model, Vec<Diagnostic>) {
        let page_files = content.page_files;
        let mut timings = Timings::default();
        let (mut site, mut diagnostics) = timings.time("model", || site::model(content, config, &theme.static_files));
        let markdown = match kept {
            Kept::Nothing => render::Markdown::Taken(site.take_markdown()),
            Kept::Markdown(previous) => {
                render::Markdown::InSite { previous: previous.map(|model| (&model.site, &model.bodies)) }
            }
        };
        let (bodies, body_problems) = timings.time("markdown", || render::bodies(&site, markdown));
        diagnostics.extend(body_problems);
        let search = search::Index::default();
        (Model { site, bodies, theme, search, today, page_files, timings }, diagnostics)
    }

    /// What rendering one of the model's files reads, made once for many.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs::new(&self.site, &self.bodies, &self.theme, &self.search, self.today)
    }
}

/// Reads `site.toml`, with `options`' `base_url` in place of its own.
pub fn config(options: &Options) -> Result<config::Config, Vec<Diagnostic>> {
    let mut config = config::load(&options.root)?;
    if let Some(base_url) = &options.base_url {
        config.set_base_url(base_url).map_err(|diagnostic| vec![diagnostic])?;
    }
    Ok(config)
}

/// Runs every step up to rendering. `Err` carries the report when nothing
/// further can be done (no readable site.toml, a broken template).
pub fn model(options: &Options, progress: &dyn Progress) -> Result<(Model, Vec<Diagnostic>), Report> {
    let fail = |diagnostics: Vec<Diagnostic>| Report { diagnostics, ..Report::default() };
    let config = config(options).map_err(fail)?;
    let today = options.today.unwrap_or_else(Date::today);
    let load_options = content::LoadOptions { drafts: options.drafts, today: Some(today) };
    let mut timings = Timings::default();
    progress.step("load and validate", None);
    let (content, mut diagnostics) =
        timings.time("load and validate", || content::load(&options.root, &config, load_options));
    diagnostics.extend(config.warnings.iter().cloned());
    match timings.time("theme", || theme::load(&options.root, &config.theme)) {
        Ok(theme) => {
            progress.step("model and markdown", None);
            let (mut model, problems) = Model::new(content, config, theme, today, Kept::Nothing);
            diagnostics.extend(problems);
            timings.steps.append(&mut model.timings.steps);
            progress.step("search index", None);
            model.search = timings.time("search index", || search::index(&model.site, &model.bodies.pages));
            model.timings = timings;
            Ok((model, diagnostics))
        }
        Err(theme_problems) => {
            // The content is still checked, so one run reports everything.
            let page_files = content.page_files;
            let (site, model_problems) = site::model(content, config, &BTreeMap::new());
            diagnostics.extend(model_problems);
            diagnostics.extend(render::bodies(&site, render::Markdown::InSite { previous: None }).1);
            diagnostics.extend(theme_problems);
            let mut report = fail(diagnostics);
            report.pages = page_files;
            diagnostics::sort(&mut report.diagnostics);
            Err(report)
        }
    }
}

/// Renders every file of the site in parallel, handing each to `sink` as it
/// is made. Returns how many files were made and the template problems met,
/// and adds the CPU time spent in templates and in `sink` to `timings`.
fn render_all(
    model: &Model,
    sink: &(dyn Fn(OutputFile) -> anyhow::Result<()> + Sync),
    timings: &mut Timings,
    progress: &dyn Progress,
) -> anyhow::Result<(usize, Vec<Diagnostic>)> {
    let inputs = model.inputs();
    let routes: Vec<(&str, &Source)> = model.site.routes.iter().collect();
    progress.step("templates and write", Some(routes.len()));
    let problems = Mutex::new(Vec::new());
    let (templates, write) = (AtomicU64::new(0), AtomicU64::new(0));
    let nanos = |since: Instant| u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX);
    let started = Instant::now();
    routes.par_iter().try_for_each(|(file, source)| {
        let rendering = Instant::now();
        let rendered = render::render(file, source, &inputs);
        templates.fetch_add(nanos(rendering), Ordering::Relaxed);
        progress.advance();
        match rendered {
            Ok(file) => {
                let writing = Instant::now();
                let written = sink(file);
                write.fetch_add(nanos(writing), Ordering::Relaxed);
                written
            }
            Err(diagnostic) => {
                if let Ok(mut problems) = problems.lock() {
                    problems.push(diagnostic);
                }
                Ok(())
            }
        }
    })?;
    timings.record("templates and write", started.elapsed());
    timings.templates += Duration::from_nanos(templates.into_inner());
    timings.write += Duration::from_nanos(write.into_inner());
    Ok((routes.len(), problems.into_inner().unwrap_or_default()))
}

/// Validates the whole site, renders it and writes nothing.
pub fn check(options: &Options) -> anyhow::Result<Report> {
    let (mut model, mut diagnostics) = match model(options, &Quiet) {
        Ok(model) => model,
        Err(report) => return Ok(report),
    };
    let mut timings = std::mem::take(&mut model.timings);
    let (_, template_problems) = render_all(&model, &|_| Ok(()), &mut timings, &Quiet)?;
    diagnostics.extend(template_problems);
    diagnostics::sort(&mut diagnostics);
    Ok(Report { diagnostics, pages: model.page_files, files: 0, output: None, timings })
}

/// Builds the site into its output folder, telling `progress` how it goes.
/// Nothing is written when the content has errors; the old site is replaced
/// only when the new one is complete.
pub fn build(options: &Options, progress: &dyn Progress) -> anyhow::Result<Report> {
    let (mut model, mut diagnostics) = match model(options, progress) {
        Ok(model) => model,
        Err(report) => return Ok(report),
    };
    let pages = model.page_files;
    let mut timings = std::mem::take(&mut model.timings);
    if diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics::sort(&mut diagnostics);
        return Ok(Report { diagnostics, pages, files: 0, output: None, timings });
    }
    let configured = options.output.clone().unwrap_or_else(|| model.site.config.output_dir.clone());
    let target = if configured.is_absolute() { configured } else { options.root.join(configured) };
    let staging = output::stage(&options.root, &target)?;
    let precompress = model.site.config.output.precompress;
    let write = |file: OutputFile| write_for_host(&staging, file, options.minify, precompress);
    let rendered = render_all(&model, &write, &mut timings, progress);
    let (files, template_problems) = match rendered {
        Ok(result) => result,
        Err(error) => {
            staging.abandon();
            return Err(error);
        }
    };
    diagnostics.extend(template_problems);
    diagnostics::sort(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        staging.abandon();
        return Ok(Report { diagnostics, pages, files: 0, output: None, timings });
    }
    let written = timings.time("swap into place", || staging.commit())?;
    Ok(Report { diagnostics, pages, files, output: Some(written), timings })
}

/// Writes one file as the host is to serve it: minified when `minify`, with
/// gzip and brotli copies beside it when `precompress` and it is text.
fn write_for_host(staging: &output::Staging, file: OutputFile, minify: bool, precompress: bool) -> anyhow::Result<()> {
    let file = match file.contents {
        render::Contents::Bytes(bytes) if minify => {
            let bytes = shrink::minify(&file.path, bytes);
            OutputFile { path: file.path, contents: render::Contents::Bytes(bytes) }
        }
        _ => file,
    };
    staging.write(&file)?;
    if !precompress || !shrink::compressible(&file.path) {
        return Ok(());
    }
    let bytes = match &file.contents {
        render::Contents::Bytes(bytes) => std::borrow::Cow::Borrowed(bytes),
        render::Contents::Copy(source) => {
            std::borrow::Cow::Owned(std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?)
        }
    };
    for (suffix, compressed) in [(".gz", shrink::gzip(&bytes)), (".br", shrink::brotli(&bytes))] {
        let path = format!("{}{suffix}", file.path);
        staging.write(&OutputFile { path, contents: render::Contents::Bytes(compressed) })?;
    }
    Ok(())
}

/// The site root a command works on: `--root`, or the current folder.
pub fn root_or_current(root: Option<&Path>) -> PathBuf {
    root.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}
