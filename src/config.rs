//! Reads `site.toml` into a checked `Config`: the hub's title and URL, its theme
//! and region vocabularies, and its build options.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Code, Diagnostic, did_you_mean};

/// The file, relative to the site root, that configures a hub.
pub const FILE: &str = "site.toml";

/// The hub's configuration. `base_url` always ends with `/`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    /// Raw HTML in Markdown is escaped unless this is true.
    #[serde(default)]
    pub allow_html: bool,
    /// Use the NHS Frutiger font stack (only for trusts that hold its licence).
    #[serde(default)]
    pub frutiger: bool,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub themes: Vec<Theme>,
    #[serde(default)]
    pub feeds: Feeds,
    #[serde(default)]
    pub search: Search,
    #[serde(default)]
    pub output: Output,
    /// The picture a shared link to a page without one shows, by its path
    /// under the site (a file of `content/` or `static/`).
    #[serde(default)]
    pub share_image: Option<String>,
    /// `[cms]`: editing in the browser, when the hub has it.
    #[serde(default)]
    pub cms: Option<Cms>,
    /// The line of `share_image` in site.toml, for its diagnostics.
    #[serde(skip)]
    pub share_image_line: usize,
    /// Problems that do not stop a build (a placeholder `base_url`), for the
    /// build to report; `--base-url` clears the placeholder warning.
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
}

/// One entry of the controlled theme vocabulary.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// `[feeds]`: how many of the newest pages each Atom feed lists.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feeds {
    #[serde(default = "default_feed_limit")]
    pub limit: usize,
}

impl Default for Feeds {
    fn default() -> Feeds {
        Feeds { limit: default_feed_limit() }
    }
}

/// `[output]`: what `build` writes besides the site's own files.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// A `.gz` and a `.br` copy beside every text file, for hosts that serve
    /// them as they are.
    #[serde(default)]
    pub precompress: bool,
}

/// `[cms]`: where the browser editor saves pages, and how authors sign in.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cms {
    pub backend: CmsBackend,
    /// The repository, as `owner/name` (GitLab: `group/subgroup/name` too).
    pub repo: String,
    #[serde(default = "default_branch")]
    pub branch: String,
    /// Also edit on one's own computer, through `npx decap-server`.
    #[serde(default)]
    pub local: bool,
    /// The address of a copy of the CMS's script the trust hosts itself,
    /// instead of the pinned release from the public CDN.
    #[serde(default)]
    pub script: Option<String>,
    /// GitHub: the address of the small service that signs authors in
    /// (GitHub's OAuth needs a server to hold the app's secret).
    #[serde(default)]
    pub auth_url: Option<String>,
    /// GitLab: the id of the OAuth application authors sign in through (PKCE,
    /// no server needed).
    #[serde(default)]
    pub app_id: Option<String>,
    /// GitLab: the address of a GitLab the trust runs itself, such as
    /// `https://gitlab.example.nhs.uk`; gitlab.com when absent.
    #[serde(default)]
    pub gitlab_url: Option<String>,
}

/// Where the browser editor's repository is hosted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CmsBackend {
    Github,
    Gitlab,
}

/// `[search]`: whether the hub has a search index, which parts of a page it
/// reads, and words too common to be worth finding.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Search {
    #[serde(default = "default_true")]
    pub enabled: bool,
    #[serde(default = "SearchField::all")]
    pub fields: Vec<SearchField>,
    /// Words never indexed nor searched for, beside the built-in English list.
    #[serde(default)]
    pub stop_words: Vec<String>,
}

impl Default for Search {
    fn default() -> Search {
        Search { enabled: true, fields: SearchField::all(), stop_words: Vec::new() }
    }
}

/// A part of a page the search index can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SearchField {
    Title,
    Summary,
    Headings,
    Body,
    Organisation,
    Region,
    Themes,
    Questions,
}

