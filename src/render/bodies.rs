//! Renders Markdown bodies in two steps: each body alone, from its
//! `BodyInputs` and nothing else, then one cross-page pass that checks
//! `#anchor` links against the ids of the pages they point at.
//!
//! `BodyInputs` is the one value that says what a body is made from: `body`
//! reads nothing else, and a body is kept from an earlier model exactly when
//! its inputs equal the ones it was made from. A new input (a picture's
//! size, say) is a new field, and so is compared without anyone having to
//! remember to.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::{Image, KindName, Page, PageKey, Resource, SectionIndex};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::hashing::QuickMap;
use crate::markdown::{self, Rendered};
use crate::search::{self, Run};
use crate::site::{Pictures, Routes, Site};
use crate::theme::Components;

/// Everything one body is made from. Equal inputs make equal bodies.
///
/// Every field is given wherever inputs are made (no defaults to fall back
/// on), so an input cannot be left out by accident.
#[derive(Debug, PartialEq)]
pub struct BodyInputs<'a> {
    pub markdown: &'a Arc<str>,
    /// The file, relative to the site root: problems name it, and relative
    /// links start from its folder.
    pub file: &'a Path,
    /// The page's own path under the site root.
    pub url_path: &'a str,
    /// The file line the Markdown starts on.
    pub first_line: usize,
    /// Front matter's `image`, checked and resolved as a picture in the body.
    pub image: Option<&'a Image>,
    /// Front matter's `resources`, checked and resolved as links in the body.
    pub resources: &'a [Resource],
    /// What every body of the site is made from.
    pub site: SiteWide<'a>,
}

/// The inputs every body of a site shares. The large ones are compared
/// through their `Arc`s, which compare by address first: a model made again
/// shares them with the last one when they are equal (`Model::apply`), so
/// comparing every page's inputs costs a few pointer comparisons each.
#[derive(Debug)]
pub struct SiteWide<'a> {
    pub allow_html: bool,
    pub base_path: &'a str,
    /// What links may point at.
    pub routes: &'a Arc<Routes>,
    /// The pictures a body may show: compared by `picture_shapes`, as a
    /// body shows their sizes and widths, never their pixels.
    pub pictures: &'a Arc<Pictures>,
    pub picture_shapes: u128,
    /// The theme's component templates (equal when their texts are, so a
    /// change elsewhere in the theme keeps every body).
    pub components: &'a Arc<Components>,
}

impl PartialEq for SiteWide<'_> {
    fn eq(&self, other: &Self) -> bool {
        let SiteWide { allow_html, base_path, routes, pictures: _, picture_shapes, components } = self;
        *allow_html == other.allow_html
            && *base_path == other.base_path
            && *routes == other.routes
            && *picture_shapes == other.picture_shapes
            && *components == other.components
    }
}

