//! Renders one page's Markdown to HTML, in one pass over pulldown-cmark's events
//! that: gives headings stable unique ids, resolves `.md` links and relative images
//! to site URLs (`links`), numbers footnotes and links them both ways
//! (`footnotes`), writes components (`directives` finds them before the
//! parse, `components` writes them), highlights fenced code, escapes raw HTML
//! unless allowed, wraps tables so they scroll on a phone, and collects the
//! plain text and headings that search and the contents list use.
//!
//! Pure: no I/O. Link targets come from the site's `Routes`, problems go out as
//! diagnostics located at the file line of the offending Markdown.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, TextMergeWithOffset};

use crate::content::PageKey;
use crate::diagnostics::{Code, Diagnostic};
use crate::pictures::{Picture, Size};
use crate::site::{Pictures, Routes};
use crate::theme::Components;

use crate::escape::escape;

mod autolink;
mod components;
mod directives;
mod footnotes;
mod links;
mod paste;
pub mod prose;
mod raw_html;

pub use directives::NAMES as COMPONENTS;
pub use links::{local_address, web_host};

/// The page being rendered.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub markdown: &'a str,
    /// The file, relative to the site root, for diagnostics.
    pub file: &'a Path,
    /// The folder under `content/` that relative links start from.
    pub dir: &'a Path,
    /// The page's own path under the site root (`case-studies/eeast/`): a
    /// browser resolves a relative link that is not a file of `content/`
    /// against it.
    pub url_path: &'a str,
    /// The file line the Markdown starts on.
    pub first_line: usize,
    pub allow_html: bool,
}

/// What links and pictures resolve against: the site's routes, the URL path
/// it lives under, and its pictures' sizes.
#[derive(Clone, Copy)]
pub struct Links<'t> {
    pub routes: &'t Routes,
    /// The URL path the site lives under, such as `/` or `/hub/`.
    pub base_path: &'t str,
    pub pictures: &'t Pictures,
    /// The theme's component templates.
    pub components: &'t Components,
}

/// A heading of the page, for the contents list and search.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link to `#anchor` on this page or another, checked once every page has its ids.
#[derive(Clone, Debug)]
pub struct AnchorLink {
    /// The page linked to; `None` for this page.
    pub page: Option<PageKey>,
    pub anchor: String,
    pub line: usize,
    /// The link as written, for the message.
    pub written: String,
}

/// One page's Markdown, rendered.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every id the HTML defines (headings and footnotes), for anchor checks.
    pub ids: HashSet<String>,
    /// The body as plain text, for search.
    pub text: String,
    pub anchor_links: Vec<AnchorLink>,
    pub diagnostics: Vec<Diagnostic>,
    /// The URL of the page's front-matter `image`, resolved as a Markdown
    /// image would be (a path beside the page becomes its published address).
    pub image_url: Option<String>,
    /// The URL of each of the page's front-matter `resources`, resolved as a
    /// Markdown link would be (a `.md` path becomes the page's address).
    pub resource_urls: Vec<String>,
    /// The body holds a component the theme's script works on (details,
    /// a video): the page loads it.
    pub interactive: bool,
    /// The files of `content/` the page links to or shows, by their path
    /// under it (`case-studies/eeast/photo.jpg`): only those are published.
    pub files: Vec<String>,
}

impl Rendered {
    /// Pages with three or more `##` sections get a contents list.
    pub fn wants_contents(&self) -> bool {
        self.headings.iter().filter(|heading| heading.level == 2).count() >= 3
    }
}

/// The id of the footnotes section; headings never take it.
const FOOTNOTES_ID: &str = "footnotes";

/// Link texts that say nothing out of context (WCAG 2.4.4).
const VAGUE_LINK_TEXT: &[&str] =
    &["click here", "here", "read more", "more", "this page", "link", "this link", "click"];

/// A link written in front matter: `image`, or a resource's `url`.
pub struct FrontMatterLink<'a> {
    pub url: &'a str,
    /// The field named in problems, such as `resources[2]`.
    pub field: &'a str,
    pub line: usize,
    pub image: bool,
}

