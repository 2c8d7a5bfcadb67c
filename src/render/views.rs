//! The typed values templates see. Each borrows from the `Site` and the rendered
//! bodies, so building one costs little and copies no page body (but for a
//! build's, which are held packed and unpacked as each page is made).
//!
//! These structs are the theme's contract: a template on disk may use any field
//! here, and the README's theme section lists them.

use std::borrow::Cow;

use serde::Serialize;

use crate::content::{Kind, KindName, Outcome, Page, PageKey};
use crate::markdown::{Heading, Rendered};
use crate::render::{Bodies, chart};
use crate::site::{Listing, Site, Source, Taxonomy, routes};

/// A named link.
#[derive(Serialize, Clone, Debug)]
pub struct Link<'a> {
    pub name: &'a str,
    pub url: String,
}

/// A link with a count, for theme and taxonomy lists.
#[derive(Serialize, Clone, Debug)]
pub struct TermLink<'a> {
    pub name: &'a str,
    pub url: String,
    pub description: &'a str,
    pub count: usize,
}

/// A menu entry; `current` marks the section the reader is in.
#[derive(Serialize, Debug)]
pub struct NavItem<'a> {
    pub name: &'a str,
    pub url: String,
    pub current: bool,
}

/// What every template sees as `site`.
#[derive(Serialize, Debug)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub home_url: String,
    pub search_url: String,
    /// Every case study's outcomes in one table.
    pub evidence_url: String,
    pub themes_url: String,
    pub feed_url: String,
    pub stylesheet_url: String,
    pub frutiger: bool,
    /// Whether the hub has a search index (`[search] enabled`).
    pub search: bool,
    pub nav: Vec<NavItem<'a>>,
    pub footer: Vec<Link<'a>>,
}

impl<'a> SiteView<'a> {
    /// `current` is the URL path segment of the reader's section (`case-studies`,
    /// `themes`), or empty.
    pub fn new(site: &'a Site, current: &str) -> SiteView<'a> {
        let mut nav: Vec<NavItem> = site
            .sections
            .iter()
            .map(|section| NavItem {
                name: &section.listing.name,
                url: site.url(&section.listing.path),
                current: current == section.listing.slug,
            })
            .collect();
        let themes_url = site.url(&routes::taxonomy_path(Taxonomy::Themes));
        nav.push(NavItem { name: "Themes", url: themes_url.clone(), current: current == Taxonomy::Themes.segment() });
        let mut footer: Vec<Link> = footer_pages(site)
            .into_iter()
            .map(|key| Link { name: &site.page(key).meta.title, url: site.url(site.path(key)) })
            .collect();
        for taxonomy in [Taxonomy::Organisations, Taxonomy::Regions] {
            footer.push(Link { name: taxonomy.title(), url: site.url(&routes::taxonomy_path(taxonomy)) });
        }
        footer.push(Link { name: "Atom feed", url: site.url(routes::SITE_FEED) });
        SiteView {
            title: &site.config.title,
            description: &site.config.description,
            language: &site.config.language,
            home_url: site.url(""),
            search_url: site.url(routes::SEARCH),
            evidence_url: site.url(routes::EVIDENCE),
            themes_url,
            feed_url: site.url(routes::SITE_FEED),
            stylesheet_url: site.url(routes::STYLESHEET),
            frutiger: site.config.frutiger,
            search: site.config.search.enabled,
            nav,
            footer,
        }
    }
}

/// The pages the footer links to, when the hub has them: `/about/` and
/// `/accessibility/`.
pub fn footer_pages(site: &Site) -> Vec<&PageKey> {
    ["about/", "accessibility/"]
        .into_iter()
        .filter_map(|path| match site.routes.at_url(path) {
            Some(Source::Page(key)) => Some(key),
            _ => None,
        })
        .collect()
}

/// A page in a list: what a card shows.
#[derive(Serialize, Debug)]
pub struct Card<'a> {
    pub title: &'a str,
    pub url: String,
    pub summary: Option<Cow<'a, str>>,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub date: Option<String>,
    pub date_human: Option<String>,
    pub organisation: Option<&'a str>,
    pub themes: Vec<Link<'a>>,
    /// The page's picture.
    pub image: Option<Image<'a>>,
    /// Only with `--drafts`: the card says the page is a draft.
    pub draft: bool,
}

