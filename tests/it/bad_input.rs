//! Bad input as data: each folder under `tests/fixtures/bad/` (except `_base`)
//! overlays broken files on a small good site, and its `expected.json` names the
//! diagnostic code, file and line the build must report. No case may panic.

use std::path::Path;

use serde_json::Value;

use crate::common::{belong, copy_tree, fixture};

struct Case {
    name: String,
    code: String,
    file: String,
    line: u64,
    /// 1 for errors; 0 for warnings, which must not stop the build.
    exit: i32,
    /// Text the report must also hold, such as the other file of a clash.
    mentions: Vec<String>,
    /// Text the report must not hold: a dishonest suggestion, or a problem
    /// of another page caused by this one.
    absent: Vec<String>,
}

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = std::fs::read_dir(fixture("bad"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("expected.json").is_file())
        .map(|path| {
            let expected: Value =
                serde_json::from_str(&std::fs::read_to_string(path.join("expected.json")).unwrap()).unwrap();
            Case {
                name: path.file_name().unwrap().to_string_lossy().into_owned(),
                code: expected["code"].as_str().unwrap().to_string(),
                file: expected["file"].as_str().unwrap().to_string(),
                line: expected["line"].as_u64().unwrap(),
                exit: expected["exit"].as_i64().unwrap_or(1) as i32,
                mentions: texts(&expected["mentions"]),
                absent: texts(&expected["absent"]),
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

fn texts(list: &Value) -> Vec<String> {
    list.as_array().map(|texts| texts.iter().filter_map(Value::as_str).map(String::from).collect()).unwrap_or_default()
}

/// A temporary site: the good base with the case's files laid over it.
fn site_for(case: &str, into: &Path) {
    copy_tree(&fixture("bad/_base"), into);
    copy_tree(&fixture("bad").join(case), into);
    let _ = std::fs::remove_file(into.join("expected.json"));
}

#[test]
fn each_bad_input_fails_the_build_at_its_file_and_line() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} bad-input cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let dir = tempfile::tempdir().unwrap();
        site_for(&case.name, dir.path());
        let build = belong(&["build", "--root", dir.path().to_str().unwrap()], dir.path());
        let stderr = String::from_utf8_lossy(&build.stderr);
        let location = if case.line > 0 { format!("{}:{}", case.file, case.line) } else { case.file.clone() };
        if build.status.code() != Some(case.exit) {
            failures.push(format!("{}: exit {:?}, wanted {}\n{stderr}", case.name, build.status.code(), case.exit));
        } else if !stderr.contains(&format!("[{} ", case.code)) || !stderr.contains(&location) {
            failures.push(format!("{}: wanted {} at {location}, got:\n{stderr}", case.name, case.code));
        }
        for text in case.mentions.iter().filter(|text| !stderr.contains(text.as_str())) {
            failures.push(format!("{}: the report does not mention `{text}`:\n{stderr}", case.name));
        }
        for text in case.absent.iter().filter(|text| stderr.contains(text.as_str())) {
            failures.push(format!("{}: the report should not mention `{text}`:\n{stderr}", case.name));
        }
        if stderr.contains("panicked") {
            failures.push(format!("{}: panicked\n{stderr}", case.name));
        }
        let wrote = dir.path().join("public").exists();
        if wrote != (case.exit == 0) {
            failures.push(format!("{}: wrote output: {wrote}, but exit should be {}", case.name, case.exit));
        }

        let check = belong(&["check", "--root", dir.path().to_str().unwrap(), "--format", "json"], dir.path());
        let stdout = String::from_utf8_lossy(&check.stdout);
        let found = stdout.lines().filter_map(|line| serde_json::from_str::<Value>(line).ok()).any(|diagnostic| {
            diagnostic["code"] == case.code.as_str()
                && diagnostic["file"] == case.file.as_str()
                && diagnostic["line"] == case.line
        });
        if check.status.code() != Some(case.exit) || !found {
            failures.push(format!(
                "{}: check --format json did not report {} at {location}:\n{stdout}",
                case.name, case.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn check_reports_every_broken_page_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("bad/_base"), dir.path());
    let cases = cases();
    // Lay every case's broken file over the base under its own name.
    for case in cases.iter().filter(|case| case.file == "content/case-studies/x.md") {
        let source = fixture("bad").join(&case.name).join(&case.file);
        let target = dir.path().join(format!("content/case-studies/{}.md", case.name));
        std::fs::copy(source, target).unwrap();
    }
    let check = belong(&["check", "--root", dir.path().to_str().unwrap(), "--format", "json"], dir.path());
    assert_eq!(check.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&check.stdout);
    for case in cases.iter().filter(|case| case.file == "content/case-studies/x.md") {
        let file = format!("content/case-studies/{}.md", case.name);
        assert!(
            stdout.contains(&format!("\"code\":\"{}\"", case.code)) && stdout.contains(&file),
            "{} not reported:\n{stdout}",
            case.name
        );
    }
}

#[test]
fn the_human_report_ends_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    site_for("unknown-theme", dir.path());
    let check = belong(&["check", "--root", dir.path().to_str().unwrap()], dir.path());
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("help: did you mean `belonging`?"), "{stderr}");
    assert!(stderr.trim_end().ends_with("1 error, 0 warnings in 2 pages"), "{stderr}");
}
