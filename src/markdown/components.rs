//! Components in the event pass: GitHub alerts (`> [!NOTE]`), directives
//! (`:::details[...]`, found by `directives`) and definition lists, written
//! as the NHS design system marks them up, through the theme's component
//! templates (`components/*.html`) so a trust can restyle them.
//!
//! A template is rendered once per component with its content standing in
//! as `<belong-content></belong-content>`, and split there: the part before
//! is written where the component opens, the part after where it ends, and
//! the Markdown between is the page's own, rendered as the rest is. What a
//! component must hold (a list in a do list, one picture in a figure, a
//! transcript in a video) is checked as it ends.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};
use serde::Serialize;

use super::Pass;
use super::directives::{Directive, Marker};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};

/// Where a template shows a component's content.
const CONTENT: &str = "<belong-content></belong-content>";

/// The label a warning callout has when it gives none.
const IMPORTANT: &str = "Important";

/// What the component pass knows of one page.
#[derive(Default)]
pub(super) struct State<'d> {
    markers: Option<&'d BTreeMap<usize, Marker>>,
    directives: &'d [Directive],
    /// Components open around the current event, innermost last.
    open: Vec<Open>,
    /// Inside one of our markers' HTML blocks: its events are the marker's.
    in_marker: bool,
    /// Tags open around the current event, on the whole page.
    depth: usize,
    /// A warning callout waiting for its label: the text of its first
    /// heading, when it starts with one.
    awaiting: Option<Awaiting>,
    /// The definition lists being written: whether each has a row open.
    rows: Vec<bool>,
}

impl<'d> State<'d> {
    pub(super) fn new(markers: &'d BTreeMap<usize, Marker>, directives: &'d [Directive]) -> State<'d> {
        State { markers: Some(markers), directives, ..State::default() }
    }
}

/// The kinds of component, each with its template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Inset,
    Warning,
    Details,
    Do,
    Dont,
    Quote,
    Figure,
    Video,
    /// A directive with a name belong does not know (already reported): its
    /// content is shown as it is.
    Unknown,
}

impl Kind {
    fn of(name: &str) -> Kind {
        match name {
            "note" | "tip" | "info" => Kind::Inset,
            "important" | "warning" | "caution" | "danger" => Kind::Warning,
            "details" => Kind::Details,
            "do" => Kind::Do,
            "dont" => Kind::Dont,
            "quote" => Kind::Quote,
            "figure" => Kind::Figure,
            "video" => Kind::Video,
            _ => Kind::Unknown,
        }
    }

    fn template(self) -> Option<&'static str> {
        Some(match self {
            Kind::Inset => "inset.html",
            Kind::Warning => "warning-callout.html",
            Kind::Details => "details.html",
            Kind::Do | Kind::Dont => "do-dont.html",
            Kind::Quote => "quote.html",
            Kind::Figure => "figure.html",
            Kind::Video => "video.html",
            Kind::Unknown => return None,
        })
    }

    /// The settings a directive of this kind may have.
    fn settings(self) -> &'static [&'static str] {
        match self {
            Kind::Video => &["youtube", "src", "captions", "lang"],
            _ => &[],
        }
    }
}

/// One open component.
struct Open {
    kind: Kind,
    name: String,
    /// What its end writes.
    closing: String,
    /// The file line it opens on.
    line: usize,
    /// The page's open tags when it opened: it must end among the same.
    outside: usize,
    /// An alert, which ends with its blockquote.
    alert: bool,
    lists: usize,
    images: usize,
    has_text: bool,
    /// A figure's paragraph around its picture, whose tags are not written.
    bare_paragraph: bool,
    /// Where a do or don't list's own list is, by page depth.
    styled_list: Option<usize>,
}

/// A component about to open: what it is and where.
struct Opening {
    kind: Kind,
    name: String,
    /// The file line it opens on.
    line: usize,
    /// An alert, which ends with its blockquote.
    alert: bool,
}

/// A warning callout waiting for its label.
struct Awaiting {
    opening: Opening,
    /// The first heading's text, while it is read.
    heading: Option<String>,
}

/// What a component's template sees.
#[derive(Serialize, Default)]
struct View<'a> {
    kind: &'a str,
    label: Option<&'a str>,
    youtube: Option<YouTube>,
    file: Option<VideoFile>,
    content: &'static str,
}