impl SearchField {
    pub const ALL: [SearchField; 8] = [
        SearchField::Title,
        SearchField::Summary,
        SearchField::Headings,
        SearchField::Body,
        SearchField::Organisation,
        SearchField::Region,
        SearchField::Themes,
        SearchField::Questions,
    ];

    fn all() -> Vec<SearchField> {
        SearchField::ALL.to_vec()
    }
}

fn default_true() -> bool {
    true
}
fn default_language() -> String {
    "en-GB".to_string()
}
fn default_output_dir() -> PathBuf {
    PathBuf::from("public")
}
fn default_theme() -> String {
    "hub".to_string()
}
fn default_paginate() -> usize {
    10
}
fn default_branch() -> String {
    "main".to_string()
}
fn default_feed_limit() -> usize {
    20
}

const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "output_dir",
    "theme",
    "paginate",
    "allow_html",
    "frutiger",
    "regions",
    "themes",
    "feeds",
    "search",
    "output",
    "share_image",
    "cms",
];

impl Config {
    /// The theme with this slug, if the vocabulary has it.
    pub fn theme(&self, slug: &str) -> Option<&Theme> {
        self.themes.iter().find(|theme| theme.slug == slug)
    }

    /// Replaces `base_url`, as `--base-url` does, keeping the trailing-slash rule.
    pub fn set_base_url(&mut self, base_url: &str) -> Result<(), Diagnostic> {
        self.base_url = normalise_base_url(base_url).map_err(|message| {
            Diagnostic::new(Code::Config, "--base-url", message)
                .hint("give a full URL such as https://example.org/hub/")
        })?;
        self.warnings.retain(|warning| warning.code != Code::PlaceholderBaseUrl);
        Ok(())
    }
}

/// Reads and checks `<root>/site.toml`. Every problem found is returned, located
/// at its line in the file.
pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(root.join(FILE)).map_err(|error| {
        vec![
            Diagnostic::new(Code::Config, FILE, format!("cannot read {FILE}: {error}"))
                .hint("run belong in the hub's folder, or pass --root DIR; `belong init DIR` makes a new hub"),
        ]
    })?;
    parse(&text)
}

