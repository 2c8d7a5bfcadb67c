//! Answers the preview's HTTP requests: resolves a URL to a file of the site
//! (never to anything else on disk), and sends it with its content type,
//! the live-reload script added to pages.
//!
//! tiny_http is unmaintained and has open advisories for header injection
//! and request smuggling, so this side is strict: only GET and HEAD, no
//! request bodies, no `Transfer-Encoding`, no request data copied into a
//! response header, and URLs refused outright when they try to climb out
//! (`..`, `%2e%2e`, encoded slashes, backslashes, `//`). A URL can only ever
//! name a file of the routes table.

use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::site::{Routes, routes};

use super::live::{self, EVENTS_PATH, Pages, SCRIPT_PATH, Shown};
use super::preview::{Live, Lookup};

/// What the request threads share.
pub struct Context {
    pub live: Arc<Live>,
    pub pages: Arc<Pages>,
    /// This run's id: a page that hears another one after reconnecting
    /// reloads, since the server restarted.
    pub server: String,
}

/// Where a request's URL leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the site, by path under the output folder.
    File(String),
    /// Somewhere else on the site: the URL to send the browser to.
    Redirect(String),
    /// Nothing the site has: its 404 page.
    NotFound,
    /// A URL no file could have (`..`, encoded slashes, control characters).
    Refused,
    Script,
    Events,
    /// The content report (`belong report`'s findings), preview only.
    Report,
}

/// Where the preview shows the content report, under the base path. Not a
/// file of the routes table, so never part of a build; open pages showing
/// it hold this name, which no file has, so every new model reloads them.
pub const REPORT_PATH: &str = "_report/";

/// Resolves a request target (`/hub/toolkits/primer/?q=1`) against the
/// site's base path and routes.
pub fn resolve(target: &str, base_path: &str, routes: &Routes) -> Target {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let lowered = path.to_ascii_lowercase();
    let encoded_separator = ["%2f", "%5c", "%00"].iter().any(|escape| lowered.contains(escape));
    if !path.starts_with('/') || path.contains('\\') || encoded_separator {
        return Target::Refused;
    }
    let Some(decoded) = crate::escape::percent_decode(path) else { return Target::Refused };
    let segments: Vec<&str> = decoded[1..].split('/').collect();
    let last = segments.len() - 1;
    let climbs = segments.iter().enumerate().any(|(at, segment)| {
        *segment == ".." || *segment == "." || (segment.is_empty() && at != last) || segment.contains(':')
    });
    if climbs || decoded.chars().any(char::is_control) {
        return Target::Refused;
    }
    let Some(rest) = decoded.strip_prefix(base_path) else {
        return if decoded == "/" || format!("{decoded}/") == base_path {
            Target::Redirect(base_path.to_string())
        } else {
            Target::NotFound
        };
    };
    match rest {
        SCRIPT_PATH => return Target::Script,
        EVENTS_PATH => return Target::Events,
        REPORT_PATH => return Target::Report,
        "_report" => return Target::Redirect(format!("{base_path}{REPORT_PATH}")),
        _ => {}
    }
    let file = if rest.is_empty() || rest.ends_with('/') { routes::index_file(rest) } else { rest.to_string() };
    if routes.get(&file).is_some() {
        return Target::File(file);
    }
    // `/hub/toolkits/primer` is the page at `/hub/toolkits/primer/`. The
    // address sent back is the routes table's, not the request's.
    match routes.entry(&routes::index_file(&format!("{rest}/"))) {
        Some((file, _)) => Target::Redirect(format!("{base_path}{}", routes::url_path(file))),
        None => Target::NotFound,
    }
}

