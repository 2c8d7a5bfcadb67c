//! Reads `content/` into typed pages: the only step that reads content from disk.
//!
//! 1. `walk` lists Markdown files and other files (bundle images) in sorted order,
//!    never following symlinks.
//! 2. Each Markdown file is read, decoded (UTF-8, optional BOM, LF or CRLF) and cut
//!    at its front matter (`front_matter`).
//! 3. `validate` turns raw fields into one typed struct per kind, reporting every
//!    problem with its file, line and field.

pub mod front_matter;
mod outcome;
mod validate;

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic};

pub use outcome::{benchmark_label, describe, figure};

/// The folder, relative to the site root, that holds the hub's Markdown.
pub const DIR: &str = "content";

/// A page's identity: its source path under `content/` with `/` separators, such
/// as `case-studies/eeast.md`. It stays the same when the page's title, slug or
/// position in any list changes, so a preview can re-render "this file" and a
/// Markdown link (`../toolkits/allyship.md`) names a page by it directly.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageKey(Arc<str>);

impl PageKey {
    /// The key of a file at `relative` under `content/`.
    pub fn new(relative: &Path) -> PageKey {
        PageKey(slash_path(relative).into())
    }

    /// The key as written in links: `case-studies/eeast.md`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A relative path written with `/` on every platform and no `/` at either
/// end, as keys and URLs write it: `case-studies/eeast`.
pub fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/").trim_matches('/').to_string()
}

impl fmt::Display for PageKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// The four kinds of page. The kind comes from the section folder a page is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KindName {
    CaseStudy,
    Toolkit,
    Discussion,
    Page,
}

impl KindName {
    /// The kinds that have a section of their own, in the order menus list them.
    pub const SECTIONS: [KindName; 3] = [KindName::CaseStudy, KindName::Toolkit, KindName::Discussion];

    /// Every kind, sections first.
    pub const ALL: [KindName; 4] = [KindName::CaseStudy, KindName::Toolkit, KindName::Discussion, KindName::Page];

    /// The kind of a page in the top-level folder `dir` of `content/`.
    pub fn of_section(dir: &str) -> KindName {
        match dir {
            "case-studies" => KindName::CaseStudy,
            "toolkits" => KindName::Toolkit,
            "discussions" => KindName::Discussion,
            _ => KindName::Page,
        }
    }

    /// `case-study`, as front matter, search filters and CSS classes spell it.
    pub fn slug(self) -> &'static str {
        match self {
            KindName::CaseStudy => "case-study",
            KindName::Toolkit => "toolkit",
            KindName::Discussion => "discussion",
            KindName::Page => "page",
        }
    }

    /// The section folder and URL segment, such as `case-studies`.
    pub fn section_dir(self) -> Option<&'static str> {
        match self {
            KindName::CaseStudy => Some("case-studies"),
            KindName::Toolkit => Some("toolkits"),
            KindName::Discussion => Some("discussions"),
            KindName::Page => None,
        }
    }

    /// "Case study", for labels.
    pub fn label(self) -> &'static str {
        match self {
            KindName::CaseStudy => "Case study",
            KindName::Toolkit => "Toolkit",
            KindName::Discussion => "Discussion set",
            KindName::Page => "Page",
        }
    }

    /// "Case studies", for headings of lists.
    pub fn plural(self) -> &'static str {
        match self {
            KindName::CaseStudy => "Case studies",
            KindName::Toolkit => "Toolkits",
            KindName::Discussion => "Discussion sets",
            KindName::Page => "Pages",
        }
    }
}

/// Who a page is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    Board,
    Leaders,
    Managers,
    Teams,
    AllStaff,
}

impl Audience {
    pub const ALL: [Audience; 5] =
        [Audience::Board, Audience::Leaders, Audience::Managers, Audience::Teams, Audience::AllStaff];

    pub fn slug(self) -> &'static str {
        match self {
            Audience::Board => "board",
            Audience::Leaders => "leaders",
            Audience::Managers => "managers",
            Audience::Teams => "teams",
            Audience::AllStaff => "all-staff",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Audience::Board => "Boards",
            Audience::Leaders => "Leaders",
            Audience::Managers => "Managers",
            Audience::Teams => "Teams",
            Audience::AllStaff => "All staff",
        }
    }
}

/// One measured result of a case study, drawn as a bar chart and a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub measure: String,
    pub before: f64,
    pub after: f64,
    pub unit: String,
    pub benchmark: Option<f64>,
    pub benchmark_label: Option<String>,
    pub period: Option<String>,
}

