//! Made pictures kept between builds, in the hub's `.belong-cache/pictures/`
//! (not the output folder, so any output folder, and the preview, reuse
//! them). Each picture has one folder, named by the hash of its bytes and of
//! the settings that made it, holding one file per published width; the
//! folder is written whole under another name and renamed into place, so it
//! is there complete or not at all, whoever else builds at the same time.
//!
//! Nothing is ever wrong to delete: a missing folder is made again.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context as _;

use super::make::{self, JPEG_QUALITY};
use super::{Format, Picture, RESIZED_ABOVE, Variant, WIDTHS, undecodable};
use crate::diagnostics::{Code, Diagnostic};

/// The hub's cache folder, beside `content/`.
pub const DIR: &str = ".belong-cache";

/// Where made pictures are kept.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

/// What making a picture did.
#[derive(Debug)]
pub enum Outcome {
    /// Its files were in the cache: no image work.
    Kept,
    /// Its files were made and stored.
    Made,
    /// It cannot be published, and why.
    Refused(Box<Diagnostic>),
}

/// Everything that changes a made file's bytes. A change to any of it must
/// change this text, so no file made the old way is reused.
fn settings() -> String {
    format!(
        "made 1; jpeg-encoder q{JPEG_QUALITY} 4:2:0 standard tables; png best adaptive; lanczos3; widths {WIDTHS:?} above {RESIZED_ABOVE}"
    )
}

impl Cache {
    /// The cache of the hub at `root`.
    pub fn new(root: &Path) -> Cache {
        Cache { dir: root.join(DIR).join("pictures") }
    }

    /// The folder of `picture`'s made files.
    fn entry(&self, picture: &Picture) -> PathBuf {
        let settings = xxhash_rust::xxh3::xxh3_64(settings().as_bytes());
        self.dir.join(format!("{:032x}-{settings:016x}", picture.hash))
    }

    /// Where the made file of `variant` of `picture` is.
    pub fn file(&self, picture: &Picture, variant: &Variant) -> PathBuf {
        let extension = if picture.format == Format::Png { "png" } else { "jpg" };
        self.entry(picture).join(format!("{}.{extension}", variant.size.width))
    }

    /// Whether `picture`'s files are all in the cache.
    pub fn has(&self, picture: &Picture) -> bool {
        self.entry(picture).is_dir()
    }

    /// Makes `picture`'s files and stores them, unless they are stored
    /// already. `Err` is a cache that cannot be written.
    pub fn make(&self, picture: &Picture) -> anyhow::Result<Outcome> {
        if self.has(picture) {
            return Ok(Outcome::Kept);
        }
        let bytes = match read(picture) {
            Ok(bytes) => bytes,
            Err(problem) => return Ok(Outcome::Refused(problem)),
        };
        let made = match make::make(picture, &bytes) {
            Ok(made) => made,
            Err(reason) => return Ok(Outcome::Refused(undecodable(&picture.file, &reason))),
        };
        drop(bytes);
        let entry = self.entry(picture);
        let partial = partial_name(&entry);
        let stored = std::fs::create_dir_all(&partial).and_then(|()| {
            made.iter().try_for_each(|(variant, bytes)| std::fs::write(self.file_in(&partial, picture, variant), bytes))
        });
        if let Err(error) = stored {
            let _ = std::fs::remove_dir_all(&partial);
            return Err(error)
                .with_context(|| format!("cannot write belong's picture cache in {}", self.dir.display()));
        }
        if std::fs::rename(&partial, &entry).is_err() {
            // Another build stored the same picture first: its files are
            // the same bytes.
            let _ = std::fs::remove_dir_all(&partial);
            anyhow::ensure!(self.has(picture), "cannot store a made picture in {}", entry.display());
        }
        Ok(Outcome::Made)
    }

    /// Checks that `picture` decodes, writing nothing: a picture in the
    /// cache did when it was made.
    pub fn verify(&self, picture: &Picture) -> Result<(), Box<Diagnostic>> {
        if !picture.format.is_made() || self.has(picture) {
            return Ok(());
        }
        let bytes = read(picture)?;
        make::decode(picture, &bytes).map(drop).map_err(|reason| undecodable(&picture.file, &reason))
    }

    /// Removes the made pictures of every picture but `used` (a build's,
    /// once it has written them), and what builds that stopped part-way left
    /// more than a day ago, so a cache kept by a pipeline does not grow with
    /// every photo replaced. Best effort: a file that cannot be removed
    /// stays, and costs only its space.
    pub fn prune<'a>(&self, used: impl IntoIterator<Item = &'a Picture>) {
        let keep: std::collections::HashSet<PathBuf> = used.into_iter().map(|picture| self.entry(picture)).collect();
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        let day_old = |path: &Path| {
            let modified = std::fs::metadata(path).and_then(|metadata| metadata.modified());
            modified.is_ok_and(|time| time.elapsed().is_ok_and(|age| age.as_secs() > 24 * 60 * 60))
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let partial = path.file_name().is_some_and(|name| name.to_string_lossy().contains(".part-"));
            if keep.contains(&path) || (partial && !day_old(&path)) {
                continue;
            }
            let _ = std::fs::remove_dir_all(&path);
        }
    }

    fn file_in(&self, folder: &Path, picture: &Picture, variant: &Variant) -> PathBuf {
        let file = self.file(picture, variant);
        folder.join(file.file_name().unwrap_or_default())
    }
}

/// A name beside `entry` that no other process writing the same picture
/// uses.
fn partial_name(entry: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let mut name = entry.as_os_str().to_owned();
    name.push(format!(".part-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
    PathBuf::from(name)
}

/// `picture`'s bytes, as inspected: a file changed since is refused, as its
/// made files would be filed under the old bytes' hash.
fn read(picture: &Picture) -> Result<Vec<u8>, Box<Diagnostic>> {
    let bytes = std::fs::read(&picture.source).map_err(|error| {
        Box::new(
            Diagnostic::new(Code::ReadFailed, &picture.file, format!("cannot read this picture: {error}"))
                .hint("check that the file is still there and readable"),
        )
    })?;
    if xxhash_rust::xxh3::xxh3_128(&bytes) != picture.hash {
        return Err(Box::new(
            Diagnostic::new(Code::ReadFailed, &picture.file, "this picture changed while belong was reading it")
                .hint("run the command again once the file is saved"),
        ));
    }
    Ok(bytes)
}
