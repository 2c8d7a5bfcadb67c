//! Builds never lose a site and no input panics: a failed or killed build
//! leaves the previous output byte for byte; dangerous output folders are
//! refused untouched; hostile files become diagnostics.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{belong, build_ok, copy_tree, fixture};

fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            (entry.path().strip_prefix(root).unwrap().display().to_string(), std::fs::read(entry.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_build_that_fails_midway_leaves_the_previous_site() {
    let built = build_ok("basic", &[]);
    let before = snapshot(&built.public);
    // A template that fails only while rendering case studies, after other
    // files have been written to the staging folder.
    let templates = built.root.join("themes/hub/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("case-study.html"), "{{ page.no_such_field.deeper }}").unwrap();
    let failed = belong(&["build", "--root", built.root.to_str().unwrap()], &built.root);
    assert_eq!(failed.status.code(), Some(1), "{}", String::from_utf8_lossy(&failed.stderr));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("E018"));
    assert_eq!(snapshot(&built.public), before, "the previous site changed");
    let leftovers: Vec<_> = std::fs::read_dir(&built.root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("belong-") && n != belong::pictures::cache::DIR)
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn a_killed_build_leaves_the_previous_site() {
    let dir = tempfile::tempdir().unwrap();
    let generator = crate::common::corpus_script();
    let made = std::process::Command::new("python3")
        .arg(&generator)
        .args(["--pages", "3000", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(made.status.success());
    let root = dir.path().to_str().unwrap();
    assert!(belong(&["build", "--root", root], dir.path()).status.success());
    let public = dir.path().join("public");
    let before = snapshot(&public);
    for delay in [50, 200, 600] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_belong"))
            .args(["build", "--root", root])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(snapshot(&public), before, "killed after {delay} ms: the previous site changed");
    }
    // The next build tidies up what the killed ones left and succeeds.
    assert!(belong(&["build", "--root", root], dir.path()).status.success());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("belong-") && n != belong::pictures::cache::DIR)
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn dangerous_output_folders_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("hub");
    copy_tree(&fixture("basic"), &root);
    let foreign = dir.path().join("documents");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("report.docx"), "precious").unwrap();
    let before = snapshot(dir.path());
    for output in [
        root.clone(),
        dir.path().to_path_buf(),
        root.join("content"),
        root.join("themes"),
        root.join("content/case-studies"),
        foreign.clone(),
        "/".into(),
    ] {
        let run =
            belong(&["build", "--root", root.to_str().unwrap(), "--output", output.to_str().unwrap()], dir.path());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{}: {stderr}", output.display());
        assert!(stderr.contains("refusing to build into"), "{}: {stderr}", output.display());
        assert_eq!(snapshot(dir.path()), before, "{} was touched", output.display());
    }
    // A folder belong made itself is replaced without complaint.
    assert!(belong(&["build", "--root", root.to_str().unwrap()], dir.path()).status.success());
    assert!(belong(&["build", "--root", root.to_str().unwrap()], dir.path()).status.success());
}

/// Writes a file into the bad-input base site and checks it without a panic.
fn check_with(name: &str, contents: &[u8]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("bad/_base"), dir.path());
    std::fs::write(dir.path().join("content/case-studies").join(name), contents).unwrap();
    let started = Instant::now();
    let run = belong(&["build", "--root", dir.path().to_str().unwrap()], dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    assert!(started.elapsed() < Duration::from_secs(120), "{name} took {:?}", started.elapsed());
    (run.status.code(), stderr)
}

const FRONT: &str =
    "---\ntitle: \"Hostile\"\nsummary: \"x\"\nthemes: [\"belonging\"]\norganisation: \"LAS\"\ndate: 2023-01-01\n---\n";

#[test]
fn hostile_files_never_panic() {
    let deep_lists =
        format!("{FRONT}{}item\n{}quote\n{}\n", "- ".repeat(10_000), "> ".repeat(10_000), "[".repeat(50_000));
    assert_eq!(check_with("deep.md", deep_lists.as_bytes()).0, Some(0));
    let mut big = String::from(FRONT);
    while big.len() < 50 * 1024 * 1024 {
        big.push_str("A paragraph of an unusually long page, with *emphasis*, `code` and ~~struck~~ words.\n\n");
    }
    assert_eq!(check_with("big.md", big.as_bytes()).0, Some(0));
    let (code, stderr) = check_with("empty.md", b"");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("E002"), "{stderr}");
    assert_eq!(check_with("dashes.md", b"---").0, Some(1));
    assert_eq!(check_with("latin1.md", b"---\ntitle: \"Caf\xe9\"\n---\n").0, Some(1));
    let crlf_bom = format!("\u{feff}{}", FRONT.replace('\n', "\r\n"));
    assert_eq!(check_with("crlf.md", crlf_bom.as_bytes()).0, Some(0));
    let alias_bomb = "---\ntitle: \"Bomb\"\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n---\n";
    let (code, _) = check_with("bomb.md", alias_bomb.as_bytes());
    assert_eq!(code, Some(1));
}

#[test]
fn errors_in_crlf_and_cr_files_show_the_line_they_name() {
    let page = FRONT.replace("[\"belonging\"]", "[\"belongin\"]");
    for (name, ending) in [("windows.md", "\r\n"), ("old-mac.md", "\r")] {
        let text = format!("\u{feff}{}", page.replace('\n', ending));
        let (code, stderr) = check_with(name, text.as_bytes());
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains(&format!("content/case-studies/{name}:4:")), "{stderr}");
        assert!(stderr.contains("4 | themes: [\"belongin\"]"), "{name}: the report shows line 4 itself:\n{stderr}");
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("bad/_base"), dir.path());
    std::os::unix::fs::symlink("..", dir.path().join("content/case-studies/loop")).unwrap();
    let run = belong(&["build", "--root", dir.path().to_str().unwrap()], dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("W007"), "{stderr}");
}
