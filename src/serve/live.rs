//! Live reload: the script `serve` adds to each page it sends (never to
//! `build` output), the open pages' event streams (Server-Sent Events), and
//! what each open page is told: reload, swap a stylesheet, show or clear the
//! error overlay, and the hub's warnings.
//!
//! Every page is served with the generation of the model it was rendered
//! from, and says it, with the URL it shows, when its stream connects. A
//! page is told to reload when it is stale (`Live::stale`: the file it shows
//! changed since its generation), which is asked both when an update is
//! announced and when a stream connects, under one lock: an update announced
//! while a page was loading or connecting reaches it all the same, and only
//! pages whose file changed reload.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tiny_http::ReadWrite;

use crate::diagnostics::{Diagnostic, json_array};
use crate::escape::escape;
use crate::site::routes;

use super::preview::{Live, Update};

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
    /// The generation of the model it was served from.
    generation: u64,
    stream: Box<dyn ReadWrite + Send>,
}

impl Page {
    /// Sends `message`; false when the connection has gone.
    fn send(&mut self, message: &[u8]) -> bool {
        self.stream.write_all(message).and_then(|()| self.stream.flush()).is_ok()
    }
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

    /// Keeps a new page's stream after sending it `hello`, or, when the page
    /// is already stale (an update was announced while it loaded or
    /// connected), tells it to reload at once. The server refuses streams
    /// beyond `MAX_PAGES` before opening them; one that got past it at the
    /// same moment as another is closed here, and its script tries again.
    pub fn add(&self, live: &Live, shown: Shown, stream: Box<dyn ReadWrite + Send>, hello: &str) {
        let mut open = self.open();
        if open.len() >= MAX_PAGES {
            return;
        }
        let mut page = Page { file: shown.file, generation: shown.generation, stream };
        let mut first = b"retry: 500\n".to_vec();
        first.extend(event("hello", hello));
        if live.stale(page.file.as_deref(), page.generation) {
            first.extend(event("reload", "{}"));
            page.send(&first);
        } else if page.send(&first) {
            open.push(page);
        }
    }

    /// The output files open pages show (an address with no file shows the
    /// 404 page): what an update renders again to compare.
    pub fn files(&self) -> BTreeSet<String> {
        let open = self.open();
        open.iter().map(|page| page.file.clone().unwrap_or_else(|| routes::NOT_FOUND.to_string())).collect()
    }

    /// How many pages are open.
    pub fn count(&self) -> usize {
        self.open().len()
    }

    /// A comment every page ignores: finds closed connections.
    pub fn ping(&self) {
        self.open().retain_mut(|page| page.send(b": ping\n\n"));
    }

    /// Tells every open page what an update did: the errors (or that there
    /// are none), the warnings, which stylesheets to swap, and, to each page
    /// that is stale, to reload. Pages whose connection has gone, and pages
    /// told to reload (their stream closes as they do), are forgotten.
    pub fn announce(&self, live: &Live, update: &Update, base_path: &str) {
        let mut message = event("problems", &json_array(&update.problems));
        message.extend(event("warnings", &json_array(&update.warnings)));
        let stylesheets: Vec<String> = update
            .changed
            .iter()
            .filter(|file| file.ends_with(".css"))
            .map(|file| format!("{base_path}{file}"))
            .collect();
        if !stylesheets.is_empty() {
            message.extend(event("css", &serde_json::to_string(&stylesheets).unwrap_or_default()));
        }
        let reload = event("reload", "{}");
        self.open().retain_mut(|page| {
            if !page.send(&message) {
                return false;
            }
            if live.stale(page.file.as_deref(), page.generation) {
                page.send(&reload);
                return false;
            }
            true
        });
    }
}

/// What an open page shows: the output file (`None` for an address the site
/// had no file for) and the generation it was served from.
pub struct Shown {
    pub file: Option<String>,
    pub generation: u64,
}

/// `html`, served from the model of `generation`, with the live-reload
/// script added before `</body>`.
pub fn inject(html: &[u8], base_path: &str, server: &str, generation: u64) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{}{SCRIPT_PATH}\" data-server=\"{}\" data-generation=\"{generation}\" defer></script>\n",
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

/// The page a URL shows when it cannot show the site: the problems,
/// readable without JavaScript. With the live script added, a save that
/// fixes them replaces it.
pub fn problems_page(problems: &[Diagnostic]) -> Vec<u8> {
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
    html.into_bytes()
}

/// The `hello` a page gets on connecting: the server's id (a page that
/// hears another one reloads: the preview restarted), the errors for the
/// overlay and the warnings.
pub fn hello(server: &str, problems: &[Diagnostic], warnings: &[Diagnostic]) -> String {
    format!(
        "{{\"server\":{},\"problems\":{},\"warnings\":{}}}",
        serde_json::json!(server),
        json_array(problems),
        json_array(warnings)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = inject(b"<html><body><p>x</p></body></html>", "/hub/", "s1", 7);
        let page = String::from_utf8(page).unwrap();
        assert_eq!(
            page,
            "<html><body><p>x</p><script src=\"/hub/__belong/live.js\" data-server=\"s1\" data-generation=\"7\" defer></script>\n</body></html>"
        );
        let bare = String::from_utf8(inject(b"<p>no body</p>", "/", "s", 1)).unwrap();
        assert!(bare.starts_with("<p>no body</p><script src=\"/__belong/live.js\""));
    }
}
