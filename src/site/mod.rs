//! Models the site from its pages: sections, the taxonomies (themes,
//! organisations, regions), related pages, and the routes table that says where
//! every file goes.
//!
//! This is the cross-page step: what one page's output shows of other pages
//! (lists, counts, related links) is decided here, once, so rendering a page
//! needs only the model. Pure: no I/O.

mod related;
pub mod routes;

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use crate::config::Config;
use crate::content::{Content, KindName, Page, PageKey, SectionIndex, slash_path};
use crate::diagnostics::{Code, Diagnostic};
use crate::slug::slugify;
use crate::theme::StaticFile;

pub use routes::{Routes, SearchFile, SearchPlan, Source};

/// How many related pages each page lists.
pub const RELATED: usize = 3;

/// A list of pages with a title, such as a section or a theme.
#[derive(Debug)]
pub struct Listing {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The path under the site root, such as `themes/belonging/`.
    pub path: String,
    /// The pages listed, newest first.
    pub pages: Vec<PageKey>,
}

/// One of the three content sections.
#[derive(Debug)]
pub struct Section {
    pub kind: KindName,
    pub listing: Listing,
    /// The section's `_index.md`, if it has one.
    pub intro: Option<SectionIndex>,
}

/// Which taxonomy a term belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taxonomy {
    Themes,
    Organisations,
    Regions,
}

impl Taxonomy {
    pub const ALL: [Taxonomy; 3] = [Taxonomy::Themes, Taxonomy::Organisations, Taxonomy::Regions];

    /// The URL segment, such as `themes`.
    pub fn segment(self) -> &'static str {
        match self {
            Taxonomy::Themes => "themes",
            Taxonomy::Organisations => "organisations",
            Taxonomy::Regions => "regions",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Taxonomy::Themes => "Themes",
            Taxonomy::Organisations => "Organisations",
            Taxonomy::Regions => "Regions",
        }
    }
}

/// The whole site, ready to render. Pages are known by their source path.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Every page, by source path.
    pub pages: BTreeMap<PageKey, Page>,
    pub sections: Vec<Section>,
    /// The home page's `_index.md`.
    pub home: Option<SectionIndex>,
    pub themes: Vec<Listing>,
    pub organisations: Vec<Listing>,
    pub regions: Vec<Listing>,
    /// Every dated case study, toolkit and discussion set, newest first: the
    /// site's feed.
    pub newest: Vec<PageKey>,
    /// Each page's related pages, best first.
    pub related: HashMap<PageKey, Vec<PageKey>>,
    /// Every file the site publishes, and what Markdown links may name.
    pub routes: Routes,
    /// The URL path the site lives under: `/` or `/sub/path/`.
    pub base_path: String,
}

impl Site {
    /// The URL of a path under the site root, as links in the HTML write it
    /// (root-relative, so one build works on any host).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// The absolute URL, for feeds, the sitemap and canonical links.
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url, path.trim_start_matches('/'))
    }

    /// The page with this key. Keys come from the model itself, so every key
    /// a listing, related block or route holds is present.
    pub fn page(&self, key: &PageKey) -> &Page {
        &self.pages[key]
    }

    /// A page's path under the site root, such as `case-studies/eeast/`.
    pub fn path(&self, key: &PageKey) -> &str {
        self.routes.markdown_source(key.as_str()).map_or("", |(path, _)| path)
    }

    /// Takes every page's Markdown out of the site, for `build` and `check`,
    /// which hand it to `render::bodies` to let go of each page's as soon as
    /// its body is rendered (a preview keeps it in the site, to tell a body
    /// edit from the rest). At 100,000 pages it is 600 MB that would
    /// otherwise sit beside every rendered body.
    pub fn take_markdown(&mut self) -> Vec<(PageKey, std::sync::Arc<str>)> {
        let empty: std::sync::Arc<str> = std::sync::Arc::from("");
        self.pages
            .iter_mut()
            .map(|(key, page)| (key.clone(), std::mem::replace(&mut page.body, empty.clone())))
            .collect()
    }

    /// The related pages of a page, best first.
    pub fn related(&self, key: &PageKey) -> &[PageKey] {
        self.related.get(key).map_or(&[], Vec::as_slice)
    }

    pub fn taxonomy(&self, taxonomy: Taxonomy) -> &[Listing] {
        match taxonomy {
            Taxonomy::Themes => &self.themes,
            Taxonomy::Organisations => &self.organisations,
            Taxonomy::Regions => &self.regions,
        }
    }

    /// The term of `taxonomy` whose name is `name` (a theme slug, an
    /// organisation's or region's name).
    pub fn term(&self, taxonomy: Taxonomy, name: &str) -> Option<&Listing> {
        let slug = slugify(name);
        self.taxonomy(taxonomy).iter().find(|term| term.slug == slug)
    }

    /// The section listing pages of `kind`, if it is a section kind.
    pub fn section(&self, kind: KindName) -> Option<&Section> {
        self.sections.iter().find(|section| section.kind == kind)
    }
}

