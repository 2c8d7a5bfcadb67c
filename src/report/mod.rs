//! `belong report`: what in the hub needs a comms team's attention, found
//! from the same model `check` makes, most urgent first. It never changes a
//! file. Steps:
//!
//! 1. each page: its review date, pictures and alt text, outcomes, and its
//!    prose in plain English (`plain`), read from its Markdown (`markdown::prose`);
//! 2. the whole hub: pages no other page links to, themes with no page or
//!    one, organisations and regions only one page names;
//! 3. with `--external`, every web address the pages link to (`web`).
//!
//! Findings point at a file and, where there is one, a line: a front-matter
//! field's line is found by reading the page's file again.

mod plain;
mod print;
pub mod web;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::content::front_matter::{self, Fields};
use crate::content::{Kind as PageKind, Page, PageKey};
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::markdown::prose;
use crate::model::{Hub, Keep, Model};
use crate::site::{Site, Source, Taxonomy};
use crate::timings::Quiet;
use web::Outcome;

pub use print::{human, json_lines, page};

/// Declares the kinds of finding once: variant, stable id, stable name,
/// and what to do, as the human report heads each group. Table order is
/// the order of urgency.
macro_rules! kinds {
    ($($variant:ident = $id:literal $name:literal $todo:literal,)*) => {
        /// What a finding is about. Ids and names are stable, as `check`'s codes are.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant,)* }

        impl Kind {
            /// Every kind, most urgent first.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The stable id, such as `R002`.
            pub fn id(self) -> &'static str {
                match self { $(Kind::$variant => $id,)* }
            }

            /// The stable kebab-case name, such as `review-overdue`.
            pub fn name(self) -> &'static str {
                match self { $(Kind::$variant => $name,)* }
            }

            /// What to do about findings of this kind: the human report's heading.
            pub fn todo(self) -> &'static str {
                match self { $(Kind::$variant => $todo,)* }
            }
        }
    };
}

kinds! {
    BrokenLink = "R001" "broken-link" "Fix or remove broken links",
    ReviewOverdue = "R002" "review-overdue" "Review pages past their review date",
    BadAltText = "R003" "bad-alt-text" "Describe what pictures show",
    ReviewSoon = "R004" "review-soon" "Review pages due in the next 30 days",
    NoOutcomes = "R005" "no-outcomes" "Add outcomes to case studies",
    Orphan = "R006" "orphan" "Link to pages nothing links to",
    RedirectedLink = "R007" "redirected-link" "Update links that redirect",
    NamedOnce = "R008" "named-once" "Check names only one page uses",
    ThinTheme = "R009" "thin-theme" "Fill or retire themes with one page or none",
    NoPicture = "R010" "no-picture" "Add a picture",
    LongSentence = "R011" "long-sentence" "Shorten long sentences",
    WordToAvoid = "R012" "word-to-avoid" "Use plainer words",
}

/// One thing that needs attention, at a file (under the hub's folder) and
/// line (1-based; 0 when the finding is about the whole file).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub kind: Kind,
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

/// What `belong report` found, and what it read.
#[derive(Debug)]
pub struct Run {
    pub findings: Vec<Finding>,
    /// Markdown pages read.
    pub pages: usize,
    /// Errors `check` would report: the report is of what could be read.
    pub errors: usize,
    /// Web addresses asked this run (`--external`), not answered from the cache.
    pub asked: usize,
    /// Why `--external`'s answers could not be kept for the next run.
    pub not_kept: Option<String>,
}

/// Reads the hub and reports on it; with `external`, its web links are
/// checked too. `Err` when there is no hub to read (its `site.toml` does
/// not read).
pub fn run(hub: &Hub, external: bool) -> Result<Run, Vec<Diagnostic>> {
    let model = Model::make(hub, Keep::Sources, &Quiet)?;
    let (mut found, links) = survey(&model);
    let mut run = Run { findings: Vec::new(), pages: model.page_files(), errors: 0, asked: 0, not_kept: None };
    run.errors = model.diagnostics().iter().filter(|diagnostic| diagnostic.is_error()).count();
    if external {
        let addresses: Vec<String> = links.keys().cloned().collect();
        let checked = web::check(&addresses, &hub.root);
        found.extend(link_findings(&links, &checked.outcomes));
        run.asked = checked.asked;
        run.not_kept = checked.not_kept;
        found.sort();
    }
    run.findings = found;
    Ok(run)
}

