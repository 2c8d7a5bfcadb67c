//! The `belong` command line: parses arguments, calls the library, prints what
//! it reports, and exits 0 (success, warnings allowed), 1 (content or config
//! errors) or 2 (usage errors, and failures of the machine such as a full disk).

mod progress;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use belong::content::KindName;
use belong::diagnostics;

/// `belong --version`: the version and the commit it was built from
/// (`build.rs` asks git; `BELONG_COMMIT` names it where there is no git).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("BELONG_COMMIT"), ")");

#[derive(Parser)]
#[command(name = "belong", version = VERSION, about = "Builds the belonging knowledge hub from Markdown")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into its output folder (public/ by default).
    Build {
        /// The hub's folder, holding site.toml and content/.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Where to write the site (overrides BELONG_OUTPUT, which overrides
        /// output_dir in site.toml).
        #[arg(long, value_name = "DIR", env = "BELONG_OUTPUT")]
        output: Option<PathBuf>,
        /// The URL the site will live at (overrides BELONG_BASE_URL, which
        /// overrides base_url in site.toml).
        #[arg(long, value_name = "URL", env = "BELONG_BASE_URL")]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Minify every page, the stylesheet and the scripts.
        #[arg(long)]
        minify: bool,
        /// Print how long each step took and the most memory used, at the end.
        #[arg(long)]
        timings: bool,
    },
    /// Check every page and template, and write nothing.
    Check {
        /// The hub's folder, holding site.toml and content/.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// How to print problems: for people, one JSON object per line, or as
        /// GitHub Actions annotations on the lines of a pull request.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The URL the site will live at, checked as build would use it
        /// (overrides BELONG_BASE_URL, which overrides base_url in site.toml).
        #[arg(long, value_name = "URL", env = "BELONG_BASE_URL")]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Preview the hub at http://127.0.0.1:1111/: rebuilds as you save, and
    /// reloads open pages. A local preview, not a web server.
    Serve {
        /// The hub's folder, holding site.toml and content/.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// The address to listen on (127.0.0.1, or ::1; only this machine can
        /// reach either).
        #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port to listen on (0: any free port, printed when serving).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// The URL the site will live at (overrides base_url in site.toml).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// List what in the hub needs attention, most urgent first: review
    /// dates, pages nothing links to, thin themes, pictures and alt text,
    /// plain English. Never changes a file.
    Report {
        /// The hub's folder, holding site.toml and content/.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// For people, grouped by what to do; or one JSON object per line.
        #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
        format: ReportFormat,
        /// Also ask every web address the pages link to whether it still
        /// answers (answers are kept a day in .belong-cache/).
        #[arg(long)]
        external: bool,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Write a new page with every field of its kind ready to fill in.
    New {
        /// The kind of page.
        #[arg(value_enum)]
        kind: NewKind,
        /// The page's title, in quotes; the file name is made from it.
        title: String,
        /// The hub's folder, holding site.toml and content/.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Make a page bundle, NAME/index.md, so the page's pictures can sit in its folder.
        #[arg(long)]
        bundle: bool,
    },
    /// Make a new, working hub in DIR (a new or empty folder).
    Init {
        /// Where to make the hub.
        dir: PathBuf,
    },
}

/// The kinds of page `belong new` writes.
#[derive(Clone, Copy, ValueEnum)]
enum NewKind {
    CaseStudy,
    Toolkit,
    Discussion,
    Page,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

/// What a build did with pictures, for its summary line: nothing when it
/// has none.
fn pictures_made(work: belong::PictureWork) -> String {
    match (work.made, work.kept) {
        (0, 0) => String::new(),
        (made, kept) => format!("; pictures: {made} made, {kept} from the cache"),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Command::Build { root, output, base_url, drafts, minify, timings } => {
            let options = belong::Options {
                root: belong::root_or_current(root.as_deref()),
                output,
                base_url,
                drafts,
                minify,
                today: None,
            };
            let started = Instant::now();
            let progress = progress::Display::new();
            let built = belong::build(&options, &progress);
            progress.finish();
            match built {
                Ok(report) => {
                    print_human(&report.diagnostics, report.pages, &options.root);
                    if let Some(output) = &report.output {
                        eprintln!(
                            "built {} pages ({} files) into {} in {:.2}s{}",
                            report.pages,
                            report.files,
                            output.display(),
                            started.elapsed().as_secs_f64(),
                            pictures_made(report.pictures)
                        );
                    } else if report.failed() {
                        eprintln!("nothing was written: fix the errors above and build again");
                    }
                    if timings {
                        eprint!("{}", timings_table(&report.timings, started.elapsed()));
                    }
                    exit_code(report.failed())
                }
                Err(error) => machine_failure(&error),
            }
        }
        Command::Check { root, format, base_url, drafts } => {
            let root = belong::root_or_current(root.as_deref());
            let options = belong::Options { root, base_url, drafts, ..Default::default() };
            match belong::check(&options) {
                Ok(report) => {
                    match format {
                        Format::Human => print_human(&report.diagnostics, report.pages, &options.root),
                        Format::Json => print!("{}", diagnostics::json_lines(&report.diagnostics)),
                        Format::Github => {
                            print!("{}", diagnostics::github(&report.diagnostics, &options.root));
                            eprintln!("{}", diagnostics::summary(&report.diagnostics, report.pages));
                        }
                    }
                    exit_code(report.failed())
                }
                Err(error) => machine_failure(&error),
            }
        }
        Command::Serve { root, bind, port, open, drafts, base_url } => {
            let build = belong::Options {
                root: belong::root_or_current(root.as_deref()),
                base_url,
                drafts,
                ..Default::default()
            };
            serve(&belong::serve::ServeOptions { build, bind, port, open })
        }
        Command::Report { root, format, external, drafts } => {
            let options =
                belong::Options { root: belong::root_or_current(root.as_deref()), drafts, ..Default::default() };
            report(&options, format, external)
        }
        Command::New { kind, title, root, bundle } => new_page(kind, &title, root, bundle),
        Command::Init { dir } => init(&dir),
    }
}

/// `belong report`: the findings on stdout; exit 0, or 1 when the hub has
/// errors (the report is then of what could be read), or 2 when there is
/// no hub to read.
fn report(options: &belong::Options, format: ReportFormat, external: bool) -> ExitCode {
    let run = match belong::report::run(&options.hub(), external) {
        Ok(run) => run,
        Err(problems) => {
            print_human(&problems, 0, &options.root);
            return ExitCode::from(2);
        }
    };
    match format {
        ReportFormat::Human => {
            let colour = std::io::stdout().is_terminal() && colour_allowed();
            print!("{}", belong::report::human(&run.findings, run.pages, colour));
        }
        ReportFormat::Json => print!("{}", belong::report::json_lines(&run.findings)),
    }
    if external {
        eprintln!("asked {} web addresses; the rest were answered in the last day", run.asked);
    }
    if let Some(why) = &run.not_kept {
        eprintln!("warning: the web addresses' answers were not kept for the next run: {why}");
    }
    if run.errors > 0 {
        let errors = if run.errors == 1 { "1 error".to_string() } else { format!("{} errors", run.errors) };
        eprintln!("the hub has {errors}: `belong check` lists them; this report is of what could be read");
    }
    exit_code(run.errors > 0)
}

/// `build --timings`: each step's wall time, the render step's CPU time
/// split between templates and writing, the whole run, and peak memory.
fn timings_table(timings: &belong::timings::Timings, wall: std::time::Duration) -> String {
    let millis = |duration: std::time::Duration| duration.as_secs_f64() * 1000.0;
    let mebibytes = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    let mut table = String::from("timings (wall clock, and peak memory when the step ended):\n");
    for step in &timings.steps {
        let peak = step.peak.map(|bytes| format!("{:>8.1} MiB", mebibytes(bytes))).unwrap_or_default();
        table.push_str(&format!("  {:<20} {:>9.1} ms {peak}\n", step.name, millis(step.wall)));
    }
    table.push_str(&format!(
        "  {:<20} {:>9.1} ms  (steps {:.1} ms)\n",
        "whole run",
        millis(wall),
        millis(timings.total())
    ));
    table.push_str(&format!(
        "render threads' CPU time: templates {:.1} ms, writing files {:.1} ms\n",
        millis(timings.templates),
        millis(timings.write)
    ));
    match belong::timings::peak_memory() {
        Some(bytes) => table.push_str(&format!("peak memory: {:.1} MiB\n", mebibytes(bytes))),
        None => table.push_str("peak memory: not reported by this system\n"),
    }
    table
}

/// `belong serve`, until it is stopped.
fn serve(options: &belong::serve::ServeOptions) -> ExitCode {
    if let Err(error) = stop_on_signals() {
        return machine_failure(&error);
    }
    let root = &options.build.root;
    match belong::serve::serve(options, &|event| print_serve_event(&event, root)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => machine_failure(&error),
    }
}

/// Stops `belong serve` on Ctrl-C (SIGINT) and on SIGTERM, whatever the
/// shell that started it did with those signals: a background job or
/// `nohup` starts it with SIGINT ignored, and it would never stop. The
/// preview writes nothing, so exiting at once leaves nothing behind, and
/// the port closes with the process.
fn stop_on_signals() -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        eprintln!("stopped the preview");
        std::process::exit(0);
    })
    .map_err(|error| anyhow::anyhow!("cannot handle Ctrl-C: {error}"))
}

