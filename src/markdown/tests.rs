//! What a reader gets from one page's Markdown: ids, labels, escaping and the
//! diagnostics that point at lines.

use std::path::Path;

use super::{Links, Pass, Rendered, Source, render};
use crate::site::Routes;

fn source(markdown: &str, allow_html: bool) -> Source<'_> {
    Source { markdown, file: Path::new("content/toolkits/t.md"), dir: Path::new("toolkits"), first_line: 5, allow_html }
}

fn rendered(markdown: &str, allow_html: bool) -> Rendered {
    render(&source(markdown, allow_html), &Routes::default(), "/")
}

#[test]
fn lines_are_right_whichever_order_offsets_come_in() {
    let text = "one\ntwo\nthree\nfour\n";
    let page = source(text, false);
    let routes = Routes::default();
    let mut pass = Pass::new(&page, Links { routes: &routes, base_path: "/" });
    assert_eq!(pass.line(text.find("four").unwrap()), 8);
    assert_eq!(pass.line(text.find("two").unwrap()), 6);
    assert_eq!(pass.line(0), 5);
    assert_eq!(pass.line(text.find("three").unwrap()), 7);
}

#[test]
fn an_image_with_alt_text_passes_and_one_without_is_reported() {
    let described = rendered("![Staff at a network meeting](photo.png)\n", false);
    assert!(described.diagnostics.iter().all(|d| d.code != crate::diagnostics::Code::EmptyAlt), "{described:?}");
    let bare = rendered("Text.\n\n![](photo.png)\n", false);
    let empty_alt: Vec<usize> =
        bare.diagnostics.iter().filter(|d| d.code == crate::diagnostics::Code::EmptyAlt).map(|d| d.line).collect();
    assert_eq!(empty_alt, [7]);
}

#[test]
fn a_raw_html_block_is_a_paragraph_of_text_unless_allowed() {
    let markdown = "Before.\n\n<div class=\"raw\">Inside</div>\n\nAfter.\n";
    let escaped = rendered(markdown, false).html;
    assert!(escaped.contains("<p>&lt;div class=\"raw\"&gt;Inside&lt;/div&gt;\n</p>"), "{escaped}");
    let allowed = rendered(markdown, true).html;
    assert!(allowed.contains("<p>Before.</p>\n<div class=\"raw\">Inside</div>\n<p>After.</p>"), "{allowed}");
}

#[test]
fn each_table_has_its_own_name() {
    let table = "| A | B |\n|---|---|\n| 1 | 2 |\n\n";
    let html = rendered(&table.repeat(2), false).html;
    assert!(html.contains("aria-label=\"Table 1\"") && html.contains("aria-label=\"Table 2\""), "{html}");
}

#[test]
fn a_heading_keeps_the_id_its_author_gave_it() {
    let html = rendered("## Speaking up {#speak}\n\n## Speaking up\n", false);
    assert_eq!(html.headings.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["speak", "speaking-up"]);
    assert!(html.html.contains("<h2 id=\"speak\">Speaking up</h2>"), "{}", html.html);
}

#[test]
fn a_note_cited_twice_links_back_to_each_citation_by_number() {
    let html = rendered("One.[^a] Two.[^a] Three.[^b]\n\n[^a]: Cited twice.\n[^b]: Cited once.\n", false).html;
    assert!(html.contains("aria-label=\"Back to reference 1 (1)\""), "{html}");
    assert!(html.contains("aria-label=\"Back to reference 1 (2)\""), "{html}");
    assert!(html.contains("aria-label=\"Back to reference 2\""), "{html}");
    assert!(!html.contains("Back to reference 2 ("), "{html}");
}

#[test]
fn each_citation_of_a_note_has_its_own_id_that_the_back_link_targets() {
    let html = rendered("One.[^a] Two.[^a]\n\n[^a]: Cited twice.\n", false).html;
    for id in ["fnref-a", "fnref-a-2"] {
        assert_eq!(html.matches(&format!("id=\"{id}\"")).count(), 1, "{id}: {html}");
        assert_eq!(html.matches(&format!("href=\"#{id}\"")).count(), 1, "{id}: {html}");
    }
}
