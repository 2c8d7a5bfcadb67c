//! belong builds the belonging knowledge hub: Markdown case studies, toolkits and
//! discussion sets in, a static, accessible website out.
//!
//! The pipeline runs one way, each step taking the last one's value:
//! `config::load`, `content::Sources::read`, `theme::load` -> `site::model`
//! (with the routes table) -> `render::bodies` (all three in `model::Model`)
//! -> `render::render` per route -> `output` (build) or nothing (check).
//! Content problems travel beside the values as `Diagnostic`s; only machine
//! failures (disk, permissions) are errors.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod escape;
pub mod hashing;
pub mod highlight;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pictures;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod shrink;
pub mod site;
pub mod slug;
pub mod theme;
pub mod timings;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rayon::prelude::*;

use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::model::{Hub, Keep, Model};
use crate::pictures::Picture;
use crate::pictures::cache::Outcome;
use crate::render::OutputFile;
use crate::site::Source;
use crate::timings::Timings;

pub use crate::timings::{Progress, Quiet};

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

impl Options {
    /// The hub these options read, and how.
    pub fn hub(&self) -> Hub {
        Hub {
            root: self.root.clone(),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            today: self.today.unwrap_or_else(Date::today),
        }
    }
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
    /// The pictures made from their pixels, and found made in the cache.
    pub pictures: PictureWork,
}

/// How many pictures a run made, and how many it found made in the cache
/// (`check` makes none: it only decodes those not in the cache).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PictureWork {
    pub made: usize,
    pub kept: usize,
}

