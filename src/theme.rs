//! The theme: Tera templates and static files. The default theme (`themes/hub/`)
//! is compiled into the binary; files in `<root>/themes/<theme>/` override it one
//! by one, so a hub can change a single template and keep the rest.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};

/// The default theme's templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../themes/hub/templates/base.html")),
    ("home.html", include_str!("../themes/hub/templates/home.html")),
    ("section.html", include_str!("../themes/hub/templates/section.html")),
    ("case-study.html", include_str!("../themes/hub/templates/case-study.html")),
    ("toolkit.html", include_str!("../themes/hub/templates/toolkit.html")),
    ("discussion.html", include_str!("../themes/hub/templates/discussion.html")),
    ("page.html", include_str!("../themes/hub/templates/page.html")),
    ("taxonomy.html", include_str!("../themes/hub/templates/taxonomy.html")),
    ("term.html", include_str!("../themes/hub/templates/term.html")),
    ("search.html", include_str!("../themes/hub/templates/search.html")),
    ("404.html", include_str!("../themes/hub/templates/404.html")),
    ("partials/card.html", include_str!("../themes/hub/templates/partials/card.html")),
    ("partials/pagination.html", include_str!("../themes/hub/templates/partials/pagination.html")),
    ("partials/breadcrumbs.html", include_str!("../themes/hub/templates/partials/breadcrumbs.html")),
    ("partials/page-header.html", include_str!("../themes/hub/templates/partials/page-header.html")),
    ("partials/contents.html", include_str!("../themes/hub/templates/partials/contents.html")),
    ("partials/page-footer.html", include_str!("../themes/hub/templates/partials/page-footer.html")),
];

/// The default theme's static files, by output path.
const STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../themes/hub/static/style.css")),
    ("favicon.svg", include_bytes!("../themes/hub/static/favicon.svg")),
];

/// A static file to copy: embedded bytes or a file on disk.
#[derive(Clone, Debug)]
pub enum StaticFile {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

/// Loaded templates and the static files to publish, by output path.
pub struct Theme {
    pub tera: tera::Tera,
    pub static_files: Vec<(String, StaticFile)>,
}

/// Loads the embedded theme, then the overrides in `<root>/themes/<name>/`.
/// A template that does not parse is reported at its line and column.
pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
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
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera resolves `extends` and `include` across the whole set, so templates
    // are added together; its error names the template at fault.
    if let Err(error) = tera.add_raw_templates(templates.iter().map(|(name, text, _)| (name.as_str(), text.as_str()))) {
        let text = error.to_string();
        let display = templates
            .iter()
            .find(|(name, _, _)| text.contains(&format!("{name}:")) || text.contains(&format!("'{name}'")))
            .map_or_else(|| Path::new("themes").join(name).join("templates"), |(_, _, display)| display.clone());
        problems.push(template_error(&display, &error));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut static_files: Vec<(String, StaticFile)> =
        STATIC.iter().map(|(path, bytes)| (path.to_string(), StaticFile::Embedded(bytes))).collect();
    for (relative, disk_path) in
        files_under(&theme_dir.join("static")).into_iter().chain(files_under(&root.join("static")))
    {
        let key = relative.replace('\\', "/");
        static_files.retain(|(existing, _)| *existing != key);
        static_files.push((key, StaticFile::Disk(disk_path)));
    }
    static_files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Theme { tera, static_files })
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
