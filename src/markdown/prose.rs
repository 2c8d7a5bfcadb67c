//! A page's Markdown read as the content report reads it: the sentences a
//! reader meets, each at its file line, with quotations left out (a
//! blockquote or `:::quote` holds a source's own words, which the hub
//! quotes faithfully); the pictures with their alt text; and the web
//! addresses it links to. Read the way `render` reads it (pasted lists
//! made Markdown, directive lines made markers), so lines are the file's.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag, TagEnd, TextMergeWithOffset};

use super::{autolink, directives, paste};

/// What the report reads of one page's body.
#[derive(Debug, Default, PartialEq)]
pub struct Prose {
    pub sentences: Vec<Written>,
    pub pictures: Vec<Picture>,
    /// Every `http:` and `https:` address the body links to, written as a
    /// link or bare, in the order written.
    pub web_links: Vec<Written>,
}

/// A piece of text at the file line it starts on.
#[derive(Debug, PartialEq)]
pub struct Written {
    pub text: String,
    pub line: usize,
}

/// A picture the body shows.
#[derive(Debug, PartialEq)]
pub struct Picture {
    pub address: String,
    pub alt: String,
    pub line: usize,
}

/// Reads `markdown`, whose first line is file line `first_line`.
pub fn read(markdown: &str, first_line: usize) -> Prose {
    let pasted = paste::tidy(markdown);
    let prepared = directives::prepare(&pasted.markdown, Path::new(""), first_line, &pasted.added);
    let text = prepared.markdown.as_ref();
    let breaks = text.bytes().enumerate().filter(|&(_, byte)| byte == b'\n').map(|(at, _)| at).collect();
    let lines = Lines { breaks, first_line, added: &pasted.added };
    let mut reader = Reader { lines, ..Reader::default() };
    for (event, range) in TextMergeWithOffset::new(Parser::new_ext(text, super::options()).into_offset_iter()) {
        if let Event::Start(Tag::HtmlBlock) = event
            && let Some((_, marker)) = prepared.markers.range(range.clone()).next()
        {
            let quote =
                |index: usize| prepared.directives.get(index).is_some_and(|directive| directive.name == "quote");
            match *marker {
                directives::Marker::Open(index) if quote(index) => reader.quotes += 1,
                directives::Marker::Close(index) if quote(index) => reader.quotes = reader.quotes.saturating_sub(1),
                _ => {}
            }
            reader.flush();
            continue;
        }
        reader.event(event, range);
    }
    reader.flush();
    reader.prose
}

/// Offsets of the prepared text to file lines: where each line break is,
/// found once, so a page's thousandth sentence costs no more than its first.
#[derive(Default)]
struct Lines<'a> {
    breaks: Vec<usize>,
    first_line: usize,
    added: &'a [usize],
}

impl Lines<'_> {
    fn line(&self, offset: usize) -> usize {
        let lines = self.breaks.partition_point(|&at| at < offset);
        self.first_line + lines - paste::added_before(self.added, lines)
    }
}

#[derive(Default)]
struct Reader<'a> {
    lines: Lines<'a>,
    prose: Prose,
    /// Blockquotes and `:::quote`s the reader is inside.
    quotes: usize,
    code: bool,
    /// The picture being read: its alt text comes as text events.
    picture: Option<Picture>,
    /// Inside a link written as a link: its address is taken from the tag.
    in_link: bool,
    /// The block's text so far, and where each piece of it came from.
    block: String,
    pieces: Vec<(usize, Range<usize>)>,
}

impl Reader<'_> {
    fn event(&mut self, event: Event, range: Range<usize>) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                let line = self.lines.line(range.start);
                self.picture = Some(Picture { address: dest_url.to_string(), alt: String::new(), line });
            }
            Event::End(TagEnd::Image) => {
                if let Some(picture) = self.picture.take() {
                    self.prose.pictures.push(picture);
                }
            }
            Event::Text(text) | Event::Code(text) if self.picture.is_some() => {
                if let Some(picture) = &mut self.picture {
                    picture.alt.push_str(&text);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.in_link = true;
                if is_web(&dest_url) {
                    let line = self.lines.line(range.start);
                    self.prose.web_links.push(Written { text: dest_url.to_string(), line });
                }
            }
            Event::End(TagEnd::Link) => self.in_link = false,
            Event::Start(Tag::BlockQuote(None)) => {
                self.flush();
                self.quotes += 1;
            }
            Event::End(TagEnd::BlockQuote(None)) => {
                self.flush();
                self.quotes = self.quotes.saturating_sub(1);
            }
            Event::Start(Tag::CodeBlock(_)) => self.code = true,
            Event::End(TagEnd::CodeBlock) => self.code = false,
            Event::Text(text) if !self.code => {
                if !self.in_link {
                    for (found, address) in autolink::find(&text) {
                        let line = self.lines.line(range.start + found.start);
                        self.prose.web_links.push(Written { text: address, line });
                    }
                }
                self.push(&text, range);
            }
            Event::Code(text) => self.push(&text, range),
            Event::SoftBreak | Event::HardBreak => self.push(" ", range),
            Event::Start(tag) if breaks_text(&tag) => self.flush(),
            Event::End(tag) if !matches!(tag, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                self.flush()
            }
            _ => {}
        }
    }

    fn push(&mut self, text: &str, source: Range<usize>) {
        if self.quotes > 0 || self.code {
            return;
        }
        self.pieces.push((self.block.len(), source));
        self.block.push_str(text);
    }

    /// The block read so far, as sentences.
    fn flush(&mut self) {
        let block = std::mem::take(&mut self.block);
        let pieces = std::mem::take(&mut self.pieces);
        for range in sentences(&block) {
            let text = block[range.clone()].trim();
            if text.is_empty() {
                continue;
            }
            // The piece the sentence starts in, and its source offset.
            let at = pieces.partition_point(|(start, _)| *start <= range.start).saturating_sub(1);
            let offset = pieces.get(at).map_or(0, |(start, source)| {
                // One text event is on one line, and its text the source's
                // (smart punctuation aside): the offset moves with it.
                (source.start + (range.start - start)).min(source.end.saturating_sub(1)).max(source.start)
            });
            self.prose.sentences.push(Written { text: text.to_string(), line: self.lines.line(offset) });
        }
    }
}