/// Broken and redirected links, at every place each is written.
fn link_findings(links: &WebLinks, outcomes: &BTreeMap<String, Outcome>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (address, places) in links {
        let (kind, message) = match outcomes.get(address) {
            Some(Outcome::Broken { status }) => {
                (Kind::BrokenLink, format!("{address} answered {status}: fix the address, or remove the link"))
            }
            Some(Outcome::Failed { reason }) => {
                (Kind::BrokenLink, format!("{address} {reason}: check the address, or remove the link"))
            }
            Some(Outcome::Redirected { status, location }) => {
                (Kind::RedirectedLink, format!("{address} redirects ({status}) to {location}: link to the new address"))
            }
            Some(Outcome::Fine { .. }) | None => continue,
        };
        for (file, line) in places {
            findings.push(Finding { kind, file: file.clone(), line: *line, message: message.clone() });
        }
    }
    findings
}

/// How soon a review date counts as due.
const DUE_WITHIN_DAYS: i64 = 30;

/// Everything the report finds in `model` (a model that keeps its pages'
/// Markdown: `Keep::Sources`) but its web links, most urgent first, then
/// by file and line. Front-matter lines are read from the hub's files.
pub fn findings(model: &Model) -> Vec<Finding> {
    survey(model).0
}

/// Every web address the pages link to, with each place it is written.
type WebLinks = BTreeMap<String, Vec<(PathBuf, usize)>>;

/// The findings, and the web links (`--external` asks them), from one
/// reading of each page.
fn survey(model: &Model) -> (Vec<Finding>, WebLinks) {
    let root = model.root();
    let site = model.site();
    let today = model.today();
    let pages: Vec<(&Page, PageRead)> =
        site.pages.par_iter().map(|(_, page)| (&**page, page_findings(page, today, root))).collect();
    let mut findings = Vec::new();
    let mut links = WebLinks::new();
    for (page, read) in pages {
        findings.extend(read.findings);
        for (address, line) in read.web_links {
            links.entry(address).or_default().push((page.file.clone(), line));
        }
    }
    findings.extend(orphans(model));
    findings.extend(thin_themes(site, root));
    findings.extend(named_once(site, root));
    findings.sort();
    (findings, links)
}

/// What one reading of a page gives.
struct PageRead {
    findings: Vec<Finding>,
    /// The web addresses it links to (its `resources`, then its body's),
    /// each with its line.
    web_links: Vec<(String, usize)>,
}

