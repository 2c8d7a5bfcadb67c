//! Models the site from its pages: URLs, sections, the taxonomies (themes,
//! organisations, regions), related pages and link targets.
//!
//! Pure: no I/O. Every URL of the site is made here, from `Site::url`, so the
//! whole site moves with `base_url`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{Asset, Content, KindName, Page, SectionIndex};
use crate::diagnostics::{Code, Diagnostic};
use crate::markdown::Targets;
use crate::slug::slugify;

/// How many related pages each page lists.
pub const RELATED: usize = 3;

/// Top-level URL segments the generator writes itself; a page may not take them.
const RESERVED: &[&str] =
    &["themes", "organisations", "regions", "search", "page", "feed.xml", "sitemap.xml", "robots.txt", "404.html"];

/// A list of pages with a title, such as a section or a theme.
#[derive(Debug)]
pub struct Listing {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The path under the site root, such as `themes/belonging/`.
    pub path: String,
    /// Page indexes, newest first.
    pub pages: Vec<usize>,
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

/// The whole site, ready to render. Page indexes are positions in `pages`.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Pages sorted by URL path.
    pub pages: Vec<Page>,
    /// Each page's path under the site root, such as `case-studies/eeast/`.
    pub paths: Vec<String>,
    pub sections: Vec<Section>,
    /// The home page's `_index.md`.
    pub home: Option<SectionIndex>,
    pub themes: Vec<Listing>,
    pub organisations: Vec<Listing>,
    pub regions: Vec<Listing>,
    /// Each page's related pages, best first.
    pub related: Vec<Vec<usize>>,
    pub assets: Vec<Asset>,
    /// What Markdown links may point at.
    pub targets: Targets,
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
fn base_path(base_url: &str) -> String {
    let without_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    match without_scheme.find('/') {
        Some(index) => without_scheme[index..].to_string(),
        None => "/".to_string(),
    }
}

/// Builds the site model. Pages whose URL another page already has are reported
/// and left out.
pub fn model(content: Content, config: Config) -> (Site, Vec<Diagnostic>) {
    let (paths, pages, diagnostics) = unique_urls(content.pages);
    let mut home = None;
    let mut intros: HashMap<String, SectionIndex> = HashMap::new();
    for index in content.indexes {
        let dir = slash_path(&index.dir);
        if dir.is_empty() {
            home = Some(index);
        } else {
            intros.insert(dir, index);
        }
    }
    let newest_first = |indexes: &mut Vec<usize>| sort_newest_first(indexes, &pages);
    let sections: Vec<Section> = KindName::SECTIONS
        .iter()
        .map(|&kind| {
            let dir = kind.section_dir().unwrap_or_default();
            let intro = intros.remove(dir);
            let mut members: Vec<usize> = (0..pages.len()).filter(|&i| pages[i].kind_name() == kind).collect();
            newest_first(&mut members);
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
    let themes = config
        .themes
        .iter()
        .map(|theme| {
            let mut members: Vec<usize> =
                (0..pages.len()).filter(|&i| pages[i].meta.themes.contains(&theme.slug)).collect();
            newest_first(&mut members);
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
    let organisations = group_by_name(&pages, Taxonomy::Organisations, |page| page.organisation(), &newest_first);
    let regions = group_by_name(&pages, Taxonomy::Regions, |page| page.region(), &newest_first);
    let related = related(&pages);
    let base_path = base_path(&config.base_url);
    let listings =
        sections.iter().map(|section: &Section| &section.listing).chain(&themes).chain(&organisations).chain(&regions);
    let urls = known_urls(&paths, listings, config.paginate);
    let targets = targets(&pages, &paths, &content.assets, &base_path, urls);
    let site = Site {
        config,
        pages,
        paths,
        sections,
        home,
        themes,
        organisations,
        regions,
        related,
        assets: content.assets,
        targets,
        base_path,
    };
    (site, diagnostics)
}

/// Gives each page its URL path, sorted; a page whose path is taken (by an
/// earlier page or by the hub's own pages) is reported and left out.
fn unique_urls(pages: Vec<Page>) -> (Vec<String>, Vec<Page>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut pages: Vec<(String, Page)> = pages.into_iter().map(|page| (page_path(&page), page)).collect();
    pages.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.file.to_string_lossy().cmp(&b.1.file.to_string_lossy())));
    let mut kept: Vec<(String, Page)> = Vec::with_capacity(pages.len());
    for (path, page) in pages {
        let first_segment = path.split('/').next().unwrap_or("");
        if page.kind_name() == KindName::Page && RESERVED.contains(&first_segment) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateUrl,
                    &page.file,
                    format!("the URL /{path} is used by the hub's own {first_segment} pages"),
                )
                .at(1, 1)
                .field("slug")
                .hint("rename the file, or set `slug:` to another name"),
            );
        } else if let Some((_, first)) = kept.last().filter(|(kept_path, _)| *kept_path == path) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateUrl,
                    &page.file,
                    format!("this page has the same URL (/{path}) as {}", first.file.display()),
                )
                .at(1, 1)
                .field("slug")
                .hint("give one of them another file name or `slug:`"),
            );
        } else {
            kept.push((path, page));
        }
    }
    let (paths, pages) = kept.into_iter().unzip();
    (paths, pages, diagnostics)
}

/// `case-studies/eeast/`: the page's folder under `content/` and its slug.
fn page_path(page: &Page) -> String {
    let dir = slash_path(&page.dir);
    if dir.is_empty() { format!("{}/", page.slug) } else { format!("{dir}/{}/", page.slug) }
}

fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/").trim_matches('/').to_string()
}

/// Newest first; undated pages last; then by title and path, so ties never
/// depend on load order.
fn sort_newest_first(indexes: &mut [usize], pages: &[Page]) {
    indexes.sort_by(|&a, &b| {
        let (a, b) = (&pages[a], &pages[b]);
        b.meta.date.cmp(&a.meta.date).then_with(|| a.meta.title.cmp(&b.meta.title)).then_with(|| a.file.cmp(&b.file))
    });
}

/// Terms named by free text (organisations, regions), one per distinct slug, in
/// name order. The first spelling met in path order names the term.
fn group_by_name(
    pages: &[Page],
    taxonomy: Taxonomy,
    name_of: impl Fn(&Page) -> Option<&str>,
    newest_first: &impl Fn(&mut Vec<usize>),
) -> Vec<Listing> {
    let mut terms: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (index, page) in pages.iter().enumerate() {
        let Some(name) = name_of(page) else { continue };
        let slug = slugify(name);
        if slug.is_empty() {
            continue;
        }
        terms.entry(slug).or_insert_with(|| (name.to_string(), Vec::new())).1.push(index);
    }
    let mut listings: Vec<Listing> = terms
        .into_iter()
        .map(|(slug, (name, mut members))| {
            newest_first(&mut members);
            let path = format!("{}/{slug}/", taxonomy.segment());
            Listing { slug, name, description: String::new(), path, pages: members }
        })
        .collect();
    listings.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then_with(|| a.slug.cmp(&b.slug)));
    listings
}

/// Related pages: most shared themes, then newest, then path. Pages with the
/// same set of themes have the same candidates, so the ranking is computed once
/// per distinct theme set (a few hundred at most) rather than once per page
/// pair, which keeps 100,000 pages linear.
fn related(pages: &[Page]) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<Vec<&str>, Vec<usize>> = BTreeMap::new();
    for (index, page) in pages.iter().enumerate() {
        if page.kind_name() == KindName::Page || page.meta.themes.is_empty() {
            continue;
        }
        let mut key: Vec<&str> = page.meta.themes.iter().map(String::as_str).collect();
        key.sort_unstable();
        key.dedup();
        groups.entry(key).or_default().push(index);
    }
    for members in groups.values_mut() {
        sort_newest_first(members, pages);
        members.truncate(RELATED + 1);
    }
    let mut best_by_group: HashMap<&Vec<&str>, Vec<usize>> = HashMap::new();
    for key in groups.keys() {
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        for (other_key, members) in &groups {
            let shared = other_key.iter().filter(|theme| key.contains(theme)).count();
            if shared > 0 {
                candidates.extend(members.iter().map(|&member| (shared, member)));
            }
        }
        candidates.sort_by(|&(shared_a, a), &(shared_b, b)| {
            shared_b.cmp(&shared_a).then_with(|| {
                let (pa, pb) = (&pages[a], &pages[b]);
                pb.meta
                    .date
                    .cmp(&pa.meta.date)
                    .then_with(|| pa.meta.title.cmp(&pb.meta.title))
                    .then_with(|| pa.file.cmp(&pb.file))
            })
        });
        candidates.truncate(RELATED + 1);
        best_by_group.insert(key, candidates.into_iter().map(|(_, member)| member).collect());
    }
    pages
        .iter()
        .enumerate()
        .map(|(index, page)| {
            let mut key: Vec<&str> = page.meta.themes.iter().map(String::as_str).collect();
            key.sort_unstable();
            key.dedup();
            match best_by_group.get(&key) {
                Some(best) if page.kind_name() != KindName::Page => {
                    best.iter().copied().filter(|&other| other != index).take(RELATED).collect()
                }
                _ => Vec::new(),
            }
        })
        .collect()
}

/// Every page path the site will have, for checking root-relative links.
fn known_urls<'a>(paths: &[String], listings: impl Iterator<Item = &'a Listing>, per_page: usize) -> HashSet<String> {
    let mut urls: HashSet<String> = paths.iter().cloned().collect();
    urls.extend(["", "search/"].map(String::from));
    urls.extend(Taxonomy::ALL.iter().map(|taxonomy| format!("{}/", taxonomy.segment())));
    for listing in listings {
        urls.extend(
            (1..=page_count(listing.pages.len(), per_page)).map(|number| paginated_path(&listing.path, number)),
        );
    }
    urls
}

/// How many pages a list of `items` takes at `per_page` a page (at least one).
pub fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

/// The link targets Markdown may use: every page's source path, each section's
/// `_index.md`, every asset, and every page path for root-relative links.
fn targets(pages: &[Page], paths: &[String], assets: &[Asset], base_path: &str, urls: HashSet<String>) -> Targets {
    let mut by_source = HashMap::with_capacity(pages.len() + 4);
    for (index, page) in pages.iter().enumerate() {
        let under_content = page.file.strip_prefix(crate::content::DIR).unwrap_or(&page.file).to_path_buf();
        by_source.insert(under_content, (format!("{base_path}{}", paths[index]), Some(index)));
    }
    by_source.insert(PathBuf::from("_index.md"), (base_path.to_string(), None));
    for dir in KindName::SECTIONS.iter().filter_map(|kind| kind.section_dir()) {
        by_source.insert(Path::new(dir).join("_index.md"), (format!("{base_path}{dir}/"), None));
    }
    Targets {
        pages: by_source,
        assets: assets.iter().map(|asset| asset.path.clone()).collect(),
        urls,
        base_path: base_path.to_string(),
    }
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