impl<'a> SiteWide<'a> {
    pub fn of(site: &'a Site) -> SiteWide<'a> {
        SiteWide {
            allow_html: site.config.allow_html,
            base_path: &site.base_path,
            routes: &site.routes,
            pictures: &site.pictures,
            picture_shapes: site.picture_shapes,
            components: &site.components,
        }
    }
}

impl<'a> BodyInputs<'a> {
    /// The inputs of `page`'s body on `site`, its Markdown being `markdown`
    /// (its own, or taken out of it).
    pub fn page(site: &'a Site, page: &'a Page, markdown: &'a Arc<str>) -> BodyInputs<'a> {
        BodyInputs {
            markdown,
            file: &page.file,
            url_path: site.path(&page.key),
            first_line: page.body_line,
            image: page.meta.image.as_ref(),
            resources: &page.meta.resources,
            site: SiteWide::of(site),
        }
    }

    /// The inputs of a section's (or the home page's) introduction, shown
    /// on its list page.
    fn intro(site: &'a Site, index: &'a SectionIndex) -> BodyInputs<'a> {
        BodyInputs {
            markdown: &index.body,
            file: &index.file,
            url_path: site.routes.markdown_source(index.key.as_str()).map_or("", |(path, _)| path),
            first_line: index.body_line,
            image: None,
            resources: &[],
            site: SiteWide::of(site),
        }
    }
}

/// Renders one body from its inputs alone. Problems found in it are in the
/// result's `diagnostics`; links to other pages' anchors wait in
/// `anchor_links` for `check_anchors`.
pub fn body(inputs: &BodyInputs) -> Rendered {
    let dir = inputs.file.parent().and_then(|dir| dir.strip_prefix(crate::content::DIR).ok());
    let source = markdown::Source {
        markdown: inputs.markdown,
        file: inputs.file,
        dir: dir.unwrap_or(Path::new("")),
        url_path: inputs.url_path,
        first_line: inputs.first_line,
        allow_html: inputs.site.allow_html,
    };
    let links = markdown::Links {
        routes: inputs.site.routes,
        base_path: inputs.site.base_path,
        pictures: inputs.site.pictures,
        components: inputs.site.components,
    };
    let mut rendered = markdown::render(&source, links);
    let mut check = |url: &str, field: &str, line: usize, image: bool| {
        let link = markdown::FrontMatterLink { url, field, line, image };
        markdown::front_matter_link(&link, &source, links, &mut rendered)
    };
    let image_url = inputs.image.map(|image| check(&image.path, "image", image.line, true));
    let resource_urls = inputs
        .resources
        .iter()
        .enumerate()
        .map(|(index, resource)| check(&resource.url, &format!("resources[{}]", index + 1), resource.line, false))
        .collect();
    rendered.image_url = image_url;
    rendered.resource_urls = resource_urls;
    rendered
}

/// The rendered Markdown of every page and section introduction, by source,
/// with their problems and the cross-page ones.
#[derive(Debug, Default)]
pub struct Bodies {
    pages: QuickMap<PageKey, Arc<Rendered>>,
    home: Option<Arc<Rendered>>,
    /// Section introductions (`case-studies/_index.md`), by section.
    sections: HashMap<KindName, Arc<Rendered>>,
    /// `#anchor` links to headings that do not exist.
    anchors: Vec<Diagnostic>,
    /// How many bodies were rendered to make these (the rest were kept).
    rendered: usize,
    /// What a page without a body shows: nothing.
    empty: Rendered,
    /// Every page's search words, counted as the bodies were made (by
    /// `build` and `check`, which do not keep the bodies' text).
    words: Option<search::Counted>,
    /// The pages' HTML, packed (LZ4) by `build` and `check`, which hold
    /// every body until its page is written: at 100,000 pages 600 MB of
    /// HTML packs into a quarter of that, and unpacks in microseconds.
    /// Those pages' `Rendered::html` is empty.
    packed: QuickMap<PageKey, Vec<u8>>,
}

impl Bodies {
    /// The rendered body of a page of the site.
    pub fn page(&self, key: &PageKey) -> &Rendered {
        self.pages.get(key).map_or(&self.empty, |body| body)
    }

    /// The HTML of the page `key`'s body (empty when the site has no such page).
    pub fn html(&self, key: &PageKey) -> Cow<'_, str> {
        match self.packed.get(key) {
            Some(packed) => Cow::Owned(unpack(packed)),
            None => Cow::Borrowed(&self.page(key).html),
        }
    }

    /// The rendered body of the page `key`, if the site has that page.
    pub fn get(&self, key: &PageKey) -> Option<&Rendered> {
        self.pages.get(key).map(|body| &**body)
    }

    /// The home page's introduction, when `content/_index.md` has one.
    pub fn home(&self) -> Option<&Rendered> {
        self.home.as_deref()
    }

    /// A section's introduction, when its `_index.md` has one.
    pub fn section(&self, kind: KindName) -> Option<&Rendered> {
        self.sections.get(&kind).map(|body| &**body)
    }

    /// How many bodies were rendered to make these; the rest were kept
    /// from the earlier bodies they were made with.
    pub fn rendered(&self) -> usize {
        self.rendered
    }

    /// Every file of `content/` some page or section introduction links to
    /// or shows, by its path under `content/`.
    pub fn files(&self) -> std::collections::HashSet<&str> {
        let bodies = self.pages.values().chain(self.home.iter()).chain(self.sections.values());
        bodies.flat_map(|body| body.files.iter().map(String::as_str)).collect()
    }

