//! Helpers: copy a fixture into a temporary folder, build it, parse its pages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The synthetic corpus generator: `BELONG_CORPUS_SCRIPT`, or
/// `../shared/bench/gen_corpus.py` beside the repository.
pub fn corpus_script() -> PathBuf {
    std::env::var_os("BELONG_CORPUS_SCRIPT")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/bench/gen_corpus.py"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A built copy of a fixture site.
pub struct Built {
    /// Keeps the temporary folder alive as long as the test needs it.
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub public: PathBuf,
    pub output: Output,
}

impl Built {
    /// The parsed page at a URL path such as `/themes/belonging/`.
    pub fn page(&self, url_path: &str) -> Html {
        Html::parse_document(&self.text(url_path))
    }

    /// The text of the file a URL path serves.
    pub fn text(&self, url_path: &str) -> String {
        let file = file_for(&self.public, url_path);
        std::fs::read_to_string(&file).unwrap_or_else(|error| panic!("{} ({url_path}): {error}", file.display()))
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

/// The file on disk a URL path maps to: folders serve their index.html.
pub fn file_for(public: &Path, url_path: &str) -> PathBuf {
    let relative = url_path.trim_start_matches('/');
    let path = public.join(relative);
    if url_path.ends_with('/') || relative.is_empty() { path.join("index.html") } else { path }
}

/// Runs the real `belong` binary.
pub fn belong(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_belong")).args(args).current_dir(cwd).output().expect("belong runs")
}

/// Copies fixture `name` to a temporary folder and builds it with `extra` flags.
pub fn build(name: &str, extra: &[&str]) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_tree(&fixture(name), &root);
    let public = root.join("public");
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = belong(&args, dir.path());
    Built { _dir: dir, root, public, output }
}

/// Copies fixture `name`, writes `files` (path under the site, text) over it,
/// and builds it with `extra` flags.
pub fn build_edited<T: AsRef<[u8]>>(name: &str, files: &[(&str, T)], extra: &[&str]) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_tree(&fixture(name), &root);
    for (path, text) in files {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    let public = root.join("public");
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = belong(&args, dir.path());
    assert!(output.status.success(), "build failed:\n{}", String::from_utf8_lossy(&output.stderr));
    Built { _dir: dir, root, public, output }
}

/// Copies fixture `name`, writes `files` over it, and runs `check --format
/// json`: every diagnostic, as JSON objects in report order.
pub fn check_edited(name: &str, files: &[(&str, &str)]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(name), dir.path());
    for (path, text) in files {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    let check = belong(&["check", "--root", dir.path().to_str().unwrap(), "--format", "json"], dir.path());
    String::from_utf8_lossy(&check.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

/// The fixture's `site.toml` with `top` (top-level keys) put first and
/// `bottom` (tables) put last.
pub fn site_toml(name: &str, top: &str, bottom: &str) -> String {
    let toml = std::fs::read_to_string(fixture(name).join("site.toml")).unwrap();
    format!("{top}\n{toml}\n{bottom}\n")
}

/// Builds and insists the build succeeded.
pub fn build_ok(name: &str, extra: &[&str]) -> Built {
    let built = build(name, extra);
    assert!(built.output.status.success(), "build failed:\n{}", built.stderr());
    built
}

pub fn select(html: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector).map(|element| element.text().collect::<String>().trim().to_string()).collect()
}

pub fn attributes(html: &Html, selector: &str, attribute: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector).filter_map(|element| element.value().attr(attribute).map(str::to_string)).collect()
}

/// Every HTML file under a folder.
pub fn html_files(public: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(public)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "html"))
        .map(|entry| entry.path().to_path_buf())
        .collect()
}

/// Every file a build wrote, relative to its folder, with `/` separators (but
/// the marker that says belong made the folder).
pub fn built_files(public: &Path) -> std::collections::BTreeSet<String> {
    walkdir::WalkDir::new(public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file() && entry.file_name() != ".belong-output")
        .map(|entry| entry.path().strip_prefix(public).unwrap().to_string_lossy().replace('\\', "/"))
        .collect()
}