/// Parses the text of a `site.toml`.
pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
    let mut config: Config = toml::from_str(text).map_err(|error| vec![toml_error(text, &error)])?;
    let mut problems = Vec::new();
    let line_of = |key: &str| key_line(text, key);
    match normalise_base_url(&config.base_url) {
        Ok(url) => {
            if is_placeholder(&url) {
                config.warnings.push(
                    Diagnostic::new(
                        Code::PlaceholderBaseUrl,
                        FILE,
                        format!("base_url is still the placeholder `{url}`: the sitemap, feeds and canonical links will point at the wrong site"),
                    )
                    .at(line_of("base_url"), 1)
                    .field("base_url")
                    .hint("set base_url to the address the hub will be published at, or build with --base-url URL"),
                );
            }
            config.base_url = url;
        }
        Err(message) => problems.push(
            Diagnostic::new(Code::Config, FILE, message)
                .at(line_of("base_url"), 1)
                .field("base_url")
                .hint("write a full URL such as \"https://example.org/\" or \"https://example.org/hub/\""),
        ),
    }
    if let Some(image) = &mut config.share_image {
        *image = image.trim().trim_start_matches('/').to_string();
        config.share_image_line = line_of("share_image");
    }
    if config.paginate == 0 {
        problems.push(
            Diagnostic::new(Code::Config, FILE, "`paginate` is 0; lists need at least one page per page")
                .at(line_of("paginate"), 1)
                .field("paginate")
                .hint("set `paginate = 10`"),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for theme in &config.themes {
        if !seen.insert(theme.slug.as_str()) {
            problems.push(
                Diagnostic::new(Code::Config, FILE, format!("theme `{}` is listed twice", theme.slug))
                    .at(key_line_of_value(text, &theme.slug), 1)
                    .field("themes")
                    .hint("remove one of the two [[themes]] entries"),
            );
        }
        if theme.slug.is_empty() || crate::slug::slugify(&theme.slug) != theme.slug {
            problems.push(
                Diagnostic::new(Code::Config, FILE, format!("theme slug `{}` is not a URL slug", theme.slug))
                    .at(key_line_of_value(text, &theme.slug), 1)
                    .field("themes.slug")
                    .hint(format!(
                        "use lower-case words joined by hyphens, such as `{}`",
                        crate::slug::slugify(&theme.name)
                    )),
            );
        }
    }
    if let Some(cms) = &config.cms {
        problems.extend(cms_problems(text, cms));
    }
    if problems.is_empty() { Ok(config) } else { Err(problems) }
}

/// What in `[cms]` would stop authors signing in or saving.
fn cms_problems(text: &str, cms: &Cms) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    // `key = ` lines below the `[cms]` header, so a top-level key of the
    // same name is not taken for it.
    let start = text.lines().position(|line| line.trim() == "[cms]").unwrap_or(0);
    let section = text.lines().skip(start).collect::<Vec<_>>().join("\n");
    let line_of = |key: &str| match key_line(&section, key) {
        0 => 0,
        line => start + line,
    };
    let mut problem = |key: &str, message: String, hint: &str| {
        problems.push(
            Diagnostic::new(Code::Config, FILE, message).at(line_of(key), 1).field(format!("cms.{key}")).hint(hint),
        );
    };
    let parts: Vec<&str> = cms.repo.split('/').collect();
    let nested = cms.backend == CmsBackend::Gitlab;
    if parts.len() < 2
        || (parts.len() > 2 && !nested)
        || parts.iter().any(|part| part.trim().is_empty() || part.contains(char::is_whitespace))
    {
        problem(
            "repo",
            format!("`repo = \"{}\"` is not a repository's owner and name", cms.repo),
            "write it as on the repository's web page, such as repo = \"nhs-trust/belonging-hub\"",
        );
    }
    if cms.branch.trim().is_empty() {
        problem(
            "branch",
            "`branch` is empty".to_string(),
            "name the branch the site is published from: branch = \"main\"",
        );
    }
    if cms.backend == CmsBackend::Gitlab && cms.app_id.as_deref().is_none_or(|id| id.trim().is_empty()) {
        problem(
            "backend",
            "GitLab sign-in needs `app_id`, the id of the OAuth application authors sign in through".to_string(),
            "add an application in GitLab (User settings, Applications; scope api, not confidential) and set app_id = \"its Application ID\"; the README shows the steps",
        );
    }
    for (key, value) in [("script", &cms.script), ("auth_url", &cms.auth_url), ("gitlab_url", &cms.gitlab_url)] {
        if let Some(url) =
            value.as_deref().filter(|url| !(url.starts_with("https://") || key == "script" && url.starts_with('/')))
        {
            problem(
                key,
                format!("`{key} = \"{url}\"` is not an https address"),
                "write the full address, starting https://",
            );
        }
    }
    problems
}

/// Whether a base URL is on a domain reserved for examples (RFC 2606),
/// as `belong init` writes it: no hub is published there.
fn is_placeholder(base_url: &str) -> bool {
    let host = base_url.split_once("://").map_or(base_url, |(_, rest)| rest).split(['/', ':']).next().unwrap_or("");
    ["example.org", "example.com", "example.net"]
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

fn normalise_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !url.contains(char::is_whitespace) => {
            Ok(if url.ends_with('/') { url.to_string() } else { format!("{url}/") })
        }
        _ => Err(format!("base_url `{url}` is not a full http(s) URL")),
    }
}