#[derive(Serialize)]
struct YouTube {
    id: String,
    watch_url: String,
    embed_url: String,
}

#[derive(Serialize)]
struct VideoFile {
    url: String,
    captions_url: String,
    captions_language: String,
}

impl<'s> Pass<'s, '_> {
    /// Takes the events that belong to components (markers, alerts,
    /// definition lists, a callout's label) and gives back the others.
    pub(super) fn component_event(&mut self, event: Event<'s>, range: Range<usize>) -> Option<Event<'s>> {
        if self.components.in_marker {
            if matches!(event, Event::End(TagEnd::HtmlBlock)) {
                self.components.in_marker = false;
            }
            return None;
        }
        if let Event::Start(Tag::HtmlBlock) = event
            && let Some(markers) = self.components.markers
            && let Some((_, &marker)) = markers.range(range.clone()).next()
        {
            self.components.in_marker = true;
            self.marker(marker);
            return None;
        }
        let event = self.label_event(event)?;
        let event = match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (kind, name) = alert(kind);
                let line = self.line(range.start);
                self.open_component(Opening { kind, name, line, alert: true }, None);
                return None;
            }
            Event::End(TagEnd::BlockQuote(_))
                if self
                    .components
                    .open
                    .last()
                    .is_some_and(|open| open.alert && self.components.depth == open.outside) =>
            {
                self.close_component();
                return None;
            }
            other => other,
        };
        let event = self.summary_list_event(event)?;
        self.inside_component(event)
    }

    /// A directive's opening or closing line.
    fn marker(&mut self, marker: Marker) {
        // A warning callout that has not met a heading first has its label.
        if let Some(awaiting) = self.components.awaiting.take_if(|awaiting| awaiting.heading.is_none()) {
            self.write_open(awaiting.opening, IMPORTANT, None);
        }
        match marker {
            Marker::Open(index) => {
                let Some(directive) = self.components.directives.get(index) else { return };
                let directive = directive.clone();
                let kind = Kind::of(&directive.name);
                self.check_settings(kind, &directive);
                let opening = Opening { kind, name: directive.name.clone(), line: directive.line, alert: false };
                self.open_component(opening, Some(&directive));
            }
            Marker::Close(_) => self.close_component(),
        }
    }

    /// A warning callout's first heading, read as its label.
    fn label_event(&mut self, event: Event<'s>) -> Option<Event<'s>> {
        let Some(awaiting) = self.components.awaiting.as_mut() else { return Some(event) };
        match (&mut awaiting.heading, event) {
            (None, Event::Start(Tag::Heading { .. })) => {
                awaiting.heading = Some(String::new());
                None
            }
            (Some(text), Event::Text(more) | Event::Code(more)) => {
                text.push_str(&more);
                None
            }
            (Some(_), Event::End(TagEnd::Heading(_))) => {
                let awaiting = self.components.awaiting.take()?;
                let label = awaiting.heading.map(|text| text.trim().to_string()).filter(|text| !text.is_empty());
                self.write_open(awaiting.opening, label.as_deref().unwrap_or(IMPORTANT), None);
                None
            }
            (Some(_), _) => None,
            (None, event) => {
                let awaiting = self.components.awaiting.take()?;
                self.write_open(awaiting.opening, IMPORTANT, None);
                Some(event)
            }
        }
    }

    /// Opens a component; a warning callout without a label waits for its
    /// first heading.
    fn open_component(&mut self, opening: Opening, directive: Option<&Directive>) {
        let label = directive.and_then(|directive| directive.label.clone());
        if opening.kind == Kind::Warning && label.is_none() {
            self.components.awaiting = Some(Awaiting { opening, heading: None });
            return;
        }
        let Opening { kind, ref name, line, .. } = opening;
        let label = match (kind, label) {
            (_, Some(label)) => Some(label),
            (Kind::Do, None) => Some("Do".to_string()),
            (Kind::Dont, None) => Some("Don't".to_string()),
            (Kind::Details | Kind::Video, None) => {
                self.incomplete(
                    line,
                    name,
                    "needs the words to show for it in brackets",
                    &format!("write them on its opening line: :::{name}[{}]", example_label(kind)),
                );
                None
            }
            (_, None) => None,
        };
        self.write_open(opening, label.as_deref().unwrap_or_default(), directive);
    }

    /// Writes a component's opening markup and keeps its closing markup.
    fn write_open(&mut self, opening: Opening, label: &str, directive: Option<&Directive>) {
        let Opening { kind, name, line, alert } = opening;
        if !label.is_empty() {
            self.rendered.text.push_str(label);
            self.rendered.text.push('\n');
        }
        if matches!(kind, Kind::Details | Kind::Video) {
            self.rendered.interactive = true;
        }
        let mut view = View {
            kind: &name,
            label: Some(label).filter(|label| !label.is_empty()),
            content: CONTENT,
            ..View::default()
        };
        if kind == Kind::Video
            && let Some(directive) = directive
        {
            (view.youtube, view.file) = self.video_source(directive);
        }
        let (opening, closing) = self.markup(kind, &view, line);
        self.emit(Event::Html(opening.into()));
        let outside = self.components.depth;
        self.components.open.push(Open {
            kind,
            name,
            closing,
            line,
            outside,
            alert,
            lists: 0,
            images: 0,
            has_text: false,
            bare_paragraph: false,
            styled_list: None,
        });
    }

    /// A component's template rendered around the stand-in for its content,
    /// split there.
    fn markup(&mut self, kind: Kind, view: &View, line: usize) -> (String, String) {
        let Some(template) = kind.template() else { return (String::new(), String::new()) };
        let rendered = tera::Context::from_serialize(view)
            .and_then(|context| self.links.components.render(template, &context))
            .map_err(|error| crate::theme::template_error(&self.links.components.origin(template), &error));
        match rendered {
            Ok(html) => match html.split_once(CONTENT) {
                Some((opening, closing)) if !closing.contains(CONTENT) => (opening.to_string(), closing.to_string()),
                _ => {
                    let problem = Diagnostic::new(
                        Code::Template,
                        self.links.components.origin(template),
                        format!(
                            "the template shows a component's content other than once (for the one at {}:{line})",
                            self.source.file.display()
                        ),
                    )
                    .hint("write {{ content | safe }} once where the component's content goes");
                    self.rendered.diagnostics.push(problem);
                    ("<div>".to_string(), "</div>".to_string())
                }
            },
            Err(problem) => {
                self.rendered.diagnostics.push(problem);
                ("<div>".to_string(), "</div>".to_string())
            }
        }
    }

    /// Ends the innermost component: checks what it holds and writes its
    /// closing markup.
    fn close_component(&mut self) {
        if let Some(awaiting) = self.components.awaiting.take() {
            self.write_open(awaiting.opening, IMPORTANT, None);
        }
        let Some(open) = self.components.open.pop() else { return };
        if open.outside != self.components.depth {
            let problem = Diagnostic::new(
                Code::UnclosedComponent,
                self.source.file,
                format!(
                    "this `:::{}` opens inside a list or quote and closes outside it, or the other way round",
                    open.name
                ),
            )
            .at(open.line, 1)
            .hint(
                "put its closing ::: at the same indentation, and inside the same list or quote, as its opening line",
            );
            self.rendered.diagnostics.push(problem);
        }
        let example = match open.kind {
            Kind::Do | Kind::Dont if open.lists == 0 => {
                Some(("holds a list", "write it inside the component: - a line that starts with a dash for each thing"))
            }
            Kind::Figure if open.images != 1 => {
                Some(("holds one picture", "write it inside the component: ![What the picture shows](picture.png)"))
            }
            Kind::Quote if !open.has_text => {
                Some(("holds the words quoted", "write them inside the component: the quotation, as a paragraph"))
            }
            Kind::Video if !open.has_text => Some((
                "holds its transcript",
                "write it inside the component: the words said in the video, as paragraphs",
            )),
            _ => None,
        };
        if let Some((what, how)) = example {
            self.incomplete(open.line, &open.name, what, how);
        }
        self.emit(Event::Html(open.closing.into()));
    }

    fn incomplete(&mut self, line: usize, name: &str, what: &str, hint: &str) {
        let problem = Diagnostic::new(Code::IncompleteComponent, self.source.file, format!("this `:::{name}` {what}"))
            .at(line, 1)
            .hint(hint);
        self.rendered.diagnostics.push(problem);
    }

    /// Settings a component does not have are errors, with the nearest.
    fn check_settings(&mut self, kind: Kind, directive: &Directive) {
        if kind == Kind::Unknown {
            return;
        }
        for (key, _) in &directive.attributes {
            if kind.settings().contains(&key.as_str()) {
                continue;
            }
            let hint = did_you_mean(key, kind.settings().iter().copied()).unwrap_or_else(|| match kind.settings() {
                [] => format!("a `:::{}` takes no settings: remove {{{key}=…}}", directive.name),
                settings => format!("its settings are {}", settings.join(", ")),
            });
            let problem = Diagnostic::new(
                Code::UnknownComponent,
                self.source.file,
                format!("`:::{}` has no setting `{key}`", directive.name),
            )
            .at(directive.line, 1)
            .hint(hint);
            self.rendered.diagnostics.push(problem);
        }
    }

    /// A video's YouTube address or file of the hub's own, checked.
    fn video_source(&mut self, directive: &Directive) -> (Option<YouTube>, Option<VideoFile>) {
        let line = directive.line;
        if let Some(written) = directive.attribute("youtube") {
            let Some(id) = youtube_id(written) else {
                self.incomplete(
                    line,
                    "video",
                    &format!("has `{written}` as its YouTube video, which is not one"),
                    "write the video's address on its opening line: {youtube=\"https://www.youtube.com/watch?v=…\"}",
                );
                return (None, None);
            };
            let watch_url = format!("https://www.youtube.com/watch?v={id}");
            let embed_url = format!("https://www.youtube-nocookie.com/embed/{id}");
            return (Some(YouTube { id, watch_url, embed_url }), None);
        }
        let Some(src) = directive.attribute("src") else {
            self.incomplete(line, "video", "names no video", "write it on its opening line: {youtube=\"https://www.youtube.com/watch?v=…\"}, or a file beside the page: {src=\"talk.mp4\" captions=\"talk.vtt\"}");
            return (None, None);
        };
        let url = self.link_target(&CowStr::from(src.to_string()), line, true).into_string();
        let Some(captions) = directive.attribute("captions") else {
            self.incomplete(
                line,
                "video",
                "has no captions file",
                "write it on its opening line: {captions=\"talk.vtt\"}, captions in WebVTT beside the video",
            );
            return (None, None);
        };
        let captions_url = self.link_target(&CowStr::from(captions.to_string()), line, true).into_string();
        let captions_language = directive.attribute("lang").unwrap_or("en").to_string();
        (None, Some(VideoFile { url, captions_url, captions_language }))
    }

    /// Definition lists as the NHS summary list: each term and its
    /// definitions in a row.
    fn summary_list_event(&mut self, event: Event<'s>) -> Option<Event<'s>> {
        let html = match event {
            Event::Start(Tag::DefinitionList) => {
                self.components.rows.push(false);
                "<dl class=\"nhsuk-summary-list\">\n".to_string()
            }
            Event::End(TagEnd::DefinitionList) => {
                let row = self.components.rows.pop().unwrap_or(false);
                format!("{}</dl>\n", if row { "</div>\n" } else { "" })
            }
            Event::Start(Tag::DefinitionListTitle) => {
                let row = self.components.rows.last_mut().map(|row| std::mem::replace(row, true)).unwrap_or(false);
                format!(
                    "{}<div class=\"nhsuk-summary-list__row\">\n<dt class=\"nhsuk-summary-list__key\">",
                    if row { "</div>\n" } else { "" }
                )
            }
            Event::End(TagEnd::DefinitionListTitle) => "</dt>\n".to_string(),
            Event::Start(Tag::DefinitionListDefinition) => "<dd class=\"nhsuk-summary-list__value\">".to_string(),
            Event::End(TagEnd::DefinitionListDefinition) => "</dd>\n".to_string(),
            other => return Some(other),
        };
        self.rendered.text.push('\n');
        self.emit(Event::Html(html.into()));
        None
    }

    /// Keeps count of what the innermost component holds, and writes a do
    /// or don't list's list, and a figure's picture without its paragraph.
    fn inside_component(&mut self, event: Event<'s>) -> Option<Event<'s>> {
        let depth = self.components.depth;
        match &event {
            Event::Start(_) => self.components.depth += 1,
            Event::End(_) => self.components.depth = depth.saturating_sub(1),
            _ => {}
        }
        let Some(open) = self.components.open.last_mut() else { return Some(event) };
        let top = depth == open.outside;
        match &event {
            Event::Text(text) | Event::Code(text) if !text.trim().is_empty() => open.has_text = true,
            Event::Start(Tag::Image { .. }) => open.images += 1,
            Event::Start(Tag::Paragraph) if top && open.kind == Kind::Figure => {
                open.bare_paragraph = true;
                return None;
            }
            Event::End(TagEnd::Paragraph) if depth == open.outside + 1 && open.bare_paragraph => {
                open.bare_paragraph = false;
                return None;
            }
            Event::Start(Tag::List(_)) if top && matches!(open.kind, Kind::Do | Kind::Dont) => {
                open.lists += 1;
                open.styled_list = Some(depth);
                let mark = if open.kind == Kind::Do { "tick" } else { "cross" };
                self.emit(Event::Html(format!("<ul class=\"nhsuk-list nhsuk-list--{mark}\">\n").into()));
                return None;
            }
            Event::End(TagEnd::List(_)) if open.styled_list.is_some() && open.styled_list == depth.checked_sub(1) => {
                open.styled_list = None;
                self.emit(Event::Html("</ul>\n".into()));
                return None;
            }
            _ => {}
        }
        Some(event)
    }
}

/// The component an alert is, by its kind.
fn alert(kind: BlockQuoteKind) -> (Kind, String) {
    let (kind, name) = match kind {
        BlockQuoteKind::Note => (Kind::Inset, "note"),
        BlockQuoteKind::Tip => (Kind::Inset, "tip"),
        BlockQuoteKind::Important => (Kind::Warning, "important"),
        BlockQuoteKind::Warning => (Kind::Warning, "warning"),
        BlockQuoteKind::Caution => (Kind::Warning, "caution"),
    };
    (kind, name.to_string())
}

/// A label to show in an example of `kind`.
fn example_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Video => "Title of the video",
        _ => "How we measured it",
    }
}

