//! Turns the `Site` into output files, without touching disk:
//!
//! 1. `bodies` renders every page's Markdown (each page alone, in parallel),
//!    then checks `#anchor` links across pages.
//! 2. `render` makes the file of one entry of the site's routes table; callers
//!    run every route in parallel and write each file as it comes, so memory
//!    stays flat at 100,000 pages, and a preview can render one page by
//!    running its route alone.

mod bodies;
mod chart;
pub mod cms;
mod evidence;
mod feeds;
mod views;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::content::{KindName, PageKey};
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::hashing::QuickMap;
use crate::pictures::Cache;
use crate::search;
use crate::site::{Listing, Section, Site, Source, Taxonomy, paginated_path, routes};
use crate::theme::{self, StaticContents, Theme};
use views::{Card, Link, PageView, Pagination, SiteView, TermLink};

pub use bodies::{Bodies, BodyInputs, Markdown, bodies};
pub use views::footer_pages;

/// One file of the built site, by path under the output folder.
#[derive(Debug)]
pub struct OutputFile {
    pub path: String,
    pub contents: Contents,
}

#[derive(Debug)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// A file to copy as it is, such as an image.
    Copy(PathBuf),
}

/// What rendering reads: the site, its bodies, the theme, the search index,
/// and what is made once for many files (`Shared`).
pub struct Inputs<'a> {
    pub site: &'a Site,
    pub bodies: &'a Bodies,
    pub theme: &'a Theme,
    pub search: &'a search::Index,
    /// The day "due for review" is judged against.
    pub today: Date,
    pub shared: &'a Shared,
    /// Where made pictures are: their files are copied from there.
    pub pictures: &'a Cache,
}

/// Template values made once for a site and its bodies and shared by every
/// file rendered from them; a model keeps one, so a preview makes each card
/// once however many requests show it.
pub struct Shared {
    /// The `site` value of templates, made once per menu entry that can be
    /// current: rebuilding it for each of 100,000 pages cost a third of a build.
    site_views: HashMap<String, tera::Value>,
    /// Each page's card, made the first time a list, a related block or the
    /// home page shows it: a page is on a dozen lists and related blocks, and
    /// making its card for each was a tenth of a build.
    cards: QuickMap<PageKey, OnceLock<tera::Value>>,
}

impl Shared {
    /// The shared values of `site`, made as they are first asked for (but
    /// for the few `site` values, made now).
    pub fn new(site: &Site) -> Shared {
        let mut currents: Vec<String> = vec![String::new(), "search".to_string()];
        currents.extend(site.sections.iter().map(|section| section.listing.slug.clone()));
        currents.extend(Taxonomy::ALL.iter().map(|taxonomy| taxonomy.segment().to_string()));
        let site_views = currents
            .into_iter()
            .map(|current| {
                let view = tera::Value::from_serializable(&SiteView::new(site, &current));
                (current, view)
            })
            .collect();
        let cards = site.pages.keys().map(|key| (key.clone(), OnceLock::new())).collect();
        Shared { site_views, cards }
    }
}

impl Inputs<'_> {
    /// The card of the page `key`, as a template value.
    fn card(&self, key: &PageKey) -> tera::Value {
        let make = || tera::Value::from_serializable(&Card::new(self.site, self.bodies, key));
        match self.shared.cards.get(key) {
            Some(card) => card.get_or_init(make).clone(),
            None => make(),
        }
    }

    fn site_view(&self, current: &str) -> tera::Value {
        match self.shared.site_views.get(current) {
            Some(view) => view.clone(),
            None => tera::Value::from_serializable(&SiteView::new(self.site, current)),
        }
    }
}

/// The template an HTML route is rendered with, if it is one.
fn template(site: &Site, source: &Source) -> Option<String> {
    let name = match source {
        Source::Page(key) => return Some(format!("{}.html", site.page(key).kind_name().slug())),
        Source::Home => "home.html",
        Source::Section { .. } => "section.html",
        Source::TaxonomyIndex(_) => "taxonomy.html",
        Source::Term { .. } => "term.html",
        Source::Search => "search.html",
        Source::Evidence => "evidence.html",
        Source::NotFound => "404.html",
        _ => return None,
    };
    Some(name.to_string())
}

