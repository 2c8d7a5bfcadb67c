//! Resolves the links and images a page's Markdown writes: `.md` paths to page
//! URLs, files under `content/` to their published paths, root-relative links
//! under `base_url`; and reports broken targets, script links and link text
//! that says nothing out of context.

use std::path::{Component, Path, PathBuf};

use pulldown_cmark::CowStr;

use super::{AnchorLink, LinkState, Pass, VAGUE_LINK_TEXT};
use crate::content::PageKey;
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::site::{Source, routes};

impl<'s> Pass<'s, '_> {
    /// Resolves a link or image target written in the Markdown to a site URL.
    pub(super) fn link_target(&mut self, written: &CowStr<'s>, line: usize, image: bool) -> CowStr<'s> {
        let url = written.trim();
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("javascript:") || lower.starts_with("vbscript:") || lower.starts_with("data:text/html") {
            self.rendered.diagnostics.push(
                Diagnostic::new(
                    Code::JavascriptLink,
                    self.source.file,
                    format!("a `{}` link runs code in the reader's browser", url.split(':').next().unwrap_or("")),
                )
                .at(line, 1)
                .hint("link to a page or a web address (https://…) instead"),
            );
            return CowStr::Borrowed("#");
        }
        if let Some(anchor) = url.strip_prefix('#') {
            if !anchor.is_empty() {
                self.rendered.anchor_links.push(AnchorLink {
                    page: None,
                    anchor: anchor.to_string(),
                    line,
                    written: url.to_string(),
                });
            }
            return written.clone();
        }
        let has_scheme = url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        if let Some(why) = local_address(&lower) {
            self.rendered.diagnostics.push(
                Diagnostic::new(Code::LocalLink, self.source.file, format!("the link `{url}` {why}"))
                    .at(line, 1)
                    .hint("readers cannot open it: link to the page's .md file (../toolkits/allyship.md) or its web address on the published hub"),
            );
            return written.clone();
        }
        if has_scheme || url.starts_with("//") || url.is_empty() {
            return written.clone();
        }
        self.site_link(written, line, image)
    }

    /// A link to a place on the site: a page's `.md` file, a file under
    /// `content/`, or an address of the site, from the root or from the page.
    fn site_link(&mut self, written: &CowStr<'s>, line: usize, image: bool) -> CowStr<'s> {
        let url = written.trim();
        let (path_part, anchor) = match url.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (url, None),
        };
        let (path_part, _query) = path_part.split_once('?').unwrap_or((path_part, ""));
        let from_root = path_part.starts_with('/');
        if from_root && !path_part.ends_with(".md") {
            return self.rooted_link(url, path_part.trim_start_matches('/'), line);
        }
        let dir = if from_root { Path::new("") } else { self.source.dir };
        let Some(target) = join(dir, path_part.trim_start_matches('/')) else {
            self.broken(url, line, "it climbs out of content/");
            return written.clone();
        };
        let target = crate::content::slash_path(&target);
        if path_part.ends_with(".md") {
            let Some((page_path, page)) = self.links.routes.markdown_source(&target) else {
                self.broken(url, line, "there is no such page");
                return written.clone();
            };
            let page_url = format!("{}{page_path}", self.links.base_path);
            let Some(anchor) = anchor.filter(|anchor| !anchor.is_empty()) else { return page_url.into() };
            if let Some(page) = page {
                self.check_anchor_on(page.clone(), anchor, line, url);
            }
            return format!("{page_url}#{anchor}").into();
        }
        if self.links.routes.is_asset(&target) {
            self.rendered.files.push(target.clone());
            return format!("{}{target}", self.links.base_path).into();
        }
        if image || Path::new(path_part).extension().is_some() {
            self.broken(url, line, "there is no such file in content/");
            return written.clone();
        }
        if path_part.is_empty() {
            return written.clone();
        }
        self.page_relative_link(written, path_part, anchor, line)
    }

    /// Neither a page's file nor a file of `content/`: a browser resolves it
    /// against the page's own address, so that address must be published.
    fn page_relative_link(
        &mut self,
        written: &CowStr<'s>,
        path_part: &str,
        anchor: Option<&str>,
        line: usize,
    ) -> CowStr<'s> {
        let url = written.trim();
        let from_page = join(Path::new(self.source.url_path), path_part)
            .map(|path| crate::content::slash_path(&path))
            .and_then(|path| Some((self.links.routes.at_url(&path)?, path)));
        match from_page {
            Some((source, path)) => {
                if let Some(file) = routes::content_file(&path, source) {
                    self.rendered.files.push(file.to_string());
                }
                if let (Source::Page(page), Some(anchor)) = (source, anchor.filter(|anchor| !anchor.is_empty())) {
                    self.check_anchor_on(page.clone(), anchor, line, url);
                }
                let slash = if path_part.ends_with('/') && !path.is_empty() { "/" } else { "" };
                let rest = &url[path_part.len()..];
                format!("{}{path}{slash}{rest}", self.links.base_path).into()
            }
            None => {
                self.broken(url, line, "no page or file of the site is at that address");
                written.clone()
            }
        }
    }

    /// A link written from the site root (`/toolkits/x/`, `/feed.xml`):
    /// re-rooted under `base_url`, so it survives a sub-path deployment, and
    /// checked against every file the site publishes.
    fn rooted_link(&mut self, url: &str, path: &str, line: usize) -> CowStr<'s> {
        let routes = self.links.routes;
        let found = routes.at_url(path);
        if let (Some(Source::Page(page)), Some((_, anchor))) = (found, url.split_once('#'))
            && !anchor.is_empty()
        {
            self.check_anchor_on(page.clone(), anchor, line, url);
        }
        if let Some(file) = found.and_then(|source| routes::content_file(path, source)) {
            self.rendered.files.push(file.to_string());
        }
        if found.is_none() {
            let hint = crate::diagnostics::closest(path, routes.iter().map(|(file, _)| routes::url_path(file)))
                .map(|closest| format!("did you mean `/{closest}`?"))
                .unwrap_or_else(|| {
                    "link to the page's .md file from this page's folder instead, such as ../toolkits/allyship.md"
                        .to_string()
                });
            self.rendered.diagnostics.push(
                Diagnostic::new(
                    Code::BrokenLink,
                    self.source.file,
                    format!("broken link `{url}`: no page or file of the site has this address"),
                )
                .at(line, 1)
                .hint(hint),
            );
        }
        format!("{}{}", self.links.base_path, url.trim_start_matches('/')).into()
    }

    /// Checks `#anchor` against `page`'s heading ids once every page has them.
    fn check_anchor_on(&mut self, page: PageKey, anchor: &str, line: usize, url: &str) {
        self.rendered.anchor_links.push(AnchorLink {
            page: Some(page),
            anchor: anchor.to_string(),
            line,
            written: url.to_string(),
        });
    }

    fn broken(&mut self, url: &str, line: usize, why: &str) {
        let file_name =
            Path::new(url.split('#').next().unwrap_or(url)).file_name().map(|n| n.to_string_lossy().into_owned());
        let routes = self.links.routes;
        let candidates: Vec<String> = routes
            .markdown_sources()
            .chain(routes.assets())
            .filter(|path| !path.ends_with("_index.md"))
            .map(|path| relative_path(self.source.dir, Path::new(path)))
            .collect();
        let hint = file_name
            .and_then(|name| {
                let name = name.trim_end_matches('/');
                let as_page = [format!("/{name}.md"), format!("/{name}/index.md")];
                let same_name: Vec<&String> = candidates
                    .iter()
                    .filter(|c| {
                        let c = format!("/{c}");
                        c.ends_with(&format!("/{name}")) || as_page.iter().any(|page| c.ends_with(page.as_str()))
                    })
                    .collect();
                if same_name.len() == 1 { Some(format!("did you mean `{}`?", same_name[0])) } else { None }
            })
            .or_else(|| did_you_mean(url, candidates.iter().map(String::as_str)))
            .unwrap_or_else(|| {
                let file = Path::new(url.split(['#', '?']).next().unwrap_or(url)).extension().is_some_and(|ext| ext != "md");
                if file {
                    "put the file in content/ (in a page bundle, beside its index.md) and write its path from this page's folder".to_string()
                } else {
                    "write the path to the .md file from this page's folder, such as ../toolkits/allyship.md".to_string()
                }
            });
        self.rendered.diagnostics.push(
            Diagnostic::new(Code::BrokenLink, self.source.file, format!("broken link `{url}`: {why}"))
                .at(line, 1)
                .hint(hint),
        );
    }

    /// Warns about `[text](address)` left as typed in the text run just
    /// read: CommonMark makes no link of an address with spaces in it
    /// (`[our sister trust](A sample case study)`), and readers see the
    /// brackets.
    pub(super) fn check_literal_link(&mut self) {
        let (prose, line) = std::mem::take(&mut self.prose);
        let Some(middle) = prose.find("](") else { return };
        let (Some(open), Some(close)) = (prose[..middle].rfind('['), prose[middle..].find(')')) else { return };
        let written = &prose[open..middle + close + 1];
        self.rendered.diagnostics.push(
            Diagnostic::new(
                Code::LiteralLink,
                self.source.file,
                format!("`{written}` is shown as typed, not as a link"),
            )
            .at(line, 1)
            .hint("a link's address cannot have spaces: link to the page's file, such as [our sister trust](../case-studies/sister-trust.md)"),
        );
    }

    pub(super) fn check_link_text(&mut self, link: &LinkState) {
        let text = link.text.trim().trim_end_matches(['.', '!', ':']).to_lowercase();
        if VAGUE_LINK_TEXT.contains(&text.as_str()) {
            self.rendered.diagnostics.push(
                Diagnostic::new(
                    Code::VagueLinkText,
                    self.source.file,
                    format!("link text \"{}\" says nothing out of context", link.text.trim()),
                )
                .at(link.line, 1)
                .hint("name where the link goes, such as \"the LAS values case study\""),
            );
        }
    }
}

