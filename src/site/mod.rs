//! Models the site from its pages: sections, the taxonomies (themes,
//! organisations, regions), related pages, and the routes table that says where
//! every file goes.
//!
//! This is the cross-page step: what one page's output shows of other pages
//! (lists, counts, related links) is decided here, once, so rendering a page
//! needs only the model. Pure: no I/O.
//!
//! Every page is put in the one newest-first order once; each list is that
//! order filtered, so no list is sorted on its own. The parts a preview may
//! keep from one model to the next (lists, related pages, routes) are shared
//! (`Arc`), so a site that differs only in some pages' bodies costs a copy of
//! the page map (`Site::with_bodies`).

mod lint;
pub use lint::same_title;
mod related;
pub mod routes;
mod search_files;

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Content, KindName, Page, PageKey, SectionIndex, slash_path};
use crate::diagnostics::{Code, Diagnostic};
use crate::hashing::QuickMap;
use crate::pictures::Picture;
use crate::slug::slugify;
use crate::theme::{Components, Theme};

pub use routes::{Routes, Source, paginated_path};
pub use search_files::{SearchFile, SearchPlan};

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

/// The error for a `share_image` in site.toml that the site does not
/// publish.
fn share_image_problem(config: &Config, routes: &Routes) -> Option<Diagnostic> {
    let image = config.share_image.as_deref()?;
    if routes.get(image).is_some() {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::Config,
            crate::config::FILE,
            format!("share_image `{image}` is not a file the site publishes"),
        )
        .at(config.share_image_line, 1)
        .field("share_image")
        .hint(
            "give the picture's path under content/ or static/, such as \"images/hub.jpg\" for content/images/hub.jpg",
        ),
    )
}

/// Each picture of `content/` that reads, by its path there
/// (`case-studies/eeast/chart.png`).
pub type Pictures = BTreeMap<String, Arc<Picture>>;

/// The whole site, ready to render. Pages are known by their source path.
#[derive(Clone, Debug)]
pub struct Site {
    pub config: Arc<Config>,
    /// Every page, by source path.
    pub pages: BTreeMap<PageKey, Arc<Page>>,
    pub sections: Arc<Vec<Section>>,
    /// The home page's `_index.md`.
    pub home: Option<SectionIndex>,
    pub themes: Arc<Vec<Listing>>,
    pub organisations: Arc<Vec<Listing>>,
    pub regions: Arc<Vec<Listing>>,
    /// Every dated case study, toolkit and discussion set, newest first: the
    /// site's feed.
    pub newest: Arc<Vec<PageKey>>,
    /// Each page's related pages, best first.
    pub related: Arc<QuickMap<PageKey, Vec<PageKey>>>,
    /// Every file the site publishes, and what Markdown links may name.
    pub routes: Arc<Routes>,
    /// The size of each picture under `content/` that has one.
    pub pictures: Arc<Pictures>,
    /// What pages show of the pictures (`pictures::shapes`).
    pub picture_shapes: u128,
    /// The theme's component templates, which bodies are made with.
    pub components: Arc<Components>,
    /// The URL path the site lives under: `/` or `/sub/path/`.
    pub base_path: String,
}