/// One short line per event of `belong serve`; errors, and warnings the first
/// time they are seen, in full.
fn print_serve_event(event: &belong::serve::Event, root: &Path) {
    use belong::serve::Event;
    match event {
        Event::Started { url, millis, update, editor } => {
            if update.problems.is_empty() {
                print_human(&update.warnings, update.pages, root);
                eprintln!("built the preview in {millis} ms");
            } else {
                print_failed(update, root);
                eprintln!("the hub did not build: every page shows the errors until a save fixes them");
            }
            eprintln!("serving {url} (a local preview, not a web server); press Ctrl-C to stop");
            eprintln!("what needs attention (belong report) is at {url}_report/");
            if *editor {
                eprintln!("edit pages in the browser at {url}admin/ while `npx decap-server` runs in the hub's folder");
            }
        }
        Event::Updated { what, millis, update } if update.problems.is_empty() => {
            print_diagnostics(&update.new_warnings, root);
            let bodies = count(update.bodies, "body", "bodies");
            let files = count(update.files, "file", "files");
            let warnings = match update.warnings.len() {
                0 => String::new(),
                count => format!("; {}", self::count(count, "warning", "warnings")),
            };
            eprintln!(
                "{what} changed: {bodies} and {files} re-rendered, {} changed, in {millis} ms{warnings}",
                update.changed.len()
            );
        }
        Event::Updated { what, update, .. } => {
            print_failed(update, root);
            eprintln!("{what} changed: the hub did not build; still serving the last version that did");
        }
        Event::Indexed { millis } => eprintln!("  search index made again in {millis} ms"),
        Event::NoBrowser(reason) => eprintln!("{reason}"),
    }
}