impl<'a> Card<'a> {
    pub fn new(site: &'a Site, bodies: &Bodies, key: &PageKey) -> Card<'a> {
        let page = site.page(key);
        Card {
            title: &page.meta.title,
            url: site.url(site.path(key)),
            summary: page.meta.summary.as_deref().map(crate::content::short_summary),
            kind: page.kind_name().slug(),
            kind_label: page.kind_name().label(),
            date: page.meta.date.map(|date| date.to_string()),
            date_human: page.meta.date.map(|date| date.human()),
            organisation: page.organisation().map(|name| site.term_name(Taxonomy::Organisations, name)),
            themes: theme_links(site, page),
            image: Image::of_page(site, page, bodies.page(key)),
            draft: page.meta.draft,
        }
    }
}

fn theme_links<'a>(site: &'a Site, page: &'a Page) -> Vec<Link<'a>> {
    page.meta
        .themes
        .iter()
        .filter_map(|slug| site.config.theme(slug))
        .map(|theme| Link { name: &theme.name, url: site.url(&routes::term_path(Taxonomy::Themes, &theme.slug)) })
        .collect()
}

/// One row of a case study's outcomes table: its figures as the hub prints
/// them, which the evidence table shows too.
#[derive(Serialize, Debug)]
pub struct OutcomeRow<'a> {
    pub measure: &'a str,
    pub before: String,
    pub after: String,
    pub benchmark: Option<String>,
    pub benchmark_label: &'a str,
    pub period: Option<&'a str>,
}

impl<'a> OutcomeRow<'a> {
    pub fn new(outcome: &'a Outcome) -> OutcomeRow<'a> {
        OutcomeRow {
            measure: &outcome.measure,
            before: crate::content::figure(outcome.before, &outcome.unit),
            after: crate::content::figure(outcome.after, &outcome.unit),
            benchmark: outcome.benchmark.map(|value| crate::content::figure(value, &outcome.unit)),
            benchmark_label: crate::content::benchmark_label(outcome),
            period: outcome.period.as_deref(),
        }
    }
}

/// A case study's outcomes: the chart (SVG markup) and its table rows.
#[derive(Serialize, Debug)]
pub struct Outcomes<'a> {
    pub chart: String,
    pub rows: Vec<OutcomeRow<'a>>,
    pub has_benchmark: bool,
    pub has_period: bool,
}

/// Everything a page template (`case-study.html`, `toolkit.html`,
/// `discussion.html`, `page.html`) sees as `page`.
#[derive(Serialize, Debug)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub url: String,
    pub date: Option<String>,
    pub date_human: Option<String>,
    pub updated_human: Option<String>,
    /// "Page last reviewed": the updated date, or else the first published.
    pub reviewed_human: Option<String>,
    pub review_due_human: Option<String>,
    pub review_overdue: bool,
    pub organisation: Option<Link<'a>>,
    pub region: Option<Link<'a>>,
    pub themes: Vec<Link<'a>>,
    pub audience: Vec<&'static str>,
    pub content: Cow<'a, str>,
    pub contents: Vec<&'a Heading>,
    pub outcomes: Option<Outcomes<'a>>,
    pub questions: Vec<&'a str>,
    pub resources: Vec<Link<'a>>,
    pub image: Option<Image<'a>>,
    /// Only with `--drafts`: the page says it is a draft.
    pub draft: bool,
    /// The body holds details or a video: the page loads `components.js`.
    pub interactive: bool,
    /// Cards (`Card`, as template values) of the related pages.
    pub related: Vec<tera::Value>,
    pub section: Option<Link<'a>>,
}

/// A page's card as a template value (`render::Inputs::card`, which makes
/// each page's card once).
pub type Cards<'c> = dyn Fn(&PageKey) -> tera::Value + 'c;

