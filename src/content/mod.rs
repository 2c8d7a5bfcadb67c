//! Reads `content/` into typed pages: the only step that reads content from disk.
//!
//! 1. `walk` lists Markdown files and other files (bundle images) in sorted order,
//!    never following symlinks; `assets` reads each picture's header.
//! 2. Each Markdown file is read, decoded (UTF-8, optional BOM, LF or CRLF) and cut
//!    at its front matter (`front_matter`).
//! 3. `validate` turns raw fields into one typed struct per kind, reporting every
//!    problem with its file, line and field.
//! 4. `sources` keeps every file as read, and reads again only what a batch of
//!    changes may have touched.

mod assets;
pub mod front_matter;
pub mod keys;
pub mod outcome;
mod slips;
mod sources;
mod validate;
mod vocabulary;
mod walk;
mod yaml_errors;

use std::borrow::Cow;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic};

pub use assets::{Asset, find};
pub use outcome::{benchmark_label, describe, figure};
pub use sources::{Changed, Reading, Reread, Sources};
pub use walk::{Found, is_editor_file};

/// Summaries longer than this are cut short in listings and search results.
pub const SUMMARY_LIMIT: usize = 300;

/// A summary as listings and search results show it: at most
/// `SUMMARY_LIMIT` characters, cut at a word and ended with an ellipsis when
/// longer, as the long-summary warning tells the author.
pub fn short_summary(summary: &str) -> Cow<'_, str> {
    // The ellipsis counts: the cut summary is at most `SUMMARY_LIMIT` long.
    let Some((cut, _)) =
        summary.char_indices().nth(SUMMARY_LIMIT - 1).filter(|_| summary.chars().nth(SUMMARY_LIMIT).is_some())
    else {
        return Cow::Borrowed(summary);
    };
    let head = &summary[..cut];
    let word_end = head.rfind(char::is_whitespace).filter(|&end| end > cut / 2).unwrap_or(cut);
    let head = head[..word_end].trim_end_matches(|c: char| c.is_whitespace() || ",;:.-–—".contains(c));
    Cow::Owned(format!("{head}…"))
}

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
    /// The front-matter line of its `url`, for link problems.
    #[serde(skip)]
    pub line: usize,
}

/// A page's lead image and its required text alternative.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Image {
    pub path: String,
    pub alt: String,
    /// The front-matter line of `image`, for link problems.
    #[serde(skip)]
    pub line: usize,
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

