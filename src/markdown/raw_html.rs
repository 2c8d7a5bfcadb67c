//! Raw HTML in a page, which readers are shown as typed (`allow_html` is
//! off): said at its line, with the Markdown or component that does the job.

use super::Pass;
use crate::diagnostics::{Code, Diagnostic};

impl Pass<'_, '_> {
    /// Warns about the first opening tag or comment on each line of raw
    /// HTML: its closing tags need no second word.
    pub(super) fn raw_html(&mut self, html: &str, offset: usize) {
        let Some((tag, instead)) = advice(html) else { return };
        let line = self.line(offset);
        let said = self.rendered.diagnostics.iter().any(|d| d.code == Code::RawHtml && d.line == line);
        if said {
            return;
        }
        self.rendered.diagnostics.push(
            Diagnostic::new(
                Code::RawHtml,
                self.source.file,
                format!("readers will see `{tag}` as typed: belong does not publish HTML written in a page"),
            )
            .at(line, 1)
            .hint(instead),
        );
    }
}

/// The tag `html` opens with, as written up to its name, and what to write
/// instead; `None` for a closing tag or text that is not a tag.
fn advice(html: &str) -> Option<(String, String)> {
    let html = html.trim_start();
    if html.starts_with("<!--") {
        return Some((
            "<!--".to_string(),
            "Markdown has no hidden notes: delete it, or keep notes in a file outside content/".to_string(),
        ));
    }
    let after = html.strip_prefix('<')?;
    let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let attributes = after.split('>').next().unwrap_or("").to_ascii_lowercase();
    let instead = match name.as_str() {
        "details" | "summary" => {
            "write a details component instead:\n:::details[The summary readers click]\nThe text it opens to.\n:::"
        }
        "div" | "aside" | "section" | "p" | "span"
            if ["callout", "warning", "alert", "note", "important", "inset"]
                .iter()
                .any(|word| attributes.contains(word)) =>
        {
            "write an alert: a line `> [!NOTE]` (or `> [!IMPORTANT]`), then the text on lines starting with `> `"
        }
        "iframe" | "video" | "embed" | "object" => {
            ":::video[The video's title]{youtube=\"ID\"}\n… its transcript …\n:::"
        }
        "img" | "figure" | "figcaption" | "picture" => {
            "![what the picture shows](picture.jpg); for a caption, put :::figure[The caption] … ::: round it"
        }
        "blockquote" | "q" | "cite" => "start each line of the quote with `> `, or use :::quote[Name, role] … :::",
        "a" => "write the link as [the words to click](https://the.address)",
        "b" | "strong" => "put **two stars** round words to make them bold",
        "i" | "em" => "put *one star* round words for emphasis",
        "u" => "underlined words look like links: use **bold** instead",
        "br" => "end the line with two spaces, or leave an empty line for a new paragraph",
        "table" | "tr" | "td" | "th" | "thead" | "tbody" => {
            "write a Markdown table: a row | Name | Role |, then | --- | --- |, then a row for each line"
        }
        "ul" | "ol" | "li" => "start each item of a list on a line of its own with `- ` (or `1. `)",
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => "start a heading's line with `## ` (or `### ` for the level below)",
        "hr" => "a line of three dashes, ---, with empty lines round it",
        _ => "write it as Markdown without the tags; the README's authoring guide lists the components",
    };
    Some((format!("<{name}>"), instead.to_string()))
}

#[cfg(test)]
mod tests {
    use super::advice;

    #[test]
    fn each_tag_points_at_the_markdown_or_component_that_does_its_job() {
        assert!(advice("<details><summary>More</summary>").unwrap().1.contains(":::details["));
        assert!(advice("<div class=\"callout\">Note</div>").unwrap().1.contains("> [!NOTE]"));
        assert!(advice("<div>Note</div>").unwrap().1.contains("without the tags"));
        assert!(advice("<iframe src=\"https://www.youtube.com/embed/x\">").unwrap().1.contains(":::video["));
        assert_eq!(advice("<BR/>").unwrap().0, "<br>");
        assert_eq!(advice("</details>"), None);
        assert_eq!(advice("<3"), None);
    }
}