/// Resolves and checks a front-matter link as a Markdown link on its line
/// would be (a missing file, a script or a local address is the same error
/// there as in the body). Returns the site URL it stands for; its problems,
/// naming the field, and its anchor links go into `rendered`.
pub fn front_matter_link(link: &FrontMatterLink, source: &Source, links: Links, rendered: &mut Rendered) -> String {
    let mut pass = Pass::new(source, links, components::State::default());
    let resolved = pass.link_target(&CowStr::Borrowed(link.url), link.line, link.image).into_string();
    let Rendered { diagnostics, anchor_links, files, .. } = pass.rendered;
    rendered.diagnostics.extend(diagnostics.into_iter().map(|diagnostic| diagnostic.field(link.field)));
    rendered.anchor_links.extend(anchor_links);
    rendered.files.extend(files);
    resolved
}

/// Renders `source` with its links and pictures resolved against `links`.
/// The Markdown belong reads: CommonMark with tables, footnotes, task
/// lists, smart punctuation and heading ids, GitHub's alerts (`> [!NOTE]`)
/// and definition lists (for components). `render` and `prose` read alike.
fn options() -> Options {
    Options::from_iter([
        Options::ENABLE_TABLES,
        Options::ENABLE_FOOTNOTES,
        Options::ENABLE_STRIKETHROUGH,
        Options::ENABLE_TASKLISTS,
        Options::ENABLE_SMART_PUNCTUATION,
        Options::ENABLE_HEADING_ATTRIBUTES,
        Options::ENABLE_GFM,
        Options::ENABLE_DEFINITION_LIST,
    ])
}

pub fn render(source: &Source, links: Links) -> Rendered {
    let options = options();
    // Pasted bullets and tables become Markdown, and directive lines
    // markers of the same lines: offsets are in the prepared text, lines are
    // the file's (less the lines `paste` added).
    let pasted = paste::tidy(source.markdown);
    let prepared = directives::prepare(&pasted.markdown, source.file, source.first_line, &pasted.added);
    let page = Source { markdown: &prepared.markdown, ..*source };
    let state = components::State::new(&prepared.markers, &prepared.directives);
    let mut pass = Pass::new(&page, links, state);
    pass.added = &pasted.added;
    pass.rendered.diagnostics.extend(prepared.problems.iter().cloned());
    // Text in one event per run, so an address is found whole.
    for (event, range) in TextMergeWithOffset::new(Parser::new_ext(page.markdown, options).into_offset_iter()) {
        pass.event(event, range);
    }
    pass.finish()
}

/// Where events go: the body, or the footnote definition being read.
struct Pass<'s, 't> {
    source: &'s Source<'s>,
    links: Links<'t>,
    body: Vec<Event<'s>>,
    /// Footnote definitions by label, rendered apart and listed at the end.
    definitions: Vec<(String, Vec<Event<'s>>)>,
    in_definition: bool,
    /// Footnote labels in order of first reference, with how often each is cited.
    references: Vec<(String, usize)>,
    heading: Option<HeadingState<'s>>,
    code: Option<(String, String)>,
    link: Option<LinkState>,
    /// The picture being read: its alt text comes as events until it ends.
    image: Option<ImageState<'s>>,
    html_block_escaped: bool,
    previous_level: u8,
    tables: usize,
    /// The names given to the page's tables so far.
    table_names: Vec<String>,
    /// The plain text of the run being read since the last tag, with the
    /// line it starts on: where a `[text](address)` that did not become a
    /// link shows up.
    prose: (String, usize),
    /// The last offset turned into a line, and the newlines before it.
    line_cache: (usize, usize),
    /// The 0-based lines of the text that belong added (`paste`).
    added: &'s [usize],
    /// The page's components: its directives and what is open.
    components: components::State<'s>,
    rendered: Rendered,
}

struct HeadingState<'s> {
    level: u8,
    id: Option<String>,
    classes: Vec<String>,
    events: Vec<Event<'s>>,
    text: String,
}

struct LinkState {
    text: String,
    line: usize,
}

/// A Markdown picture, written out as `<img>` when it ends, with its size
/// and widths when it is a picture of `content/`.
struct ImageState<'s> {
    src: CowStr<'s>,
    title: CowStr<'s>,
    alt: String,
    picture: Option<Arc<Picture>>,
    line: usize,
}