fn toml_error(text: &str, error: &toml::de::Error) -> Diagnostic {
    let (line, column) = error.span().map(|span| line_column(text, span.start)).unwrap_or((0, 0));
    let message = error.message().trim().to_string();
    let mut diagnostic = Diagnostic::new(Code::Config, FILE, format!("site.toml: {message}")).at(line, column);
    if let Some(unknown) = message.strip_prefix("unknown field `").and_then(|m| m.split('`').next()) {
        if let Some(hint) = did_you_mean(unknown, KNOWN_KEYS.iter().copied()) {
            diagnostic = diagnostic.hint(hint);
        }
    } else {
        diagnostic = diagnostic.hint("see the site.toml reference in the README");
    }
    diagnostic
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map(|i| before.len() - i).unwrap_or(before.len() + 1);
    (line, column)
}

/// The line where a top-level `key =` is written, or 0.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| line.trim_start().strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('=')))
        .map_or(0, |index| index + 1)
}

/// The first line that quotes `value`, or 0.
fn key_line_of_value(text: &str, value: &str) -> usize {
    let quoted = format!("\"{value}\"");
    text.lines().position(|line| line.contains(&quoted)).map_or(0, |index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_gains_a_trailing_slash() {
        let config = parse("title = \"Hub\"\nbase_url = \"https://example.org/hub\"\n").unwrap();
        assert_eq!(config.base_url, "https://example.org/hub/");
        assert_eq!(config.paginate, 10);
        assert_eq!(config.language, "en-GB");
    }

    #[test]
    fn unknown_key_names_the_nearest() {
        let problems = parse("title = \"Hub\"\nbase_url = \"https://example.org/\"\npaginte = 3\n").unwrap_err();
        assert_eq!(problems[0].line, 3);
        assert_eq!(problems[0].hint.as_deref(), Some("did you mean `paginate`?"));
    }

    #[test]
    fn cms_needs_a_repository_and_gitlab_an_application() {
        let base = "title = \"Hub\"\nbase_url = \"https://example.org/\"\n\n[cms]\n";
        let config = parse(&format!("{base}backend = \"github\"\nrepo = \"trust/hub\"\n")).unwrap();
        let cms = config.cms.unwrap();
        assert_eq!((cms.backend, cms.branch.as_str(), cms.local), (CmsBackend::Github, "main", false));

        let problems = parse(&format!("{base}backend = \"github\"\nrepo = \"hub\"\n")).unwrap_err();
        assert_eq!((problems[0].field.as_deref(), problems[0].line), (Some("cms.repo"), 6));
        let problems = parse(&format!("{base}backend = \"github\"\nrepo = \"a/b/c\"\n")).unwrap_err();
        assert_eq!(problems[0].field.as_deref(), Some("cms.repo"));
        assert!(parse(&format!("{base}backend = \"gitlab\"\nrepo = \"a/b/c\"\napp_id = \"x\"\n")).is_ok());

        let problems = parse(&format!("{base}backend = \"gitlab\"\nrepo = \"trust/hub\"\n")).unwrap_err();
        assert_eq!((problems[0].field.as_deref(), problems[0].line), (Some("cms.backend"), 5));
        assert!(problems[0].hint.as_deref().unwrap().contains("app_id"));

        let problems =
            parse(&format!("{base}backend = \"github\"\nrepo = \"trust/hub\"\nauth_url = \"http://auth\"\n"))
                .unwrap_err();
        assert_eq!((problems[0].field.as_deref(), problems[0].line), (Some("cms.auth_url"), 7));
        assert!(parse(&format!("{base}backend = \"github\"\nrepo = \"t/h\"\nscript = \"/admin/decap.js\"\n")).is_ok());

        let problems = parse(&format!("{base}backend = \"bitbucket\"\nrepo = \"trust/hub\"\n")).unwrap_err();
        assert_eq!(problems[0].line, 5);
    }

    #[test]
    fn relative_base_url_is_refused() {
        let problems = parse("title = \"Hub\"\nbase_url = \"/hub/\"\n").unwrap_err();
        assert_eq!(problems[0].field.as_deref(), Some("base_url"));
        assert_eq!(problems[0].line, 2);
    }
}
