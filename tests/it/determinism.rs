//! Same input, same bytes: two builds of one site are identical file for file.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{belong, build_ok};

fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
            (relative, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

#[test]
fn two_builds_are_byte_identical() {
    let built = build_ok("basic", &[]);
    let first = tree(&built.public);
    let again = built.root.join("again");
    let output =
        belong(&["build", "--root", built.root.to_str().unwrap(), "--output", again.to_str().unwrap()], &built.root);
    assert!(output.status.success());
    let second = tree(&again);
    assert_eq!(first.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>());
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between builds");
    }
}
