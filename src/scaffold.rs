//! Writes new things for authors: `new` makes a page whose front matter lists
//! every field of its kind with a comment, and `init` makes a working hub from
//! the starter files compiled into the binary. Neither ever overwrites a file.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::config::Config;
use crate::content::keys;
use crate::content::{Audience, KindName};
use crate::date::Date;
use crate::slug::slugify;

/// The starter hub, by path under the new hub's folder.
const STARTER: &[(&str, &str)] = &[
    ("site.toml", include_str!("../starter/site.toml")),
    (".gitignore", include_str!("../starter/gitignore")),
    ("content/_index.md", include_str!("../starter/content/_index.md")),
    ("content/accessibility.md", include_str!("../starter/content/accessibility.md")),
    ("content/case-studies/_index.md", include_str!("../starter/content/case-studies/_index.md")),
    ("content/case-studies/sample-case-study.md", include_str!("../starter/content/case-studies/sample-case-study.md")),
    ("content/toolkits/_index.md", include_str!("../starter/content/toolkits/_index.md")),
    ("content/toolkits/sample-toolkit.md", include_str!("../starter/content/toolkits/sample-toolkit.md")),
    ("content/discussions/_index.md", include_str!("../starter/content/discussions/_index.md")),
    ("content/discussions/sample-discussion.md", include_str!("../starter/content/discussions/sample-discussion.md")),
];

/// Writes a new hub into `dir`, which must be missing or empty. Returns the
/// files written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.is_file() {
        bail!("{} is a file; give a folder for the new hub", dir.display());
    }
    if dir.is_dir() && fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?.next().is_some() {
        bail!("{} is not empty; belong init only writes into a new or empty folder", dir.display());
    }
    let mut written = Vec::new();
    for (path, text) in STARTER {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&target, text).with_context(|| format!("cannot write {}", target.display()))?;
        written.push(PathBuf::from(path));
    }
    Ok(written)
}

/// Writes `content/<section>/<slug>.md` for a new page of `kind` titled
/// `title`, dated `today`. Refuses to overwrite. Returns the path written,
/// relative to `root`.
/// What `belong new` is asked to make.
#[derive(Clone, Copy, Debug)]
pub struct NewPage<'a> {
    pub kind: KindName,
    pub title: &'a str,
    /// A page bundle: `name/index.md`, so pictures can sit in its folder.
    pub bundle: bool,
}

/// Writes a new page with a complete front-matter template and returns its
/// path relative to `root`. Never overwrites: a page that already has the
/// address (as `name.md` or `name/index.md`) is a failure.
pub fn new_page(root: &Path, config: &Config, page: NewPage, today: Date) -> Result<PathBuf> {
    let title = page.title.trim();
    let slug = slugify(title);
    if slug.is_empty() {
        bail!("the title \"{title}\" has no letters or digits to make a file name from");
    }
    let folder = Path::new(crate::content::DIR).join(page.kind.section_dir().unwrap_or(""));
    let single = folder.join(format!("{slug}.md"));
    let bundled = folder.join(&slug).join("index.md");
    if let Some(existing) = [&single, &bundled].into_iter().find(|path| root.join(path).exists()) {
        bail!(
            "{} already exists; belong new never overwrites a page (choose another title, or edit that file)",
            existing.display()
        );
    }
    let relative = if page.bundle { bundled } else { single };
    let target = root.join(&relative);
    let parent = relative.parent().unwrap_or(&folder);
    fs::create_dir_all(root.join(parent)).with_context(|| format!("cannot create {}", parent.display()))?;
    fs::write(&target, front_matter(config, page, today))
        .with_context(|| format!("cannot write {}", target.display()))?;
    Ok(relative)
}

/// What the content model says `key` holds, as `new`'s comments say it.
fn hint(key: &str) -> &'static str {
    keys::key(key).map_or("", |key| key.hint)
}

/// A YAML double-quoted string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The new page's text: every field of its kind, required ones to fill in,
/// optional ones commented out, each with a short comment.
pub fn front_matter(config: &Config, page: NewPage, today: Date) -> String {
    let NewPage { kind, title, bundle } = page;
    let themes: Vec<&str> = config.themes.iter().map(|theme| theme.slug.as_str()).collect();
    let regions = config.regions.join(", ");
    let mut lines = vec![
        "---".to_string(),
        format!(
            "# A new {}. Fill in the fields marked required; remove the # to use an optional one.",
            kind.label().to_lowercase()
        ),
        format!("title: {}  # required: {}", quoted(title), hint("title")),
    ];
    let required = |key: &str| if keys::required(key, kind) { "required" } else { "optional" };
    lines.push(format!("summary: \"\"  # {}: {}", required("summary"), hint("summary")));
    lines.push(format!("themes: []  # {}: one or more of: {}", required("themes"), themes.join(", ")));
    match kind {
        KindName::CaseStudy => lines.push(format!("organisation: \"\"  # required: {}", hint("organisation"))),
        KindName::Toolkit | KindName::Discussion => {
            lines.push(format!("# organisation: \"\"  # optional: {}", hint("organisation")))
        }
        KindName::Page => {}
    }
    if kind != KindName::Page {
        lines.push(format!("# region: \"\"  # optional: one of: {regions}"));
    }
    lines.push(format!("date: {today}  # {}: {}", required("date"), hint("date")));
    lines.push(format!("# updated: YYYY-MM-DD  # optional: {}", hint("updated")));
    lines.push(format!("# review_due: YYYY-MM-DD  # optional: {}", hint("review_due")));
    if kind != KindName::Page {
        let audiences: Vec<String> = Audience::ALL.iter().map(|audience| format!("\"{}\"", audience.slug())).collect();
        lines.push(format!("# audience: [{}]  # optional: {}", audiences.join(", "), hint("audience")));
    }
    if kind == KindName::CaseStudy {
        lines.extend(
            [
                "# outcomes:  # optional: figures to chart, one entry per measure",
                "#   - measure: \"Staff turnover\"",
                "#     before: 14",
                "#     after: 8",
                "#     unit: \"%\"",
                "#     benchmark: 11.8  # optional",
                "#     benchmark_label: \"National average\"  # optional",
                "#     period: \"2021 to 2023\"  # optional",
            ]
            .map(String::from),
        );
    }
    if kind == KindName::Discussion {
        lines.push("questions:  # required: the questions, in order".to_string());
        lines.push("  - \"\"".to_string());
    }
    lines.extend(
        [
            "# resources:  # optional: further reading",
            "#   - title: \"\"",
            "#     url: \"https://\"",
            if bundle {
                "# image: \"picture.jpg\"  # optional: a picture in this page's folder, beside index.md"
            } else {
                "# image: \"picture.jpg\"  # optional: a picture beside this file"
            },
            "# image_alt: \"\"  # required with image: what the picture shows",
            "# draft: true  # optional: leave the page out of the site until ready",
            "---",
            "",
            "Write the page here, in Markdown. Start sections with ##.",
            "",
            "> [!NOTE]",
            "> A note like this is shown as inset text. Warnings, details, do and don't lists,",
            "> quotes, figures and videos are components too: see \"Components\" in the README.",
            "",
        ]
        .map(String::from),
    );
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_with_quotes_stay_valid_yaml() {
        assert_eq!(quoted("The \"Q&A\" forum"), "\"The \\\"Q&A\\\" forum\"");
    }
}
