//! Keeps the pipeline one-way: a module may use only modules below it, so data
//! flows load -> model -> render -> write and no cycle can form. The order is
//! the one ARCHITECTURE.md draws; this test reads every path in `src/` that
//! reaches the crate root (`crate::…`, or enough `super::` to climb to it)
//! and fails on any that points up, or sideways within a layer.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::repo;

/// The layers, lowest first. `lib.rs` and `main.rs` sit above them all.
const LAYERS: &[&[&str]] = &[
    &["escape", "slug", "date", "diagnostics", "timings", "hashing"],
    &["config", "pictures"],
    &["content"],
    &["theme"],
    &["site"],
    &["highlight"],
    &["markdown"],
    &["search"],
    &["render"],
    &["output", "scaffold", "shrink"],
    &["model"],
    &["report"],
    // The pipeline in `lib.rs` (its items: `Options`, `build`, `check`…).
    &["lib"],
    &["serve"],
    // The binary's own modules, beside main.rs (it uses the library as
    // `belong::`, never `crate::`).
    &["progress"],
];

/// What `lib.rs` itself defines (or re-exports), which `serve` builds on.
const LIB_ITEMS: &[&str] = &["Options", "Progress", "Quiet", "Report", "build", "check"];

fn layer(module: &str) -> Option<usize> {
    let module = if LIB_ITEMS.contains(&module) { "lib" } else { module };
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The module path of a file under `src/`: `site/routes.rs` is
/// `["site", "routes"]`, `site/mod.rs` is `["site"]`; `None` for `lib.rs` and
/// `main.rs`, the crate roots.
fn module_of(relative: &Path) -> Option<Vec<String>> {
    let mut path: Vec<String> = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if path.last().is_some_and(|last| last == "mod") {
        path.pop();
    }
    (path != ["lib"] && path != ["main"]).then_some(path)
}

/// The first names of the paths written after each `prefix` in `text`,
/// including each name of a `prefix{a, b::c}` group.
fn names_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for rest in text.split(prefix).skip(1) {
        names.extend(first_names(rest));
    }
    names
}

/// The first names of the path or group that `rest` starts with.
fn first_names(rest: &str) -> Vec<String> {
    let mut items = Vec::new();
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut item = String::new();
        for character in group.chars() {
            match character {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(std::mem::take(&mut item));
                    continue;
                }
                _ => {}
            }
            if depth == 0 && character != '}' {
                item.push(character);
            }
        }
        items.push(item);
    } else {
        items.push(rest.to_string());
    }
    items
        .into_iter()
        .map(|path| path.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The top-level modules `text`, the source of the module at `module`,
/// names through `super::` chains long enough to reach the crate root (a
/// shorter one stays inside its own top-level module). The test module at
/// the end of a file (`mod tests`) is one level deeper.
fn super_paths(text: &str, module: &[String]) -> BTreeSet<String> {
    let (code, tests) = text.split_once("#[cfg(test)]").unwrap_or((text, ""));
    let mut names = BTreeSet::new();
    for (part, depth) in [(code, module.len()), (tests, module.len() + 1)] {
        let mut rest = part;
        while let Some(at) = rest.find("super::") {
            let chain = &rest[at..];
            let climbs = chain.as_bytes().chunks(7).take_while(|chunk| *chunk == b"super::").count();
            let after = &chain[climbs * 7..];
            if climbs >= depth {
                names.extend(first_names(after));
            }
            rest = after;
        }
    }
    names
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
        let Some(module_path) = module_of(relative) else { continue };
        let module = module_path[0].clone();
        seen_modules.insert(module.clone());
        let Some(own) = layer(&module) else {
            problems.push(format!("{}: module `{module}` is in no layer of this test", relative.display()));
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        let mut used = names_after(&text, "crate::");
        used.extend(super_paths(&text, &module_path));
        for used in used.into_iter().filter(|used| *used != module) {
            match layer(&used) {
                Some(theirs) if theirs < own => {}
                Some(_) => {
                    problems.push(format!("{}: `{module}` uses `{used}`, above or beside it", relative.display()))
                }
                None => problems.push(format!("{}: uses `{used}`, which is in no layer", relative.display())),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(seen_modules.len() >= 14, "read only {seen_modules:?}");
}

#[test]
fn the_reader_finds_every_kind_of_path_to_the_crate_root() {
    let text = "use crate::site::{Site, Source};\nuse crate::{config::Config, content::{Page, PageKey}};\nlet x = crate::render::escape(y);";
    let found: Vec<String> = names_after(text, "crate::").into_iter().collect();
    assert_eq!(found, ["config", "content", "render", "site"]);
    // In `serve/http.rs`: `super::` is `serve`, `super::super::` the root.
    let module = ["serve".to_string(), "http".to_string()];
    let text = "use super::live::Pages;\nuse super::super::{render, site::Routes};\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::super::output;\n}";
    let found: Vec<String> = super_paths(text, &module).into_iter().collect();
    assert_eq!(found, ["output", "render", "site"]);
    // In `serve/mod.rs`, one `super::` is the root already.
    let found: Vec<String> = super_paths("use super::model::Model;", &["serve".to_string()]).into_iter().collect();
    assert_eq!(found, ["model"]);
}