/// One page's findings, and the web addresses it links to.
fn page_findings(page: &Page, today: Date, root: &Path) -> PageRead {
    let mut findings = Vec::new();
    let file = || page.file.clone();
    let front = std::cell::OnceCell::new();
    let line_of = |key: &str| field_line(front.get_or_init(|| front_matter(&root.join(&page.file))).as_ref(), key);
    if let Some(due) = page.meta.review_due {
        let days = due.days_since_epoch() - today.days_since_epoch();
        let line = line_of("review_due");
        if days < 0 {
            let message =
                format!("review_due was {}: check the page is still right, then set a new review_due", due.human());
            findings.push(Finding { kind: Kind::ReviewOverdue, file: file(), line, message });
        } else if days <= DUE_WITHIN_DAYS {
            let when = match days {
                0 => "today".to_string(),
                1 => "tomorrow".to_string(),
                days => format!("in {days} days"),
            };
            let message = format!("review_due is {} ({when}): plan its review", due.human());
            findings.push(Finding { kind: Kind::ReviewSoon, file: file(), line, message });
        }
    }
    if let PageKind::CaseStudy(case) = &page.kind
        && case.outcomes.is_empty()
    {
        let message = "no outcomes: add `outcomes:` with the before and after figures the case study reports, so \
                       its chart and the evidence table show them"
            .to_string();
        findings.push(Finding { kind: Kind::NoOutcomes, file: file(), line: 0, message });
    }
    let read = prose::read(&page.body, page.body_line);
    let mut pictures: Vec<(&str, usize)> = read.pictures.iter().map(|p| (p.alt.as_str(), p.line)).collect();
    if let Some(image) = &page.meta.image {
        pictures.push((&image.alt, line_of("image_alt")));
    }
    for (alt, line) in &pictures {
        if let Some(why) = bad_alt(alt) {
            let message = format!("alt text \"{alt}\" {why}: say what the picture shows, as you would on the phone");
            findings.push(Finding { kind: Kind::BadAltText, file: file(), line: *line, message });
        }
    }
    if pictures.is_empty() && !matches!(page.kind, PageKind::Page) {
        let message =
            "no picture: a photo of the people or place helps readers; add `image:` and `image_alt:`".to_string();
        findings.push(Finding { kind: Kind::NoPicture, file: file(), line: 0, message });
    }
    for sentence in &read.sentences {
        let words = plain::words(&sentence.text);
        if words > plain::LONGEST {
            let message = format!(
                "{words} words in \"{}\" ({} at most): split it or cut words",
                opening(&sentence.text),
                plain::LONGEST
            );
            findings.push(Finding { kind: Kind::LongSentence, file: file(), line: sentence.line, message });
        }
        for found in plain::words_to_avoid(&sentence.text) {
            let message = format!("\"{}\": say {}", found.written, found.instead);
            findings.push(Finding { kind: Kind::WordToAvoid, file: file(), line: sentence.line, message });
        }
    }
    let resources = page.meta.resources.iter().map(|resource| (resource.url.clone(), resource.line));
    let written = read.web_links.into_iter().map(|link| (link.text, link.line));
    PageRead { findings, web_links: resources.chain(written).collect() }
}

/// Why an alt text says nothing of the picture, if it does not: a file
/// name, or words a screen reader says already.
fn bad_alt(alt: &str) -> Option<&'static str> {
    let lower = alt.trim().to_lowercase();
    let extensions = [".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".svg", ".tif", ".tiff", ".bmp"];
    let camera = ["img_", "img-", "dsc_", "dscn", "pxl_", "photo_", "screenshot"];
    if extensions.iter().any(|extension| lower.ends_with(extension))
        || camera.iter().any(|name| lower.starts_with(name))
    {
        return Some("is a file name");
    }
    ["image of", "picture of", "photo of", "photograph of"]
        .iter()
        .any(|start| lower.starts_with(start))
        .then_some("starts with words a screen reader already says (it announces a picture)")
}

/// The first eight words of a sentence, to find it by.
fn opening(sentence: &str) -> String {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() > 8 { format!("{} …", words[..8].join(" ")) } else { words.join(" ") }
}

/// A page file's front matter, read again by the loader's own parser for
/// its keys' lines; `None` when the file no longer reads.
fn front_matter(path: &Path) -> Option<Fields> {
    parse_front_matter(crate::content::normalise(std::fs::read_to_string(path).ok()?))
}

fn parse_front_matter(text: String) -> Option<Fields> {
    let split = front_matter::split(&text).ok()?;
    front_matter::parse(split.yaml?, split.yaml_line).ok()
}

/// The file line of a top-level front-matter key (0 when it has none).
fn field_line(fields: Option<&Fields>, key: &str) -> usize {
    fields.and_then(|fields| fields.get(key)).map_or(0, |field| field.line)
}

/// Pages no other page links to: only lists, search and the feeds reach
/// them. Links are read from the rendered bodies (so `.md` links count as
/// the page they resolve to), the home and section introductions, the
/// pages' further reading, and the footer.
fn orphans(model: &Model) -> Vec<Finding> {
    let site = model.site();
    let bodies = model.bodies();
    let mut linked: HashSet<&PageKey> = crate::render::footer_pages(site).into_iter().collect();
    let mut link = |from: Option<&PageKey>, href: &str| {
        if let Some(Source::Page(key)) = resolve(site, href)
            && Some(key) != from
        {
            linked.insert(key);
        }
    };
    for key in site.pages.keys() {
        let body = bodies.page(key);
        for href in hrefs(&bodies.html(key)) {
            link(Some(key), &href);
        }
        for href in &body.resource_urls {
            link(Some(key), href);
        }
    }
    let intros = site.sections.iter().filter_map(|section| bodies.section(section.kind)).chain(bodies.home());
    for body in intros {
        for href in hrefs(&body.html) {
            link(None, &href);
        }
    }
    site.pages
        .iter()
        .filter(|(key, _)| !linked.contains(key))
        .map(|(_, page)| Finding {
            kind: Kind::Orphan,
            file: page.file.clone(),
            line: 0,
            message: "no other page links here, so readers find it only in lists and search: link to it from a page \
                      on the same subject"
                .to_string(),
        })
        .collect()
}