impl Site {
    /// The URL of a path under the site root, as links in the HTML write it
    /// (root-relative, so one build works on any host).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// The picture of `content/` at the address `url` (under the base path),
    /// when there is one.
    pub fn picture_at(&self, url: &str) -> Option<&Arc<Picture>> {
        self.pictures.get(url.strip_prefix(self.base_path.as_str())?)
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
    /// its body is rendered. At 100,000 pages it is 600 MB that would
    /// otherwise sit beside every rendered body.
    pub fn take_markdown(&mut self) -> Vec<(PageKey, Arc<str>)> {
        let empty: Arc<str> = Arc::from("");
        self.pages
            .iter_mut()
            .map(|(key, page)| (key.clone(), std::mem::replace(&mut Arc::make_mut(page).body, empty.clone())))
            .collect()
    }

    /// This site with `pages` in place of the pages of the same keys, when
    /// each is already on the site and differs from it only in its body:
    /// nothing a list, a related block or the routes table is made from has
    /// changed, so they are kept. `None` when any page is new or differs in
    /// anything else.
    pub fn with_bodies(&self, pages: &[Arc<Page>]) -> Option<Site> {
        let differs_only_in_body = |page: &Arc<Page>| {
            let old = self.pages.get(&page.key)?;
            // Every field but the body's own two, whatever fields a page has.
            let with_old_body = Page { body: old.body.clone(), body_line: old.body_line, ..Page::clone(page) };
            (with_old_body == **old).then_some(())
        };
        pages.iter().try_for_each(differs_only_in_body)?;
        let mut site = self.clone();
        for page in pages {
            site.pages.insert(page.key.clone(), page.clone());
        }
        Some(site)
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

    /// The name a page's organisation or region goes by: its term's, when
    /// another page spells it differently (`St Elsewhere's`, `St
    /// Elsewhere’s`); else as written.
    pub fn term_name<'a>(&'a self, taxonomy: Taxonomy, name: &'a str) -> &'a str {
        self.term(taxonomy, name).map_or(name, |term| term.name.as_str())
    }

    /// The section listing pages of `kind`, if it is a section kind.
    pub fn section(&self, kind: KindName) -> Option<&Section> {
        self.sections.iter().find(|section| section.kind == kind)
    }
}

/// The path under the site root of a URL's `base_url`, such as `/hub/`.
pub fn base_path(base_url: &str) -> String {
    let without_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    match without_scheme.find('/') {
        Some(index) => without_scheme[index..].to_string(),
        None => "/".to_string(),
    }
}

/// Builds the site model and its routes table. Two pages with one URL are
/// reported here and the second is left out (the routes table never sees
/// it); every other clash of two files over one output path is reported by
/// the routes table.
pub fn model(content: Content, config: Arc<Config>, theme: &Theme) -> (Site, Vec<Diagnostic>) {
    let (pages, paths, mut diagnostics) = unique_paths(content.pages);
    diagnostics.extend(lint::duplicate_titles(&pages));
    let order = newest_first(&pages);
    // Related pages cost the most and read only the order: made beside the lists.
    let (related, lists) =
        rayon::join(|| related::related(&order), || Lists::new(&pages, &order, &config, content.indexes));
    let route_inputs = routes::Inputs {
        pages: &pages,
        paths: &paths,
        sections: &lists.sections,
        taxonomies: [
            (Taxonomy::Themes, &lists.themes),
            (Taxonomy::Organisations, &lists.organisations),
            (Taxonomy::Regions, &lists.regions),
        ],
        per_page: config.paginate,
        assets: &content.assets,
        static_files: &theme.static_files,
        search: config.search.enabled,
        cms: config.cms.is_some(),
    };
    let (routes, clashes) = routes::build(&route_inputs);
    diagnostics.extend(clashes);
    diagnostics.extend(share_image_problem(&config, &routes));
    let pictures: Pictures =
        content.assets.iter().filter_map(|asset| Some((slash_path(&asset.path), asset.picture.clone()?))).collect();
    let base_path = base_path(&config.base_url);
    let site = Site {
        config,
        pages,
        sections: Arc::new(lists.sections),
        home: lists.home,
        themes: Arc::new(lists.themes),
        organisations: Arc::new(lists.organisations),
        regions: Arc::new(lists.regions),
        newest: Arc::new(lists.newest),
        related: Arc::new(related),
        routes: Arc::new(routes),
        picture_shapes: crate::pictures::shapes(pictures.values().map(|picture| &**picture)),
        pictures: Arc::new(pictures),
        components: theme.components.clone(),
        base_path,
    };
    (site, diagnostics)
}

/// Every list of pages a site shows, each taken from the one newest-first
/// order.
struct Lists {
    sections: Vec<Section>,
    home: Option<SectionIndex>,
    themes: Vec<Listing>,
    organisations: Vec<Listing>,
    regions: Vec<Listing>,
    newest: Vec<PageKey>,
}

impl Lists {
    fn new(
        pages: &BTreeMap<PageKey, Arc<Page>>,
        order: &[&Page],
        config: &Config,
        indexes: Vec<SectionIndex>,
    ) -> Lists {
        let (sections, home) = sections(order, indexes);
        Lists {
            sections,
            home,
            themes: themes(order, config),
            organisations: group_by_name(pages, order, Taxonomy::Organisations, Page::organisation),
            regions: group_by_name(pages, order, Taxonomy::Regions, Page::region),
            newest: keys(order, |page| page.kind_name() != KindName::Page && page.meta.date.is_some()),
        }
    }
}

/// Each theme of the hub's vocabulary, with its pages.
fn themes(order: &[&Page], config: &Config) -> Vec<Listing> {
    let mut themes: Vec<Listing> = config
        .themes
        .iter()
        .map(|theme| Listing {
            slug: theme.slug.clone(),
            name: theme.name.clone(),
            description: theme.description.clone(),
            path: routes::term_path(Taxonomy::Themes, &theme.slug),
            pages: Vec::new(),
        })
        .collect();
    let theme_of: QuickMap<&str, usize> =
        config.themes.iter().enumerate().map(|(at, theme)| (theme.slug.as_str(), at)).collect();
    for page in order {
        let mut listed: Vec<usize> =
            page.meta.themes.iter().filter_map(|slug| theme_of.get(slug.as_str()).copied()).collect();
        listed.sort_unstable();
        listed.dedup();
        for at in listed {
            themes[at].pages.push(page.key.clone());
        }
    }
    themes
}

/// The three sections with their pages and `_index.md`, and the home page's
/// `_index.md`.
fn sections(order: &[&Page], indexes: Vec<SectionIndex>) -> (Vec<Section>, Option<SectionIndex>) {
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
            let name =
                intro.as_ref().and_then(|intro| intro.title.clone()).unwrap_or_else(|| kind.plural().to_string());
            let listing = Listing {
                slug: dir.to_string(),
                name,
                description: String::new(),
                path: routes::section_path(kind),
                pages: keys(order, |page| page.kind_name() == kind),
            };
            Section { kind, listing, intro }
        })
        .collect();
    (sections, home)
}