impl Report {
    /// True when any diagnostic is an error: the run should exit 1.
    pub fn failed(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Renders every file of the site but the search index's (`write_index`
/// writes those) in parallel, handing each to `sink` as it
/// is made. Returns how many files were made and the template problems met,
/// and adds the CPU time spent in templates and in `sink` to `timings`.
fn render_all(
    model: &Model,
    sink: &(dyn Fn(OutputFile) -> anyhow::Result<()> + Sync),
    timings: &mut Timings,
    progress: &dyn Progress,
) -> anyhow::Result<(usize, Vec<Diagnostic>)> {
    let inputs = model.inputs();
    let routes: Vec<(&str, &Source)> = model
        .site()
        .routes
        .iter()
        .filter(|(file, source)| model.publishes(file, source) && !matches!(source, Source::SearchIndex(_)))
        .collect();
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

/// Makes the model `build` and `check` render, with how long it took. `Err`
/// is the problems of a hub that could not be modelled (no readable site.toml).
fn model(options: &Options, progress: &dyn Progress) -> Result<(Model, Timings), Vec<Diagnostic>> {
    let mut model = Model::make(&options.hub(), Keep::Nothing, progress)?;
    let timings = model.take_timings();
    Ok((model, timings))
}

/// Makes the search index and hands its files to `sink` at once, letting
/// each go as it is written, instead of giving them to the model: at
/// 100,000 pages they are 230 MB that would sit beside every page being
/// rendered. Returns how many files were written.
fn write_index(
    model: &mut Model,
    sink: &dyn Fn(OutputFile) -> anyhow::Result<()>,
    timings: &mut Timings,
    progress: &dyn Progress,
) -> anyhow::Result<usize> {
    let words = model.take_words();
    let mut index = timings.step(progress, "search index", || model.search_index(words));
    let mut written = 0;
    for (path, source) in model.site().routes.iter() {
        if let Source::SearchIndex(file) = source
            && let Some(bytes) = index.take(*file)
        {
            sink(OutputFile { path: path.to_string(), contents: render::Contents::Bytes(bytes) })?;
            written += 1;
        }
    }
    Ok(written)
}

/// Makes the published files of every picture that is published from its
/// pixels (`make`), or only decodes those not in the cache (`check`), in
/// parallel: one picture decoded at a time on each thread, which bounds
/// memory. Returns what it did and the pictures that cannot be published.
fn make_pictures(
    model: &Model,
    make: bool,
    timings: &mut Timings,
    progress: &dyn Progress,
) -> anyhow::Result<(PictureWork, Vec<Diagnostic>)> {
    let made: Vec<&Arc<Picture>> = model
        .site()
        .pictures
        .values()
        .filter(|picture| picture.format.is_made() && model.publishes_content(&picture.path))
        .collect();
    progress.step("pictures", Some(made.len()));
    let cache = model.inputs().pictures;
    let started = Instant::now();
    let outcomes: Vec<Outcome> = made
        .par_iter()
        .map(|picture| {
            let outcome = if make {
                cache.make(picture)
            } else {
                let kept = cache.has(picture);
                Ok(match cache.verify(picture) {
                    Err(problem) => Outcome::Refused(problem),
                    Ok(()) if kept => Outcome::Kept,
                    Ok(()) => Outcome::Made,
                })
            };
            progress.advance();
            outcome
        })
        .collect::<anyhow::Result<_>>()?;
    timings.record("pictures", started.elapsed());
    let mut work = PictureWork::default();
    let mut problems = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Kept => work.kept += 1,
            Outcome::Made if make => work.made += 1,
            Outcome::Made => {}
            Outcome::Refused(problem) => problems.push(*problem),
        }
    }
    Ok((work, problems))
}

/// Validates the whole site, renders it and writes nothing.
pub fn check(options: &Options) -> anyhow::Result<Report> {
    let (mut model, mut timings) = match model(options, &Quiet) {
        Ok(model) => model,
        Err(diagnostics) => return Ok(Report { diagnostics, ..Report::default() }),
    };
    write_index(&mut model, &|_| Ok(()), &mut timings, &Quiet)?;
    let (work, picture_problems) = make_pictures(&model, false, &mut timings, &Quiet)?;
    let (_, template_problems) = render_all(&model, &|_| Ok(()), &mut timings, &Quiet)?;
    let mut diagnostics = model.diagnostics();
    diagnostics.extend(picture_problems);
    diagnostics.extend(template_problems);
    diagnostics::sort(&mut diagnostics);
    Ok(Report { diagnostics, pages: model.page_files(), files: 0, output: None, timings, pictures: work })
}

/// Builds the site into its output folder, telling `progress` how it goes.
/// Nothing is written when the content has errors; the old site is replaced
/// only when the new one is complete.
pub fn build(options: &Options, progress: &dyn Progress) -> anyhow::Result<Report> {
    let (mut model, mut timings) = match model(options, progress) {
        Ok(model) => model,
        Err(diagnostics) => return Ok(Report { diagnostics, ..Report::default() }),
    };
    let pages = model.page_files();
    let mut diagnostics = model.diagnostics();
    if model.failed() {
        return Ok(Report { diagnostics, pages, files: 0, output: None, timings, ..Report::default() });
    }
    let configured = options.output.clone().unwrap_or_else(|| model.site().config.output_dir.clone());
    let target = if configured.is_absolute() { configured } else { options.root.join(configured) };
    // Refused before any picture is made: a refused build writes nothing.
    let staging = output::stage(&options.root, &target)?;
    let precompress = model.site().config.output.precompress;
    let write = |file: OutputFile| write_for_host(&staging, file, options.minify, precompress);
    let search_files = match write_index(&mut model, &write, &mut timings, progress) {
        Ok(written) => written,
        Err(error) => {
            staging.abandon();
            return Err(error);
        }
    };
    let (work, picture_problems) = match make_pictures(&model, true, &mut timings, progress) {
        Ok(made) => made,
        Err(error) => {
            staging.abandon();
            return Err(error);
        }
    };
    if !picture_problems.is_empty() {
        staging.abandon();
        diagnostics.extend(picture_problems);
        diagnostics::sort(&mut diagnostics);
        return Ok(Report { diagnostics, pages, timings, pictures: work, ..Report::default() });
    }
    let rendered = render_all(&model, &write, &mut timings, progress);
    let (files, template_problems) = match rendered {
        Ok(result) => result,
        Err(error) => {
            staging.abandon();
            return Err(error);
        }
    };
    let files = files + search_files;
    diagnostics.extend(template_problems);
    diagnostics::sort(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        staging.abandon();
        return Ok(Report { diagnostics, pages, timings, pictures: work, ..Report::default() });
    }
    let written = timings.time("swap into place", || staging.commit())?;
    // A hint for the next run, not part of the site: a cache that cannot
    // be written costs only the hint.
    let _ = model.remember_pages();
    let inputs = model.inputs();
    inputs.pictures.prune(model.site().pictures.values().map(|picture| &**picture));
    Ok(Report { diagnostics, pages, files, output: Some(written), timings, pictures: work })
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