/// How wide a picture in a page's text is shown, for the browser to choose
/// among its widths: the text column of the default theme (44em at 19px)
/// on a wide screen, else the screen's width.
pub const BODY_PICTURE_SIZES: &str = "(min-width: 880px) 836px, 100vw";

impl<'s, 't> Pass<'s, 't> {
    fn new(source: &'s Source<'s>, links: Links<'t>, components: components::State<'s>) -> Self {
        let mut rendered = Rendered::default();
        rendered.ids.insert(FOOTNOTES_ID.to_string());
        Pass {
            source,
            links,
            body: Vec::new(),
            definitions: Vec::new(),
            in_definition: false,
            references: Vec::new(),
            heading: None,
            code: None,
            link: None,
            image: None,
            html_block_escaped: false,
            previous_level: 1,
            tables: 0,
            table_names: Vec::new(),
            prose: (String::new(), 0),
            line_cache: (0, 0),
            added: &[],
            components,
            rendered,
        }
    }

    /// The file line of a byte offset. Events come mostly in source order, so
    /// counting goes on from the last offset asked for: counting from the start
    /// each time made a 50 MB page with a link per line quadratic.
    fn line(&mut self, offset: usize) -> usize {
        let markdown = self.source.markdown;
        let offset = offset.min(markdown.len());
        let (known_offset, known_lines) = self.line_cache;
        let (from, lines) = if offset >= known_offset { (known_offset, known_lines) } else { (0, 0) };
        let lines = lines + markdown.as_bytes()[from..offset].iter().filter(|&&byte| byte == b'\n').count();
        self.line_cache = (offset, lines);
        self.source.first_line + lines - paste::added_before(self.added, lines)
    }