/// The pages by key, each page's path, and a problem for each page whose
/// path an earlier page (in file order) has, which is left out.
type Unique = (BTreeMap<PageKey, Arc<Page>>, QuickMap<PageKey, String>, Vec<Diagnostic>);

/// Gives each page its path; a page whose path an earlier page (in file
/// order) has is reported and left out.
fn unique_paths(mut pages: Vec<Arc<Page>>) -> Unique {
    // Nearly in key order already (the order content/ is listed in), which
    // a stable sort finds in one pass.
    pages.sort_by(|a, b| a.key.cmp(&b.key));
    let mut diagnostics = Vec::new();
    let mut first: QuickMap<String, PageKey> = QuickMap::default();
    let mut paths: QuickMap<PageKey, String> = QuickMap::default();
    let mut kept = Vec::with_capacity(pages.len());
    for page in pages {
        let path = routes::page_path(&page);
        if let Some(earlier) = first.get(&path) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateUrl,
                    &page.file,
                    format!("this page has the same URL (/{path}) as content/{earlier}"),
                )
                .at(1, 1)
                .field("slug")
                .hint("give one of them another file name or `slug:`"),
            );
            continue;
        }
        first.insert(path.clone(), page.key.clone());
        paths.insert(page.key.clone(), path);
        kept.push((page.key.clone(), page));
    }
    // Already in key order: the map is built without a search per page.
    (kept.into_iter().collect(), paths, diagnostics)
}

/// The order of every list of pages: newest first, undated pages last, then by
/// title and file, so ties never depend on load order.
pub fn newest_first_order(a: &Page, b: &Page) -> Ordering {
    b.meta.date.cmp(&a.meta.date).then_with(|| a.meta.title.cmp(&b.meta.title)).then_with(|| a.key.cmp(&b.key))
}

/// Every page, newest first: the one sort every list is taken from.
fn newest_first(pages: &BTreeMap<PageKey, Arc<Page>>) -> Vec<&Page> {
    let mut order: Vec<&Page> = pages.values().map(|page| &**page).collect();
    order.sort_unstable_by(|a, b| newest_first_order(a, b));
    order
}

/// The keys of the pages of `order` that pass `keep`, in that order.
fn keys(order: &[&Page], keep: impl Fn(&Page) -> bool) -> Vec<PageKey> {
    order.iter().filter(|page| keep(page)).map(|page| page.key.clone()).collect()
}

/// Terms named by free text (organisations, regions), one per distinct slug, in
/// name order. The first spelling met in source-path order names the term.
fn group_by_name<'a>(
    pages: &'a BTreeMap<PageKey, Arc<Page>>,
    order: &[&'a Page],
    taxonomy: Taxonomy,
    name_of: impl Fn(&'a Page) -> Option<&'a str>,
) -> Vec<Listing> {
    // A hub names a few dozen organisations on thousands of pages: each
    // spelling is made a slug, and found its term, once.
    let mut terms: Vec<Listing> = Vec::new();
    let mut by_slug: QuickMap<String, usize> = QuickMap::default();
    let mut by_name: QuickMap<&'a str, Option<usize>> = QuickMap::default();
    for page in pages.values() {
        let Some(name) = name_of(page) else { continue };
        by_name.entry(name).or_insert_with(|| {
            let slug = slugify(name);
            if slug.is_empty() {
                return None;
            }
            let at = *by_slug.entry(slug.clone()).or_insert_with(|| {
                let path = routes::term_path(taxonomy, &slug);
                terms.push(Listing {
                    slug,
                    name: name.to_string(),
                    description: String::new(),
                    path,
                    pages: Vec::new(),
                });
                terms.len() - 1
            });
            Some(at)
        });
    }
    for page in order {
        if let Some(&Some(at)) = name_of(page).and_then(|name| by_name.get(name)) {
            terms[at].pages.push(page.key.clone());
        }
    }
    terms.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then_with(|| a.slug.cmp(&b.slug)));
    terms
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
}
