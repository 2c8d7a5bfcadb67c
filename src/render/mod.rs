//! Turns the `Site` into output files, without touching disk:
//!
//! 1. `bodies` renders every page's Markdown in parallel and checks `#anchor`
//!    links once every page's ids are known.
//! 2. `jobs` lists every file the site has (pages, lists, feeds, static files).
//! 3. `render` makes one job's `OutputFile`; callers run jobs in parallel and
//!    write each file as it comes, so memory stays flat at 100,000 pages, and a
//!    later change can re-render one page by running its job alone.

mod chart;
pub mod feeds;
mod views;

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::content::{KindName, SectionIndex};
use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic};
use crate::markdown::{self, Rendered};
use crate::site::{Site, Taxonomy, paginated_path};
use crate::theme::{self, StaticFile, Theme};
use views::{Card, Link, PageView, Pagination, SiteView, TermLink};

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

/// The rendered Markdown of every page and section introduction.
pub struct Bodies {
    pub pages: Vec<Rendered>,
    pub home: Option<Rendered>,
    /// Section introductions, in `site.sections` order.
    pub sections: Vec<Option<Rendered>>,
}

/// One file to make.
#[derive(Clone, Copy, Debug)]
pub enum Job {
    Page(usize),
    Home,
    Section { section: usize, number: usize },
    TaxonomyIndex(Taxonomy),
    Term { taxonomy: Taxonomy, term: usize, number: usize },
    Search,
    NotFound,
    SiteFeed,
    ThemeFeed(usize),
    Sitemap,
    Robots,
    Alias { page: usize, alias: usize },
    Static(usize),
    Asset(usize),
}

/// What rendering needs besides the site.
pub struct Inputs<'a> {
    pub site: &'a Site,
    pub bodies: &'a Bodies,
    pub theme: &'a Theme,
    /// The day "due for review" is judged against.
    pub today: Date,
    /// The `site` value of templates, made once per menu entry that can be
    /// current: rebuilding it for each of 100,000 pages cost a third of a build.
    site_views: HashMap<String, tera::Value>,
}

