//! Keeps the pipeline one-way: a module may use only modules below it, so data
//! flows load -> model -> render -> write and no cycle can form. The order is
//! the one ARCHITECTURE.md draws; this test reads every `crate::` path in
//! `src/` and fails on any that points up, or sideways within a layer.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::repo;

/// The layers, lowest first. `lib.rs` and `main.rs` sit above them all.
const LAYERS: &[&[&str]] = &[
    &["escape", "slug", "date", "diagnostics", "timings"],
    &["config"],
    &["content"],
    &["theme"],
    &["site"],
    &["highlight"],
    &["markdown"],
    &["search"],
    &["render"],
    &["output", "scaffold", "shrink"],
    // The pipeline in `lib.rs` (its items: `Model`, `Options`, `config`…).
    &["lib"],
    &["serve"],
    // The binary's own modules, beside main.rs (it uses the library as
    // `belong::`, never `crate::`).
    &["progress"],
];

/// What `lib.rs` itself defines, which `serve` builds on.
const LIB_ITEMS: &[&str] = &["Model", "Kept", "Options", "Progress", "Quiet", "Report", "model", "build", "check"];

fn layer(module: &str) -> Option<usize> {
    let module = if LIB_ITEMS.contains(&module) { "lib" } else { module };
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level module a file under `src/` belongs to: `site/routes.rs` is
/// `site`; `None` for `lib.rs` and `main.rs`.
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_string_lossy().into_owned();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// The top-level modules a source text names after `crate::`, including each
/// name of a `use crate::{a, b::c}` group.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for rest in text.split("crate::").skip(1) {
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for character in group.chars() {
                match character {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        names.insert(std::mem::take(&mut item));
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 && character != '}' {
                    item.push(character);
                }
            }
            names.insert(item);
        } else {
            names.insert(rest.to_string());
        }
    }
    names
        .into_iter()
        .map(|path| path.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>())
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn no_module_uses_a_module_above_it() {
    let src = repo().join("src");
    let mut problems = Vec::new();
    let mut seen_modules = BTreeSet::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().map(Result::unwrap) {
        let path = entry.path();
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap();
        let Some(module) = module_of(relative) else { continue };
        seen_modules.insert(module.clone());
        let Some(own) = layer(&module) else {
            problems.push(format!("{}: module `{module}` is in no layer of this test", relative.display()));
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        for used in crate_paths(&text).into_iter().filter(|used| *used != module) {
            match layer(&used) {
                Some(theirs) if theirs < own => {}
                Some(_) => problems
                    .push(format!("{}: `{module}` uses `crate::{used}`, above or beside it", relative.display())),
                None => problems.push(format!("{}: uses `crate::{used}`, which is in no layer", relative.display())),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(seen_modules.len() >= 12, "read only {seen_modules:?}");
}

#[test]
fn the_reader_finds_every_kind_of_crate_path() {
    let text = "use crate::site::{Site, Source};\nuse crate::{config::Config, content::{Page, PageKey}};\nlet x = crate::render::escape(y);";
    let found: Vec<String> = crate_paths(text).into_iter().collect();
    assert_eq!(found, ["config", "content", "render", "site"]);
}