/// A further reading link listed under a page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Resource {
    pub title: String,
    pub url: String,
}

/// A page's lead image and its required text alternative.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Image {
    pub path: String,
    pub alt: String,
}

/// Front matter shared by every kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub title: String,
    pub summary: Option<String>,
    /// Theme slugs, each in the site's vocabulary.
    pub themes: Vec<String>,
    /// First published; present on every kind but plain pages.
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub review_due: Option<Date>,
    pub resources: Vec<Resource>,
    pub image: Option<Image>,
    pub draft: bool,
    pub weight: i64,
    /// Old URL paths that redirect here.
    pub aliases: Vec<Alias>,
}

/// An old URL path (relative to the site root, no slashes at either end) that
/// redirects to the page, with the front-matter line that names it.
#[derive(Clone, Debug, PartialEq)]
pub struct Alias {
    pub path: String,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CaseStudy {
    pub organisation: String,
    pub region: Option<String>,
    pub audience: Vec<Audience>,
    pub outcomes: Vec<Outcome>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toolkit {
    pub organisation: Option<String>,
    pub region: Option<String>,
    pub audience: Vec<Audience>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Discussion {
    pub organisation: Option<String>,
    pub region: Option<String>,
    pub audience: Vec<Audience>,
    pub questions: Vec<String>,
}

/// What only one kind of page carries.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    CaseStudy(CaseStudy),
    Toolkit(Toolkit),
    Discussion(Discussion),
    Page,
}

/// One Markdown page, validated. Its body is still Markdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub key: PageKey,
    /// The source file relative to the site root, such as `content/toolkits/primer.md`.
    pub file: PathBuf,
    /// The folder under `content/` the page belongs to (`toolkits`, or `` for top-level pages).
    pub dir: PathBuf,
    pub slug: String,
    /// True for `name/index.md`, whose folder's other files are copied beside it.
    pub bundle: bool,
    pub meta: Meta,
    pub kind: Kind,
    pub body: Arc<str>,
    /// The file line the body starts on, so Markdown problems report file lines.
    pub body_line: usize,
}

impl Page {
    pub fn kind_name(&self) -> KindName {
        match self.kind {
            Kind::CaseStudy(_) => KindName::CaseStudy,
            Kind::Toolkit(_) => KindName::Toolkit,
            Kind::Discussion(_) => KindName::Discussion,
            Kind::Page => KindName::Page,
        }
    }

    pub fn organisation(&self) -> Option<&str> {
        match &self.kind {
            Kind::CaseStudy(case) => Some(&case.organisation),
            Kind::Toolkit(toolkit) => toolkit.organisation.as_deref(),
            Kind::Discussion(discussion) => discussion.organisation.as_deref(),
            Kind::Page => None,
        }
    }

    pub fn region(&self) -> Option<&str> {
        match &self.kind {
            Kind::CaseStudy(case) => case.region.as_deref(),
            Kind::Toolkit(toolkit) => toolkit.region.as_deref(),
            Kind::Discussion(discussion) => discussion.region.as_deref(),
            Kind::Page => None,
        }
    }

    pub fn audience(&self) -> &[Audience] {
        match &self.kind {
            Kind::CaseStudy(case) => &case.audience,
            Kind::Toolkit(toolkit) => &toolkit.audience,
            Kind::Discussion(discussion) => &discussion.audience,
            Kind::Page => &[],
        }
    }
}

/// An `_index.md`: the title and introduction of a section, or of the home page
/// when it sits at the top of `content/`.
#[derive(Clone, Debug, PartialEq)]
pub struct SectionIndex {
    pub key: PageKey,
    pub file: PathBuf,
    /// The folder under `content/` it introduces (`` for the home page).
    pub dir: PathBuf,
    pub title: Option<String>,
    pub body: Arc<str>,
    pub body_line: usize,
}

/// A file in `content/` that is not Markdown: copied to the output as it is.
#[derive(Clone, Debug)]
pub struct Asset {
    /// Where it is on disk.
    pub source: PathBuf,
    /// Its path under `content/`, such as `case-studies/eeast/chart.png`.
    pub path: PathBuf,
}

/// Everything `content/` holds, sorted by path.
#[derive(Debug, Default)]
pub struct Content {
    pub pages: Vec<Page>,
    pub indexes: Vec<SectionIndex>,
    pub assets: Vec<Asset>,
    /// Markdown pages found, loaded or not (section `_index.md` files aside), for
    /// the summary line "2 errors in 41 pages".
    pub page_files: usize,
}

/// Options that change what is loaded.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions {
    /// Keep pages marked `draft: true`.
    pub drafts: bool,
    /// The date `review_due` is compared with.
    pub today: Option<Date>,
}

