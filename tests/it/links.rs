//! Every link and asset reference in the built site resolves, also when the site
//! lives under a sub-path.

use std::collections::HashMap;
use std::path::Path;

use scraper::{Html, Selector};

use crate::common::{build_ok, file_for, html_files};

const BASE: &str = "https://example.org/hub/";

/// Checks every `href`, `src` and `action` of every HTML file under `public`
/// against the files on disk, and every `#fragment` against the target's ids.
/// Returns the broken references as "page: reference" lines.
pub fn broken_references(public: &Path, base_url: &str) -> Vec<String> {
    let base_path = &base_url[base_url.find("://").map_or(0, |i| i + 3)..];
    let base_path = &base_path[base_path.find('/').unwrap_or(0)..];
    let selector = Selector::parse("[href], [src], form[action]").unwrap();
    let mut documents: HashMap<std::path::PathBuf, Html> = HashMap::new();
    let mut broken = Vec::new();
    let files = html_files(public);
    assert!(files.len() > 10, "the site has pages");
    for file in &files {
        let html = Html::parse_document(&std::fs::read_to_string(file).unwrap());
        for element in html.select(&selector) {
            for attribute in ["href", "src", "action"] {
                let Some(reference) = element.value().attr(attribute) else { continue };
                let shown = format!("{}: {reference}", file.strip_prefix(public).unwrap().display());
                let local = if let Some(rest) = reference.strip_prefix(base_url) {
                    format!("{base_path}{rest}")
                } else if reference.starts_with("http://")
                    || reference.starts_with("https://")
                    || reference.starts_with("mailto:")
                {
                    continue;
                } else {
                    reference.to_string()
                };
                let (path, fragment) = local.split_once('#').map_or((local.as_str(), None), |(p, f)| (p, Some(f)));
                let target = if path.is_empty() {
                    file.clone()
                } else if let Some(under_base) = path.strip_prefix(base_path) {
                    file_for(public, &format!("/{}", under_base.split('?').next().unwrap_or("")))
                } else {
                    broken.push(format!("{shown} (outside {base_path})"));
                    continue;
                };
                if !target.is_file() {
                    broken.push(format!("{shown} (no file {})", target.display()));
                    continue;
                }
                let Some(fragment) = fragment.filter(|f| !f.is_empty()) else { continue };
                if target.extension().is_some_and(|ext| ext != "html") {
                    continue;
                }
                let document = documents
                    .entry(target.clone())
                    .or_insert_with(|| Html::parse_document(&std::fs::read_to_string(&target).unwrap()));
                let id = Selector::parse(&format!("[id=\"{fragment}\"]")).unwrap();
                if document.select(&id).next().is_none() {
                    broken.push(format!("{shown} (no #{fragment})"));
                }
            }
        }
    }
    broken
}

#[test]
fn every_reference_resolves_under_a_sub_path() {
    let built = build_ok("basic", &["--base-url", BASE]);
    let broken = broken_references(&built.public, BASE);
    assert!(broken.is_empty(), "broken references:\n{}", broken.join("\n"));
}

#[test]
fn links_are_rooted_at_the_sub_path() {
    let built = build_ok("basic", &["--base-url", BASE]);
    let page = built.page("/case-studies/eeast/");
    let links = crate::common::attributes(&page, "main .prose a", "href");
    assert!(links.contains(&"/hub/toolkits/allyship/".to_string()), "{links:?}");
    let sitemap = built.text("/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/hub/case-studies/eeast/</loc>"));
}

#[test]
fn a_broken_link_suggests_the_page_it_probably_meant() {
    let las = std::fs::read_to_string(crate::common::fixture("basic/content/case-studies/las.md")).unwrap();
    let text = las
        + "\nSee the [allyship toolkit](../toolkits/alyship.md), the [list of toolkits](/toolkit/), \
           the [feed](/feed.xm), \
           ![A picture of the team](bundle/phto.png) and the [EEAST story](../case-studies/eeast.md).\n";
    let hints: Vec<String> = crate::common::check_edited("basic", &[("content/case-studies/las.md", text.as_str())])
        .into_iter()
        .filter(|diagnostic| diagnostic["code"] == "E011")
        .map(|diagnostic| diagnostic["hint"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        hints,
        [
            "did you mean `../toolkits/allyship.md`?",
            "did you mean `/feed.xml`?",
            "did you mean `/toolkits/`?",
            "did you mean `bundle/photo.png`?"
        ]
    );
}

#[test]
fn links_from_the_site_root_reach_pages_lists_feeds_and_files() {
    let links = "[Toolkits](/toolkits/), [a toolkit](/toolkits/allyship/), [no slash](/toolkits/allyship), \
                 [the feed](/feed.xml), [a picture](/case-studies/bundle/photo.png) and [home](/).";
    let page = format!("---\ntitle: \"Links from the root\"\n---\n\n{links}\n");
    let built = crate::common::build_edited("basic", &[("content/links.md", page.as_str())], &["--base-url", BASE]);
    assert!(!built.stderr().contains("E011"), "{}", built.stderr());
    let hrefs = crate::common::attributes(&built.page("/links/"), "main .prose a", "href");
    assert_eq!(
        hrefs,
        [
            "/hub/toolkits/",
            "/hub/toolkits/allyship/",
            "/hub/toolkits/allyship",
            "/hub/feed.xml",
            "/hub/case-studies/bundle/photo.png",
            "/hub/"
        ]
    );
}