/// The id of a YouTube video from its id or any of its addresses
/// (`watch?v=`, `youtu.be/`, `embed/`, `shorts/`).
fn youtube_id(written: &str) -> Option<String> {
    let written = written.trim();
    let is_id = |id: &str| id.len() == 11 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if is_id(written) {
        return Some(written.to_string());
    }
    let rest = written.strip_prefix("https://").or_else(|| written.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let host = host.trim_start_matches("www.").trim_start_matches("m.");
    let id = match host {
        "youtu.be" => path.split(['?', '#', '/']).next(),
        "youtube.com" | "youtube-nocookie.com" => match path.split_once('?') {
            Some(("watch", query)) => {
                query.split('&').find_map(|pair| pair.strip_prefix("v=")).map(|id| id.split('#').next().unwrap_or(id))
            }
            _ => path
                .strip_prefix("embed/")
                .or_else(|| path.strip_prefix("shorts/"))
                .or_else(|| path.strip_prefix("live/"))
                .and_then(|id| id.split(['?', '#', '/']).next()),
        },
        _ => None,
    }?;
    is_id(id).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::youtube_id;

    #[test]
    fn a_youtube_video_is_known_by_its_id_or_any_of_its_addresses() {
        let id = Some("dQw4w9WgXcQ".to_string());
        for written in [
            "dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ#t=5",
            "https://youtu.be/dQw4w9WgXcQ?si=abc",
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        ] {
            assert_eq!(youtube_id(written), id, "{written}");
        }
        assert_eq!(youtube_id("https://youtu.be/a-b_c-d_e-f"), Some("a-b_c-d_e-f".to_string()));
        for written in [
            "",
            "dQw4w9WgXc",
            "dQw4w9WgXc!",
            "https://vimeo.com/12345678901",
            "https://www.youtube.com/",
            "javascript:alert(1)",
        ] {
            assert_eq!(youtube_id(written), None, "{written}");
        }
    }
}
