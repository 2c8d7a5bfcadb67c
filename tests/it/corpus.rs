//! The synthetic benchmark corpus (../shared/bench) builds with no problems.

use std::process::Command;

use crate::common::belong;

#[test]
fn a_thousand_page_corpus_builds_without_problems() {
    let generator = crate::common::corpus_script();
    assert!(generator.is_file(), "the corpus generator is expected at {}", generator.display());
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(&generator)
        .args(["--pages", "1000", "--out"])
        .arg(dir.path())
        .output()
        .expect("python3 runs");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let build = belong(&["build", "--root", dir.path().to_str().unwrap()], dir.path());
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "{stderr}");
    assert!(stderr.contains("no problems in 1000 pages"), "{stderr}");
    let pages = crate::common::html_files(&dir.path().join("public")).len();
    assert!(pages > 1000, "only {pages} HTML files");
}
