//! Finds the directive blocks authors write for components
//! (`:::details[More about this]` ... `:::`), line by line, before the
//! Markdown is parsed. Each opening and closing line is replaced by an HTML
//! comment that the event pass knows by its place, so the Markdown between
//! stays one document (heading ids, footnotes and the contents list work
//! across it) and every line keeps its number for diagnostics.
//!
//! Lines inside fenced code are left alone, and a directive may sit in a
//! list item or a blockquote: the line keeps its indentation and `>`s.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use super::paste::added_before;
use crate::diagnostics::{Code, Diagnostic, did_you_mean};

/// Every component name a directive may have.
pub const NAMES: &[&str] = &[
    "note",
    "tip",
    "info",
    "important",
    "warning",
    "caution",
    "danger",
    "details",
    "do",
    "dont",
    "quote",
    "figure",
    "video",
];

/// One directive as written: `:::name[label]{key="value"}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Directive {
    /// The name as written (an unknown one is reported, and its content
    /// shown without a component around it).
    pub name: String,
    pub label: Option<String>,
    pub attributes: Vec<(String, String)>,
    /// The file line it opens on.
    pub line: usize,
}

impl Directive {
    /// The value of attribute `key`, if written.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.iter().find(|(name, _)| name == key).map(|(_, value)| value.as_str())
    }
}

/// A directive's opening or closing line, by directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    Open(usize),
    Close(usize),
}

/// The Markdown ready to parse, and the directives found in it.
#[derive(Debug)]
pub struct Prepared<'a> {
    /// The Markdown with each directive's lines replaced by markers; the
    /// text itself when it has no directive.
    pub markdown: Cow<'a, str>,
    /// Each marker, by the byte offset its comment starts at.
    pub markers: BTreeMap<usize, Marker>,
    pub directives: Vec<Directive>,
    pub problems: Vec<Diagnostic>,
}

/// The comment a marker is written as.
fn marker_text(marker: Marker) -> String {
    match marker {
        Marker::Open(index) => format!("<!--belong-component {index}-->"),
        Marker::Close(index) => format!("<!--/belong-component {index}-->"),
    }
}

/// Finds the directives of `markdown`, the body of `file` starting at file
/// line `first_line`, with belong's own lines at the 0-based lines `added`
/// (a pasted table's rule line: `paste`), which the file does not have.
pub fn prepare<'a>(markdown: &'a str, file: &Path, first_line: usize, added: &[usize]) -> Prepared<'a> {
    let mut prepared = Prepared {
        markdown: Cow::Borrowed(markdown),
        markers: BTreeMap::new(),
        directives: Vec::new(),
        problems: Vec::new(),
    };
    if !markdown.contains(":::") {
        return prepared;
    }
    let mut out = String::with_capacity(markdown.len() + 64);
    let mut open: Vec<usize> = Vec::new();
    let mut fence: Option<Fence> = None;
    for (index, line) in markdown.split_inclusive('\n').enumerate() {
        let number = first_line + index - added_before(added, index);
        let (prefix, rest) = container_prefix(line);
        if let Some(current) = &fence {
            if current.closed_by(rest) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if let Some(opened) = Fence::opened_by(rest) {
            fence = Some(opened);
            out.push_str(line);
            continue;
        }
        let marker = match read_line(rest) {
            Line::Text => None,
            Line::Open(Ok(directive)) => {
                let directive = Directive { line: number, ..directive };
                if !NAMES.contains(&directive.name.as_str()) {
                    prepared.problems.push(unknown(file, &directive));
                }
                open.push(prepared.directives.len());
                prepared.directives.push(directive);
                Some(Marker::Open(prepared.directives.len() - 1))
            }
            Line::Open(Err(why)) => {
                prepared.problems.push(unreadable(file, number, &why));
                None
            }
            Line::Close => match open.pop() {
                Some(directive) => Some(Marker::Close(directive)),
                None => {
                    prepared.problems.push(closes_nothing(file, number));
                    None
                }
            },
        };
        match marker {
            Some(marker) => {
                out.push_str(prefix);
                prepared.markers.insert(out.len(), marker);
                out.push_str(&marker_text(marker));
                out.push('\n');
            }
            None => out.push_str(line),
        }
    }
    // An unclosed directive is an error at its opening line; it is closed at
    // the end, so the rest of the page still renders and is checked.
    for directive in open.into_iter().rev() {
        prepared.problems.push(unclosed(file, &prepared.directives[directive]));
        // A blank line first (one more is harmless), so the marker is a block.
        out.push_str("\n\n");
        prepared.markers.insert(out.len(), Marker::Close(directive));
        out.push_str(&marker_text(Marker::Close(directive)));
        out.push('\n');
    }
    prepared.markdown = Cow::Owned(out);
    prepared
}