/// A preview update that did not build, as `check` reports the same hub: its
/// errors, and its warnings (in full the first time each is seen), counted
/// together.
fn print_failed(update: &belong::serve::Update, root: &Path) {
    let mut shown: Vec<_> = update.problems.iter().chain(&update.new_warnings).cloned().collect();
    diagnostics::sort(&mut shown);
    print_diagnostics(&shown, root);
    let all: Vec<_> = update.problems.iter().chain(&update.warnings).cloned().collect();
    eprintln!("{}", diagnostics::summary(&all, update.pages));
}

fn new_page(kind: NewKind, title: &str, root: Option<PathBuf>, bundle: bool) -> ExitCode {
    let root = belong::root_or_current(root.as_deref());
    let config = match belong::config::load(&root) {
        Ok(config) => config,
        Err(problems) => {
            print_human(&problems, 0, &root);
            return ExitCode::from(1);
        }
    };
    let kind = match kind {
        NewKind::CaseStudy => KindName::CaseStudy,
        NewKind::Toolkit => KindName::Toolkit,
        NewKind::Discussion => KindName::Discussion,
        NewKind::Page => KindName::Page,
    };
    let page = belong::scaffold::NewPage { kind, title, bundle };
    match belong::scaffold::new_page(&root, &config, page, belong::date::Date::today()) {
        Ok(path) => {
            let pictures = if bundle { ", put its pictures in its folder" } else { "" };
            eprintln!(
                "wrote {}: fill in the fields marked required{pictures}, then run `belong check`",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => machine_failure(&error),
    }
}

fn init(dir: &Path) -> ExitCode {
    match belong::scaffold::init(dir) {
        Ok(files) => {
            eprintln!(
                "made a new hub in {} ({} files); build it with: belong build --root {}",
                dir.display(),
                files.len(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => machine_failure(&error),
    }
}

/// "1 body", "3 bodies".
fn count(number: usize, one: &str, many: &str) -> String {
    if number == 1 { format!("1 {one}") } else { format!("{number} {many}") }
}

/// Prints diagnostics for people, each with its line of the file shown, and
/// the summary line.
fn print_human(report_diagnostics: &[diagnostics::Diagnostic], pages: usize, root: &Path) {
    print_diagnostics(report_diagnostics, root);
    eprintln!("{}", diagnostics::summary(report_diagnostics, pages));
}

/// Prints diagnostics for people, each with its line of the file shown.
fn print_diagnostics(report_diagnostics: &[diagnostics::Diagnostic], root: &Path) {
    // Each file is read once, however many problems it has.
    let mut files: HashMap<&Path, Option<(String, Vec<usize>)>> = HashMap::new();
    for diagnostic in report_diagnostics.iter().filter(|d| d.line > 0) {
        files.entry(diagnostic.file.as_path()).or_insert_with(|| {
            let bytes = std::fs::read(root.join(&diagnostic.file)).ok()?;
            // Lines counted as the loader counted them (BOM dropped, CR folded).
            let text = belong::content::normalise(String::from_utf8_lossy(&bytes).into_owned());
            let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
            Some((text, starts))
        });
    }
    let source = |file: &Path, line: usize| {
        let (text, starts) = files.get(file)?.as_ref()?;
        let start = *starts.get(line.checked_sub(1)?)?;
        let end = starts.get(line).map_or(text.len(), |next| next - 1);
        Some(text[start..end].to_string())
    };
    eprint!("{}", diagnostics::human(report_diagnostics, &source, colour()));
}

/// Whether to colour what goes to stderr: only on a terminal, never in CI,
/// and not when `NO_COLOR` is set (no-color.org).
fn colour() -> bool {
    std::io::stderr().is_terminal() && colour_allowed()
}

/// Whether colour is allowed at all: not when `NO_COLOR` or `CI` is set.
fn colour_allowed() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    !set("NO_COLOR") && !set("CI")
}

fn exit_code(failed: bool) -> ExitCode {
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn machine_failure(error: &anyhow::Error) -> ExitCode {
    eprintln!("error: {error:#}");
    ExitCode::from(2)
}

/// A build makes and frees millions of small strings (words, URLs, template
/// values) on every thread; mimalloc does that a tenth faster than glibc's
/// allocator over a whole 10,000-page build.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
