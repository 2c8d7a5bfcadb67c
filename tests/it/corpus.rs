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
    // The generator writes a placeholder base_url; a publishing build names the address.
    let build =
        belong(&["build", "--root", dir.path().to_str().unwrap(), "--base-url", "https://example.org/"], dir.path());
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "{stderr}");
    // The generator draws titles from a small set, so some repeat: W014
    // says so on each repeat, and nothing else may be reported.
    let problems: Vec<&str> =
        stderr.lines().filter(|line| line.starts_with("warning[") || line.starts_with("error[")).collect();
    assert!(
        !problems.is_empty() && problems.iter().all(|line| line.starts_with("warning[W014 duplicate-title]")),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("0 errors, {} warnings in 1000 pages", problems.len())), "{stderr}");
    // Through a pipe, progress is plain lines (no animation), one per step
    // at most, in the order the steps run.
    assert!(!stderr.contains('\r') && !stderr.contains('\u{1b}'), "{stderr:?}");
    let steps = ["load and validate", "model and markdown", "search index", "pictures", "templates and write"];
    let shown: Vec<usize> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("belong: "))
        .map(|line| steps.iter().position(|step| line.starts_with(step)).expect("a step's name"))
        .collect();
    assert!(shown.windows(2).all(|pair| pair[0] < pair[1]), "{stderr}");
    let pages = crate::common::html_files(&dir.path().join("public")).len();
    assert!(pages > 1000, "only {pages} HTML files");

    // The search index is split, at most one file per 50 pages, and a second
    // build writes the same bytes.
    let search = dir.path().join("public/search");
    let files = search_files(&search);
    assert!(files.len() <= 20 && files.len() > 4, "{} search files for 1000 pages", files.len());
    assert!(files.keys().any(|file| file.starts_with("terms/")) && files.keys().any(|file| file.starts_with("docs/")));
    // The manifest names each shard by its first word, the first being "" so
    // that every word has a shard, in order; and a version for the files' URLs.
    let manifest: serde_json::Value = serde_json::from_slice(&files["index.json"]).unwrap();
    let firsts: Vec<&str> = manifest["shards"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert_eq!(firsts[0], "");
    assert!(firsts.windows(2).all(|pair| pair[0] < pair[1]), "{firsts:?}");
    assert_eq!(firsts.len(), files.keys().filter(|file| file.starts_with("terms/")).count());
    assert_eq!(
        firsts.len(),
        files.keys().filter(|file| file.starts_with("lists/")).count(),
        "a page list file per shard"
    );
    assert_eq!(manifest["version"].as_str().unwrap().len(), 16);
    let again = dir.path().join("again");
    let build =
        belong(&["build", "--root", dir.path().to_str().unwrap(), "--output", again.to_str().unwrap()], dir.path());
    assert!(build.status.success());
    assert!(search_files(&again.join("search")) == files, "the search index differs between builds");
}

/// The search index's files (`index.html`, the page, aside), by path.
fn search_files(search: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(search)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file() && entry.file_name() != "index.html")
        .map(|entry| {
            let relative = entry.path().strip_prefix(search).unwrap().to_string_lossy().replace('\\', "/");
            (relative, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}
