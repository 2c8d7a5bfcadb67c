//! Live reload: the script `serve` adds to each page it sends (never to
//! `build` output), the open pages' event streams (Server-Sent Events), and
//! what each open page is told after an update: reload, swap a stylesheet,
//! or show or clear the error overlay.
//!
//! Events are sent only once an update is complete. Each page says which
//! URL it shows when it connects, so only the pages whose file changed
//! reload; every page hears about stylesheets and errors.

use std::io::Write;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tiny_http::ReadWrite;

use crate::diagnostics::{Diagnostic, json_array};
use crate::escape::escape;

use super::preview::Update;

/// The browser half: reload, stylesheet swap, scroll keeping, the overlay.
pub const SCRIPT: &str = include_str!("live.js");

/// The path of the script and of the event stream under the site's base path.
pub const SCRIPT_PATH: &str = "__belong/live.js";
pub const EVENTS_PATH: &str = "__belong/events";

/// Open pages beyond this many are refused (their script tries again
/// later): each open stream holds a connection thread of the server.
pub const MAX_PAGES: usize = 256;

/// One open page's event stream.
struct Page {
    /// The output file it shows; `None` for a URL the site has no file for.
    file: Option<String>,
    stream: Box<dyn ReadWrite + Send>,
}

/// Every open page.
#[derive(Default)]
pub struct Pages {
    open: Mutex<Vec<Page>>,
}

/// One Server-Sent Event.
fn event(name: &str, data: &str) -> Vec<u8> {
    format!("event: {name}\ndata: {data}\n\n").into_bytes()
}

impl Pages {
    fn open(&self) -> MutexGuard<'_, Vec<Page>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps a new page's stream after sending it `hello` (the server's id
    /// and the current problems). The server refuses streams beyond
    /// `MAX_PAGES` before opening them; one that got past it at the same
    /// moment as another is closed here, and its script tries again.
    pub fn add(&self, file: Option<String>, mut stream: Box<dyn ReadWrite + Send>, hello: &str) {
        let mut open = self.open();
        if open.len() >= MAX_PAGES {
            return;
        }
        let mut first = b"retry: 500\n".to_vec();
        first.extend(event("hello", hello));
        if stream.write_all(&first).and_then(|()| stream.flush()).is_ok() {
            open.push(Page { file, stream });
        }
    }

    /// How many pages are open.
    pub fn count(&self) -> usize {
        self.open().len()
    }

    /// Sends `message` to every page `to` picks, and forgets pages whose
    /// connection has gone.
    fn send(&self, message: &[u8], to: impl Fn(&Page) -> bool) {
        self.open().retain_mut(|page| {
            if !to(page) {
                return true;
            }
            page.stream.write_all(message).and_then(|()| page.stream.flush()).is_ok()
        });
    }

    /// A comment every page ignores: finds closed connections.
    pub fn ping(&self) {
        self.send(b": ping\n\n", |_| true);
    }

    /// Tells every open page what an update did: the errors (or that there
    /// are none), which stylesheets to swap, and which pages to reload.
    pub fn announce(&self, update: &Update, base_path: &str) {
        self.send(&event("problems", &json_array(&update.problems)), |_| true);
        if !update.problems.is_empty() {
            return;
        }
        let stylesheets: Vec<String> = update
            .changed
            .iter()
            .filter(|file| file.ends_with(".css"))
            .map(|file| format!("{base_path}{file}"))
            .collect();
        if !stylesheets.is_empty() {
            let urls = serde_json::to_string(&stylesheets).unwrap_or_default();
            self.send(&event("css", &urls), |_| true);
        }
        let reload = event("reload", "{}");
        self.send(&reload, |page| must_reload(page.file.as_deref(), update));
    }
}

/// Whether a page showing `file` must reload after `update`.
fn must_reload(file: Option<&str>, update: &Update) -> bool {
    match file {
        _ if update.first_site => true,
        // A URL that had no file may have one now.
        None => update.routes_changed,
        Some(file) => update.changed.contains(file),
    }
}

/// `html` with the live-reload script added before `</body>`.
pub fn inject(html: &[u8], base_path: &str, server: &str) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{}{SCRIPT_PATH}\" data-server=\"{}\" defer></script>\n",
        escape(base_path),
        escape(server)
    );
    let at = html.windows(7).rposition(|window| window.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The page every URL shows while the hub has no site that built: the
/// problems, readable without JavaScript, with the live script to replace it
/// once a save fixes them.
pub fn error_page(problems: &[Diagnostic], base_path: &str, server: &str) -> Vec<u8> {
    let mut items = String::new();
    for problem in problems {
        let place = match (problem.line, problem.column) {
            (0, _) => String::new(),
            (line, 0) => format!(", line {line}"),
            (line, column) => format!(", line {line}, column {column}"),
        };
        let field = problem.field.as_deref().map(|field| format!(" (field <code>{}</code>)", escape(field)));
        let hint = problem.hint.as_deref().map(|hint| format!("<p>Fix: {}</p>", escape(hint)));
        items.push_str(&format!(
            "<li><p><strong>{}{place}</strong>{}</p><p>{} {}</p>{}</li>\n",
            escape(&problem.file.display().to_string()),
            field.unwrap_or_default(),
            escape(problem.code.id()),
            escape(&problem.message),
            hint.unwrap_or_default()
        ));
    }
    if problems.is_empty() {
        items.push_str("<li>The preview is starting.</li>\n");
    }
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>The hub did not build</title>\n</head>\n<body>\n<main>\n<h1>The hub did not build</h1>\n\
         <p>Fix the problems below and save: this page updates by itself.</p>\n<ul>\n{items}</ul>\n</main>\n</body>\n</html>\n"
    );
    inject(html.as_bytes(), base_path, server)
}

/// The `hello` a page gets on connecting.
pub fn hello(server: &str, problems: &[Diagnostic]) -> String {
    format!("{{\"server\":{},\"problems\":{}}}", serde_json::json!(server), json_array(problems))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = inject(b"<html><body><p>x</p></body></html>", "/hub/", "s1");
        let page = String::from_utf8(page).unwrap();
        assert_eq!(
            page,
            "<html><body><p>x</p><script src=\"/hub/__belong/live.js\" data-server=\"s1\" defer></script>\n</body></html>"
        );
        let bare = String::from_utf8(inject(b"<p>no body</p>", "/", "s")).unwrap();
        assert!(bare.starts_with("<p>no body</p><script src=\"/__belong/live.js\""));
    }

    #[test]
    fn only_pages_whose_file_changed_reload() {
        let update = Update { changed: BTreeSet::from(["a/index.html".to_string()]), ..Update::default() };
        assert!(must_reload(Some("a/index.html"), &update));
        assert!(!must_reload(Some("b/index.html"), &update));
        assert!(!must_reload(None, &update));
        let new_page = Update { routes_changed: true, ..Update::default() };
        assert!(must_reload(None, &new_page));
        let first = Update { first_site: true, ..Update::default() };
        assert!(must_reload(Some("b/index.html"), &first));
    }
}