/// Makes the file at `file`, which `source` produces. Template errors come
/// back as diagnostics.
pub fn render(file: &str, source: &Source, inputs: &Inputs) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    let text = |text: String| Ok(OutputFile { path: file.to_string(), contents: Contents::Bytes(text.into_bytes()) });
    match source {
        Source::Page(key) => {
            let page = site.page(key);
            let view = PageView::new(site, inputs.bodies, key, inputs.today, &|other| inputs.card(other));
            let current = page.kind_name().section_dir().unwrap_or("");
            let html = Html { file, canonical: site.path(key), current, title: &page.meta.title, page: Some(key) };
            html_page(inputs, &html, source, &|context| context.insert("page", &view))
        }
        Source::Home => home(inputs, file),
        Source::Section { kind, number } => match site.section(*kind) {
            Some(section) => section_page(inputs, file, section, *number),
            None => Err(missing(file)),
        },
        Source::TaxonomyIndex(taxonomy) => {
            let terms = views::term_links(site, site.taxonomy(*taxonomy));
            let html = Html {
                file,
                canonical: &routes::taxonomy_path(*taxonomy),
                current: taxonomy.segment(),
                title: taxonomy.title(),
                page: None,
            };
            html_page(inputs, &html, source, &|context| {
                context.insert("taxonomy", taxonomy.segment());
                context.insert("terms", &terms);
            })
        }
        Source::Term { taxonomy, slug, number } => {
            match site.taxonomy(*taxonomy).iter().find(|term| &term.slug == slug) {
                Some(listing) => term_page(inputs, file, *taxonomy, listing, *number),
                None => Err(missing(file)),
            }
        }
        Source::Search => search_page(inputs, file),
        Source::Evidence => evidence_page(inputs, file),
        Source::EvidenceCsv => text(evidence::csv(site, &evidence::rows(site))),
        Source::Admin | Source::AdminConfig => match &site.config.cms {
            Some(cms) if *source == Source::Admin => text(cms::admin_page(&site.config, cms)),
            Some(cms) => text(cms::config_yaml(&site.config, cms)),
            None => Err(missing(file)),
        },
        Source::SearchIndex(index_file) => match inputs.search.file(*index_file) {
            Some(bytes) => Ok(OutputFile { path: file.to_string(), contents: Contents::Bytes(bytes.to_vec()) }),
            None => Err(missing(file)),
        },
        Source::NotFound => {
            let html = Html { file, canonical: "", current: "", title: "Page not found", page: None };
            html_page(inputs, &html, source, &|_| {})
        }
        Source::SiteFeed => text(feeds::atom(site, &site.config.title, &site.newest, file, "")),
        Source::ThemeFeed(slug) => match site.term(Taxonomy::Themes, slug) {
            Some(listing) => {
                let title = format!("{}: {}", site.config.title, listing.name);
                text(feeds::atom(site, &title, &listing.pages, file, &listing.path))
            }
            None => Err(missing(file)),
        },
        Source::Sitemap => text(feeds::sitemap(site)),
        Source::Robots => text(feeds::robots(site)),
        Source::Alias { page, .. } => text(feeds::redirect(site, site.path(page), &site.page(page).meta.title)),
        Source::Static => {
            let contents = match inputs.theme.static_files.get(file).map(|found| &found.contents) {
                Some(StaticContents::Embedded(data)) => Contents::Bytes(data.to_vec()),
                Some(StaticContents::Disk(path)) => Contents::Copy(path.clone()),
                None => return Err(missing(file)),
            };
            Ok(OutputFile { path: file.to_string(), contents })
        }
        Source::Asset(path) => Ok(OutputFile { path: file.to_string(), contents: Contents::Copy(path.clone()) }),
        Source::Picture { path, width } => {
            let Some(picture) = site.pictures.get(path) else { return Err(missing(file)) };
            let variant = picture.variants().into_iter().find(|variant| variant.size.width == *width);
            let Some(variant) = variant else { return Err(missing(file)) };
            let made = inputs.pictures.file(picture, &variant);
            Ok(OutputFile { path: file.to_string(), contents: Contents::Copy(made) })
        }
    }
}

