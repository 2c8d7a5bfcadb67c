//! Writes output files to disk safely: into a temporary folder beside the output
//! folder, swapped in only when the whole build succeeded, so a failed or killed
//! build leaves the previous site as it was. Refuses output folders that would
//! destroy something: the site root, a parent of it, `content/`, `themes/`, or a
//! non-empty folder belong did not make (it leaves a marker file in its own).

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::render::{Contents, OutputFile};

/// The file that marks a folder as belong's output, safe to replace.
pub const MARKER: &str = ".belong-output";

/// A build in progress: files go to `staging` until `commit`.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
}

/// Checks that `target` may be replaced by a build of the site at `root`, and
/// makes an empty staging folder beside it.
pub fn stage(root: &Path, target: &Path) -> Result<Staging> {
    let root = absolute(root)?;
    let target = absolute(target)?;
    refuse_dangerous(&root, &target)?;
    let parent = target.parent().context("the output folder has no parent folder")?;
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    remove_leftovers(parent, &name);
    let staging = parent.join(format!(".{name}.belong-new-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).with_context(|| format!("cannot clear {}", staging.display()))?;
    }
    fs::create_dir_all(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
    fs::write(staging.join(MARKER), "This folder is built by belong; a build replaces it whole.\n")
        .with_context(|| format!("cannot write in {}", staging.display()))?;
    Ok(Staging { target, staging })
}

/// Tidies up after a build that was killed: a previous site moved aside but
/// never replaced is put back, then leftover staging and old-site folders go.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let (new_prefix, old_prefix) = (format!(".{name}.belong-new-"), format!(".{name}.belong-old-"));
    let target = parent.join(name);
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with(&old_prefix) && !target.exists() {
            let _ = fs::rename(entry.path(), &target);
        } else if file_name.starts_with(&new_prefix) || file_name.starts_with(&old_prefix) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

fn absolute(path: &Path) -> Result<PathBuf> {
    let joined = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir()?.join(path) };
    // Fold `.` and `..` by hand: the folder may not exist yet, so it cannot be canonicalised.
    let mut folded = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                folded.pop();
            }
            Component::CurDir => {}
            other => folded.push(other),
        }
    }
    // Resolve symlinks in the part that exists, so a link cannot hide the root.
    let mut existing = folded.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
}

fn refuse_dangerous(root: &Path, target: &Path) -> Result<()> {
    let shown = target.display();
    if target.parent().is_none() {
        bail!("refusing to build into {shown}: it is the root of the file system");
    }
    if root.starts_with(target) {
        bail!("refusing to build into {shown}: it holds the site itself; choose a folder such as public/");
    }
    for protected in ["content", "themes", "static"] {
        if target.starts_with(root.join(protected)) {
            bail!("refusing to build into {shown}: it is inside {protected}/, which holds the site's sources");
        }
    }
    if target.is_file() {
        bail!("refusing to build into {shown}: it is a file");
    }
    if target.is_dir() && !target.join(MARKER).exists() {
        let mut entries = fs::read_dir(target).with_context(|| format!("cannot read {shown}"))?;
        if entries.next().is_some() {
            bail!(
                "refusing to build into {shown}: it is not empty and belong did not make it; \
                 empty it or choose another folder with --output"
            );
        }
    }
    Ok(())
}

impl Staging {
    /// Where the site will be once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file into the staging folder. Paths must stay inside it.
    pub fn write(&self, file: &OutputFile) -> Result<()> {
        let relative = Path::new(&file.path);
        let safe = relative.components().all(|component| matches!(component, Component::Normal(_)));
        if !safe || file.path.is_empty() {
            bail!("refusing to write `{}`: the path leaves the output folder", file.path);
        }
        let destination = self.staging.join(relative);
        if let Some(parent) = destination.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        match &file.contents {
            Contents::Bytes(bytes) => fs::write(&destination, bytes).map(|_| ()),
            Contents::Copy(source) => fs::copy(source, &destination).map(|_| ()),
        }
        .with_context(|| format!("cannot write {}", destination.display()))
    }

    /// Swaps the finished site in for the old one.
    pub fn commit(self) -> Result<PathBuf> {
        let target = self.target.clone();
        if target.exists() {
            let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let old = target.with_file_name(format!(".{name}.belong-old-{}", std::process::id()));
            fs::rename(&target, &old)
                .with_context(|| format!("cannot move the old site {} aside", target.display()))?;
            if let Err(error) = fs::rename(&self.staging, &target) {
                // Put the old site back rather than leave nothing.
                let _ = fs::rename(&old, &target);
                return Err(error).with_context(|| format!("cannot move the new site into {}", target.display()));
            }
            fs::remove_dir_all(&old).with_context(|| format!("cannot remove the old site at {}", old.display()))?;
        } else {
            fs::rename(&self.staging, &target)
                .with_context(|| format!("cannot move the new site into {}", target.display()))?;
        }
        Ok(target)
    }

    /// Throws the staging folder away, leaving the old site untouched.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_path_that_leaves_the_output_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("hub");
        fs::create_dir_all(&root).unwrap();
        let staging = stage(&root, &root.join("public")).unwrap();
        let absolute = dir.path().join("escaped.txt").to_string_lossy().into_owned();
        for path in ["../escaped.txt", absolute.as_str(), "a/../../escaped.txt", ""] {
            let file = OutputFile { path: path.to_string(), contents: Contents::Bytes(b"x".to_vec()) };
            let error = staging.write(&file).unwrap_err().to_string();
            assert!(error.contains("leaves the output folder"), "{path}: {error}");
        }
        assert!(!root.join("escaped.txt").exists() && !dir.path().join("escaped.txt").exists());
        let inside = OutputFile { path: "a/b.txt".to_string(), contents: Contents::Bytes(b"x".to_vec()) };
        staging.write(&inside).unwrap();
        let site = staging.commit().unwrap();
        assert_eq!(fs::read(site.join("a/b.txt")).unwrap(), b"x");
    }
}
