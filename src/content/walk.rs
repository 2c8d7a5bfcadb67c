//! Lists what `content/` holds before anything is read: Markdown files,
//! other files (bundle pictures, downloads), and the entries left out
//! (symbolic links, editors' own files, unreadable entries), in sorted order.

use std::path::{Path, PathBuf};

use super::{Asset, DIR};
use crate::diagnostics::{Code, Diagnostic};

/// What `content/` holds, before any file is read.
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// Markdown files, relative to `content/`, sorted.
    pub markdown: Vec<PathBuf>,
    /// Every other file, sorted by path.
    pub assets: Vec<Asset>,
    /// Entries that could not be read, and symbolic links left out.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lists `.md` files (paths relative to `content/`) and other files, sorted;
/// no file is read (`content::find` reads the pictures' headers).
pub fn find(root: &Path) -> Found {
    let content_dir = root.join(DIR);
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let mut diagnostics = Vec::new();
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::new(Code::ReadFailed, DIR, "there is no content/ folder")
                .hint("create content/ with your Markdown pages, or run `belong init DIR` for a new hub"),
        );
        return Found { markdown, assets, diagnostics };
    }
    let walker = walkdir::WalkDir::new(&content_dir).follow_links(false).sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().map(|p| relative_to(root, p)).unwrap_or_else(|| PathBuf::from(DIR));
                diagnostics.push(
                    Diagnostic::new(Code::ReadFailed, path, format!("cannot read this folder entry: {error}"))
                        .hint("check the file's permissions"),
                );
                continue;
            }
        };
        let Ok(relative) = entry.path().strip_prefix(&content_dir).map(Path::to_path_buf) else { continue };
        let hidden = relative.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            || relative.file_name().is_some_and(|name| is_editor_file(&name.to_string_lossy()));
        if hidden || relative.as_os_str().is_empty() {
            continue;
        }
        if entry.path_is_symlink() {
            diagnostics.push(
                Diagnostic::new(
                    Code::SymlinkSkipped,
                    relative_to(root, entry.path()),
                    "symbolic link left out of the site",
                )
                .hint("belong does not follow links; copy the file into content/ instead"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if relative.extension().is_some_and(|ext| ext == "md") {
            markdown.push(relative);
        } else if let Some(problem) = misplaced_page(root, entry.path(), &relative) {
            diagnostics.push(problem);
        } else {
            assets.push(Asset {
                source: entry.path().to_path_buf(),
                path: relative,
                stamp: None,
                picture: None,
                problems: Vec::new(),
            });
        }
    }
    Found { markdown, assets, diagnostics }
}

/// Extensions editors give Markdown files; belong reads `.md` only.
const MARKDOWN_EXTENSIONS: [&str; 7] = ["md", "markdown", "mdown", "mkd", "mkdn", "mdwn", "mdtext"];

/// A file that was meant to be a page but would go out as its raw source:
/// a Markdown file with another extension (`.markdown`, `.MD`: an error, a
/// page missing from the site), or a text file that starts with front
/// matter (`.md.txt`, `.txt`: a warning, as the site is right without it).
/// Either way the file is not published.
fn misplaced_page(root: &Path, path: &Path, relative: &Path) -> Option<Diagnostic> {
    let name = relative.file_name()?.to_string_lossy();
    let extension = relative.extension()?.to_string_lossy().to_lowercase();
    let stem = relative.file_stem()?.to_string_lossy();
    if MARKDOWN_EXTENSIONS.contains(&extension.as_str()) {
        let rename = format!("{stem}.md");
        return Some(
            Diagnostic::new(
                Code::MarkdownExtension,
                relative_to(root, path),
                format!("`{name}` is a Markdown file, but belong reads only files ending in `.md` (lower case)"),
            )
            .hint(format!("rename it to `{rename}`")),
        );
    }
    if extension != "txt" || !starts_with_front_matter(path) {
        return None;
    }
    let rename = match stem.strip_suffix(".md") {
        Some(page) => format!("{page}.md"),
        None => format!("{stem}.md"),
    };
    Some(
        Diagnostic::new(
            Code::MisplacedPage,
            relative_to(root, path),
            format!("`{name}` looks like a page (it starts with front matter) but is a text file, so it is left out of the site"),
        )
        .hint(format!("rename it to `{rename}` to publish it as a page, or move it out of content/")),
    )
}

/// Whether a file's first line is `---`, as a page's front matter starts.
fn starts_with_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; 8];
    let read = std::fs::File::open(path).and_then(|mut file| file.read(&mut start)).unwrap_or(0);
    let start = &start[..read];
    let start = start.strip_prefix("\u{feff}".as_bytes()).unwrap_or(start);
    start.starts_with(b"---\n") || start.starts_with(b"---\r")
}

fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// Files editors write beside the one being saved: swap and backup files,
/// lock files, and the temporary files some save to before renaming. They
/// are never part of the site, and a preview ignores their changes.
pub fn is_editor_file(name: &str) -> bool {
    const SUFFIXES: [&str; 8] = ["~", ".swp", ".swo", ".swx", ".tmp", ".crswap", ".kate-swp", ".bak"];
    name.starts_with('.')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
        || name == "4913"
        || SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editors_own_files_are_not_part_of_the_site() {
        let junk = [".eeast.md.swp", "eeast.md~", ".#eeast.md", "#eeast.md#", "4913", "eeast.md___jb_tmp___", "x.tmp"];
        let pages = ["eeast.md", "style.css", "site.toml", "chart.png", "_index.md", "#1-priority.md", "c#"];
        assert!(junk.iter().all(|name| is_editor_file(name)));
        assert!(pages.iter().all(|name| !is_editor_file(name)));
    }
}