/// The content type of an output file, by its extension.
pub fn content_type(file: &str) -> &'static str {
    let extension = file.rsplit_once('.').map(|(_, extension)| extension.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "yml" | "yaml" => "text/yaml; charset=utf-8",
        "vtt" => "text/vtt; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// A header from our own constant or computed strings.
fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn respond(request: Request, status: u16, content_type: &str, body: Vec<u8>, extra: &[(&str, &str)]) {
    // Every body is whole in memory: send its length rather than chunks.
    let response = Response::from_data(body).with_status_code(StatusCode(status)).with_chunked_threshold(usize::MAX);
    let headers =
        [("Content-Type", content_type), ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")];
    // The client may have gone; nothing to do about it.
    let _ = request.respond(with_headers(response, headers.iter().chain(extra)));
}

/// `response` with `headers` (names and values of our own, never a request's).
fn with_headers<'a, R: std::io::Read>(
    mut response: Response<R>,
    headers: impl IntoIterator<Item = &'a (&'a str, &'a str)>,
) -> Response<R> {
    for (name, value) in headers {
        if let Some(header) = header(name, value) {
            response.add_header(header);
        }
    }
    response
}

fn text(request: Request, status: u16, message: &str) {
    respond(request, status, "text/plain; charset=utf-8", format!("{message}\n").into_bytes(), &[]);
}

/// Answers one request.
pub fn handle(request: Request, context: &Context) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return respond(
            request,
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD: this is a read-only preview\n".to_vec(),
            &[("Allow", "GET, HEAD")],
        );
    }
    let has_body = request.body_length().is_some_and(|length| length > 0)
        || request.headers().iter().any(|header| header.field.equiv("Transfer-Encoding"));
    if has_body {
        return text(request, 400, "request bodies are not accepted: this is a read-only preview");
    }
    let (target, base_path) = {
        let served = context.live.read();
        let base_path = served.base_path.clone();
        let no_routes = Routes::default();
        let routes = served.model.as_ref().map_or(&no_routes, |model| &*model.site().routes);
        (resolve(request.url(), &base_path, routes), base_path)
    };
    match target {
        Target::Refused => text(request, 400, "this address cannot name a file of the site"),
        Target::Redirect(location) => {
            respond(request, 301, "text/plain; charset=utf-8", b"moved\n".to_vec(), &[("Location", &location)]);
        }
        Target::Script => respond(request, 200, content_type("live.js"), live::SCRIPT.as_bytes().to_vec(), &[]),
        Target::Events => events(request, context, &base_path),
        Target::Report => report_page(request, context, &base_path),
        Target::File(file) => send_file(request, context, &file, &base_path, 200),
        Target::NotFound => send_file(request, context, routes::NOT_FOUND, &base_path, 404),
    }
}

fn send_file(request: Request, context: &Context, file: &str, base_path: &str, status: u16) {
    let html = content_type(file).starts_with("text/html");
    let (lookup, generation) = context.live.file(file);
    match lookup {
        Lookup::Found(bytes) if html => {
            let page = live::inject(&bytes, base_path, &context.server, generation);
            respond(request, status, content_type(file), page, &[]);
        }
        Lookup::Found(bytes) => respond(request, status, content_type(file), bytes.to_vec(), &[]),
        Lookup::Missing if status == 404 => text(request, 404, "not found"),
        Lookup::Missing => send_file(request, context, routes::NOT_FOUND, base_path, 404),
        Lookup::Failed(diagnostic) => {
            // The failure is of this generation: a fix makes the page stale.
            let page = live::inject(&live::problems_page(&[*diagnostic]), base_path, &context.server, generation);
            respond(request, 500, content_type("error.html"), page, &[]);
        }
        Lookup::NoSite => {
            let problems = context.live.read().problems.clone();
            // Of generation 0, older than any model: the first good save reloads it.
            let page = live::inject(&live::problems_page(&problems), base_path, &context.server, 0);
            respond(request, 500, content_type("error.html"), page, &[]);
        }
    }
}

/// The content report of the model being served, with the live script:
/// a save that builds makes it stale, and it reloads with the new findings.
fn report_page(request: Request, context: &Context, base_path: &str) {
    let (page, generation) = {
        let served = context.live.read();
        match &served.model {
            Some(model) => {
                let findings = crate::report::findings(model);
                (crate::report::page(&findings, model.page_files()), served.generation())
            }
            None => (live::problems_page(&served.problems), 0),
        }
    };
    let page = live::inject(&page, base_path, &context.server, generation);
    respond(request, 200, content_type("report.html"), page, &[]);
}