    fn emit(&mut self, event: Event<'s>) {
        if let Some(image) = &mut self.image {
            // Inside a picture, text is its alt text; markup is dropped, as
            // an attribute cannot hold it.
            match event {
                Event::Text(text) | Event::Code(text) => image.alt.push_str(&text),
                Event::SoftBreak | Event::HardBreak => image.alt.push(' '),
                _ => {}
            }
        } else if let Some(heading) = &mut self.heading {
            heading.events.push(event);
        } else if self.in_definition {
            if let Some((_, events)) = self.definitions.last_mut() {
                events.push(event);
            }
        } else {
            self.body.push(event);
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(heading) = &mut self.heading {
            heading.text.push_str(text);
        }
        if let Some(link) = &mut self.link {
            link.text.push_str(text);
        }
        self.rendered.text.push_str(text);
    }

    fn event(&mut self, event: Event<'s>, range: Range<usize>) {
        if self.code.is_some() {
            self.code_event(event);
            return;
        }
        let offset = range.start;
        let Some(event) = self.component_event(event, range) else { return };
        match event {
            Event::Start(tag) => self.start(tag, offset),
            Event::End(tag) => self.end(tag),
            Event::FootnoteReference(label) => self.footnote_reference(&label),
            Event::Html(html) | Event::InlineHtml(html) if !self.source.allow_html => {
                self.raw_html(&html, offset);
                self.text(&html);
                self.emit(Event::Text(html));
            }
            Event::Text(text) if self.link.is_none() && self.image.is_none() && text.contains(['.', '@']) => {
                self.text_with_addresses(text, offset);
            }
            Event::Text(text) => self.plain_text(text, offset),
            Event::Code(code) => {
                self.text(&code);
                self.emit(Event::Code(code));
            }
            Event::TaskListMarker(done) => {
                // A bare checkbox has no label (axe `label`): it is drawn for
                // sight and print, hidden from screen readers, which hear the
                // state in words instead.
                let (checked, state) = if done { (" checked", "Done") } else { ("", "To do") };
                let html = format!(
                    "<input type=\"checkbox\" disabled{checked} aria-hidden=\"true\"><span class=\"visually-hidden\">{state}: </span>"
                );
                self.emit(Event::Html(html.into()));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text(" ");
                self.emit(event);
            }
            other => self.emit(other),
        }
    }

    /// Text as it is: for search, headings, link text and the literal
    /// link check.
    fn plain_text(&mut self, text: CowStr<'s>, offset: usize) {
        if self.prose.0.is_empty() {
            self.prose.1 = self.line(offset);
        }
        self.prose.0.push_str(&text);
        self.text(&text);
        self.emit(Event::Text(text));
    }

    /// Inside a fenced block: gather the code, highlight it at the end.
    fn code_event(&mut self, event: Event<'s>) {
        match event {
            Event::Text(text) => {
                if let Some((_, code)) = &mut self.code {
                    code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let (language, code) = self.code.take().unwrap_or_default();
                self.rendered.text.push_str(&code);
                self.rendered.text.push('\n');
                self.emit(Event::Html(crate::highlight::code_block(&code, &language).into()));
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'s>, offset: usize) {
        self.check_literal_link();
        match tag {
            Tag::Heading { level, id, classes, .. } => self.start_heading(level, id, classes, offset),
            Tag::CodeBlock(kind) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((language, String::new()));
            }
            Tag::Link { link_type, dest_url, title, id } => {
                let line = self.line(offset);
                let dest_url = self.link_target(&dest_url, line, false);
                self.link = Some(LinkState { text: String::new(), line });
                self.emit(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            Tag::Image { dest_url, title, .. } => {
                let line = self.line(offset);
                let src = self.link_target(&dest_url, line, true);
                let picture =
                    src.strip_prefix(self.links.base_path).and_then(|path| self.links.pictures.get(path)).cloned();
                self.image = Some(ImageState { src, title, alt: String::new(), picture, line });
            }
            Tag::FootnoteDefinition(label) => {
                self.in_definition = true;
                self.definitions.push((label.to_string(), Vec::new()));
            }
            Tag::Table(alignments) => {
                self.tables += 1;
                // Focusable so keyboard users can scroll a wide table on a phone
                // (axe `scrollable-region-focusable`), and a named region so
                // screen readers announce what it holds. Markdown has no
                // caption syntax: the heading the table sits under names it.
                let name = match self.rendered.headings.last() {
                    Some(heading) => escape(&heading.text),
                    None => format!("Table {}", self.tables),
                };
                // Two tables under one heading still get names of their own:
                // a region's name must be unique on the page.
                self.table_names.push(name.clone());
                let same = self.table_names.iter().filter(|used| **used == name).count();
                let name = if same > 1 { format!("{name} (table {same})") } else { name };
                let wrapper =
                    format!("<div class=\"table-scroll\" role=\"region\" aria-label=\"{name}\" tabindex=\"0\">\n");
                self.emit(Event::Html(wrapper.into()));
                self.emit(Event::Start(Tag::Table(alignments)));
                self.emit(Event::Html(format!("<caption class=\"visually-hidden\">{name}</caption>").into()));
            }
            Tag::HtmlBlock if !self.source.allow_html => {
                self.html_block_escaped = true;
                self.emit(Event::Start(Tag::Paragraph));
            }
            other => self.emit(Event::Start(other)),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        self.check_literal_link();
        match tag {
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::Link => {
                if let Some(link) = self.link.take() {
                    self.check_link_text(&link);
                }
                self.emit(Event::End(tag));
            }
            TagEnd::Image => self.end_image(),
            TagEnd::FootnoteDefinition => self.in_definition = false,
            TagEnd::Table => {
                self.emit(Event::End(tag));
                self.emit(Event::Html("</div>\n".into()));
            }
            TagEnd::HtmlBlock if self.html_block_escaped => {
                self.html_block_escaped = false;
                self.emit(Event::End(TagEnd::Paragraph));
            }
            TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell => {
                self.rendered.text.push('\n');
                self.emit(Event::End(tag));
            }
            other => self.emit(Event::End(other)),
        }
    }

    /// Writes out the picture just read: its size (so the page does not jump
    /// as it loads), loaded only as the reader scrolls to it (a body is
    /// always below the page's heading).
    fn end_image(&mut self) {
        let Some(image) = self.image.take() else { return };
        if image.alt.trim().is_empty() {
            self.rendered.diagnostics.push(
                Diagnostic::new(
                    Code::EmptyAlt,
                    self.source.file,
                    "this image has no alt text, so screen readers skip it",
                )
                .at(image.line, 1)
                .hint("describe the picture inside the brackets: ![Bar chart of turnover falling](chart.png)"),
            );
        }
        let mut html = String::from("<img src=\"");
        let _ = pulldown_cmark_escape::escape_href(&mut html, &image.src);
        let _ = write!(html, "\" alt=\"{}\"", escape(&image.alt));
        if !image.title.is_empty() {
            let _ = write!(html, " title=\"{}\"", escape(&image.title));
        }
        if let Some(picture) = &image.picture {
            let Size { width, height } = picture.published_size();
            let _ = write!(html, " width=\"{width}\" height=\"{height}\"");
            if let Some(srcset) = picture.srcset(self.links.base_path) {
                let _ = write!(html, " srcset=\"{}\" sizes=\"{BODY_PICTURE_SIZES}\"", escape(&srcset));
            }
        }
        html.push_str(" loading=\"lazy\" decoding=\"async\">");
        self.emit(Event::Html(html.into()));
    }

    fn start_heading(&mut self, level: HeadingLevel, id: Option<CowStr<'s>>, classes: Vec<CowStr<'s>>, offset: usize) {
        let mut level = level as u8;
        let line = self.line(offset);
        if level == 1 {
            self.rendered.diagnostics.push(
                Diagnostic::new(
                    Code::SkippedHeading,
                    self.source.file,
                    "a `#` heading in the body: the page title is the only level-1 heading",
                )
                .at(line, 1)
                .hint("start sections with `##`; this one is shown as a level-2 heading"),
            );
            level = 2;
        } else if level > self.previous_level + 1 && !self.in_definition {
            self.rendered.diagnostics.push(
                Diagnostic::new(
                    Code::SkippedHeading,
                    self.source.file,
                    format!("heading level {level} follows level {}, skipping a level", self.previous_level),
                )
                .at(line, 1)
                .hint(format!(
                    "use {} so screen-reader users can follow the outline",
                    "#".repeat(self.previous_level as usize + 1)
                )),
            );
        }
        self.previous_level = level;
        self.heading = Some(HeadingState {
            level,
            id: id.map(|id| id.to_string()),
            classes: classes.iter().map(|class| class.to_string()).collect(),
            events: Vec::new(),
            text: String::new(),
        });
    }

    fn end_heading(&mut self) {
        let Some(heading) = self.heading.take() else { return };
        let text = heading.text.trim().to_string();
        let wanted = heading.id.filter(|id| !id.is_empty()).unwrap_or_else(|| {
            let slug = crate::slug::slugify(&text);
            if slug.is_empty() { "section".to_string() } else { slug }
        });
        let id = unique_id(&mut self.rendered.ids, wanted);
        let mut open = format!("<h{} id=\"{}\"", heading.level, escape(&id));
        if !heading.classes.is_empty() {
            let _ = write!(open, " class=\"{}\"", escape(&heading.classes.join(" ")));
        }
        open.push('>');
        self.emit(Event::Html(open.into()));
        for event in heading.events {
            self.emit(event);
        }
        self.emit(Event::Html(format!("</h{}>\n", heading.level).into()));
        self.rendered.text.push('\n');
        if !self.in_definition {
            self.rendered.headings.push(Heading { level: heading.level, id, text });
        }
    }

    fn finish(mut self) -> Rendered {
        let mut html = String::with_capacity(self.source.markdown.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, std::mem::take(&mut self.body).into_iter());
        let notes = std::mem::take(&mut self.definitions);
        self.footnotes(&mut html, notes);
        // Every body is held until the site is written: at 10,000 pages the
        // room left over by growing these strings was tens of megabytes.
        html.shrink_to_fit();
        self.rendered.html = html;
        self.rendered.text.shrink_to_fit();
        self.rendered
    }
}

/// `id`, or `id-1`, `id-2`… when the page already uses it.
fn unique_id(used: &mut HashSet<String>, wanted: String) -> String {
    if used.insert(wanted.clone()) {
        return wanted;
    }
    (1..).map(|n| format!("{wanted}-{n}")).find(|candidate| used.insert(candidate.clone())).unwrap_or(wanted)
}

#[cfg(test)]
mod tests;
