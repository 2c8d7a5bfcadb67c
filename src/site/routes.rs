//! The routes table: every file the site publishes, made in one place with what
//! produces it. Rendering, the sitemap, link checking and the preview's URLs
//! all read this table; nothing else decides where a file goes. The paths
//! themselves are spelt here too (`page_path`, `term_path`, `SEARCH`…), for
//! the links that point at them.
//!
//! Two sources for one path is an error naming both, except that a file in the
//! hub's `static/` folder may replace a theme's static file (`theme::load` has
//! already let it), which is how a hub adjusts its theme.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::content::{Asset, DIR, KindName, Page, PageKey, slash_path};
use crate::diagnostics::{Code, Diagnostic, display_path};
use crate::hashing::QuickMap;
use crate::theme::StaticFile;

use super::{Listing, SearchFile, SearchPlan, Section, Taxonomy, page_count};

/// The search page's path under the site root.
pub const SEARCH: &str = "search/";
/// Every case study's outcomes in one table, and the same rows as CSV.
pub const EVIDENCE: &str = "evidence/";
pub const EVIDENCE_CSV: &str = "evidence.csv";
/// The browser editor's page and its configuration, when the hub has `[cms]`.
pub const ADMIN: &str = "admin/";
pub const ADMIN_CONFIG: &str = "admin/config.yml";
/// The site's Atom feed.
pub const SITE_FEED: &str = "feed.xml";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
/// The page a host shows for an address the site has no file for.
pub const NOT_FOUND: &str = "404.html";
/// The theme's stylesheet.
pub const STYLESHEET: &str = "style.css";

/// What produces one output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Page(PageKey),
    Home,
    /// Page `number` (from 1) of a section's list.
    Section {
        kind: KindName,
        number: usize,
    },
    TaxonomyIndex(Taxonomy),
    /// Page `number` (from 1) of a term's list, such as the `belonging` theme.
    Term {
        taxonomy: Taxonomy,
        slug: String,
        number: usize,
    },
    Search,
    /// Every outcome of every case study in one table.
    Evidence,
    /// The evidence table's rows as CSV.
    EvidenceCsv,
    /// The page that loads the browser editor.
    Admin,
    /// The browser editor's configuration.
    AdminConfig,
    NotFound,
    SiteFeed,
    /// The Atom feed of the theme with this slug.
    ThemeFeed(String),
    Sitemap,
    Robots,
    /// A redirect from a page's old URL, by position in its `aliases`.
    Alias {
        page: PageKey,
        alias: usize,
    },
    /// A theme or `static/` file, by its output path.
    Static,
    /// A file under `content/` copied as it is, from this path on disk.
    Asset(PathBuf),
    /// One published width of a picture of `content/`, made from its pixels:
    /// the widest at the picture's own path.
    /// By the picture's path under `content/` (its bytes are not part of
    /// the table: a body that links to it is the same whatever its pixels).
    Picture {
        path: String,
        width: u32,
    },
    /// A file of the search index.
    SearchIndex(SearchFile),
}

impl Source {
    /// True for the HTML pages a reader can land on from a search engine.
    pub fn in_sitemap(&self) -> bool {
        matches!(
            self,
            Source::Page(_)
                | Source::Home
                | Source::Section { .. }
                | Source::TaxonomyIndex(_)
                | Source::Term { .. }
                | Source::Search
                | Source::Evidence
        )
    }
}

/// Every output file of the site, by path under the output folder
/// (`case-studies/eeast/index.html`), and what Markdown links may point at.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Routes {
    files: BTreeMap<String, Source>,
    /// Markdown sources under `content/` (`toolkits/primer.md`, and every
    /// section's `_index.md`) to their page path and, for pages, their key.
    sources: QuickMap<String, (String, Option<PageKey>)>,
    /// How the search index is split, when the hub has one.
    search: Option<SearchPlan>,
}