impl<'a> Inputs<'a> {
    pub fn new(site: &'a Site, bodies: &'a Bodies, theme: &'a Theme, today: Date) -> Inputs<'a> {
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
        Inputs { site, bodies, theme, today, site_views }
    }

    fn site_view(&self, current: &str) -> tera::Value {
        match self.site_views.get(current) {
            Some(view) => view.clone(),
            None => tera::Value::from_serializable(&SiteView::new(self.site, current)),
        }
    }
}

/// Renders every page's Markdown, and reports broken `#anchor` links.
pub fn bodies(site: &Site) -> (Bodies, Vec<Diagnostic>) {
    let allow_html = site.config.allow_html;
    let pages: Vec<Rendered> = site
        .pages
        .par_iter()
        .map(|page| {
            let dir = page
                .file
                .parent()
                .and_then(|dir| dir.strip_prefix(crate::content::DIR).ok())
                .unwrap_or(std::path::Path::new(""));
            let source = markdown::Source {
                markdown: &page.body,
                file: &page.file,
                dir,
                first_line: page.body_line,
                allow_html,
            };
            markdown::render(&source, &site.targets)
        })
        .collect();
    let intro = |index: &SectionIndex| {
        let source = markdown::Source {
            markdown: &index.body,
            file: &index.file,
            dir: &index.dir,
            first_line: index.body_line,
            allow_html,
        };
        markdown::render(&source, &site.targets)
    };
    let home = site.home.as_ref().map(intro);
    let sections = site.sections.iter().map(|section| section.intro.as_ref().map(intro)).collect();
    let mut bodies = Bodies { pages, home, sections };
    let mut diagnostics = anchor_problems(site, &bodies);
    for body in bodies.pages.iter_mut().chain(bodies.home.iter_mut()).chain(bodies.sections.iter_mut().flatten()) {
        diagnostics.append(&mut body.diagnostics);
    }
    (bodies, diagnostics)
}

/// Checks every `#anchor` link against the ids of the page it points at.
fn anchor_problems(site: &Site, bodies: &Bodies) -> Vec<Diagnostic> {
    let pages = bodies.pages.iter().enumerate().map(|(i, body)| (Some(i), site.pages[i].file.as_path(), body));
    let home = site.home.iter().zip(bodies.home.iter()).map(|(index, body)| (None, index.file.as_path(), body));
    let intros = site
        .sections
        .iter()
        .zip(bodies.sections.iter())
        .filter_map(|(section, body)| Some((None, section.intro.as_ref()?.file.as_path(), body.as_ref()?)));
    let mut diagnostics = Vec::new();
    for (owner, file, body) in pages.chain(home).chain(intros) {
        for link in &body.anchor_links {
            let ids = match link.page.or(owner) {
                Some(index) => &bodies.pages[index].ids,
                None => &body.ids,
            };
            if ids.contains(&link.anchor) {
                continue;
            }
            let mut known: Vec<&str> = ids.iter().map(String::as_str).filter(|id| !id.starts_with("fnref-")).collect();
            known.sort_unstable();
            let hint = crate::diagnostics::did_you_mean(&link.anchor, known.iter().copied()).unwrap_or_else(|| {
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

/// Every file the site has, in a stable order.
pub fn jobs(site: &Site, theme: &Theme) -> Vec<Job> {
    let per_page = site.config.paginate;
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
    jobs.push(Job::Home);
    for (section, listing) in site.sections.iter().map(|s| &s.listing).enumerate() {
        for number in 1..=crate::site::page_count(listing.pages.len(), per_page) {
            jobs.push(Job::Section { section, number });
        }
    }
    for taxonomy in Taxonomy::ALL {
        jobs.push(Job::TaxonomyIndex(taxonomy));
        for (term, listing) in site.taxonomy(taxonomy).iter().enumerate() {
            for number in 1..=crate::site::page_count(listing.pages.len(), per_page) {
                jobs.push(Job::Term { taxonomy, term, number });
            }
        }
    }
    jobs.extend([Job::Search, Job::NotFound, Job::SiteFeed, Job::Sitemap, Job::Robots]);
    jobs.extend((0..site.themes.len()).map(Job::ThemeFeed));
    for (page, content) in site.pages.iter().enumerate() {
        jobs.extend((0..content.meta.aliases.len()).map(|alias| Job::Alias { page, alias }));
    }
    jobs.extend((0..theme.static_files.len()).map(Job::Static));
    jobs.extend((0..site.assets.len()).map(Job::Asset));
    jobs
}

/// Makes one file. Template errors come back as diagnostics.
pub fn render(job: Job, inputs: &Inputs) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    match job {
        Job::Page(index) => {
            let page = &site.pages[index];
            let view = PageView::new(site, index, &inputs.bodies.pages[index], inputs.today);
            let template = format!("{}.html", page.kind_name().slug());
            let current = page.kind_name().section_dir().unwrap_or("");
            html_page(inputs, &site.paths[index], &template, current, &page.meta.title, &|context| {
                context.insert("page", &view)
            })
        }
        Job::Home => home(inputs),
        Job::Section { section, number } => {
            let section_model = &site.sections[section];
            let listing = &section_model.listing;
            let intro = inputs.bodies.sections[section].as_ref().map(|body| body.html.as_str());
            let list = List {
                path: &listing.path,
                number,
                pages: &listing.pages,
                by_kind: false,
                current: &listing.slug,
                name: &listing.name,
            };
            list_page(inputs, &list, &|context| {
                context.insert("intro", &intro);
                context.insert("kind", section_model.kind.slug());
            })
        }
        Job::TaxonomyIndex(taxonomy) => {
            let terms = views::term_links(site, site.taxonomy(taxonomy));
            let path = format!("{}/", taxonomy.segment());
            html_page(inputs, &path, "taxonomy.html", taxonomy.segment(), taxonomy.title(), &|context| {
                context.insert("taxonomy", taxonomy.segment());
                context.insert("terms", &terms);
            })
        }
        Job::Term { taxonomy, term, number } => {
            let listing = &site.taxonomy(taxonomy)[term];
            let feed_url = (taxonomy == Taxonomy::Themes).then(|| site.url(&format!("{}feed.xml", listing.path)));
            let parent = Link { name: taxonomy.title(), url: site.url(&format!("{}/", taxonomy.segment())) };
            let list = List {
                path: &listing.path,
                number,
                pages: &listing.pages,
                by_kind: true,
                current: taxonomy.segment(),
                name: &listing.name,
            };
            list_page(inputs, &list, &|context| {
                context.insert("description", &listing.description);
                context.insert("taxonomy", taxonomy.segment());
                context.insert("parent", &parent);
                context.insert("feed_url", &feed_url);
            })
        }
        Job::Search => search(inputs),
        Job::NotFound => {
            let mut file = html_page(inputs, "", "404.html", "", "Page not found", &|_| {})?;
            file.path = "404.html".to_string();
            Ok(file)
        }
        Job::SiteFeed => {
            let mut newest: Vec<usize> =
                (0..site.pages.len()).filter(|&i| site.pages[i].kind_name() != KindName::Page).collect();
            newest.sort_by(|&a, &b| {
                site.pages[b].meta.date.cmp(&site.pages[a].meta.date).then_with(|| site.paths[a].cmp(&site.paths[b]))
            });
            Ok(bytes("feed.xml", feeds::atom(site, &site.config.title, &newest, "feed.xml", "")))
        }
        Job::ThemeFeed(term) => {
            let listing = &site.themes[term];
            let path = format!("{}feed.xml", listing.path);
            let title = format!("{}: {}", site.config.title, listing.name);
            Ok(bytes(&path, feeds::atom(site, &title, &listing.pages, &path, &listing.path)))
        }
        Job::Sitemap => Ok(bytes("sitemap.xml", feeds::sitemap(site))),
        Job::Robots => Ok(bytes("robots.txt", feeds::robots(site))),
        Job::Alias { page, alias } => {
            let from = site.pages[page].meta.aliases[alias].trim_matches('/');
            let path = if from.ends_with(".html") { from.to_string() } else { format!("{from}/index.html") };
            Ok(bytes(&path, feeds::redirect(site, &site.paths[page], &site.pages[page].meta.title)))
        }
        Job::Static(index) => {
            let (path, file) = &inputs.theme.static_files[index];
            let contents = match file {
                StaticFile::Embedded(data) => Contents::Bytes(data.to_vec()),
                StaticFile::Disk(source) => Contents::Copy(source.clone()),
            };
            Ok(OutputFile { path: path.clone(), contents })
        }
        Job::Asset(index) => {
            let asset = &site.assets[index];
            let path = asset.path.to_string_lossy().replace('\\', "/");
            Ok(OutputFile { path, contents: Contents::Copy(asset.source.clone()) })
        }
    }
}

/// An HTML page at `path` (a folder path such as `themes/`), with the context
/// every template shares and what `fill` adds.
fn html_page(
    inputs: &Inputs,
    path: &str,
    template: &str,
    current: &str,
    title: &str,
    fill: &dyn Fn(&mut tera::Context),
) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    let mut context = tera::Context::new();
    context.insert_value("site", inputs.site_view(current));
    context.insert("title", title);
    context.insert("canonical", &site.absolute_url(path));
    fill(&mut context);
    let bytes = render_template(inputs.theme, template, &context)?;
    Ok(OutputFile { path: format!("{path}index.html"), contents: Contents::Bytes(bytes) })
}

fn home(inputs: &Inputs) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    let intro = inputs.bodies.home.as_ref().map(|body| body.html.as_str());
    let latest: Vec<Card> = site
        .section(KindName::CaseStudy)
        .map(|section| section.listing.pages.iter().take(6).map(|&i| Card::new(site, i)).collect())
        .unwrap_or_default();
    let sections: Vec<TermLink> = site.sections.iter().map(|s| section_link(site, s)).collect();
    let themes = views::term_links(site, &site.themes);
    let title = site.home.as_ref().and_then(|home| home.title.as_deref()).unwrap_or(&site.config.title);
    html_page(inputs, "", "home.html", "", title, &|context| {
        context.insert("intro", &intro);
        context.insert("latest", &latest);
        context.insert("sections", &sections);
        context.insert("themes", &themes);
    })
}

fn search(inputs: &Inputs) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    let sections: Vec<TermLink> = site.sections.iter().map(|s| section_link(site, s)).collect();
    let themes = views::term_links(site, &site.themes);
    let organisations = views::term_links(site, &site.organisations);
    let regions = views::term_links(site, &site.regions);
    html_page(inputs, "search/", "search.html", "search", "Search", &|context| {
        context.insert("sections", &sections);
        context.insert("themes", &themes);
        context.insert("organisations", &organisations);
        context.insert("regions", &regions);
    })
}

fn bytes(path: &str, text: String) -> OutputFile {
    OutputFile { path: path.to_string(), contents: Contents::Bytes(text.into_bytes()) }
}

fn section_link<'a>(site: &'a Site, section: &'a crate::site::Section) -> TermLink<'a> {
    TermLink {
        name: &section.listing.name,
        url: site.url(&section.listing.path),
        description: section.kind.label(),
        count: section.listing.pages.len(),
    }
}

/// One page of a list of pages: a section or a term.
struct List<'a> {
    path: &'a str,
    number: usize,
    pages: &'a [usize],
    /// Group the cards under a heading per type (term pages do).
    by_kind: bool,
    /// The menu entry to mark as current.
    current: &'a str,
    name: &'a str,
}

/// Page `list.number` of a list, with pagination links.
fn list_page(inputs: &Inputs, list: &List, fill: &dyn Fn(&mut tera::Context)) -> Result<OutputFile, Diagnostic> {
    let site = inputs.site;
    let per_page = site.config.paginate;
    let total = crate::site::page_count(list.pages.len(), per_page);
    let (start, end) = ((list.number - 1) * per_page, list.number * per_page);
    let slice = &list.pages[start.min(list.pages.len())..end.min(list.pages.len())];
    let groups = views::groups(site, slice, list.by_kind);
    let pagination = Pagination::new(site, list.path, list.number, total);
    let own_path = paginated_path(list.path, list.number);
    let title = if list.number > 1 {
        format!("{} (page {} of {total})", list.name, list.number)
    } else {
        list.name.to_string()
    };
    let template = if list.by_kind { "term.html" } else { "section.html" };
    html_page(inputs, &own_path, template, list.current, &title, &|context| {
        context.insert("name", list.name);
        context.insert("groups", &groups);
        context.insert("count", &list.pages.len());
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