/// Why a link points at the author's own computer, which no reader can
/// open: a pasted preview address (`http://127.0.0.1:1111/...`,
/// `localhost`) or a file on a disk (`file:`, `C:\\`). `lower` is the link,
/// lower-cased.
pub fn local_address(lower: &str) -> Option<&'static str> {
    if lower.starts_with("file:") {
        return Some("opens a file on the author's computer");
    }
    if lower.len() > 2
        && lower.as_bytes()[1] == b':'
        && matches!(lower.as_bytes()[2], b'\\' | b'/')
        && lower.as_bytes()[0].is_ascii_alphabetic()
    {
        return Some("is a path on the author's computer");
    }
    let host = web_host(lower)?;
    let loopback = host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified());
    let local = loopback || host == "localhost" || host.ends_with(".localhost");
    local.then_some("is an address on the author's own computer, such as the preview's")
}

/// The host of an `http:` or `https:` address, without user, port or
/// IPv6 brackets (`nhs.uk` of `https://user@nhs.uk:443/a`, `::1` of
/// `http://[::1]/`); `None` for any other address.
pub fn web_host(address: &str) -> Option<&str> {
    let rest = address.strip_prefix("http://").or_else(|| address.strip_prefix("https://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    Some(if host.starts_with('[') {
        host.split(']').next().unwrap_or(host).trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or(host)
    })
}

/// `dir` joined with a relative `link`, with `.` and `..` folded; `None` if it
/// climbs above `content/`.
pub(super) fn join(dir: &Path, link: &str) -> Option<PathBuf> {
    let decoded = crate::escape::percent_decode(link).unwrap_or_else(|| link.to_string());
    let mut parts: Vec<String> = dir.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    for component in Path::new(&decoded).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// The path from `dir` to `target`, both under `content/`, as a link would write it.
fn relative_path(dir: &Path, target: &Path) -> String {
    let from: Vec<_> = dir.components().collect();
    let to: Vec<_> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}
