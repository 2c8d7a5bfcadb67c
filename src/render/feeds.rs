//! The site's machine-read files: Atom feeds (the site's and each theme's),
//! `sitemap.xml`, `robots.txt`, and the redirect pages of old URLs (`aliases`).
//!
//! Every date printed comes from the content, never the clock, so the same input
//! gives the same bytes.

use std::fmt::Write as _;

use crate::content::{Page, PageKey};
use crate::escape::escape;
use crate::site::{Site, Source, routes};

/// An Atom feed of the newest `[feeds] limit` pages of `pages` (newest first). `path` is the feed's own path, such as `themes/allyship/feed.xml`.
pub fn atom(site: &Site, title: &str, pages: &[PageKey], path: &str, alternate: &str) -> String {
    let entries: Vec<&Page> = pages
        .iter()
        .map(|key| site.page(key))
        // Drafts are shown only in a `--drafts` build, and never announced.
        .filter(|page| page.meta.date.is_some() && !page.meta.draft)
        .take(site.config.feeds.limit)
        .collect();
    let updated = entries
        .iter()
        .filter_map(|page| page.meta.updated.or(page.meta.date))
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |date| date.rfc3339());
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n\
         <title>{}</title>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<id>{}</id>\n<updated>{updated}</updated>\n",
        escape(&site.config.language),
        escape(title),
        escape(&site.absolute_url(path)),
        escape(&site.absolute_url(alternate)),
        escape(&site.absolute_url(path)),
    );
    for page in entries {
        let url = site.absolute_url(site.path(&page.key));
        let published = page.meta.date.map(|date| date.rfc3339()).unwrap_or_default();
        let modified = page.meta.updated.or(page.meta.date).map(|date| date.rfc3339()).unwrap_or_default();
        let _ = write!(
            xml,
            "<entry>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<id>{}</id>\n\
             <published>{published}</published>\n<updated>{modified}</updated>\n",
            escape(&page.meta.title),
            escape(&url),
            escape(&url),
        );
        if let Some(organisation) = page.organisation() {
            let _ = writeln!(xml, "<author><name>{}</name></author>", escape(organisation));
        } else {
            let _ = writeln!(xml, "<author><name>{}</name></author>", escape(&site.config.title));
        }
        for theme in &page.meta.themes {
            let label = site.config.theme(theme).map_or(theme.as_str(), |t| t.name.as_str());
            let _ = writeln!(xml, "<category term=\"{}\" label=\"{}\"/>", escape(theme), escape(label));
        }
        if let Some(summary) = &page.meta.summary {
            let _ = writeln!(xml, "<summary>{}</summary>", escape(summary));
        }
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// `sitemap.xml`: every HTML page of the routes table a reader can land on, in
/// path order, pages with their last change.
pub fn sitemap(site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let listed = |source: &Source| match source {
        Source::Page(key) => !site.page(key).meta.draft,
        other => other.in_sitemap(),
    };
    for (file, source) in site.routes.iter().filter(|(_, source)| listed(source)) {
        let _ = write!(xml, "<url><loc>{}</loc>", escape(&site.absolute_url(routes::url_path(file))));
        let page = match source {
            Source::Page(key) => Some(site.page(key)),
            _ => None,
        };
        if let Some(lastmod) = page.and_then(|page| page.meta.updated.or(page.meta.date)) {
            let _ = write!(xml, "<lastmod>{lastmod}</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(site: &Site) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", site.absolute_url("sitemap.xml"))
}

/// A page at an old URL that sends readers (and search engines) to the new one.
pub fn redirect(site: &Site, to_path: &str, title: &str) -> String {
    let url = escape(&site.url(to_path));
    let canonical = escape(&site.absolute_url(to_path));
    format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {}</title>\n\
         <link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n\
         </head>\n<body>\n<main>\n<p>This page has moved to <a href=\"{url}\">{}</a>.</p>\n</main>\n</body>\n</html>\n",
        escape(&site.config.language),
        escape(title),
        escape(title)
    )
}