/// What a line is, to the directive reader.
enum Line {
    Text,
    Open(Result<Directive, String>),
    Close,
}

/// A line's container markers (`> `, list indentation) and the rest.
fn container_prefix(line: &str) -> (&str, &str) {
    let mut end = 0;
    let bytes = line.as_bytes();
    loop {
        let spaces = bytes[end..].iter().take_while(|&&byte| byte == b' ').count();
        match bytes.get(end + spaces) {
            // The space after `>` is counted as the next round's indentation.
            Some(b'>') => end += spaces + 1,
            _ => return (&line[..end + spaces], &line[end + spaces..]),
        }
    }
}

/// Reads a line (container markers and indentation taken off) as a
/// directive's opening or closing line, or text.
fn read_line(rest: &str) -> Line {
    let text = rest.trim_end();
    let Some(after) = text.strip_prefix(":::") else { return Line::Text };
    let after = after.trim_start_matches(':').trim_start();
    if after.is_empty() {
        return Line::Close;
    }
    Line::Open(read_directive(after))
}

/// `name[label]{key="value" ...}` after a directive's colons.
fn read_directive(text: &str) -> Result<Directive, String> {
    let name_end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(text.len());
    let name = &text[..name_end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("a component's name comes straight after the colons".to_string());
    }
    let mut rest = text[name_end..].trim_start();
    let mut label = None;
    if rest.starts_with('[') {
        let (inside, after) = bracketed(rest, '[', ']').ok_or("its `[label]` has no closing `]`")?;
        label = Some(inside.trim().to_string()).filter(|label| !label.is_empty());
        rest = after.trim_start();
    }
    let mut attributes = Vec::new();
    if rest.starts_with('{') {
        let (inside, after) = bracketed(rest, '{', '}').ok_or("its `{key=\"value\"}` has no closing `}`")?;
        attributes = read_attributes(inside)?;
        rest = after.trim_start();
    }
    if !rest.is_empty() {
        return Err(format!("`{rest}` after the component's name, label and settings"));
    }
    Ok(Directive { name: name.to_ascii_lowercase(), label, attributes, line: 0 })
}

/// The text inside the brackets `text` opens with, and what follows them.
fn bracketed(text: &str, open: char, close: char) -> Option<(&str, &str)> {
    let mut depth = 0;
    for (at, character) in text.char_indices() {
        if character == open {
            depth += 1;
        } else if character == close {
            depth -= 1;
            if depth == 0 {
                return Some((&text[open.len_utf8()..at], &text[at + close.len_utf8()..]));
            }
        }
    }
    None
}

/// `key="value" key='value' key=value`.
fn read_attributes(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut attributes = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=').ok_or_else(|| format!("`{rest}` has no `=`: write key=\"value\""))?;
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(format!("`{key}` is not a setting's name"));
        }
        let after = after.trim_start();
        let (value, left) = match after.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let inside = &after[1..];
                let end = inside.find(quote).ok_or_else(|| format!("the value of `{key}` has no closing {quote}"))?;
                (&inside[..end], &inside[end + 1..])
            }
            _ => after.split_at(after.find(char::is_whitespace).unwrap_or(after.len())),
        };
        attributes.push((key.to_ascii_lowercase(), value.to_string()));
        rest = left.trim_start();
    }
    Ok(attributes)
}

