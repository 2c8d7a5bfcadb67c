//! The foundations a preview stands on: one page re-rendered alone gives the
//! bytes a clean build gives, and the dependency map names every output a
//! page's edit touches.

use std::path::Path;

use belong::content::PageKey;

use crate::common::{build_ok, file_for};

fn options(root: &Path) -> belong::Options {
    belong::Options { root: root.to_path_buf(), ..belong::Options::default() }
}

fn model(root: &Path) -> belong::Model {
    match belong::model(&options(root)) {
        Ok((model, diagnostics)) => {
            assert!(!diagnostics.iter().any(|d| d.is_error()), "{diagnostics:?}");
            model
        }
        Err(report) => panic!("{:?}", report.diagnostics),
    }
}

fn rendered(model: &belong::Model, file: &str) -> Vec<u8> {
    match model.render(file) {
        Some(Ok(output)) => match output.contents {
            belong::render::Contents::Bytes(bytes) => bytes,
            belong::render::Contents::Copy(path) => std::fs::read(path).unwrap(),
        },
        Some(Err(diagnostic)) => panic!("{file}: {diagnostic:?}"),
        None => panic!("{file} is not a route of the site"),
    }
}

#[test]
fn one_page_rendered_alone_matches_the_clean_build_byte_for_byte() {
    let built = build_ok("basic", &[]);
    let mut model = model(&built.root);
    let key = PageKey::new(Path::new("case-studies/eeast.md"));
    assert!(model.render_body(&key).is_empty(), "the page renders without problems");
    for (file, url) in [("case-studies/eeast/index.html", "/case-studies/eeast/"), ("feed.xml", "/feed.xml")] {
        let on_disk = std::fs::read(file_for(&built.public, url)).unwrap();
        assert!(rendered(&model, file) == on_disk, "{file} differs from the clean build's");
    }
}

#[test]
fn an_edited_body_changes_its_own_page_and_no_other() {
    let built = build_ok("basic", &[]);
    let mut model = model(&built.root);
    let key = PageKey::new(Path::new("case-studies/eeast.md"));
    let page = model.site.pages.get_mut(&key).unwrap();
    page.body = "## A new section\n\nWritten in the preview.\n".into();
    assert!(model.render_body(&key).is_empty());
    let html = String::from_utf8(rendered(&model, "case-studies/eeast/index.html")).unwrap();
    assert!(html.contains("<h2 id=\"a-new-section\">A new section</h2>"), "{html}");
    // A body is shown only on its own page: lists show front matter.
    for (file, url) in
        [("case-studies/index.html", "/case-studies/"), ("case-studies/las/index.html", "/case-studies/las/")]
    {
        assert!(rendered(&model, file) == std::fs::read(file_for(&built.public, url)).unwrap(), "{file} changed");
    }
}

#[test]
fn the_dependency_map_lists_everywhere_a_case_study_appears() {
    let built = build_ok("basic", &[]);
    let model = model(&built.root);
    let dependencies = model.dependencies();
    let eeast = PageKey::new(Path::new("case-studies/eeast.md"));
    let outputs = dependencies.outputs_using(&eeast);
    for wanted in [
        "case-studies/eeast/index.html",
        "index.html",
        "case-studies/index.html",
        "case-studies/page/2/index.html",
        "themes/index.html",
        "themes/belonging/index.html",
        "themes/allyship/index.html",
        "organisations/east-of-england-ambulance-service-nhs-trust/index.html",
        "regions/east-of-england/index.html",
        "search/index.html",
        "feed.xml",
        "themes/belonging/feed.xml",
        "themes/allyship/feed.xml",
        "sitemap.xml",
    ] {
        assert!(outputs.contains(&wanted), "{wanted} missing from {outputs:?}");
    }
    // Related blocks: every page whose related list shows the case study.
    for page in model.site.pages.keys().filter(|key| model.site.related(key).contains(&eeast)) {
        let file = format!("{}index.html", model.site.path(page));
        assert!(outputs.contains(&file.as_str()), "{file} shows it as related: {outputs:?}");
    }
    assert!(outputs.contains(&"case-studies/las/index.html"), "{outputs:?}");
    for unrelated in
        ["toolkits/index.html", "themes/staff-networks/index.html", "regions/london/index.html", "404.html"]
    {
        assert!(!outputs.contains(&unrelated), "{unrelated} does not show it: {outputs:?}");
    }
    let needs = dependencies.of("case-studies/eeast/index.html").unwrap();
    for template in ["case-study.html", "article.html", "base.html", "partials/page-header.html", "partials/card.html"]
    {
        assert!(needs.templates.contains(template), "{template} missing from {:?}", needs.templates);
    }
    assert!(!needs.templates.contains("toolkit.html"));
    assert!(dependencies.outputs_using_template("toolkit.html") == ["toolkits/allyship/index.html"]);
}
