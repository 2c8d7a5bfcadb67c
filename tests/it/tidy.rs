//! Keeps the code as ARCHITECTURE.md describes it: every module says its one job
//! in a `//!` first line, files stay readable in size, and functions fit a screen.

use std::path::PathBuf;

use crate::common::repo;

/// Files longer than this must be split (STYLE: "600+ says why": none does yet).
const MAX_FILE_LINES: usize = 600;
/// Functions longer than this must be split.
const MAX_FUNCTION_LINES: usize = 80;

fn sources() -> Vec<PathBuf> {
    walkdir::WalkDir::new(repo().join("src"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "rs"))
        .map(|entry| entry.path().to_path_buf())
        .collect()
}

#[test]
fn every_module_starts_with_its_job() {
    for file in sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with("//! "), "{} must start with a `//!` line saying its one job", file.display());
    }
}

#[test]
fn files_and_functions_stay_small() {
    let mut problems = Vec::new();
    for file in sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let code_lines = lines.iter().position(|line| line.starts_with("#[cfg(test)]")).unwrap_or(lines.len());
        if code_lines > MAX_FILE_LINES {
            problems.push(format!("{}: {code_lines} lines (at most {MAX_FILE_LINES})", file.display()));
        }
        for (start, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            if !starts_a_function(trimmed) || line.trim_end().ends_with(';') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            let closing = format!("{}}}", " ".repeat(indent));
            let length = lines[start..].iter().position(|l| *l == closing).unwrap_or(0);
            if length > MAX_FUNCTION_LINES {
                problems.push(format!(
                    "{}:{}: function of {length} lines (at most {MAX_FUNCTION_LINES})",
                    file.display(),
                    start + 1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whether a line (indentation taken off) starts a function: `fn`, after any
/// visibility (`pub`, `pub(crate)`, `pub(super)`, `pub(in path)`) and
/// qualifiers (`const`, `async`, `unsafe`, `extern "C"`).
fn starts_a_function(line: &str) -> bool {
    let mut rest = line;
    if let Some(after) = rest.strip_prefix("pub") {
        rest = match after.strip_prefix('(') {
            Some(inside) => inside.split_once(')').map_or("", |(_, after)| after),
            None => after,
        };
        rest = rest.trim_start();
    }
    loop {
        let before = rest;
        for qualifier in ["const ", "async ", "unsafe ", "extern \"C\" "] {
            rest = rest.strip_prefix(qualifier).unwrap_or(rest);
        }
        if rest == before {
            break;
        }
    }
    rest.starts_with("fn ")
}

#[test]
fn functions_are_found_whatever_their_visibility() {
    for line in ["fn a() {", "pub fn a() {", "pub(crate) fn a() {", "pub(super) fn a(", "pub(in crate::site) fn a() {"]
    {
        assert!(starts_a_function(line), "{line}");
    }
    for line in ["const async unsafe fn a() {", "pub(crate) const fn a() {", "extern \"C\" fn a() {"] {
        assert!(starts_a_function(line), "{line}");
    }
    for line in ["let fn_name = 1;", "// fn a() {", "function() {", "pub struct F;"] {
        assert!(!starts_a_function(line), "{line}");
    }
}

#[test]
fn the_readme_lists_every_diagnostic_code() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for code in belong::diagnostics::Code::ALL {
        let entry = format!("{} {}", code.id(), code.name());
        assert!(readme.contains(&entry), "README.md does not list {entry}");
    }
    for kind in belong::report::Kind::ALL {
        let entry = format!("{} {}", kind.id(), kind.name());
        assert!(readme.contains(&entry), "README.md does not list the report's {entry}");
    }
}