/// Reads and validates every file under `<root>/content`. Bad files become
/// diagnostics and are left out; the rest load.
pub fn load(root: &Path, config: &Config, options: LoadOptions) -> (Content, Vec<Diagnostic>) {
    let found = find(root);
    let today = options.today.unwrap_or_else(Date::today);
    let results: Vec<(Option<Loaded>, Vec<Diagnostic>)> =
        found.markdown.par_iter().map(|relative| load_file(root, relative, config, today)).collect();
    assemble(found, results, options)
}

/// What `content/` holds, before any file is read.
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// Markdown files, relative to `content/`, sorted.
    pub markdown: Vec<PathBuf>,
    /// Every other file, sorted by path.
    pub assets: Vec<Asset>,
    /// Entries that could not be read, and symbolic links left out.
    pub diagnostics: Vec<Diagnostic>,
}

/// Puts the loaded Markdown files (one result per `found.markdown` entry, in
/// its order) together: drafts left out unless asked for, problems gathered.
pub fn assemble(
    found: Found,
    loaded: impl IntoIterator<Item = (Option<Loaded>, Vec<Diagnostic>)>,
    options: LoadOptions,
) -> (Content, Vec<Diagnostic>) {
    let Found { markdown, assets, mut diagnostics } = found;
    let page_files = markdown.iter().filter(|path| path.file_stem().is_some_and(|stem| stem != "_index")).count();
    let mut content = Content { assets, page_files, ..Content::default() };
    for (loaded, problems) in loaded {
        diagnostics.extend(problems);
        match loaded {
            Some(Loaded::Page(page)) if page.meta.draft && !options.drafts => {}
            Some(Loaded::Page(page)) => content.pages.push(*page),
            Some(Loaded::Index(index)) => content.indexes.push(index),
            None => {}
        }
    }
    (content, diagnostics)
}

/// One Markdown file, read: a page or a section introduction.
#[derive(Clone, Debug)]
pub enum Loaded {
    Page(Box<Page>),
    Index(SectionIndex),
}

