//! Names the commit belong is built from, for `belong --version`: git's
//! short hash, or `BELONG_COMMIT` when it is set (a build from a source
//! archive, where there is no git), or "commit unknown".

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=BELONG_COMMIT");
    let commit = std::env::var("BELONG_COMMIT").ok().filter(|commit| !commit.is_empty()).or_else(git_commit);
    println!("cargo:rustc-env=BELONG_COMMIT={}", commit.unwrap_or_else(|| "commit unknown".to_string()));
    // Build again when HEAD moves: to another branch, or along its own.
    println!("cargo:rerun-if-changed=.git/HEAD");
    if let Ok(head) = std::fs::read_to_string(".git/HEAD")
        && let Some(branch) = head.trim().strip_prefix("ref: ")
    {
        // Only files that exist: cargo runs a build script again every time
        // for a path that is missing, and a repository whose refs were never
        // packed has no packed-refs (its branch file moves instead).
        for path in [format!(".git/{branch}"), ".git/packed-refs".to_string()] {
            if std::path::Path::new(&path).exists() {
                println!("cargo:rerun-if-changed={path}");
            }
        }
    }
}

fn git_commit() -> Option<String> {
    let output = Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).output().ok()?;
    let commit = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && !commit.is_empty()).then_some(commit)
}