impl Routes {
    /// Every output file and its source, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Source)> {
        self.files.iter().map(|(file, source)| (file.as_str(), source))
    }

    /// What produces the output file at `file`, if the site has it.
    pub fn get(&self, file: &str) -> Option<&Source> {
        self.files.get(file)
    }

    /// The output file's path as the table holds it, with its source.
    pub fn entry(&self, file: &str) -> Option<(&str, &Source)> {
        self.files.get_key_value(file).map(|(file, source)| (file.as_str(), source))
    }

    /// The source of the page a URL path under the site root serves
    /// (`toolkits/primer/`, `feed.xml`, `` for the home page), if any.
    pub fn at_url(&self, url_path: &str) -> Option<&Source> {
        let path = url_path.trim_start_matches('/');
        if path.is_empty() || path.ends_with('/') {
            return self.files.get(&index_file(path));
        }
        self.files.get(path).or_else(|| self.files.get(&index_file(&format!("{path}/"))))
    }

    /// The page path (`toolkits/primer/`) of a Markdown source under `content/`
    /// (`toolkits/primer.md`, `case-studies/_index.md`), with the page's key.
    pub fn markdown_source(&self, content_path: &str) -> Option<(&str, Option<&PageKey>)> {
        self.sources.get(content_path).map(|(path, key)| (path.as_str(), key.as_ref()))
    }

    /// Every Markdown source path a link may name, for "did you mean" hints.
    pub fn markdown_sources(&self) -> impl Iterator<Item = &str> {
        self.sources.keys().map(String::as_str)
    }

    /// Every content asset's path under `content/`.
    pub fn assets(&self) -> impl Iterator<Item = &str> {
        self.iter().filter(|(file, source)| is_content_file(file, source)).map(|(file, _)| file)
    }

    /// How the search index is split into files; `None` when search is off.
    pub fn search_plan(&self) -> Option<SearchPlan> {
        self.search
    }

    /// True when `content_path` is a file under `content/` that is published.
    pub fn is_asset(&self, content_path: &str) -> bool {
        self.files.get(content_path).is_some_and(|source| is_content_file(content_path, source))
    }
}

/// The URL path under the site root that serves an output file:
/// `toolkits/primer/` for `toolkits/primer/index.html`, the file otherwise.
pub fn url_path(file: &str) -> &str {
    file.strip_suffix("index.html").unwrap_or(file)
}

/// The output file that serves a folder's URL path: `toolkits/primer/index.html`
/// for `toolkits/primer/` (and `index.html` for the home page's ``).
pub fn index_file(folder: &str) -> String {
    format!("{folder}index.html")
}

/// `case-studies/eeast/`: a page's folder under `content/` and its slug.
pub fn page_path(page: &Page) -> String {
    let dir = page.dir.to_string_lossy();
    let mut path = String::with_capacity(dir.len() + page.slug.len() + 2);
    for part in dir.split(['/', '\\']).filter(|part| !part.is_empty()) {
        path.push_str(part);
        path.push('/');
    }
    path.push_str(&page.slug);
    path.push('/');
    path
}

/// `case-studies/`: the list of a section's pages.
pub fn section_path(kind: KindName) -> String {
    kind.section_dir().map_or_else(String::new, |dir| format!("{dir}/"))
}

/// `themes/`: the list of a taxonomy's terms.
pub fn taxonomy_path(taxonomy: Taxonomy) -> String {
    format!("{}/", taxonomy.segment())
}

/// `themes/belonging/`: the list of one term's pages.
pub fn term_path(taxonomy: Taxonomy, slug: &str) -> String {
    format!("{}/{slug}/", taxonomy.segment())
}

/// `themes/belonging/feed.xml`: the feed of a list at `path`.
pub fn feed_path(path: &str) -> String {
    format!("{path}{SITE_FEED}")
}

/// The path of page `n` of a listing at `path`: page 1 is the listing itself.
pub fn paginated_path(path: &str, number: usize) -> String {
    if number <= 1 { path.to_string() } else { format!("{path}page/{number}/") }
}

/// What the routes table is made from.
pub struct Inputs<'a> {
    pub pages: &'a BTreeMap<PageKey, Arc<Page>>,
    pub paths: &'a QuickMap<PageKey, String>,
    pub sections: &'a [Section],
    pub taxonomies: [(Taxonomy, &'a [Listing]); 3],
    pub per_page: usize,
    pub assets: &'a [Asset],
    pub static_files: &'a BTreeMap<String, StaticFile>,
    /// Whether the hub has a search index.
    pub search: bool,
    /// Whether the hub has the browser editor (`[cms]`).
    pub cms: bool,
}

/// Makes the routes table. Each path taken twice is reported once, at the
/// author's file of the two, naming the other.
pub fn build(inputs: &Inputs) -> (Routes, Vec<Diagnostic>) {
    let mut table = Table { inputs, routes: Routes::default(), problems: Vec::new() };
    table.generated();
    table.lists();
    if inputs.search {
        let plan = SearchPlan::for_pages(inputs.pages.len());
        for file in plan.files() {
            table.add(file.path(), Source::SearchIndex(file));
        }
        table.routes.search = Some(plan);
    }
    for (key, path) in sorted_paths(inputs.paths) {
        table.add(index_file(path), Source::Page(key.clone()));
    }
    for (key, page) in inputs.pages {
        for (alias, old) in page.meta.aliases.iter().enumerate() {
            let file =
                if old.path.ends_with(".html") { old.path.clone() } else { index_file(&format!("{}/", old.path)) };
            table.add(file, Source::Alias { page: key.clone(), alias });
        }
    }
    for asset in inputs.assets {
        match &asset.picture {
            Some(picture) if picture.format.is_made() => {
                for variant in picture.variants() {
                    let source = Source::Picture { path: picture.path.clone(), width: variant.size.width };
                    table.add(variant.path, source);
                }
            }
            _ => table.add(slash_path(&asset.path), Source::Asset(asset.source.clone())),
        }
    }
    for file in inputs.static_files.keys() {
        table.add(file.clone(), Source::Static);
    }
    table.sources();
    (table.routes, table.problems)
}

fn sorted_paths(paths: &QuickMap<PageKey, String>) -> Vec<(&PageKey, &String)> {
    let mut sorted: Vec<(&PageKey, &String)> = paths.iter().collect();
    sorted.sort_by(|a, b| a.1.cmp(b.1).then_with(|| a.0.cmp(b.0)));
    sorted
}

/// The table being filled, with the problems found so far.
struct Table<'a> {
    inputs: &'a Inputs<'a>,
    routes: Routes,
    problems: Vec<Diagnostic>,
}