/// Tags that start a new run of text: what comes before them is not part
/// of the same sentence.
fn breaks_text(tag: &Tag) -> bool {
    !matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Superscript | Tag::Subscript
    )
}

fn is_web(address: &str) -> bool {
    let lower = address.get(..8).unwrap_or(address).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] =
    &["e.g", "i.e", "etc", "eg", "ie", "dr", "mr", "mrs", "ms", "prof", "st", "no", "vs", "cf", "approx", "inc", "ltd"];

/// Where each sentence of `text` is: ended by `.`, `!` or `?` (and any
/// closing quotes or brackets) before a space, unless the full stop ends an
/// abbreviation or an initial.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let mut end = at + c.len_utf8();
        while let Some(&(next, closing)) = chars.peek() {
            if !matches!(closing, '"' | '\'' | '”' | '’' | ')' | ']' | '.' | '!' | '?') {
                break;
            }
            end = next + closing.len_utf8();
            chars.next();
        }
        let followed_by_space = text[end..].starts_with(char::is_whitespace) || end == text.len();
        if !followed_by_space || (c == '.' && abbreviation(&text[start..at])) {
            continue;
        }
        found.push(start..end);
        start = end;
    }
    if start < text.len() {
        found.push(start..text.len());
    }
    found
}

/// Whether the text before a full stop ends with an abbreviation (`e.g`)
/// or an initial (`J`).
fn abbreviation(before: &str) -> bool {
    let word = before.rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str()) || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(prose: &[Written]) -> Vec<(&str, usize)> {
        prose.iter().map(|written| (written.text.as_str(), written.line)).collect()
    }

    #[test]
    fn sentences_end_at_full_stops_but_not_abbreviations_figures_or_initials() {
        let text = "Turnover fell from 14% to 11.8%. Staff, e.g. porters, said so! Did it last? J. Smith led it (see below.) Done";
        let found: Vec<&str> = sentences(text).into_iter().map(|range| text[range].trim()).collect();
        assert_eq!(
            found,
            [
                "Turnover fell from 14% to 11.8%.",
                "Staff, e.g. porters, said so!",
                "Did it last?",
                "J. Smith led it (see below.)",
                "Done"
            ]
        );
    }

    #[test]
    fn quotations_are_left_out_and_every_sentence_keeps_its_file_line() {
        let markdown = "Intro line one\ncontinues here. Second sentence.\n\n> A quoted source sentence.\n\n:::quote\nThe source's own words.\n:::\n\n- A list item.\n\n> [!NOTE]\n> A callout is the author's.\n\n```\nCode is not prose.\n```\n";
        let prose = read(markdown, 10);
        assert_eq!(
            texts(&prose.sentences),
            [
                ("Intro line one continues here.", 10),
                ("Second sentence.", 11),
                ("A list item.", 19),
                ("A callout is the author’s.", 22)
            ]
        );
    }

    #[test]
    fn a_heading_reads_as_render_shows_it_without_its_id() {
        let prose = read("## Who took part {#who}\n\nStaff did.\n", 3);
        assert_eq!(texts(&prose.sentences), [("Who took part", 3), ("Staff did.", 5)]);
    }

    #[test]
    fn pictures_and_web_links_are_found_at_their_lines() {
        let markdown = "![IMG_2041.jpg](photo.jpg)\n\nSee [the trust](https://example.org/a) or\nhttps://example.net/b and [a page](../toolkits/x.md).\n";
        let prose = read(markdown, 5);
        assert_eq!(prose.pictures, [Picture { address: "photo.jpg".into(), alt: "IMG_2041.jpg".into(), line: 5 }]);
        assert_eq!(texts(&prose.web_links), [("https://example.org/a", 7), ("https://example.net/b", 8)]);
        assert_eq!(texts(&prose.sentences), [("See the trust or https://example.net/b and a page.", 7)]);
    }
}