/// Lists `.md` files (paths relative to `content/`) and other files, sorted.
pub fn find(root: &Path) -> Found {
    let content_dir = root.join(DIR);
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let mut diagnostics = Vec::new();
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::new(Code::ReadFailed, DIR, "there is no content/ folder")
                .hint("create content/ with your Markdown pages, or run `belong init DIR` for a new hub"),
        );
        return Found { markdown, assets, diagnostics };
    }
    let walker = walkdir::WalkDir::new(&content_dir).follow_links(false).sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().map(|p| relative_to(root, p)).unwrap_or_else(|| PathBuf::from(DIR));
                diagnostics.push(
                    Diagnostic::new(Code::ReadFailed, path, format!("cannot read this folder entry: {error}"))
                        .hint("check the file's permissions"),
                );
                continue;
            }
        };
        let Ok(relative) = entry.path().strip_prefix(&content_dir).map(Path::to_path_buf) else { continue };
        let hidden = relative.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            || relative.file_name().is_some_and(|name| is_editor_file(&name.to_string_lossy()));
        if hidden || relative.as_os_str().is_empty() {
            continue;
        }
        if entry.path_is_symlink() {
            diagnostics.push(
                Diagnostic::new(
                    Code::SymlinkSkipped,
                    relative_to(root, entry.path()),
                    "symbolic link left out of the site",
                )
                .hint("belong does not follow links; copy the file into content/ instead"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if relative.extension().is_some_and(|ext| ext == "md") {
            markdown.push(relative);
        } else {
            assets.push(Asset { source: entry.path().to_path_buf(), path: relative });
        }
    }
    Found { markdown, assets, diagnostics }
}

fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// Files editors write beside the one being saved: swap and backup files,
/// lock files, and the temporary files some save to before renaming. They
/// are never part of the site, and a preview ignores their changes.
pub fn is_editor_file(name: &str) -> bool {
    const SUFFIXES: [&str; 8] = ["~", ".swp", ".swo", ".swx", ".tmp", ".crswap", ".kate-swp", ".bak"];
    name.starts_with('.')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
        || name == "4913"
        || SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

/// Reads one Markdown file (path relative to `content/`).
pub fn load_file(root: &Path, relative: &Path, config: &Config, today: Date) -> (Option<Loaded>, Vec<Diagnostic>) {
    let file = Path::new(DIR).join(relative);
    let text = match read_text(&root.join(&file)) {
        Ok(text) => text,
        Err((message, line)) => {
            let diagnostic = Diagnostic::new(Code::ReadFailed, &file, message)
                .at(line, 0)
                .hint("save the file as UTF-8 text (most editors offer \"UTF-8\" in Save As)");
            return (None, vec![diagnostic]);
        }
    };
    parse_file(relative, &text, config, today)
}

/// Parses one Markdown file's text (path relative to `content/`): pure, so a
/// page can be re-read from an editor's buffer, and fuzzed.
pub fn parse_file(relative: &Path, text: &str, config: &Config, today: Date) -> (Option<Loaded>, Vec<Diagnostic>) {
    let file = Path::new(DIR).join(relative);
    let split = match front_matter::split(text) {
        Ok(split) => split,
        Err(error) => {
            let diagnostic = Diagnostic::new(Code::YamlSyntax, &file, error.message)
                .at(error.line, error.column)
                .hint("end the front matter with a line of three dashes: ---");
            return (None, vec![diagnostic]);
        }
    };
    let fields = match split.yaml.map(|yaml| front_matter::parse(yaml, split.yaml_line)) {
        Some(Ok(fields)) => Some(fields),
        Some(Err(error)) => {
            let diagnostic = Diagnostic::new(
                Code::YamlSyntax,
                &file,
                format!("the front matter is not valid YAML: {}", error.message),
            )
            .at(error.line, error.column)
            .hint("check quotes, colons and indentation on this line; text with a colon needs \"double quotes\"");
            return (None, vec![diagnostic]);
        }
        None => None,
    };
    let dir = relative.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = relative.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if name == "_index" {
        let (title, problems) = validate::section_title(&file, fields.as_ref());
        let index = SectionIndex {
            key: PageKey::new(relative),
            file,
            dir,
            title,
            body: split.body.into(),
            body_line: split.body_line,
        };
        return (Some(Loaded::Index(index)), problems);
    }
    let Some(fields) = fields else {
        let diagnostic = Diagnostic::new(Code::FrontMatterMissing, &file, "this page has no front matter")
            .at(1, 1)
            .hint("start the file with a line `---`, then `title: \"...\"` and the other fields, then `---`; `belong new` writes a template");
        return (None, vec![diagnostic]);
    };
    // `name/index.md` is the page `name`: its folder is a bundle.
    let (dir, name, bundle) = if name == "index" && dir.parent().is_some() && !dir.as_os_str().is_empty() {
        let bundle_name = dir.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        (dir.parent().map(Path::to_path_buf).unwrap_or_default(), bundle_name, true)
    } else {
        (dir, name, false)
    };
    let section = first_component(&dir);
    let kind = KindName::of_section(&section);
    let context = validate::Context { file: &file, config, today, kind };
    let (checked, problems) = validate::page(&context, &fields);
    let page = checked.map(|(meta, kind, slug)| {
        let slug = slug.unwrap_or_else(|| crate::slug::slugify(&name));
        Box::new(Page {
            key: PageKey::new(relative),
            file,
            dir,
            slug,
            bundle,
            meta,
            kind,
            body: split.body.into(),
            body_line: split.body_line,
        })
    });
    (page.map(Loaded::Page), problems)
}

fn first_component(dir: &Path) -> String {
    match dir.components().next() {
        Some(Component::Normal(name)) => name.to_string_lossy().into_owned(),
        _ => String::new(),
    }
}

/// Reads a file as UTF-8 text, `normalise`d so that byte offsets and line
/// numbers agree everywhere after this. A failure comes
/// with the line it was found on (0 when the file could not be read at all).
pub fn read_text(path: &Path) -> Result<String, (String, usize)> {
    let bytes = std::fs::read(path).map_err(|error| (format!("cannot read the file: {error}"), 0))?;
    let text = String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let line = error.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        ("the file is not UTF-8 text: it was saved in another encoding".to_string(), line)
    })?;
    Ok(normalise(text))
}

/// Drops a byte-order mark and folds CRLF and lone CR to LF, so that line
/// numbers mean the same to every part of belong that counts them.
pub fn normalise(text: String) -> String {
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editors_own_files_are_not_part_of_the_site() {
        let junk = [".eeast.md.swp", "eeast.md~", ".#eeast.md", "#eeast.md#", "4913", "eeast.md___jb_tmp___", "x.tmp"];
        let pages = ["eeast.md", "style.css", "site.toml", "chart.png", "_index.md", "#1-priority.md", "c#"];
        assert!(junk.iter().all(|name| is_editor_file(name)));
        assert!(pages.iter().all(|name| !is_editor_file(name)));
    }
}