    /// The search words counted as the bodies were made, taken out for
    /// `search::index`; `None` when the bodies keep their text instead.
    pub fn take_words(&mut self) -> Option<search::Counted> {
        self.words.take()
    }

    /// Every problem of every body, and the broken anchors between them.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        let bodies = self.pages.values().chain(self.home.iter()).chain(self.sections.values());
        bodies.flat_map(|body| body.diagnostics.iter()).chain(&self.anchors)
    }
}

/// Where `bodies` finds each page's Markdown.
pub enum Markdown<'a> {
    /// In the site's pages, where it stays (a preview). With the site and
    /// bodies of an earlier model, a body whose inputs are unchanged is kept.
    InSite { previous: Option<(&'a Site, &'a Bodies)> },
    /// Taken out of the site (`Site::take_markdown`), each page's dropped as
    /// soon as its body is rendered (`build` and `check`).
    Taken(Vec<(PageKey, Arc<str>)>),
}

/// Renders every page's Markdown in parallel, then checks anchors across them.
pub fn bodies(site: &Site, markdown: Markdown) -> Bodies {
    let previous = match &markdown {
        Markdown::InSite { previous } => *previous,
        Markdown::Taken(_) => None,
    };
    let (mut words, mut packed) = (None, QuickMap::default());
    let (pages, rendered): (QuickMap<PageKey, Arc<Rendered>>, usize) = match markdown {
        Markdown::InSite { .. } => {
            let made: Vec<(PageKey, Arc<Rendered>, bool)> = with_earlier(site, previous)
                .into_par_iter()
                .map(|(key, page, earlier)| {
                    let inputs = BodyInputs::page(site, page, &page.body);
                    let kept = earlier.and_then(|(site, page, body)| {
                        (BodyInputs::page(site, page, &page.body) == inputs).then(|| body.clone())
                    });
                    match kept {
                        Some(body) => (key.clone(), body, false),
                        None => (key.clone(), Arc::new(body(&inputs)), true),
                    }
                })
                .collect();
            let rendered = made.iter().filter(|(_, _, fresh)| *fresh).count();
            (made.into_iter().map(|(key, body, _)| (key, body)).collect(), rendered)
        }
        Markdown::Taken(markdown) => {
            let count = markdown.len();
            let made = held(site, markdown);
            words = made.runs.map(search::Counted::new);
            packed = made.packed;
            (made.pages, count)
        }
    };
    let mut bodies = Bodies { pages, rendered, words, packed, ..Bodies::default() };
    let mut intro = |index: &SectionIndex, earlier: Option<(&Site, &SectionIndex, Option<&Arc<Rendered>>)>| {
        let inputs = BodyInputs::intro(site, index);
        let same = |(site, old, body): (&Site, &SectionIndex, Option<&Arc<Rendered>>)| {
            (BodyInputs::intro(site, old) == inputs).then(|| body.cloned()).flatten()
        };
        earlier.and_then(same).unwrap_or_else(|| {
            bodies.rendered += 1;
            Arc::new(body(&inputs))
        })
    };
    let home = site.home.as_ref().map(|index| {
        let earlier = previous.and_then(|(old, old_bodies)| Some((old, old.home.as_ref()?, old_bodies.home.as_ref())));
        intro(index, earlier)
    });
    let sections: HashMap<KindName, Arc<Rendered>> = site
        .sections
        .iter()
        .filter_map(|section| {
            let earlier = previous.and_then(|(old, old_bodies)| {
                let old_intro = old.section(section.kind)?.intro.as_ref()?;
                Some((old, old_intro, old_bodies.sections.get(&section.kind)))
            });
            Some((section.kind, intro(section.intro.as_ref()?, earlier)))
        })
        .collect();
    bodies.home = home;
    bodies.sections = sections;
    bodies.anchors = check_anchors(site, &bodies);
    bodies
}

/// One page's body, with its HTML packed apart.
type Made = (PageKey, Arc<Rendered>, Vec<u8>);

/// What `held` makes: every page's body, its HTML packed apart, and the
/// search words counted as they were made (when search is on).
struct Held {
    pages: QuickMap<PageKey, Arc<Rendered>>,
    packed: QuickMap<PageKey, Vec<u8>>,
    runs: Option<Vec<Run>>,
}

