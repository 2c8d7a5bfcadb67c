//! The report's findings for people (grouped by what to do, most urgent
//! first), for programs (one JSON object per line) and for the preview's
//! `/_report/` page. Each returns text; `main.rs` and the preview send it.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Finding, Kind};
use crate::diagnostics::display_path;
use crate::escape::escape;

/// `file:line` as `check` writes it (`file` alone for a whole file).
fn place(finding: &Finding) -> String {
    match finding.line {
        0 => display_path(&finding.file),
        line => format!("{}:{line}", display_path(&finding.file)),
    }
}

/// The findings grouped under what to do, most urgent first, then a
/// summary line. `colour` adds terminal styles (bold headings, dim codes).
pub fn human(findings: &[Finding], pages: usize, colour: bool) -> String {
    let (bold, dim, plain) = if colour { ("\x1b[1m", "\x1b[2m", "\x1b[0m") } else { ("", "", "") };
    let mut out = String::new();
    for (kind, group) in groups(findings) {
        let _ = writeln!(out, "{bold}{} ({}){plain}", kind.todo(), group.len());
        for finding in group {
            let _ =
                writeln!(out, "  {}  {} {dim}[{} {}]{plain}", place(finding), finding.message, kind.id(), kind.name());
        }
        out.push('\n');
    }
    out.push_str(&summary(findings, pages));
    out.push('\n');
    out
}

/// "5 findings in 12 pages", said once at the end.
fn summary(findings: &[Finding], pages: usize) -> String {
    let pages = if pages == 1 { "1 page".to_string() } else { format!("{pages} pages") };
    match findings.len() {
        0 => format!("nothing needs attention in {pages}"),
        1 => format!("1 finding in {pages}; nothing was changed"),
        count => format!("{count} findings in {pages}; nothing was changed"),
    }
}

/// The findings of each kind, in the order of urgency.
fn groups(findings: &[Finding]) -> Vec<(Kind, Vec<&Finding>)> {
    Kind::ALL
        .iter()
        .map(|&kind| (kind, findings.iter().filter(|finding| finding.kind == kind).collect::<Vec<_>>()))
        .filter(|(_, group)| !group.is_empty())
        .collect()
}

#[derive(Serialize)]
struct JsonItem<'a> {
    kind: &'static str,
    code: &'static str,
    file: String,
    line: usize,
    message: &'a str,
}

/// One JSON object per finding, a line each: `kind`, `code`, `file`,
/// `line` (0 for a whole file) and `message`.
pub fn json_lines(findings: &[Finding]) -> String {
    let mut out = String::new();
    for finding in findings {
        let json = JsonItem {
            kind: finding.kind.name(),
            code: finding.kind.id(),
            file: display_path(&finding.file),
            line: finding.line,
            message: &finding.message,
        };
        if let Ok(line) = serde_json::to_string(&json) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// The preview's `/_report/` page: the same findings, grouped the same
/// way, readable without JavaScript; the preview adds its live script, so
/// a save brings it up to date.
pub fn page(findings: &[Finding], pages: usize) -> Vec<u8> {
    let mut body = String::new();
    let groups = groups(findings);
    if !groups.is_empty() {
        body.push_str("<nav aria-labelledby=\"contents\"><h2 id=\"contents\">Contents</h2><ul>\n");
        for (kind, group) in &groups {
            let _ =
                writeln!(body, "<li><a href=\"#{}\">{}</a> ({})</li>", kind.name(), escape(kind.todo()), group.len());
        }
        body.push_str("</ul></nav>\n");
    }
    for (kind, group) in &groups {
        let _ = writeln!(
            body,
            "<section aria-labelledby=\"{0}\">\n<h2 id=\"{0}\">{1}</h2>\n<ul>",
            kind.name(),
            escape(kind.todo())
        );
        for finding in group {
            let _ = writeln!(
                body,
                "<li><p><code>{}</code> <span class=\"code\">{} {}</span></p><p>{}</p></li>",
                escape(&place(finding)),
                kind.id(),
                kind.name(),
                escape(&finding.message)
            );
        }
        body.push_str("</ul>\n</section>\n");
    }
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Content report</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>Content report</h1>\n\
         <p>What in the hub needs attention, most urgent first: the same as <code>belong report</code>. \
         This page is part of the preview only, never of the published hub, and follows your saves.</p>\n\
         <p role=\"status\">{}.</p>\n{body}</main>\n</body>\n</html>\n",
        escape(&summary(findings, pages))
    );
    html.into_bytes()
}

/// Readable at any width, at the hub's contrast and focus style.
const STYLE: &str = "body { font-family: Arial, sans-serif; font-size: 19px; line-height: 1.5; color: #212b32; \
background: #fff; margin: 0 auto; padding: 16px; max-width: 960px; overflow-wrap: anywhere; }
a { color: #005eb8; }
a:focus-visible { outline: 4px solid #ffeb3b; background: #ffeb3b; color: #212b32; }
li { margin-bottom: 12px; }
li p { margin: 0; }
code { font-size: 16px; }
.code { color: #4c6272; font-size: 16px; }
";

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn finding(kind: Kind, file: &str, line: usize) -> Finding {
        Finding { kind, file: PathBuf::from(file), line, message: format!("about {file}") }
    }

    #[test]
    fn people_read_groups_most_urgent_first_and_programs_one_object_a_line() {
        let findings = [finding(Kind::ReviewOverdue, "content/a.md", 4), finding(Kind::NoPicture, "content/b.md", 0)];
        let text = human(&findings, 2, false);
        assert!(
            text.starts_with("Review pages past their review date (1)\n  content/a.md:4  about content/a.md [R002")
        );
        assert!(text.contains("Add a picture (1)\n  content/b.md  about content/b.md [R010 no-picture]"));
        assert!(text.ends_with("2 findings in 2 pages; nothing was changed\n"));
        assert!(!text.contains('\x1b'));
        assert!(human(&findings, 2, true).contains("\x1b[1mReview pages"));
        let json: Vec<serde_json::Value> =
            json_lines(&findings).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        assert_eq!(json[0]["kind"], "review-overdue");
        assert_eq!(json[0]["line"], 4);
        assert_eq!(json[1]["file"], "content/b.md");
        assert_eq!(human(&[], 1, false), "nothing needs attention in 1 page\n");
    }

    #[test]
    fn the_page_escapes_what_authors_wrote() {
        let mut bad = finding(Kind::WordToAvoid, "content/<x>.md", 2);
        bad.message = "\"<script>\"".to_string();
        let page = String::from_utf8(page(&[bad], 1)).unwrap();
        assert!(!page.contains("<script>") && page.contains("&lt;script&gt;"));
        assert!(page.contains("<h2 id=\"word-to-avoid\">Use plainer words</h2>"));
        let empty = String::from_utf8(super::page(&[], 3)).unwrap();
        assert!(empty.contains("nothing needs attention in 3 pages") && !empty.contains("Contents"), "no empty list");
    }
}