impl<'a> PageView<'a> {
    pub fn new(
        site: &'a Site,
        bodies: &'a Bodies,
        key: &PageKey,
        today: crate::date::Date,
        card: &Cards,
    ) -> PageView<'a> {
        let page = site.page(key);
        let body = bodies.page(key);
        let meta = &page.meta;
        let term_link = |taxonomy: Taxonomy, name: Option<&'a str>| {
            let name = name?;
            site.term(taxonomy, name).map(|term| Link { name: &term.name, url: site.url(&term.path) })
        };
        let outcomes = match &page.kind {
            Kind::CaseStudy(case) if !case.outcomes.is_empty() => Some(Outcomes {
                chart: chart::svg(&case.outcomes, "outcomes-chart"),
                rows: case.outcomes.iter().map(OutcomeRow::new).collect(),
                has_benchmark: case.outcomes.iter().any(|outcome| outcome.benchmark.is_some()),
                has_period: case.outcomes.iter().any(|outcome| outcome.period.is_some()),
            }),
            _ => None,
        };
        let questions = match &page.kind {
            Kind::Discussion(discussion) => discussion.questions.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        let contents = if body.wants_contents() {
            body.headings.iter().filter(|heading| heading.level == 2).collect()
        } else {
            Vec::new()
        };
        let section = site
            .section(page.kind_name())
            .map(|section| Link { name: &section.listing.name, url: site.url(&section.listing.path) });
        PageView {
            title: &meta.title,
            summary: meta.summary.as_deref(),
            kind: page.kind_name().slug(),
            kind_label: page.kind_name().label(),
            url: site.url(site.path(key)),
            date: meta.date.map(|date| date.to_string()),
            date_human: meta.date.map(|date| date.human()),
            updated_human: meta.updated.map(|date| date.human()),
            reviewed_human: meta.updated.or(meta.date).map(|date| date.human()),
            review_due_human: meta.review_due.map(|date| date.human()),
            review_overdue: meta.review_due.is_some_and(|due| due < today),
            organisation: term_link(Taxonomy::Organisations, page.organisation()),
            region: term_link(Taxonomy::Regions, page.region()),
            themes: theme_links(site, page),
            audience: page.audience().iter().map(|audience| audience.label()).collect(),
            content: bodies.html(key),
            contents,
            outcomes,
            questions,
            resources: meta
                .resources
                .iter()
                .zip(&body.resource_urls)
                .map(|(resource, url)| Link { name: &resource.title, url: url.clone() })
                .collect(),
            image: Image::of_page(site, page, body),
            draft: meta.draft,
            interactive: body.interactive,
            related: site.related(key).iter().map(card).collect(),
            section,
        }
    }
}

/// A page's picture as its `<img>` needs it: the address its body's link
/// check resolved, its alt text, and, for a picture of `content/`, its size
/// and widths (`srcset`; the template says at what width it shows, `sizes`).
#[derive(Serialize, Clone, Debug)]
pub struct Image<'a> {
    pub url: String,
    /// The alt text.
    pub name: &'a str,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub srcset: Option<String>,
}

impl<'a> Image<'a> {
    fn of_page(site: &Site, page: &'a Page, body: &Rendered) -> Option<Image<'a>> {
        let image = page.meta.image.as_ref()?;
        let url = body.image_url.clone()?;
        let picture = site.picture_at(&url);
        let size = picture.map(|picture| picture.published_size());
        Some(Image {
            name: &image.alt,
            width: size.map(|size| size.width),
            height: size.map(|size| size.height),
            srcset: picture.and_then(|picture| picture.srcset(&site.base_path)),
            url,
        })
    }
}

/// What a link to a page shows where it is shared (Teams, email, social
/// sites): the Open Graph and Twitter card tags of `base.html`. Every
/// address is absolute, as those readers need.
#[derive(Serialize, Debug)]
pub struct Share<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    /// `article` for a page of the hub's content, `website` for the rest.
    pub kind: &'static str,
    pub image: Option<ShareImage<'a>>,
}

/// The picture a shared link shows: the page's own, else the site's
/// `share_image`; the widest published width of it (1,600 px where the
/// picture is that wide).
#[derive(Serialize, Debug)]
pub struct ShareImage<'a> {
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub alt: Option<&'a str>,
}

