//! The theme: Tera templates and static files. The default theme (`themes/hub/`)
//! is compiled into the binary; files in `<root>/themes/<theme>/` override it one
//! by one, so a hub can change a single template and keep the rest. Files in
//! `<root>/static/` are published too, and may replace a theme's static file
//! (that is how a hub adjusts its theme's stylesheet or favicon).
//!
//! Loaded with the configuration and the content, before the site is modelled:
//! the only theme I/O of a build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Code, Diagnostic};

/// The default theme's templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../themes/hub/templates/base.html")),
    ("home.html", include_str!("../themes/hub/templates/home.html")),
    ("article.html", include_str!("../themes/hub/templates/article.html")),
    ("section.html", include_str!("../themes/hub/templates/section.html")),
    ("case-study.html", include_str!("../themes/hub/templates/case-study.html")),
    ("toolkit.html", include_str!("../themes/hub/templates/toolkit.html")),
    ("discussion.html", include_str!("../themes/hub/templates/discussion.html")),
    ("page.html", include_str!("../themes/hub/templates/page.html")),
    ("taxonomy.html", include_str!("../themes/hub/templates/taxonomy.html")),
    ("term.html", include_str!("../themes/hub/templates/term.html")),
    ("search.html", include_str!("../themes/hub/templates/search.html")),
    ("evidence.html", include_str!("../themes/hub/templates/evidence.html")),
    ("404.html", include_str!("../themes/hub/templates/404.html")),
    ("partials/card.html", include_str!("../themes/hub/templates/partials/card.html")),
    ("partials/pagination.html", include_str!("../themes/hub/templates/partials/pagination.html")),
    ("partials/breadcrumbs.html", include_str!("../themes/hub/templates/partials/breadcrumbs.html")),
    ("partials/page-header.html", include_str!("../themes/hub/templates/partials/page-header.html")),
    ("partials/contents.html", include_str!("../themes/hub/templates/partials/contents.html")),
    ("partials/page-footer.html", include_str!("../themes/hub/templates/partials/page-footer.html")),
    ("partials/draft-notice.html", include_str!("../themes/hub/templates/partials/draft-notice.html")),
    ("partials/page-image.html", include_str!("../themes/hub/templates/partials/page-image.html")),
    ("components/inset.html", include_str!("../themes/hub/templates/components/inset.html")),
    ("components/warning-callout.html", include_str!("../themes/hub/templates/components/warning-callout.html")),
    ("components/details.html", include_str!("../themes/hub/templates/components/details.html")),
    ("components/do-dont.html", include_str!("../themes/hub/templates/components/do-dont.html")),
    ("components/quote.html", include_str!("../themes/hub/templates/components/quote.html")),
    ("components/figure.html", include_str!("../themes/hub/templates/components/figure.html")),
    ("components/video.html", include_str!("../themes/hub/templates/components/video.html")),
];

/// Where component templates are, among the theme's templates.
const COMPONENTS: &str = "components/";

/// The default theme's static files, by output path.
const STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../themes/hub/static/style.css")),
    ("favicon.svg", include_bytes!("../themes/hub/static/favicon.svg")),
    ("search-engine.js", include_bytes!("../themes/hub/static/search-engine.js")),
    ("search.js", include_bytes!("../themes/hub/static/search.js")),
    ("components.js", include_bytes!("../themes/hub/static/components.js")),
    ("evidence.js", include_bytes!("../themes/hub/static/evidence.js")),
];

/// A static file to publish: where it comes from (for messages) and its bytes.
#[derive(Clone, Debug)]
pub struct StaticFile {
    /// The file as an author knows it, relative to the site root, such as
    /// `themes/hub/static/favicon.svg` or `static/logo.png`.
    pub origin: PathBuf,
    pub contents: StaticContents,
}