/// An open fenced code block: its character and how many of them.
pub(super) struct Fence {
    character: u8,
    length: usize,
}

impl Fence {
    pub(super) fn opened_by(rest: &str) -> Option<Fence> {
        let text = rest.trim_start_matches(' ');
        let character = *text.as_bytes().first().filter(|byte| matches!(byte, b'`' | b'~'))?;
        let length = text.bytes().take_while(|&byte| byte == character).count();
        let info = &text[length..];
        (length >= 3 && (character == b'~' || !info.contains('`'))).then_some(Fence { character, length })
    }

    pub(super) fn closed_by(&self, rest: &str) -> bool {
        let text = rest.trim();
        text.len() >= self.length && text.bytes().all(|byte| byte == self.character)
    }
}

fn unknown(file: &Path, directive: &Directive) -> Diagnostic {
    let hint = did_you_mean(&directive.name, NAMES.iter().copied())
        .unwrap_or_else(|| format!("the components are {}", NAMES.join(", ")));
    Diagnostic::new(Code::UnknownComponent, file, format!("there is no component `:::{}`", directive.name))
        .at(directive.line, 1)
        .hint(hint)
}

fn unreadable(file: &Path, line: usize, why: &str) -> Diagnostic {
    Diagnostic::new(Code::UnknownComponent, file, format!("this line opens a component but cannot be read: {why}"))
        .at(line, 1)
        .hint("write it as :::name[label]{key=\"value\"}, such as :::details[How we measured it]")
}

fn closes_nothing(file: &Path, line: usize) -> Diagnostic {
    Diagnostic::new(Code::UnclosedComponent, file, "this `:::` closes no component")
        .at(line, 1)
        .hint("remove it, or open a component above it, such as :::details[More detail]")
}

