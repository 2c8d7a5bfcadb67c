//! Renders Markdown bodies in two steps: each page alone (pure: the page in, its
//! HTML and problems out), then one cross-page pass that checks `#anchor` links
//! against the ids of the pages they point at.
//!
//! A preview re-renders an edited page with `page_body` alone, then runs
//! `check_anchors` again: the only step that reads other pages' bodies.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::{KindName, Page, PageKey, SectionIndex};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::markdown::{self, Rendered};
use crate::site::Site;

/// The rendered Markdown of every page and section introduction, by source.
#[derive(Debug, Default)]
pub struct Bodies {
    pub pages: HashMap<PageKey, Rendered>,
    pub home: Option<Rendered>,
    /// Section introductions (`case-studies/_index.md`), by section.
    pub sections: HashMap<KindName, Rendered>,
    /// What a page without a body shows: nothing.
    empty: Rendered,
}

impl Bodies {
    /// The rendered body of a page of the site.
    pub fn page(&self, key: &PageKey) -> &Rendered {
        self.pages.get(key).unwrap_or(&self.empty)
    }
}

/// One page's Markdown (`markdown`: its own, kept in the page or taken out
/// of it), rendered with its links resolved. Problems found in this page
/// alone are in the result's `diagnostics`; links to other pages' anchors
/// wait in `anchor_links` for `check_anchors`.
pub fn page_body(site: &Site, page: &Page, markdown: &str) -> Rendered {
    let dir = page.file.parent().and_then(|dir| dir.strip_prefix(crate::content::DIR).ok()).unwrap_or(Path::new(""));
    let source = markdown::Source {
        markdown,
        file: &page.file,
        dir,
        url_path: site.path(&page.key),
        first_line: page.body_line,
        allow_html: site.config.allow_html,
    };
    let mut rendered = markdown::render(&source, &site.routes, &site.base_path);
    let mut check = |url: &str, field: &str, line: usize, image: bool| {
        let link = markdown::FrontMatterLink { url, field, line, image };
        markdown::front_matter_link(&link, &source, &site.routes, &site.base_path, &mut rendered)
    };
    let image_url = page.meta.image.as_ref().map(|image| check(&image.path, "image", image.line, true));
    let resource_urls = page
        .meta
        .resources
        .iter()
        .enumerate()
        .map(|(index, resource)| check(&resource.url, &format!("resources[{}]", index + 1), resource.line, false))
        .collect();
    rendered.image_url = image_url;
    rendered.resource_urls = resource_urls;
    rendered
}

fn intro_body(site: &Site, index: &SectionIndex) -> Rendered {
    // A section's introduction shows on its list page, the home page's on `/`.
    let intro_path = match crate::content::slash_path(&index.dir) {
        dir if dir.is_empty() => dir,
        dir => format!("{dir}/"),
    };
    let source = markdown::Source {
        markdown: &index.body,
        file: &index.file,
        dir: &index.dir,
        url_path: &intro_path,
        first_line: index.body_line,
        allow_html: site.config.allow_html,
    };
    markdown::render(&source, &site.routes, &site.base_path)
}

/// Where `bodies` finds each page's Markdown.
pub enum Markdown<'a> {
    /// In the site's pages, where it stays (a preview). With the site and
    /// bodies of an earlier build, a page whose Markdown is unchanged keeps
    /// its old body when nothing a body reads of the site changed either
    /// (the routes table, the base path, `allow_html`). Problems of a kept
    /// body were reported when it was first rendered and are not repeated.
    InSite { previous: Option<(&'a Site, &'a Bodies)> },
    /// Taken out of the site (`Site::take_markdown`), each page's dropped as
    /// soon as its body is rendered (`build` and `check`).
    Taken(Vec<(PageKey, Arc<str>)>),
}

/// Renders every page's Markdown in parallel, then checks anchors across them.
/// The problems of every body are moved out into the returned list.
pub fn bodies(site: &Site, markdown: Markdown) -> (Bodies, Vec<Diagnostic>) {
    let pages: HashMap<PageKey, Rendered> = match markdown {
        Markdown::InSite { previous } => bodies_in_site(site, previous),
        Markdown::Taken(markdown) => markdown
            .into_par_iter()
            .map(|(key, markdown)| {
                let body = page_body(site, site.page(&key), &markdown);
                (key, body)
            })
            .collect(),
    };
    let home = site.home.as_ref().map(|index| intro_body(site, index));
    let sections = site
        .sections
        .iter()
        .filter_map(|section| Some((section.kind, intro_body(site, section.intro.as_ref()?))))
        .collect();
    let mut bodies = Bodies { pages, home, sections, empty: Rendered::default() };
    let mut diagnostics = check_anchors(site, &bodies);
    let Bodies { pages, home, sections, .. } = &mut bodies;
    for body in pages.values_mut().chain(home.iter_mut()).chain(sections.values_mut()) {
        diagnostics.append(&mut body.diagnostics);
    }
    (bodies, diagnostics)
}

/// Every page's body from the Markdown in the site, keeping `previous`'s
/// where nothing it reads changed.
fn bodies_in_site(site: &Site, previous: Option<(&Site, &Bodies)>) -> HashMap<PageKey, Rendered> {
    let reusable = previous.filter(|(old, _)| {
        old.routes == site.routes && old.base_path == site.base_path && old.config.allow_html == site.config.allow_html
    });
    site.pages
        .par_iter()
        .map(|(key, page)| {
            let kept = reusable.and_then(|(old, bodies)| {
                let before = old.pages.get(key)?;
                let same = before.body == page.body
                    && before.body_line == page.body_line
                    && before.file == page.file
                    && before.meta.image == page.meta.image
                    && before.meta.resources == page.meta.resources;
                same.then(|| bodies.pages.get(key).cloned()).flatten()
            });
            (key.clone(), kept.unwrap_or_else(|| page_body(site, page, &page.body)))
        })
        .collect()
}

/// The cross-page pass: every `#anchor` link, on any page or introduction,
/// checked against the ids of the page it points at.
pub fn check_anchors(site: &Site, bodies: &Bodies) -> Vec<Diagnostic> {
    let pages = site.pages.iter().map(|(key, page)| (Some(key), page.file.as_path(), bodies.page(key)));
    let home = site.home.iter().zip(bodies.home.iter()).map(|(index, body)| (None, index.file.as_path(), body));
    let intros = site.sections.iter().filter_map(|section| {
        let intro = section.intro.as_ref()?;
        Some((None, intro.file.as_path(), bodies.sections.get(&section.kind)?))
    });
    let mut diagnostics = Vec::new();
    for (owner, file, body) in pages.chain(home).chain(intros) {
        for link in &body.anchor_links {
            let ids = match link.page.as_ref().or(owner) {
                Some(key) => &bodies.page(key).ids,
                None => &body.ids,
            };
            if ids.contains(&link.anchor) {
                continue;
            }
            let mut known: Vec<&str> = ids.iter().map(String::as_str).filter(|id| !id.starts_with("fnref-")).collect();
            known.sort_unstable();
            let hint = did_you_mean(&link.anchor, known.iter().copied()).unwrap_or_else(|| {
                "link to a heading's id: its text in lower case, with hyphens for spaces".to_string()
            });
            diagnostics.push(
                Diagnostic::new(
                    Code::BrokenAnchor,
                    file,
                    format!("`{}` links to a heading that does not exist", link.written),
                )
                .at(link.line, 1)
                .hint(hint),
            );
        }
    }
    diagnostics
}