/// Embedded bytes of the default theme, or a file on disk.
#[derive(Clone, Debug)]
pub enum StaticContents {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

/// Loaded templates and the static files to publish.
pub struct Theme {
    pub tera: tera::Tera,
    /// Static files by output path, such as `style.css`.
    pub static_files: BTreeMap<String, StaticFile>,
    /// The templates of the components a page's body may hold.
    pub components: Arc<Components>,
}

/// The templates components are rendered with (`components/*.html`), on
/// their own: a page's body is made with them, so they are one of its inputs
/// (`render::BodyInputs`), and two sets are equal when their texts are,
/// whatever else of the theme changed.
pub struct Components {
    texts: Vec<(String, String)>,
    /// Where each template is, as an author knows it, for messages.
    origins: BTreeMap<String, PathBuf>,
    tera: tera::Tera,
}

impl Components {
    /// Renders the component template `name` (`details.html`).
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, tera::Error> {
        self.tera.render(&format!("{COMPONENTS}{name}"), context)
    }

    /// Where the template `name` (`details.html`) is, for a message.
    pub fn origin(&self, name: &str) -> PathBuf {
        let key = format!("{COMPONENTS}{name}");
        self.origins.get(&key).cloned().unwrap_or_else(|| Path::new("themes/hub/templates").join(key))
    }
}

impl PartialEq for Components {
    fn eq(&self, other: &Components) -> bool {
        self.texts == other.texts
    }
}

impl Eq for Components {}

impl std::fmt::Debug for Components {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_list().entries(self.texts.iter().map(|(name, _)| name)).finish()
    }
}

/// Loads the embedded theme, then the overrides in `<root>/themes/<name>/`.
/// A template that does not parse is reported at its line and column, and
/// the theme's templates are then the embedded ones alone: the problems stop
/// a build, but the rest of the hub is still checked in the same run.
pub fn load(root: &Path, name: &str) -> (Theme, Vec<Diagnostic>) {
    let theme_dir = root.join("themes").join(name);
    let mut templates: Vec<(String, String, PathBuf)> = TEMPLATES
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string(), Path::new("themes/hub/templates").join(name)))
        .collect();
    let mut problems = Vec::new();
    for (relative, disk_path) in files_under(&theme_dir.join("templates")) {
        let display = Path::new("themes").join(name).join("templates").join(&relative);
        match std::fs::read_to_string(&disk_path) {
            Ok(text) => {
                let key = relative.replace('\\', "/");
                templates.retain(|(existing, _, _)| *existing != key);
                templates.push((key, text, display));
            }
            Err(error) => {
                problems.push(Diagnostic::new(Code::ReadFailed, display, format!("cannot read this template: {error}")))
            }
        }
    }
    // Tera resolves `extends` and `include` across the whole set, so templates
    // are added together; its error names the template at fault.
    let tera = match tera_of(templates.iter().map(|(name, text, _)| (name.as_str(), text.as_str()))) {
        Ok(tera) => tera,
        Err(error) => {
            let text = error.to_string();
            let display = templates
                .iter()
                .find(|(name, _, _)| text.contains(&format!("{name}:")) || text.contains(&format!("'{name}'")))
                .map_or_else(|| Path::new("themes").join(name).join("templates"), |(_, _, display)| display.clone());
            problems.push(template_error(&display, &error));
            // The embedded templates always parse (a unit test holds them to it).
            templates = TEMPLATES
                .iter()
                .map(|(name, text)| (name.to_string(), text.to_string(), Path::new("themes/hub/templates").join(name)))
                .collect();
            tera_of(TEMPLATES.iter().copied()).unwrap_or_default()
        }
    };
    let components = components(&templates, &mut problems);
    let embedded = STATIC.iter().map(|(path, bytes)| {
        let origin = Path::new("themes/hub/static").join(path);
        (path.to_string(), StaticFile { origin, contents: StaticContents::Embedded(bytes) })
    });
    let mut static_files: BTreeMap<String, StaticFile> = embedded.collect();
    // Later folders replace earlier ones file by file: the theme's own folder,
    // then the hub's `static/`.
    for folder in [Path::new("themes").join(name).join("static"), PathBuf::from("static")] {
        for (relative, disk_path) in files_under(&root.join(&folder)) {
            let origin = folder.join(&relative);
            let file = StaticFile { origin, contents: StaticContents::Disk(disk_path) };
            static_files.insert(relative.replace('\\', "/"), file);
        }
    }
    (Theme { tera, static_files, components: Arc::new(components) }, problems)
}