/// Opens a page's event stream, or says to try later when too many are open.
fn events(request: Request, context: &Context, base_path: &str) {
    if *request.method() == Method::Head {
        return respond(request, 200, "text/event-stream", Vec::new(), &[]);
    }
    if context.pages.count() >= live::MAX_PAGES {
        return text(request, 503, "too many open pages; the page will try again");
    }
    // The page's own URL and the generation it was served from, passed as
    // `?page=…&generation=…`, say which file it shows and how old it is.
    let query = request.url().split_once('?').map_or("", |(_, query)| query);
    let parameter =
        |name: &str| query.split('&').find_map(|pair| pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')));
    let generation = parameter("generation").and_then(|number| number.parse().ok()).unwrap_or(0);
    let (file, hello) = {
        let served = context.live.read();
        let page = parameter("page").and_then(crate::escape::percent_decode);
        let file = page.zip(served.model.as_ref()).and_then(|(page, model)| {
            match resolve(&page, base_path, &model.site().routes) {
                Target::File(file) => Some(file),
                Target::Report => Some(REPORT_PATH.to_string()),
                _ => None,
            }
        });
        (file, live::hello(&context.server, &served.problems, &served.warnings))
    };
    let headers = [("Content-Type", "text/event-stream"), ("Cache-Control", "no-store")];
    let stream = request.upgrade("belong-events", with_headers(Response::empty(StatusCode(200)), &headers));
    context.pages.add(&context.live, Shown { file, generation }, stream, &hello);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The routes of a small site: a home page, one page, a stylesheet.
    fn routes() -> Routes {
        let (site, problems) = crate::site::model(
            crate::content::Content::default(),
            std::sync::Arc::new(
                crate::config::parse("title = \"Hub\"\nbase_url = \"https://example.org/\"\n").unwrap(),
            ),
            &crate::theme::load(std::path::Path::new("/no/hub/here"), "hub").0,
        );
        assert!(problems.is_empty(), "{problems:?}");
        std::sync::Arc::try_unwrap(site.routes).unwrap()
    }

    #[test]
    fn urls_resolve_to_files_of_the_routes_table_only() {
        let routes = routes();
        assert_eq!(resolve("/", "/", &routes), Target::File("index.html".into()));
        assert_eq!(resolve("/?q=turnover#top", "/", &routes), Target::File("index.html".into()));
        assert_eq!(resolve("/search/", "/", &routes), Target::File("search/index.html".into()));
        assert_eq!(resolve("/search", "/", &routes), Target::Redirect("/search/".into()));
        assert_eq!(resolve("/feed.xml", "/", &routes), Target::File("feed.xml".into()));
        assert_eq!(resolve("/no/such/", "/", &routes), Target::NotFound);
        assert_eq!(resolve("/__belong/live.js", "/", &routes), Target::Script);
        assert_eq!(resolve("/__belong/events?page=/", "/", &routes), Target::Events);
    }

    #[test]
    fn a_sub_path_serves_under_it_and_sends_the_root_to_it() {
        let routes = routes();
        assert_eq!(resolve("/hub/", "/hub/", &routes), Target::File("index.html".into()));
        assert_eq!(resolve("/hub/search", "/hub/", &routes), Target::Redirect("/hub/search/".into()));
        assert_eq!(resolve("/", "/hub/", &routes), Target::Redirect("/hub/".into()));
        assert_eq!(resolve("/hub", "/hub/", &routes), Target::Redirect("/hub/".into()));
        assert_eq!(resolve("/search/", "/hub/", &routes), Target::NotFound);
        assert_eq!(resolve("/hub/__belong/live.js", "/hub/", &routes), Target::Script);
        assert_eq!(resolve("/__belong/live.js", "/hub/", &routes), Target::NotFound);
        assert_eq!(resolve("/_report/", "/", &routes), Target::Report);
        assert_eq!(resolve("/hub/_report/?x", "/hub/", &routes), Target::Report);
        assert_eq!(resolve("/hub/_report", "/hub/", &routes), Target::Redirect("/hub/_report/".into()));
        assert_eq!(resolve("/_report/index.html", "/", &routes), Target::NotFound, "not a file of the site");
    }

    #[test]
    fn every_spelling_of_a_climb_is_refused() {
        let routes = routes();
        for target in [
            "/../site.toml",
            "/search/../../site.toml",
            "/%2e%2e/site.toml",
            "/%2E%2E/site.toml",
            "/.%2e/site.toml",
            "/./index.html",
            "/search/%2e/index.html",
            "/search%2findex.html",
            "/search%2Findex.html",
            "/..%5csite.toml",
            "/..\\site.toml",
            "//etc/passwd",
            "/search//index.html",
            "/C:/Windows/win.ini",
            "/%00",
            "/index.html%0d%0aSet-Cookie:x",
            "/%ff%fe",
            "search/",
            "http://example.org/",
        ] {
            assert_eq!(resolve(target, "/", &routes), Target::Refused, "{target}");
        }
    }

    #[test]
    fn content_types_follow_the_extension() {
        let expected = [
            ("a/index.html", "text/html; charset=utf-8"),
            ("style.CSS", "text/css; charset=utf-8"),
            ("search.js", "text/javascript; charset=utf-8"),
            ("module.mjs", "text/javascript; charset=utf-8"),
            ("search/index.json", "application/json"),
            ("feed.xml", "application/xml"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("chart.svg", "image/svg+xml"),
            ("chart.png", "image/png"),
            ("photo.jpg", "image/jpeg"),
            ("photo.JPEG", "image/jpeg"),
            ("anim.gif", "image/gif"),
            ("photo.webp", "image/webp"),
            ("photo.avif", "image/avif"),
            ("favicon.ico", "image/x-icon"),
            ("report.pdf", "application/pdf"),
            ("figures.csv", "text/csv; charset=utf-8"),
            ("talk.vtt", "text/vtt; charset=utf-8"),
            ("font.woff2", "font/woff2"),
            ("font.woff", "font/woff"),
            ("talk.mp4", "video/mp4"),
            ("talk.webm", "video/webm"),
            ("talk.mp3", "audio/mpeg"),
            ("toolkit.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("slides.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            ("data.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("README", "application/octet-stream"),
            ("archive.zip", "application/octet-stream"),
        ];
        for (file, content_type) in expected {
            assert_eq!(super::content_type(file), content_type, "{file}");
        }
    }
}