/// The route a link in the site's HTML points at, if it is the hub's own.
fn resolve<'a>(site: &'a Site, href: &str) -> Option<&'a Source> {
    let path = href.split(['#', '?']).next()?;
    let path = path.strip_prefix(site.base_path.as_str())?;
    site.routes.at_url(path)
}

/// Every `href` of an HTML text, unescaped as far as a path needs.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&"))
        .collect()
}

/// Themes of site.toml that no page, or only one, is in.
fn thin_themes(site: &Site, root: &Path) -> Vec<Finding> {
    let toml = std::fs::read_to_string(root.join(crate::config::FILE)).unwrap_or_default();
    site.config
        .themes
        .iter()
        .filter_map(|theme| {
            let pages = site.term(Taxonomy::Themes, &theme.slug).map_or(0, |listing| listing.pages.len());
            let how = match pages {
                0 => "no page is in it",
                1 => "only one page is in it",
                _ => return None,
            };
            let line = toml
                .lines()
                .position(|line| line.trim_start().starts_with("slug") && line.contains(&format!("\"{}\"", theme.slug)))
                .map_or(0, |index| index + 1);
            Some(Finding {
                kind: Kind::ThinTheme,
                file: PathBuf::from(crate::config::FILE),
                line,
                message: format!(
                    "theme \"{}\": {how}; add pages to it, or fold it into a theme it shares pages with",
                    theme.name
                ),
            })
        })
        .collect()
}

/// Organisations and regions only one page names: often another page's
/// spelt differently, or a page's own slip.
fn named_once(site: &Site, root: &Path) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (taxonomy, field) in [(Taxonomy::Organisations, "organisation"), (Taxonomy::Regions, "region")] {
        for listing in site.taxonomy(taxonomy) {
            let [key] = listing.pages.as_slice() else { continue };
            let page = site.page(key);
            findings.push(Finding {
                kind: Kind::NamedOnce,
                file: page.file.clone(),
                line: field_line(front_matter(&root.join(&page.file)).as_ref(), field),
                message: format!(
                    "{field} \"{}\" is named by this page only: if another page names it differently, spell both \
                     the same so they are listed together",
                    listing.name
                ),
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alt_text_that_is_a_file_name_or_says_picture_is_found() {
        assert_eq!(bad_alt("IMG_2041.JPG"), Some("is a file name"));
        assert_eq!(bad_alt("team-photo.png"), Some("is a file name"));
        assert!(bad_alt("Image of nurses at the forum").is_some());
        assert!(bad_alt("Picture of the board").is_some());
        assert_eq!(bad_alt("Nurses talking at the staff forum"), None);
        assert_eq!(bad_alt("An imaginative display"), None);
    }

    #[test]
    fn a_front_matter_field_is_found_at_its_line_and_only_in_front_matter() {
        let text =
            parse_front_matter("---\ntitle: \"A\"\nreview_due: 2026-01-01\n---\nreview_due: in the body\n".into());
        assert_eq!(field_line(text.as_ref(), "review_due"), 3);
        assert_eq!(field_line(text.as_ref(), "title"), 2);
        assert_eq!(field_line(text.as_ref(), "region"), 0);
        let body_only = parse_front_matter("---\ntitle: A\n---\nregion: x\n".into());
        assert_eq!(field_line(body_only.as_ref(), "region"), 0);
    }

    #[test]
    fn hrefs_are_read_from_html() {
        assert_eq!(
            hrefs("<a href=\"/a/\">a</a> <a class=\"x\" href=\"/b/?q=1&amp;r=2#c\">b</a>"),
            ["/a/", "/b/?q=1&r=2#c"]
        );
    }
}