impl Table<'_> {
    /// The files the hub writes whatever its content.
    fn generated(&mut self) {
        for (file, source) in [
            (index_file(""), Source::Home),
            (index_file(SEARCH), Source::Search),
            (index_file(EVIDENCE), Source::Evidence),
            (EVIDENCE_CSV.to_string(), Source::EvidenceCsv),
            (NOT_FOUND.to_string(), Source::NotFound),
            (SITE_FEED.to_string(), Source::SiteFeed),
            (SITEMAP.to_string(), Source::Sitemap),
            (ROBOTS.to_string(), Source::Robots),
        ] {
            self.add(file, source);
        }
        if self.inputs.cms {
            self.add(index_file(ADMIN), Source::Admin);
            self.add(ADMIN_CONFIG.to_string(), Source::AdminConfig);
        }
        for taxonomy in Taxonomy::ALL {
            self.add(index_file(&taxonomy_path(taxonomy)), Source::TaxonomyIndex(taxonomy));
        }
    }

    /// Every page of every section and term list, and each theme's feed.
    fn lists(&mut self) {
        let per_page = self.inputs.per_page;
        for section in self.inputs.sections {
            let listing = &section.listing;
            for number in 1..=page_count(listing.pages.len(), per_page) {
                let file = index_file(&paginated_path(&listing.path, number));
                self.add(file, Source::Section { kind: section.kind, number });
            }
        }
        for (taxonomy, listings) in self.inputs.taxonomies {
            for listing in listings {
                for number in 1..=page_count(listing.pages.len(), per_page) {
                    let file = index_file(&paginated_path(&listing.path, number));
                    self.add(file, Source::Term { taxonomy, slug: listing.slug.clone(), number });
                }
                if taxonomy == Taxonomy::Themes {
                    self.add(feed_path(&listing.path), Source::ThemeFeed(listing.slug.clone()));
                }
            }
        }
    }

    /// What Markdown links may name: every page's source, and each section's
    /// `_index.md` (which names the section's list, whether the file exists or not).
    fn sources(&mut self) {
        let sources = &mut self.routes.sources;
        for (key, path) in self.inputs.paths {
            sources.insert(key.as_str().to_string(), (path.clone(), Some(key.clone())));
        }
        sources.insert("_index.md".to_string(), (String::new(), None));
        for kind in KindName::SECTIONS {
            if let Some(dir) = kind.section_dir() {
                sources.insert(format!("{dir}/_index.md"), (section_path(kind), None));
            }
        }
    }

    fn add(&mut self, file: String, source: Source) {
        use std::collections::btree_map::Entry;
        match self.routes.files.entry(file) {
            Entry::Vacant(vacant) => {
                vacant.insert(source);
            }
            Entry::Occupied(taken) => {
                let problem = self.inputs.collision(taken.key(), taken.get(), &source);
                self.problems.push(problem);
            }
        }
    }
}