impl Kind {
    /// A page of `kind` with none of its own fields, for a page whose front
    /// matter could not be read.
    pub fn empty(kind: KindName) -> Kind {
        match kind {
            KindName::CaseStudy => Kind::CaseStudy(CaseStudy {
                organisation: String::new(),
                region: None,
                audience: Vec::new(),
                outcomes: Vec::new(),
            }),
            KindName::Toolkit => Kind::Toolkit(Toolkit { organisation: None, region: None, audience: Vec::new() }),
            KindName::Discussion => Kind::Discussion(Discussion {
                organisation: None,
                region: None,
                audience: Vec::new(),
                questions: Vec::new(),
            }),
            KindName::Page => Kind::Page,
        }
    }
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
    /// The file line `title:` is written on (1 when it is missing).
    pub title_line: usize,
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

/// Everything `content/` holds, sorted by path.
#[derive(Debug, Default)]
pub struct Content {
    /// Shared with what a preview keeps of each file, so a model made again
    /// copies no page.
    pub pages: Vec<Arc<Page>>,
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

/// Puts the loaded Markdown files (one result per `found.markdown` entry, in
/// its order) together: drafts left out unless asked for, problems gathered.
fn assemble(
    found: &Found,
    loaded: impl IntoIterator<Item = (Option<Loaded>, Vec<Diagnostic>)>,
    options: LoadOptions,
) -> (Content, Vec<Diagnostic>) {
    let mut diagnostics = found.diagnostics.clone();
    let page_files = found.markdown.iter().filter(|path| path.file_stem().is_some_and(|stem| stem != "_index")).count();
    let mut content = Content { assets: found.assets.clone(), page_files, ..Content::default() };
    let mut draft_bundles = Vec::new();
    for (loaded, problems) in loaded {
        diagnostics.extend(problems);
        match loaded {
            Some(Loaded::Page(page)) if page.meta.draft && !options.drafts && page.bundle => {
                draft_bundles.push(Path::new(page.key.as_str()).parent().map(Path::to_path_buf).unwrap_or_default());
            }
            Some(Loaded::Page(page)) if page.meta.draft && !options.drafts => {}
            Some(Loaded::Page(page)) => content.pages.push(page),
            Some(Loaded::Index(index)) => content.indexes.push(index),
            None => {}
        }
    }
    // Nothing of a draft is published: its bundle's pictures stay out too,
    // and so do their problems.
    content.assets.retain(|asset| !draft_bundles.iter().any(|bundle| asset.path.starts_with(bundle)));
    diagnostics.extend(content.assets.iter().flat_map(|asset| asset.problems.iter().cloned()));
    (content, diagnostics)
}

/// One Markdown file, read: a page or a section introduction.
#[derive(Clone, Debug)]
pub enum Loaded {
    Page(Arc<Page>),
    Index(SectionIndex),
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
///
/// A page whose front matter has errors is still returned, with defaults
/// where its fields failed (the file name as title): the errors stop the
/// build, but in the meantime links to the page resolve and its own body is
/// checked, so one run reports every problem and none is caused by another.
pub fn parse_file(relative: &Path, text: &str, config: &Config, today: Date) -> (Option<Loaded>, Vec<Diagnostic>) {
    let file = Path::new(DIR).join(relative);
    let mut problems = Vec::new();
    let split = front_matter::split(text).unwrap_or_else(|error| {
        // Never closed: all of it was meant as front matter, none as body.
        problems.push(yaml_diagnostic(&file, error));
        front_matter::Split { yaml: None, yaml_line: 1, body: "", body_line: 1 }
    });
    let fields = match split.yaml.map(|yaml| front_matter::parse(yaml, split.yaml_line)) {
        Some(Ok(fields)) => Some(fields),
        Some(Err(error)) => {
            problems.push(yaml_diagnostic(&file, error));
            None
        }
        None => None,
    };
    let dir = relative.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = relative.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if name == "_index" {
        let (title, found) = validate::section_title(&file, fields.as_ref());
        problems.extend(found);
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
    if split.yaml.is_none() && problems.is_empty() {
        problems.push(Diagnostic::new(Code::FrontMatterMissing, &file, "this page has no front matter")
            .at(1, 1)
            .hint("start the file with a line `---`, then `title: \"...\"` and the other fields, then `---`; `belong new` writes a template"));
    }
    // `name/index.md` is the page `name`: its folder is a bundle.
    let (dir, name, bundle) = if name == "index" && dir.parent().is_some() && !dir.as_os_str().is_empty() {
        let bundle_name = dir.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        (dir.parent().map(Path::to_path_buf).unwrap_or_default(), bundle_name, true)
    } else {
        (dir, name, false)
    };
    let kind = KindName::of_section(&first_component(&dir));
    let (mut meta, kind, slug) = match &fields {
        Some(fields) => {
            let context = validate::Context { file: &file, config, today, kind };
            let (checked, found) = validate::page(&context, fields);
            problems.extend(found);
            checked
        }
        None => (Meta::default(), Kind::empty(kind), None),
    };
    if meta.title.is_empty() {
        meta.title = name.clone();
    }
    let page = Page {
        key: PageKey::new(relative),
        file,
        dir,
        slug: slug.unwrap_or_else(|| crate::slug::slugify(&name)),
        bundle,
        meta,
        kind,
        body: split.body.into(),
        body_line: split.body_line,
        title_line: fields.as_ref().and_then(|fields| fields.get("title")).map_or(1, |field| field.line),
    };
    (Some(Loaded::Page(Arc::new(page))), problems)
}

/// A front-matter syntax error as a diagnostic, with belong's fix when it
/// knows the slip, else the usual suspects.
fn yaml_diagnostic(file: &Path, error: front_matter::SyntaxError) -> Diagnostic {
    Diagnostic::new(Code::YamlSyntax, file, error.message).at(error.line, error.column).hint(error.hint)
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
    fn a_summary_is_cut_at_a_word_to_the_limit_with_its_ellipsis() {
        let fits = "a".repeat(SUMMARY_LIMIT);
        assert_eq!(short_summary(&fits), fits.as_str());
        let long = "word, ".repeat(60);
        let cut = short_summary(&long);
        assert!(cut.chars().count() <= SUMMARY_LIMIT, "{cut}");
        assert!(cut.ends_with("word…") && cut.len() > SUMMARY_LIMIT / 2, "{cut}");
        // Cut where a word ends, whatever the words' lengths.
        let words = "staff belonging ".repeat(30);
        let cut = short_summary(&words);
        let kept = cut.trim_end_matches('…');
        assert!(words.starts_with(kept) && words[kept.len()..].starts_with(' '), "{cut}");
        assert!(kept.chars().count() > SUMMARY_LIMIT / 2, "{cut}");
        // A lone early space is no place to cut: the summary keeps its length.
        let early = format!("ab {}", "x".repeat(SUMMARY_LIMIT));
        assert_eq!(short_summary(&early).chars().count(), SUMMARY_LIMIT);
        // One long run of letters has no word to cut at: it is cut at the limit.
        let run = "x".repeat(SUMMARY_LIMIT + 1);
        assert_eq!(short_summary(&run).chars().count(), SUMMARY_LIMIT);
    }
}