/// The component templates among `templates`, loaded on their own. One that
/// needs another template (`include`, `extends`) cannot be: it is reported
/// and the embedded component templates stand in.
fn components(templates: &[(String, String, PathBuf)], problems: &mut Vec<Diagnostic>) -> Components {
    let ours = templates.iter().filter(|(name, _, _)| name.starts_with(COMPONENTS));
    let texts: Vec<(String, String)> = ours.clone().map(|(name, text, _)| (name.clone(), text.clone())).collect();
    let origins: BTreeMap<String, PathBuf> = ours.map(|(name, _, display)| (name.clone(), display.clone())).collect();
    match tera_of(texts.iter().map(|(name, text)| (name.as_str(), text.as_str()))) {
        Ok(tera) => Components { texts, origins, tera },
        Err(error) => {
            let display = origins
                .iter()
                .find(|(name, _)| error.to_string().contains(name.as_str()))
                .map_or_else(|| Path::new("themes").join("templates").join(COMPONENTS), |(_, display)| display.clone());
            problems.push(
                template_error(&display, &error)
                    .hint("a component's template is rendered on its own: it cannot include or extend another"),
            );
            let embedded: Vec<(String, String)> = TEMPLATES
                .iter()
                .filter(|(name, _)| name.starts_with(COMPONENTS))
                .map(|(name, text)| (name.to_string(), text.to_string()))
                .collect();
            let tera = tera_of(embedded.iter().map(|(name, text)| (name.as_str(), text.as_str()))).unwrap_or_default();
            Components { texts: embedded, origins: BTreeMap::new(), tera }
        }
    }
}

/// Templates loaded into Tera, escaping HTML and XML.
fn tera_of<'a>(templates: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<tera::Tera, tera::Error> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.add_raw_templates(templates)?;
    Ok(tera)
}

/// Turns a Tera error into a diagnostic at the template's line and column.
pub fn template_error(file: &Path, error: &tera::Error) -> Diagnostic {
    let text = error.to_string();
    let (line, column) = find_line_column(&text).unwrap_or((0, 0));
    let message = text.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or("template error").to_string();
    let mut detail = text.lines().skip(1).map(str::trim_end).collect::<Vec<_>>().join("\n");
    if detail.trim().is_empty() {
        detail = "check the template's {{ }} and {% %} tags".to_string();
    }
    Diagnostic::new(Code::Template, file, message).at(line, column).hint(detail)
}

/// Tera 2 reports `name:line:column`; pick the first `:N:N` pair.
fn find_line_column(text: &str) -> Option<(usize, usize)> {
    let bytes: Vec<&str> = text.split(':').collect();
    bytes.windows(2).find_map(|pair| {
        let line = pair[0].trim().parse().ok()?;
        let column: String = pair[1].chars().take_while(char::is_ascii_digit).collect();
        Some((line, column.parse().ok()?))
    })
}

/// Files under `dir`, as (path relative to `dir`, path on disk), sorted.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(dir).ok()?.to_string_lossy().into_owned();
            (!relative.starts_with('.')).then(|| (relative, entry.path().to_path_buf()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_templates_parse() {
        let tera = tera_of(TEMPLATES.iter().copied()).unwrap();
        let names: Vec<&str> = tera.get_template_names().collect();
        assert!(TEMPLATES.iter().all(|(name, _)| names.contains(name)), "{names:?}");
    }

    #[test]
    fn a_broken_template_is_reported_and_the_embedded_ones_stand_in() {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("themes/hub/templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(templates.join("page.html"), "{% if %}").unwrap();
        let (theme, problems) = load(dir.path(), "hub");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].file, Path::new("themes/hub/templates/page.html"));
        assert!(theme.tera.get_template_names().any(|name| name == "page.html"));
        assert!(theme.static_files.contains_key("style.css"));
    }
}
