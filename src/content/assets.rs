//! The files of `content/` that are not Markdown: listed by `walk`, then
//! each picture's header read (`pictures::inspect`), again only when the
//! file's size or modification time changed since the last listing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use super::{DIR, Found, slash_path, walk};
use crate::diagnostics::Diagnostic;
use crate::pictures::{self, Picture};

/// A file in `content/` that is not Markdown: a picture, published for
/// phones, or any other file, copied as it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Asset {
    /// Where it is on disk.
    pub source: PathBuf,
    /// Its path under `content/`, such as `case-studies/eeast/chart.png`.
    pub path: PathBuf,
    /// Its modification time and size when inspected.
    pub stamp: Option<(SystemTime, u64)>,
    /// What it is, when it is a picture (JPEG, PNG, GIF, WebP) that reads.
    pub picture: Option<Arc<Picture>>,
    /// Why it cannot be published (a HEIC photo), or what its author should
    /// know (a 9 MB photo).
    pub problems: Vec<Diagnostic>,
}

/// What `content/` holds (`walk`), each picture's header read; a file
/// `earlier` holds with the same size and time is not read again.
pub fn find(root: &Path, earlier: &[Asset]) -> Found {
    let mut found = walk::find(root);
    found.assets.par_iter_mut().for_each(|asset| {
        asset.stamp = stamp(&asset.source);
        let same = earlier
            .binary_search_by(|known| known.path.cmp(&asset.path))
            .ok()
            .map(|place| &earlier[place])
            .filter(|known| known.stamp.is_some() && known.stamp == asset.stamp);
        if let Some(known) = same {
            asset.picture.clone_from(&known.picture);
            asset.problems.clone_from(&known.problems);
            return;
        }
        let file = Path::new(DIR).join(&asset.path);
        let inspected = pictures::inspect(&asset.source, &file, &slash_path(&asset.path));
        asset.picture = inspected.picture.map(Arc::new);
        asset.problems = inspected.problems;
    });
    found
}

/// A file's modification time and size: what tells that a file changed when
/// no event named it.
pub(super) fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}