fn unclosed(file: &Path, directive: &Directive) -> Diagnostic {
    Diagnostic::new(Code::UnclosedComponent, file, format!("this `:::{}` is never closed", directive.name))
        .at(directive.line, 1)
        .hint("end the component with a line of three colons, :::, after its last line")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(markdown: &str) -> Prepared<'_> {
        prepare(markdown, Path::new("content/toolkits/t.md"), 10, &[])
    }

    #[test]
    fn directive_lines_become_markers_and_keep_their_numbers() {
        let text = "Intro.\n\n:::details[How we measured it]\nThe survey.\n:::\n\nAfter.\n";
        let found = prepared(text);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        assert_eq!(found.directives.len(), 1);
        assert_eq!(found.directives[0].name, "details");
        assert_eq!(found.directives[0].label.as_deref(), Some("How we measured it"));
        assert_eq!(found.directives[0].line, 12);
        assert_eq!(found.markdown.lines().count(), text.lines().count());
        let markers: Vec<Marker> = found.markers.values().copied().collect();
        assert_eq!(markers, [Marker::Open(0), Marker::Close(0)]);
        for (offset, marker) in &found.markers {
            assert!(found.markdown[*offset..].starts_with(&marker_text(*marker)));
        }
    }

    #[test]
    fn labels_settings_nesting_and_containers_are_read() {
        let text = "> :::video[Our talk]{youtube=\"abcdefghijk\" start='30'}\n> Transcript.\n>\n> - An item\n>   :::do[Do]\n>   - ask\n>   :::\n> :::\n";
        let found = prepared(text);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        assert_eq!(found.directives[0].attribute("youtube"), Some("abcdefghijk"));
        assert_eq!(found.directives[0].attribute("start"), Some("30"));
        let dashed = prepared(":::video[Talk]{data-start=\"1\" my_key='2'}\n:::\n");
        assert!(dashed.problems.is_empty(), "{:?}", dashed.problems);
        assert_eq!(
            (dashed.directives[0].attribute("data-start"), dashed.directives[0].attribute("my_key")),
            (Some("1"), Some("2"))
        );
        assert_eq!(found.directives[1].name, "do");
        assert!(found.markdown.starts_with("> <!--belong-component 0-->\n"), "{}", found.markdown);
        assert!(found.markdown.contains("\n>   <!--/belong-component 1-->\n"), "{}", found.markdown);
        // `>` without its space still holds a component.
        let tight = prepared(">:::details[More]\n>Words.\n>:::\n");
        assert!(tight.problems.is_empty(), "{:?}", tight.problems);
        assert_eq!(tight.markdown, "><!--belong-component 0-->\n>Words.\n><!--/belong-component 0-->\n");
    }

    #[test]
    fn code_is_left_alone_and_plain_text_is_not_copied() {
        let text = "```\n:::details[not a component]\n:::\n```\n";
        let found = prepared(text);
        assert!(found.directives.is_empty() && found.problems.is_empty());
        assert_eq!(found.markdown, text);
        assert!(matches!(prepared("No colons here.\n").markdown, Cow::Borrowed(_)));
        // A fence ends at a line of at least its own characters; after it,
        // directives are read again.
        let after = prepared("````\n```\n:::details[In the code]\n````\n:::details[After]\nB\n:::\n");
        let labels: Vec<_> = after.directives.iter().map(|d| d.label.as_deref()).collect();
        assert_eq!(labels, [Some("After")], "{}", after.markdown);
        // A backtick line whose words hold a backtick opens no fence (tildes may).
        assert_eq!(prepared("``` a`b\n:::details[A]\nB\n:::\n").directives.len(), 1);
        assert!(prepared("~~~ a`b\n:::details[A]\n~~~\n").directives.is_empty());
    }

    #[test]
    fn mistakes_are_reported_at_their_lines_with_the_fix() {
        let found = prepared("Text.\n:::detials[More]\nInside.\n:::\n:::\n:::quote\nNever closed.\n");
        let problems: Vec<(Code, usize, String)> =
            found.problems.iter().map(|p| (p.code, p.line, p.hint.clone().unwrap_or_default())).collect();
        assert_eq!(problems[0], (Code::UnknownComponent, 11, "did you mean `details`?".to_string()));
        assert_eq!((problems[1].0, problems[1].1), (Code::UnclosedComponent, 14));
        assert_eq!((problems[2].0, problems[2].1), (Code::UnclosedComponent, 15));
        assert!(problems[2].2.contains(":::"));
        // The unclosed one is closed at the end, so the page still renders.
        assert_eq!(found.markers.values().filter(|marker| matches!(marker, Marker::Close(_))).count(), 2);
        // A name is a letter, then letters, digits, `-` and `_`.
        let bad = prepared(":::1st[More]\n:::\n");
        assert!(bad.problems[0].message.contains("name comes straight after the colons"), "{:?}", bad.problems);
        let named = prepared(":::my_call-out[More]\n:::\n");
        assert!(named.problems[0].message.contains("no component `:::my_call-out`"), "{:?}", named.problems);
        let bad = prepared(":::details[More\n");
        assert!(bad.problems[0].message.contains("no closing `]`"), "{:?}", bad.problems);
        for settings in ["{=\"x\"}", "{you tube=\"x\"}"] {
            let bad = prepared(&format!(":::video[Talk]{settings}\n:::\n")).problems;
            assert!(bad.iter().any(|p| p.message.contains("is not a setting's name")), "{settings}: {bad:?}");
        }
        let bad = prepared(":::video{youtube=\"abc}\n:::\n");
        assert!(bad.problems.iter().any(|p| p.message.contains("no closing \"")), "{:?}", bad.problems);
    }
}
