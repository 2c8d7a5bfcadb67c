//! The pages belong last saw published (by the last build, or as a preview
//! started), kept in the hub's cache folder, and the addresses among them
//! no page or alias has now: a renamed file drops its old address, and the
//! author is told to keep it with `aliases`.

use std::path::{Path, PathBuf};

use crate::content::{DIR, Page};
use crate::diagnostics::{Code, Diagnostic};
use crate::site::{Site, same_title};

/// Where the record is kept, under the hub's folder.
const RECORD: &str = ".belong-cache/published-pages.tsv";

/// One page as it was published: its address, its file and its title.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    url_path: String,
    file: PathBuf,
    title: String,
}

/// The record under `root`: empty when there is none or it does not read.
pub fn read(root: &Path) -> Vec<Published> {
    let Ok(text) = std::fs::read_to_string(root.join(RECORD)) else { return Vec::new() };
    text.lines()
        .filter_map(|line| {
            let mut fields = line.splitn(3, '\t');
            let (url_path, file, title) = (fields.next()?, fields.next()?, fields.next()?);
            Some(Published { url_path: url_path.to_string(), file: PathBuf::from(file), title: title.to_string() })
        })
        .collect()
}

/// Writes the record of `site`'s pages under `root`, whole or not at all.
pub fn write(root: &Path, site: &Site) -> std::io::Result<()> {
    let mut text = String::new();
    for page in site.pages.values() {
        let title = page.meta.title.replace(['\t', '\n'], " ");
        text.push_str(&format!("/{}\t{}\t{title}\n", site.path(&page.key), page.file.display()));
    }
    let file = root.join(RECORD);
    if let Some(folder) = file.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let partial = file.with_extension("tsv.partial");
    std::fs::write(&partial, text)?;
    std::fs::rename(partial, file)
}

/// A warning for each recorded address that no page or alias of `site`
/// has now: on the page it seems to have moved to (same title, or same file
/// name in another folder), else on the file that is gone.
pub fn gone(site: &Site, record: &[Published]) -> Vec<Diagnostic> {
    record
        .iter()
        .filter(|old| site.routes.at_url(&old.url_path).is_none())
        .map(|old| {
            let aliases = format!("aliases: [\"{}\"]", old.url_path);
            match moved_to(site, old) {
                Some(page) => Diagnostic::new(
                    Code::MovedPage,
                    &page.file,
                    format!(
                        "this page was published at {} (from {}), and that address no longer works",
                        old.url_path,
                        old.file.display()
                    ),
                )
                .at(page.title_line, 1)
                .field("aliases")
                .hint(format!("keep links and bookmarks to it working: add {aliases} to this page's front matter")),
                None => Diagnostic::new(
                    Code::MovedPage,
                    &old.file,
                    format!("this page is gone, and with it its address {}", old.url_path),
                )
                .hint(format!(
                    "if the page moved, add {aliases} to its new file's front matter, so links and bookmarks \
                     to the old address still work"
                )),
            }
        })
        .collect()
}

/// The page of `site` that `old` seems to have become.
fn moved_to<'a>(site: &'a Site, old: &Published) -> Option<&'a Page> {
    let title = same_title(&old.title);
    let name = name_of(&old.file);
    let pages = || site.pages.values().map(|page| &**page).filter(|page| page.file.starts_with(DIR));
    pages()
        .find(|page| same_title(&page.meta.title) == title)
        .or_else(|| pages().find(|page| name_of(&page.file) == name && page.file != old.file))
}

/// A page file's name: its folder's for a bundle's `index.md`.
fn name_of(file: &Path) -> Option<&std::ffi::OsStr> {
    match file.file_stem() {
        Some(stem) if stem == "index" => file.parent().and_then(Path::file_name),
        stem => stem,
    }
}