/// A route whose source the model does not have: only reachable when a
/// routes table from one model is rendered with another.
fn missing(file: &str) -> Diagnostic {
    Diagnostic::new(crate::diagnostics::Code::Template, file, "nothing in the site makes this file any more")
        .hint("build again: the site changed while this file was being made")
}

/// Where an HTML page goes and what its template is told about it.
struct Html<'a> {
    /// The output file, such as `themes/index.html`.
    file: &'a str,
    /// The path its canonical link points at, such as `themes/`.
    canonical: &'a str,
    /// The menu entry to mark as current.
    current: &'a str,
    title: &'a str,
    /// The hub's page it shows, if it is one.
    page: Option<&'a PageKey>,
}

/// An HTML page, with the context every template shares and what `fill` adds.
fn html_page(
    inputs: &Inputs,
    html: &Html,
    source: &Source,
    fill: &dyn Fn(&mut tera::Context),
) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    let mut context = tera::Context::new();
    context.insert_value("site", inputs.site_view(html.current));
    context.insert("title", html.title);
    let canonical = site.absolute_url(html.canonical);
    context.insert("share", &views::Share::new(site, inputs.bodies, html.page, html.title, canonical.clone()));
    context.insert("canonical", &canonical);
    fill(&mut context);
    let template = template(site, source).unwrap_or_default();
    let bytes = render_template(inputs.theme, &template, &context)?;
    Ok(OutputFile { path: html.file.to_string(), contents: Contents::Bytes(bytes) })
}

fn home(inputs: &Inputs, file: &str) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    let intro = inputs.bodies.home().map(|body| body.html.as_str());
    let latest: Vec<tera::Value> = site
        .section(KindName::CaseStudy)
        .map(|section| section.listing.pages.iter().take(6).map(|key| inputs.card(key)).collect())
        .unwrap_or_default();
    let sections: Vec<TermLink> = site.sections.iter().map(|s| section_link(site, s)).collect();
    let themes = views::term_links(site, &site.themes);
    let title = site.home.as_ref().and_then(|home| home.title.as_deref()).unwrap_or(&site.config.title);
    let html = Html { file, canonical: "", current: "", title, page: None };
    html_page(inputs, &html, &Source::Home, &|context| {
        context.insert("intro", &intro);
        context.insert("latest", &latest);
        context.insert("sections", &sections);
        context.insert("themes", &themes);
    })
}

fn search_page(inputs: &Inputs, file: &str) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    let sections: Vec<TermLink> = site.sections.iter().map(|s| section_link(site, s)).collect();
    let themes = views::term_links(site, &site.themes);
    let organisations = views::term_links(site, &site.organisations);
    let regions = views::term_links(site, &site.regions);
    let html = Html { file, canonical: routes::SEARCH, current: "search", title: "Search", page: None };
    html_page(inputs, &html, &Source::Search, &|context| {
        context.insert("sections", &sections);
        context.insert("themes", &themes);
        context.insert("organisations", &organisations);
        context.insert("regions", &regions);
    })
}

