//! The dependency map: for each output file, the content files and templates it
//! is made from. A preview uses it to re-render only what an edit touches: an
//! edit to `case-studies/eeast.md` re-renders that page, the lists, taxonomy
//! pages and feeds that show it, and the pages whose related block names it.
//!
//! A list depends on every member, not only those on its page: a changed date
//! can move a page from one page of the list to another.

use std::collections::{BTreeMap, BTreeSet};

use crate::content::PageKey;
use crate::site::{Listing, Site, Source, Taxonomy};
use crate::theme::Theme;

use super::views;

/// What one output file is made from.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Content files whose front matter or body the file shows, by source path
    /// (`case-studies/eeast.md`, `case-studies/_index.md`).
    pub sources: BTreeSet<PageKey>,
    /// The templates it is rendered with, with every template they extend or
    /// include (`case-study.html`, `base.html`, `partials/card.html`).
    pub templates: BTreeSet<String>,
}

/// Every output file's `Needs`, by path under the output folder.
#[derive(Debug, Default)]
pub struct Dependencies {
    by_output: BTreeMap<String, Needs>,
}

impl Dependencies {
    /// What the output file at `file` is made from.
    pub fn of(&self, file: &str) -> Option<&Needs> {
        self.by_output.get(file)
    }

    /// The output files made from the content file `key`, sorted.
    pub fn outputs_using(&self, key: &PageKey) -> Vec<&str> {
        self.by_output.iter().filter(|(_, needs)| needs.sources.contains(key)).map(|(file, _)| file.as_str()).collect()
    }

    /// The output files rendered with the template `name`, sorted.
    pub fn outputs_using_template(&self, name: &str) -> Vec<&str> {
        self.by_output
            .iter()
            .filter(|(_, needs)| needs.templates.contains(name))
            .map(|(file, _)| file.as_str())
            .collect()
    }
}

/// Works out the map for every route of the site.
pub fn dependencies(site: &Site, theme: &Theme) -> Dependencies {
    // Every HTML page shows the menu (section names from their `_index.md`)
    // and the footer (the titles of the about and accessibility pages).
    let chrome: BTreeSet<PageKey> = site
        .sections
        .iter()
        .filter_map(|section| section.intro.as_ref().map(|intro| intro.key.clone()))
        .chain(views::footer_pages(site).into_iter().cloned())
        .collect();
    let by_output = site
        .routes
        .iter()
        .map(|(file, source)| {
            let mut sources = sources(site, source);
            let templates = match super::template(site, source) {
                Some(name) => {
                    sources.extend(chrome.iter().cloned());
                    theme.templates_used(&name)
                }
                None => BTreeSet::new(),
            };
            (file.to_string(), Needs { sources, templates })
        })
        .collect();
    Dependencies { by_output }
}

/// The content files one route shows.
fn sources(site: &Site, source: &Source) -> BTreeSet<PageKey> {
    let members = |listings: &mut dyn Iterator<Item = &Listing>| -> BTreeSet<PageKey> {
        listings.flat_map(|listing| listing.pages.iter().cloned()).collect()
    };
    let sections = || site.sections.iter().map(|section| &section.listing);
    match source {
        Source::Page(key) => std::iter::once(key).chain(site.related(key)).cloned().collect(),
        Source::Alias { page, .. } => BTreeSet::from([page.clone()]),
        Source::Home => {
            let mut shown = members(&mut sections().chain(&site.themes));
            shown.extend(site.home.as_ref().map(|home| home.key.clone()));
            shown
        }
        Source::Section { kind, .. } => {
            let section = site.section(*kind);
            let mut shown = members(&mut section.map(|section| &section.listing).into_iter());
            shown.extend(section.and_then(|section| section.intro.as_ref()).map(|intro| intro.key.clone()));
            shown
        }
        Source::TaxonomyIndex(taxonomy) => members(&mut site.taxonomy(*taxonomy).iter()),
        Source::Term { taxonomy, slug, .. } => {
            members(&mut site.taxonomy(*taxonomy).iter().filter(|listing| &listing.slug == slug))
        }
        Source::ThemeFeed(slug) => members(&mut site.term(Taxonomy::Themes, slug).into_iter()),
        Source::Search => {
            let taxonomies = Taxonomy::ALL.iter().flat_map(|taxonomy| site.taxonomy(*taxonomy));
            members(&mut sections().chain(taxonomies))
        }
        Source::SiteFeed => site.newest.iter().cloned().collect(),
        Source::Sitemap | Source::SearchIndex(_) => site.pages.keys().cloned().collect(),
        Source::NotFound | Source::Robots | Source::Static | Source::Asset(_) => BTreeSet::new(),
    }
}