impl<'a> Share<'a> {
    /// The share tags of the page at `canonical` (absolute), titled
    /// `title`, showing `page` when it is one of the hub's pages.
    pub fn new(
        site: &'a Site,
        bodies: &Bodies,
        page: Option<&PageKey>,
        title: &'a str,
        canonical: String,
    ) -> Share<'a> {
        let shown = page.map(|key| (site.page(key), bodies.page(key)));
        let description = shown.and_then(|(page, _)| page.meta.summary.as_deref()).unwrap_or(&site.config.description);
        let own = shown.and_then(|(page, body)| {
            let alt = page.meta.image.as_ref()?.alt.as_str();
            Some((body.image_url.clone()?, Some(alt)))
        });
        let default = || Some((site.url(site.config.share_image.as_deref()?), None));
        let image = own.or_else(default).map(|(url, alt)| {
            let size = site.picture_at(&url).map(|picture| picture.published_size());
            ShareImage {
                url: site.absolute_url(url.strip_prefix(site.base_path.as_str()).unwrap_or(&url)),
                width: size.map(|size| size.width),
                height: size.map(|size| size.height),
                alt,
            }
        });
        Share { title, description, url: canonical, kind: if page.is_some() { "article" } else { "website" }, image }
    }
}

/// A group of cards (`Card`, as template values) under an optional heading
/// (a theme page groups by type).
#[derive(Serialize, Debug)]
pub struct Group {
    pub heading: Option<&'static str>,
    pub cards: Vec<tera::Value>,
}

/// Numbered links between the pages of a long list.
#[derive(Serialize, Debug)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageNumber>,
}

#[derive(Serialize, Debug)]
pub struct PageNumber {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Numbers are skipped before this one (shown as an ellipsis).
    pub gap_before: bool,
}

/// How many numbers either side of the current page a pagination shows.
const PAGINATION_WINDOW: usize = 2;

impl Pagination {
    pub fn new(site: &Site, path: &str, current: usize, total: usize) -> Option<Pagination> {
        if total <= 1 {
            return None;
        }
        let url = |number: usize| site.url(&routes::paginated_path(path, number));
        Some(Pagination {
            current,
            total,
            previous_url: (current > 1).then(|| url(current - 1)),
            next_url: (current < total).then(|| url(current + 1)),
            pages: shown_numbers(current, total)
                .into_iter()
                .scan(0, |previous, number| {
                    let gap_before = number > *previous + 1;
                    *previous = number;
                    Some(PageNumber { number, url: url(number), current: number == current, gap_before })
                })
                .collect(),
        })
    }
}

/// The first and last page numbers and a window around the current one, so a
/// list of 10,000 pages still has a short pagination bar.
fn shown_numbers(current: usize, total: usize) -> Vec<usize> {
    let low = current.saturating_sub(PAGINATION_WINDOW).max(1);
    let high = (current + PAGINATION_WINDOW).min(total);
    let mut numbers: Vec<usize> = std::iter::once(1).chain(low..=high).chain(std::iter::once(total)).collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// Cards for `keys`, grouped by type in section order when `by_kind`.
pub fn groups(site: &Site, keys: &[PageKey], by_kind: bool, card: &Cards) -> Vec<Group> {
    if !by_kind {
        return vec![Group { heading: None, cards: keys.iter().map(card).collect() }];
    }
    let kinds = KindName::SECTIONS.iter().chain([KindName::Page].iter());
    kinds
        .filter_map(|&kind| {
            let cards: Vec<tera::Value> =
                keys.iter().filter(|key| site.page(key).kind_name() == kind).map(card).collect();
            (!cards.is_empty()).then_some(Group { heading: Some(kind.plural()), cards })
        })
        .collect()
}

/// Links to each term of a taxonomy with its page count.
pub fn term_links<'a>(site: &'a Site, listings: &'a [Listing]) -> Vec<TermLink<'a>> {
    listings
        .iter()
        .map(|listing| TermLink {
            name: &listing.name,
            url: site.url(&listing.path),
            description: &listing.description,
            count: listing.pages.len(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::shown_numbers;

    #[test]
    fn pagination_shows_the_ends_and_two_either_side() {
        assert_eq!(shown_numbers(1, 10), [1, 2, 3, 10]);
        assert_eq!(shown_numbers(5, 10), [1, 3, 4, 5, 6, 7, 10]);
        assert_eq!(shown_numbers(10, 10), [1, 8, 9, 10]);
        assert_eq!(shown_numbers(2, 3), [1, 2, 3]);
    }
}
