//! Footnotes: numbered in the order they are first cited, each citation
//! with an id of its own, and the notes listed at the end of the page, each
//! linking back to every place that cites it.

use std::collections::HashMap;
use std::fmt::Write as _;

use pulldown_cmark::Event;

use super::Pass;

impl<'s> Pass<'s, '_> {
    /// A citation of the note `label`, numbered by first citation.
    pub(super) fn footnote_reference(&mut self, label: &str) {
        let index = match self.references.iter().position(|(known, _)| known == label) {
            Some(index) => index,
            None => {
                self.references.push((label.to_string(), 0));
                self.references.len() - 1
            }
        };
        self.references[index].1 += 1;
        let count = self.references[index].1;
        let id = footnote_id(label);
        let reference_id = reference_id(&id, count);
        let html = format!(
            "<sup class=\"footnote-ref\"><a href=\"#fn-{id}\" id=\"{reference_id}\" aria-label=\"Note {number}\">[{number}]</a></sup>",
            number = index + 1
        );
        self.rendered.ids.insert(reference_id);
        self.emit(Event::Html(html.into()));
    }

    /// The page's notes, in the order they were first cited, after `html`.
    pub(super) fn footnotes(&mut self, html: &mut String, notes: Vec<(String, Vec<Event<'s>>)>) {
        if self.references.is_empty() {
            return;
        }
        html.push_str(
            "<section class=\"footnotes\" aria-labelledby=\"footnotes\">\n<h2 id=\"footnotes\">Notes</h2>\n<ol>\n",
        );
        let mut definitions: HashMap<String, Vec<Event>> = notes.into_iter().collect();
        for (number, (label, count)) in self.references.iter().enumerate() {
            let id = footnote_id(label);
            let mut note = String::new();
            if let Some(events) = definitions.remove(label) {
                pulldown_cmark::html::push_html(&mut note, events.into_iter());
            }
            let mut back = String::new();
            for citation in 1..=*count {
                let suffix = if *count > 1 { format!(" ({citation})") } else { String::new() };
                let _ = write!(
                    back,
                    " <a href=\"#{}\" class=\"footnote-back\" aria-label=\"Back to reference {}{}\">↩</a>",
                    reference_id(&id, citation),
                    number + 1,
                    suffix
                );
            }
            let note = note.trim_end();
            let note = match note.strip_suffix("</p>") {
                Some(open) => format!("{open}{back}</p>"),
                None => format!("{note}<p>{back}</p>"),
            };
            let _ = writeln!(html, "<li id=\"fn-{id}\">{note}</li>");
            self.rendered.ids.insert(format!("fn-{id}"));
        }
        html.push_str("</ol>\n</section>\n");
    }
}

fn footnote_id(label: &str) -> String {
    let slug = crate::slug::slugify(label);
    if slug.is_empty() { "note".to_string() } else { slug }
}

fn reference_id(footnote_id: &str, citation: usize) -> String {
    if citation == 1 { format!("fnref-{footnote_id}") } else { format!("fnref-{footnote_id}-{citation}") }
}