/// Renders the bodies of `markdown` to be held until their pages are
/// written, letting go of each page's Markdown as its body is made and
/// packing its HTML. When search is on, each page's words are counted too,
/// in the index's order; either way the body's text is let go but what a
/// search result shows: at 100,000 pages it is half a gigabyte nothing else
/// reads.
fn held(site: &Site, mut markdown: Vec<(PageKey, Arc<str>)>) -> Held {
    let counter = search::Counter::new(site);
    if counter.is_some() {
        markdown.sort_by(|(a, _), (b, _)| search::order(a, site.page(a)).cmp(&search::order(b, site.page(b))));
    }
    let size = search::run_size(markdown.len());
    let runs: Vec<(Vec<Made>, Option<Run>)> = markdown
        .into_par_iter()
        .chunks(size)
        .map(|run_of| {
            let mut run = counter.as_ref().map(search::Counter::run);
            let pages = run_of
                .into_iter()
                .map(|(key, markdown)| {
                    let mut made = body(&BodyInputs::page(site, site.page(&key), &markdown));
                    drop(markdown);
                    match counter.as_ref().zip(run.as_mut()) {
                        Some((counter, run)) => counter.count(run, &key, &mut made),
                        None => made.text = String::new(),
                    }
                    let packed = lz4_flex::compress_prepend_size(std::mem::take(&mut made.html).as_bytes());
                    (key, Arc::new(made), packed)
                })
                .collect();
            (pages, run)
        })
        .collect();
    let mut held = Held { pages: QuickMap::default(), packed: QuickMap::default(), runs: None };
    let mut counted = counter.map(|_| Vec::with_capacity(runs.len()));
    for (made, run) in runs {
        for (key, body, packed) in made {
            held.packed.insert(key.clone(), packed);
            held.pages.insert(key, body);
        }
        if let Some((counted, run)) = counted.as_mut().zip(run) {
            counted.push(run);
        }
    }
    held.runs = counted;
    held
}

/// HTML packed by `held`. The bytes are only ever this process's own
/// packing of a `String`, never a file, flag or request, so neither
/// unpacking nor UTF-8 can fail.
fn unpack(packed: &[u8]) -> String {
    let bytes = lz4_flex::decompress_size_prepended(packed).expect("HTML this build packed unpacks");
    String::from_utf8(bytes).expect("HTML this build packed is UTF-8")
}

/// A page of `site`, with the same page of `previous`'s site and its body
/// when it had one.
type WithEarlier<'a> = (&'a PageKey, &'a Page, Option<(&'a Site, &'a Page, &'a Arc<Rendered>)>);

/// Every page of `site`, each with its earlier self, found by walking both
/// sites' pages in key order together rather than searching for each.
fn with_earlier<'a>(site: &'a Site, previous: Option<(&'a Site, &'a Bodies)>) -> Vec<WithEarlier<'a>> {
    let mut earlier = previous.map(|(site, _)| site.pages.iter().peekable());
    site.pages
        .iter()
        .map(|(key, page)| {
            let found = earlier.as_mut().and_then(|pages| {
                while pages.next_if(|(old, _)| *old < key).is_some() {}
                pages.next_if(|(old, _)| *old == key)
            });
            let found = found
                .zip(previous)
                .and_then(|((_, old), (old_site, bodies))| Some((old_site, &**old, bodies.pages.get(key)?)));
            (key, &**page, found)
        })
        .collect()
}

/// The cross-page pass: every `#anchor` link, on any page or introduction,
/// checked against the ids of the page it points at.
fn check_anchors(site: &Site, bodies: &Bodies) -> Vec<Diagnostic> {
    let pages = site.pages.iter().map(|(key, page)| (Some(key), page.file.as_path(), bodies.page(key)));
    let home = site.home.iter().zip(bodies.home()).map(|(index, body)| (None, index.file.as_path(), body));
    let intros = site.sections.iter().filter_map(|section| {
        let intro = section.intro.as_ref()?;
        Some((None, intro.file.as_path(), bodies.section(section.kind)?))
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