/// Every outcome of every case study in one table, with the choices its
/// filters offer.
fn evidence_page(inputs: &Inputs, file: &str) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    let rows = evidence::rows(site);
    let themes = evidence::choices(&rows, |row| row.themes.iter().map(|t| (t.slug.clone(), t.name)).collect());
    let regions = evidence::choices(&rows, |row| row.region.iter().map(|r| (r.slug.clone(), r.name)).collect());
    let measures = evidence::choices(&rows, |row| vec![(row.measure_slug.clone(), row.figures.measure)]);
    let case_studies = rows.iter().map(|row| &row.url).collect::<std::collections::HashSet<_>>().len();
    let csv_url = site.url(routes::EVIDENCE_CSV);
    let html =
        Html { file, canonical: routes::EVIDENCE, current: "", title: "Evidence: what worked, in figures", page: None };
    html_page(inputs, &html, &Source::Evidence, &|context| {
        context.insert("rows", &rows);
        context.insert("case_studies", &case_studies);
        context.insert("themes", &themes);
        context.insert("regions", &regions);
        context.insert("measures", &measures);
        context.insert("csv_url", &csv_url);
    })
}

fn section_link<'a>(site: &'a Site, section: &'a Section) -> TermLink<'a> {
    TermLink {
        name: &section.listing.name,
        url: site.url(&section.listing.path),
        description: section.kind.label(),
        count: section.listing.pages.len(),
    }
}

fn section_page(inputs: &Inputs, file: &str, section: &Section, number: usize) -> Result<OutputFile, Diagnostic> {
    let listing = &section.listing;
    let intro = inputs.bodies.section(section.kind).map(|body| body.html.as_str());
    let source = Source::Section { kind: section.kind, number };
    let list = List { file, listing, number, by_kind: false, current: &listing.slug, source: &source };
    list_page(inputs, &list, &|context| {
        context.insert("intro", &intro);
        context.insert("kind", section.kind.slug());
    })
}

fn term_page(
    inputs: &Inputs,
    file: &str,
    taxonomy: Taxonomy,
    listing: &Listing,
    number: usize,
) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    let feed_url = (taxonomy == Taxonomy::Themes).then(|| site.url(&routes::feed_path(&listing.path)));
    let parent = Link { name: taxonomy.title(), url: site.url(&routes::taxonomy_path(taxonomy)) };
    let source = Source::Term { taxonomy, slug: listing.slug.clone(), number };
    let list = List { file, listing, number, by_kind: true, current: taxonomy.segment(), source: &source };
    list_page(inputs, &list, &|context| {
        context.insert("description", &listing.description);
        context.insert("taxonomy", taxonomy.segment());
        context.insert("parent", &parent);
        context.insert("feed_url", &feed_url);
    })
}

/// One page of a list of pages: a section or a term.
struct List<'a> {
    file: &'a str,
    listing: &'a Listing,
    number: usize,
    /// Group the cards under a heading per type (term pages do).
    by_kind: bool,
    /// The menu entry to mark as current.
    current: &'a str,
    source: &'a Source,
}

/// Page `list.number` of a list, with pagination links.
fn list_page(inputs: &Inputs, list: &List, fill: &dyn Fn(&mut tera::Context)) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    let per_page = site.config.paginate;
    let members = &list.listing.pages;
    let total = crate::site::page_count(members.len(), per_page);
    let (start, end) = ((list.number - 1) * per_page, list.number * per_page);
    let slice = &members[start.min(members.len())..end.min(members.len())];
    let groups = views::groups(site, slice, list.by_kind, &|key| inputs.card(key));
    let pagination = Pagination::new(site, &list.listing.path, list.number, total);
    let own_path = paginated_path(&list.listing.path, list.number);
    let name = &list.listing.name;
    let title = if list.number > 1 { format!("{name} (page {} of {total})", list.number) } else { name.to_string() };
    let html = Html { file: list.file, canonical: &own_path, current: list.current, title: &title, page: None };
    html_page(inputs, &html, list.source, &|context| {
        context.insert("name", name);
        context.insert("groups", &groups);
        context.insert("count", &members.len());
        context.insert("pagination", &pagination);
        fill(context);
    })
}

fn render_template(theme: &Theme, name: &str, context: &tera::Context) -> Result<Vec<u8>, Diagnostic> {
    theme
        .tera
        .render(name, context)
        .map(String::into_bytes)
        .map_err(|error| theme::template_error(&PathBuf::from("themes/hub/templates").join(name), &error))
}