impl Inputs<'_> {
    /// The error for `new` wanting the path `existing` has: at the author's
    /// file among the two (the newer one when both are), naming the other.
    fn collision(&self, file: &str, existing: &Source, new: &Source) -> Diagnostic {
        let url = format!("/{}", url_path(file));
        let (blamed, other) = if is_content(new) || !is_content(existing) { (new, existing) } else { (existing, new) };
        let message = format!("{} and {} both publish {url}", self.name(file, blamed), self.name(file, other));
        let hint = match (blamed, other) {
            (Source::Alias { .. }, _) => "remove this alias, or point it at an address no other file uses",
            (Source::Page(_), _) => "rename the file, or set `slug:` to another name",
            (Source::Asset(_) | Source::Picture { .. }, Source::Static) => {
                "to replace a theme's file, put yours in the static/ folder beside content/; otherwise rename it"
            }
            _ => "rename or move one of the two files",
        };
        let Some((path, line, field)) = self.author_file(file, blamed) else {
            return Diagnostic::new(Code::DuplicateUrl, self.name(file, blamed), message).hint(hint);
        };
        let diagnostic = Diagnostic::new(Code::DuplicateUrl, path, message).at(line, 1).hint(hint);
        match field {
            Some(field) => diagnostic.field(field),
            None => diagnostic,
        }
    }

    /// The file an author wrote that makes `source` at `file`, with the line
    /// and front-matter field to point at; `None` for the hub's own pages.
    fn author_file(&self, file: &str, source: &Source) -> Option<(PathBuf, usize, Option<&'static str>)> {
        match source {
            Source::Page(key) => Some((page_file(key), 1, Some("slug"))),
            Source::Alias { page, alias } => {
                let line = self.pages.get(page).and_then(|p| p.meta.aliases.get(*alias)).map_or(1, |a| a.line);
                Some((page_file(page), line, Some("aliases")))
            }
            Source::Asset(_) => Some((Path::new(DIR).join(file), 0, None)),
            Source::Picture { path, .. } => Some((Path::new(DIR).join(path), 0, None)),
            Source::Static => self.static_files.get(file).map(|found| (found.origin.clone(), 0, None)),
            _ => None,
        }
    }

    /// A source as an author would recognise it in a message: their file, or
    /// which of the hub's own pages it is.
    fn name(&self, file: &str, source: &Source) -> String {
        if let Some((path, _, _)) = self.author_file(file, source) {
            return display_path(&path);
        }
        match source {
            Source::Home => "the hub's home page".to_string(),
            Source::Search => "the hub's search page".to_string(),
            Source::Evidence => "the hub's evidence page".to_string(),
            Source::EvidenceCsv => "the hub's evidence table (CSV)".to_string(),
            Source::Admin | Source::AdminConfig => "the hub's page editor ([cms] in site.toml)".to_string(),
            Source::NotFound => "the hub's \"page not found\" page".to_string(),
            Source::SiteFeed | Source::ThemeFeed(_) => "the hub's Atom feed".to_string(),
            Source::Sitemap => "the hub's sitemap".to_string(),
            Source::Robots => "the hub's robots.txt".to_string(),
            Source::SearchIndex(_) => "the hub's search index".to_string(),
            Source::Section { kind, .. } => format!("the hub's list of {}", kind.plural().to_lowercase()),
            Source::TaxonomyIndex(taxonomy) | Source::Term { taxonomy, .. } => {
                format!("the hub's {} pages", taxonomy.title().to_lowercase())
            }
            Source::Page(_) | Source::Alias { .. } | Source::Asset(_) | Source::Picture { .. } | Source::Static => {
                file.to_string()
            }
        }
    }
}

/// True for sources an author writes under `content/`. A clash is reported
/// at the content file of the two, else at the newer source: static files are
/// added after the hub's own pages, so a static file is blamed before them.
fn is_content(source: &Source) -> bool {
    matches!(source, Source::Page(_) | Source::Alias { .. } | Source::Asset(_) | Source::Picture { .. })
}

/// The file of `content/` that output file `file` is made from, by its
/// path under `content/`: an asset's own, or a picture's at any width.
pub fn content_file<'a>(file: &'a str, source: &'a Source) -> Option<&'a str> {
    match source {
        Source::Asset(_) => Some(file),
        Source::Picture { path, .. } => Some(path),
        _ => None,
    }
}

/// True when `file` is a file of `content/` published at its own path (a
/// picture's narrower widths are not: no author wrote them).
fn is_content_file(file: &str, source: &Source) -> bool {
    match source {
        Source::Asset(_) => true,
        Source::Picture { path, .. } => path == file,
        _ => false,
    }
}

/// `content/case-studies/eeast.md`: a page's file relative to the site root.
fn page_file(key: &PageKey) -> PathBuf {
    Path::new(DIR).join(key.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_one_of_a_listing_is_the_listing() {
        assert_eq!(paginated_path("themes/belonging/", 1), "themes/belonging/");
        assert_eq!(paginated_path("themes/belonging/", 3), "themes/belonging/page/3/");
    }
}