/// The path of page `n` of a listing at `path`: page 1 is the listing itself.
pub fn paginated_path(path: &str, number: usize) -> String {
    if number <= 1 { path.to_string() } else { format!("{path}page/{number}/") }
}

/// The path under the site root of a URL's `base_url`, such as `/hub/`.
pub fn base_path(base_url: &str) -> String {
    let without_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    match without_scheme.find('/') {
        Some(index) => without_scheme[index..].to_string(),
        None => "/".to_string(),
    }
}

/// Builds the site model and its routes table. Pages whose URL another page
/// already has are reported and left out; every other clash of two files over
/// one output path is reported by the routes table.
pub fn model(content: Content, config: Config, static_files: &BTreeMap<String, StaticFile>) -> (Site, Vec<Diagnostic>) {
    let (pages, paths, mut diagnostics) = unique_paths(content.pages);
    let (sections, home) = sections(&pages, content.indexes);
    let themes: Vec<Listing> = config
        .themes
        .iter()
        .map(|theme| {
            let members = newest_first(&pages, |page| page.meta.themes.contains(&theme.slug));
            let path = format!("themes/{}/", theme.slug);
            Listing {
                slug: theme.slug.clone(),
                name: theme.name.clone(),
                description: theme.description.clone(),
                path,
                pages: members,
            }
        })
        .collect();
    let organisations = group_by_name(&pages, Taxonomy::Organisations, Page::organisation);
    let regions = group_by_name(&pages, Taxonomy::Regions, Page::region);
    let newest = newest_first(&pages, |page| page.kind_name() != KindName::Page && page.meta.date.is_some());
    let related = related::related(&pages);
    let route_inputs = routes::Inputs {
        pages: &pages,
        paths: &paths,
        sections: &sections,
        taxonomies: [
            (Taxonomy::Themes, &themes),
            (Taxonomy::Organisations, &organisations),
            (Taxonomy::Regions, &regions),
        ],
        per_page: config.paginate,
        assets: &content.assets,
        static_files,
        search: config.search.enabled,
    };
    let (routes, clashes) = routes::build(&route_inputs);
    diagnostics.extend(clashes);
    let base_path = base_path(&config.base_url);
    let site =
        Site { config, pages, sections, home, themes, organisations, regions, newest, related, routes, base_path };
    (site, diagnostics)
}

/// The three sections with their pages and `_index.md`, and the home page's
/// `_index.md`.
fn sections(pages: &BTreeMap<PageKey, Page>, indexes: Vec<SectionIndex>) -> (Vec<Section>, Option<SectionIndex>) {
    let mut home = None;
    let mut intros: HashMap<String, SectionIndex> = HashMap::new();
    for index in indexes {
        let dir = slash_path(&index.dir);
        if dir.is_empty() {
            home = Some(index);
        } else {
            intros.insert(dir, index);
        }
    }
    let sections: Vec<Section> = KindName::SECTIONS
        .iter()
        .map(|&kind| {
            let dir = kind.section_dir().unwrap_or_default();
            let intro = intros.remove(dir);
            let members = newest_first(pages, |page| page.kind_name() == kind);
            let name =
                intro.as_ref().and_then(|intro| intro.title.clone()).unwrap_or_else(|| kind.plural().to_string());
            let listing = Listing {
                slug: dir.to_string(),
                name,
                description: String::new(),
                path: format!("{dir}/"),
                pages: members,
            };
            Section { kind, listing, intro }
        })
        .collect();
    (sections, home)
}

/// Gives each page its path; a page whose path an earlier page (in path, then
/// file order) has is reported and left out.
fn unique_paths(pages: Vec<Page>) -> (BTreeMap<PageKey, Page>, HashMap<PageKey, String>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut pages: Vec<(String, Page)> = pages.into_iter().map(|page| (routes::page_path(&page), page)).collect();
    pages.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.key.cmp(&b.1.key)));
    let mut kept: BTreeMap<PageKey, Page> = BTreeMap::new();
    let mut paths: HashMap<PageKey, String> = HashMap::with_capacity(pages.len());
    let mut previous: Option<(String, PageKey)> = None;
    for (path, page) in pages {
        if let Some((_, first)) = previous.as_ref().filter(|(previous_path, _)| *previous_path == path) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateUrl,
                    &page.file,
                    format!("this page has the same URL (/{path}) as content/{first}"),
                )
                .at(1, 1)
                .field("slug")
                .hint("give one of them another file name or `slug:`"),
            );
            continue;
        }
        previous = Some((path.clone(), page.key.clone()));
        paths.insert(page.key.clone(), path);
        kept.insert(page.key.clone(), page);
    }
    (kept, paths, diagnostics)
}

/// The order of every list of pages: newest first, undated pages last, then by
/// title and file, so ties never depend on load order.
pub fn newest_first_order(a: &Page, b: &Page) -> Ordering {
    b.meta.date.cmp(&a.meta.date).then_with(|| a.meta.title.cmp(&b.meta.title)).then_with(|| a.key.cmp(&b.key))
}

/// The keys of the pages that pass `keep`, newest first.
fn newest_first(pages: &BTreeMap<PageKey, Page>, keep: impl Fn(&Page) -> bool) -> Vec<PageKey> {
    let mut members: Vec<&Page> = pages.values().filter(|page| keep(page)).collect();
    members.sort_by(|a, b| newest_first_order(a, b));
    members.into_iter().map(|page| page.key.clone()).collect()
}

/// Terms named by free text (organisations, regions), one per distinct slug, in
/// name order. The first spelling met in source-path order names the term.
fn group_by_name(
    pages: &BTreeMap<PageKey, Page>,
    taxonomy: Taxonomy,
    name_of: impl Fn(&Page) -> Option<&str>,
) -> Vec<Listing> {
    let mut terms: BTreeMap<String, (String, Vec<&Page>)> = BTreeMap::new();
    for page in pages.values() {
        let Some(name) = name_of(page) else { continue };
        let slug = slugify(name);
        if !slug.is_empty() {
            terms.entry(slug).or_insert_with(|| (name.to_string(), Vec::new())).1.push(page);
        }
    }
    let mut listings: Vec<Listing> = terms
        .into_iter()
        .map(|(slug, (name, mut members))| {
            members.sort_by(|a, b| newest_first_order(a, b));
            let path = format!("{}/{slug}/", taxonomy.segment());
            let pages = members.into_iter().map(|page| page.key.clone()).collect();
            Listing { slug, name, description: String::new(), path, pages }
        })
        .collect();
    listings.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then_with(|| a.slug.cmp(&b.slug)));
    listings
}

/// How many pages a list of `items` takes at `per_page` a page (at least one).
pub fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_keeps_the_sub_path() {
        assert_eq!(base_path("https://example.org/"), "/");
        assert_eq!(base_path("https://example.org/hub/"), "/hub/");
        assert_eq!(base_path("http://localhost:1111/"), "/");
    }

    #[test]
    fn page_one_of_a_listing_is_the_listing() {
        assert_eq!(paginated_path("themes/belonging/", 1), "themes/belonging/");
        assert_eq!(paginated_path("themes/belonging/", 3), "themes/belonging/page/3/");
    }
}
