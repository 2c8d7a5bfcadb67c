//! One test per feature a reader would notice going missing: each builds a
//! small hub with the feature in use and asserts what a reader would see.
//! Each was checked by breaking the feature in the code and watching the test
//! fail (issue 10 lists them: they used to break with the suite green).

use scraper::Html;

use crate::common::{attributes, build_edited, check_edited, select, site_toml};

/// A case study with these front-matter lines (after the required ones) and body.
fn case_study(title: &str, date: &str, extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nsummary: \"A summary.\"\nthemes: [\"belonging\"]\norganisation: \"Test Trust\"\n\
         date: {date}\n{extra}---\n\n{body}\n"
    )
}

/// The `<loc>` addresses of a sitemap, as paths.
fn sitemap_paths(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split("</loc>").next())
        .map(|url| url.trim_start_matches("https://example.org").to_string())
        .collect()
}

/// The entry links of an Atom feed, as paths.
fn feed_entries(xml: &str) -> Vec<String> {
    xml.split("<entry>")
        .skip(1)
        .filter_map(|entry| entry.split("<id>").nth(1)?.split("</id>").next())
        .map(|url| url.trim_start_matches("https://example.org").to_string())
        .collect()
}

#[test]
fn drafts_stay_off_the_site_unless_built_with_drafts() {
    let draft = case_study("Not ready yet", "2030-01-01", "draft: true\n", "Work in progress.");
    let files = [("content/case-studies/unready.md", draft.as_str())];
    let built = build_edited("basic", &files, &[]);
    assert!(!crate::common::file_for(&built.public, "/case-studies/unready/").exists());
    assert!(!select(&built.page("/case-studies/"), "main").concat().contains("Not ready yet"));
    assert!(!built.text("/feed.xml").contains("Not ready yet"));
    assert!(!sitemap_paths(&built.text("/sitemap.xml")).contains(&"/case-studies/unready/".to_string()));

    let with_drafts = build_edited("basic", &files, &["--drafts"]);
    assert_eq!(select(&with_drafts.page("/case-studies/unready/"), "main h1"), ["Not ready yet"]);
}

#[test]
fn each_feed_lists_the_newest_pages_up_to_its_limit() {
    let toml = site_toml("basic", "", "[feeds]\nlimit = 2");
    let built = build_edited("basic", &[("site.toml", toml.as_str())], &[]);
    assert_eq!(feed_entries(&built.text("/feed.xml")), ["/case-studies/eeast/", "/case-studies/las/"]);
    let theme_feed = feed_entries(&built.text("/themes/belonging/feed.xml"));
    assert_eq!(theme_feed, ["/case-studies/eeast/", "/case-studies/las/"]);
}

#[test]
fn raw_html_is_shown_as_text_unless_the_hub_allows_it() {
    let page = case_study("Raw HTML", "2023-01-01", "", "<div class=\"raw-block\">Inside a div</div>");
    let files = [("content/case-studies/raw.md", page.as_str())];
    let escaped = build_edited("basic", &files, &[]).page("/case-studies/raw/");
    assert!(select(&escaped, "main div.raw-block").is_empty());
    assert!(select(&escaped, "main .prose").concat().contains("<div class=\"raw-block\">"));

    let toml = site_toml("basic", "allow_html = true", "");
    let allowed = build_edited("basic", &[files[0], ("site.toml", toml.as_str())], &[]).page("/case-studies/raw/");
    assert_eq!(select(&allowed, "main div.raw-block"), ["Inside a div"]);
}

#[test]
fn a_page_past_its_review_date_says_so_and_others_do_not() {
    let overdue = case_study("Overdue", "2020-01-01", "review_due: 2021-01-01\n", "Old news.");
    let current = case_study("Current", "2020-01-01", "review_due: 2999-01-01\n", "Fresh.");
    let files =
        [("content/case-studies/overdue.md", overdue.as_str()), ("content/case-studies/current.md", current.as_str())];
    let built = build_edited("basic", &files, &[]);
    let banner = select(&built.page("/case-studies/overdue/"), "main .inset--warning");
    assert_eq!(banner.len(), 1);
    assert!(banner[0].starts_with("Due for review."), "{banner:?}");
    assert!(banner[0].contains("1 January 2021"), "{banner:?}");
    assert!(select(&built.page("/case-studies/current/"), "main .inset--warning").is_empty());
    assert!(built.stderr().contains("was due for review"), "{}", built.stderr());
}

#[test]
fn an_old_address_redirects_to_its_page() {
    let moved = case_study("Moved here", "2023-01-01", "aliases: [\"/old/moved/\", \"/older/moved.html\"]\n", "Text.");
    let files = [("content/case-studies/moved.md", moved.as_str())];
    let built = build_edited("basic", &files, &[]);
    for old in ["/old/moved/", "/older/moved.html"] {
        let page = built.page(old);
        assert_eq!(attributes(&page, "main a", "href"), ["/case-studies/moved/"], "{old}");
        assert_eq!(attributes(&page, "meta[http-equiv=refresh]", "content"), ["0; url=/case-studies/moved/"]);
        assert_eq!(attributes(&page, "link[rel=canonical]", "href"), ["https://example.org/case-studies/moved/"]);
    }
}

#[test]
fn the_sitemap_lists_every_page_of_every_list_and_no_redirect() {
    let moved = case_study("Moved here", "2023-01-01", "aliases: [\"/old/moved/\"]\n", "Text.");
    let built = build_edited("basic", &[("content/case-studies/moved.md", moved.as_str())], &[]);
    let paths = sitemap_paths(&built.text("/sitemap.xml"));
    for wanted in ["/", "/case-studies/", "/case-studies/page/2/", "/themes/belonging/page/2/", "/case-studies/moved/"]
    {
        assert!(paths.contains(&wanted.to_string()), "{wanted} missing from {paths:?}");
    }
    assert!(!paths.contains(&"/old/moved/".to_string()), "{paths:?}");
    assert!(!paths.iter().any(|path| path.ends_with(".xml") || path.ends_with("404.html")), "{paths:?}");
}

#[test]
fn pages_of_one_date_are_listed_by_title_not_by_file_name() {
    // File order (a-, b-) and title order (Alpha, Zeta) disagree on purpose.
    let zeta = case_study("Zeta trust story", "2030-06-01", "", "Z.");
    let alpha = case_study("Alpha trust story", "2030-06-01", "", "A.");
    let files =
        [("content/case-studies/a-zeta.md", zeta.as_str()), ("content/case-studies/b-alpha.md", alpha.as_str())];
    let built = build_edited("basic", &files, &[]);
    let titles = select(&built.page("/case-studies/"), "main .card__link");
    assert_eq!(titles[..2], ["Alpha trust story", "Zeta trust story"]);
    let feed = feed_entries(&built.text("/feed.xml"));
    assert_eq!(feed[..2], ["/case-studies/b-alpha/", "/case-studies/a-zeta/"]);
}

#[test]
fn headings_with_the_same_text_get_their_own_ids() {
    let body =
        "## Background\n\nOne.\n\n## Background\n\nTwo.\n\n## Results\n\nThree.\n\n[Second background](#background-1)";
    let page = case_study("Repeated headings", "2023-01-01", "", body);
    let built = build_edited("basic", &[("content/case-studies/repeated.md", page.as_str())], &[]);
    let html = built.page("/case-studies/repeated/");
    assert_eq!(attributes(&html, "main .prose h2", "id"), ["background", "background-1", "results"]);
    let contents = attributes(&html, "main nav a", "href");
    assert!(contents.starts_with(&["#background".to_string(), "#background-1".to_string()]), "{contents:?}");
}

#[test]
fn quotes_in_front_matter_and_fence_tags_never_break_out_of_an_attribute() {
    let body = "```x\"onmouseover=\"alert(1)\nprint()\n```";
    let page =
        "---\ntitle: 'The \"quoted\" <b>title</b> & more'\nsummary: \"It's a 'test'.\"\nthemes: [\"belonging\"]\n\
                organisation: \"Test Trust\"\ndate: 2023-01-01\n---\n\n"
            .to_string()
            + body;
    let built = build_edited("basic", &[("content/case-studies/quoted.md", page.as_str())], &[]);
    let html = built.page("/case-studies/quoted/");
    assert_eq!(select(&html, "main h1"), ["The \"quoted\" <b>title</b> & more"]);
    assert_eq!(attributes(&html, "main pre code", "class"), ["language-x\"onmouseover=\"alert(1)"]);
    let text = built.text("/case-studies/quoted/");
    assert!(!Html::parse_document(&text).root_element().html().contains(" onmouseover="), "an attribute escaped");
    let feed = built.text("/feed.xml");
    assert!(feed.contains("<title>The &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt; &amp; more</title>"), "{feed}");
}

#[test]
fn a_template_error_met_on_many_pages_is_reported_once_per_template() {
    let card = std::fs::read_to_string(crate::common::repo().join("themes/hub/templates/partials/card.html")).unwrap();
    let broken = card.replacen("{{ card.title }}", "{{ card.no_such_field.title }}", 1);
    assert_ne!(card, broken, "the card partial no longer shows `card.title`");
    let diagnostics = check_edited("basic", &[("themes/hub/templates/partials/card.html", broken.as_str())]);
    let files: Vec<&str> = diagnostics.iter().map(|diagnostic| diagnostic["file"].as_str().unwrap()).collect();
    let stdout = format!("{diagnostics:#?}");
    // Three case studies show related cards; each template's error is listed once.
    let case_study_errors = files.iter().filter(|file| file.ends_with("case-study.html")).count();
    assert_eq!(case_study_errors, 1, "{stdout}");
    let mut distinct = files.clone();
    distinct.dedup();
    assert_eq!(files, distinct, "{stdout}");
}

#[test]
fn a_file_in_static_replaces_the_themes_file_of_that_name() {
    let icon = "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>Our trust</title></svg>\n";
    let built = build_edited("basic", &[("static/favicon.svg", icon)], &[]);
    assert_eq!(built.text("/favicon.svg"), icon);
    assert!(!built.stderr().contains("E010"), "{}", built.stderr());
}

#[test]
fn plain_pages_stay_out_of_the_feed_even_with_a_date() {
    let page = "---\ntitle: \"Our privacy notice\"\ndate: 2031-01-01\n---\n\nHow we use your data.\n";
    let built = build_edited("basic", &[("content/privacy.md", page)], &[]);
    let entries = feed_entries(&built.text("/feed.xml"));
    assert!(!entries.contains(&"/privacy/".to_string()), "{entries:?}");
    assert_eq!(entries.first().map(String::as_str), Some("/case-studies/eeast/"));
}

#[test]
fn a_broken_anchor_suggests_a_heading_of_the_page() {
    let body = "## Results\n\nFell.[^one]\n\n[See the results](#reslts).\n\n[^one]: A note.";
    let page = case_study("Anchors", "2023-01-01", "", body);
    let diagnostics = check_edited("basic", &[("content/case-studies/anchors.md", page.as_str())]);
    let stdout = format!("{diagnostics:#?}");
    let anchor = diagnostics.iter().find(|diagnostic| diagnostic["code"] == "E012").unwrap();
    assert_eq!(anchor["line"], 13, "{stdout}");
    assert_eq!(anchor["hint"], "did you mean `results`?", "{stdout}");
}

#[test]
fn plain_pages_have_no_related_block_and_are_never_related() {
    let page = "---\ntitle: \"Staff networks policy\"\nthemes: [\"belonging\", \"allyship\"]\n---\n\nThe policy.\n";
    let built = build_edited("basic", &[("content/policy.md", page)], &[]);
    assert!(select(&built.page("/policy/"), "main .related").is_empty());
    for listed in ["/case-studies/eeast/", "/case-studies/las/", "/toolkits/allyship/", "/discussions/questions/"] {
        let related = attributes(&built.page(listed), "main .related a.card__link", "href");
        assert!(!related.contains(&"/policy/".to_string()), "{listed}: {related:?}");
    }
}

#[test]
fn build_timings_name_every_step_and_the_peak_memory() {
    let built = crate::common::build_ok("basic", &["--timings"]);
    let stderr = built.stderr();
    let table = stderr
        .split("timings (wall clock, and peak memory when the step ended):\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no timings:\n{stderr}"));
    let steps: Vec<&str> = table
        .lines()
        .take_while(|line| line.starts_with("  "))
        .map(|line| line.split("  ").nth(1).unwrap_or(""))
        .collect();
    let names: Vec<&str> = steps.iter().map(|step| step.trim()).collect();
    assert_eq!(
        names,
        [
            "load and validate",
            "theme",
            "model",
            "markdown",
            "search index",
            "pictures",
            "templates and write",
            "swap into place",
            "whole run"
        ],
        "{table}"
    );
    assert!(table.contains("render threads' CPU time: templates ") && table.contains("peak memory: "), "{table}");
    // Each step says how much memory the build had held by its end.
    let peaks = table.lines().take(steps.len() - 1).filter(|line| line.ends_with(" MiB")).count();
    assert_eq!(peaks, steps.len() - 1, "{table}");
    // Without the flag, no table.
    assert!(!crate::common::build_ok("basic", &[]).stderr().contains("timings"));
}

#[test]
fn a_trust_restyles_a_component_with_a_template_of_its_own() {
    let details = "<details class=\"trust-expander\"><summary>{{ label }}</summary>{{ content | safe }}</details>\n";
    let built =
        crate::common::build_edited("components", &[("themes/hub/templates/components/details.html", details)], &[]);
    let html = built.text("/toolkits/every-component/");
    assert!(
        html.contains(
            "<details class=\"trust-expander\"><summary>How we measured belonging</summary>\n<p>The staff survey"
        ),
        "{html}"
    );
    // The other components keep the theme's own templates.
    assert!(html.contains("class=\"nhsuk-do-dont-list nhsuk-do-dont-list--do\""), "{html}");
    // A template that forgets the content, or leans on another template, is an
    // error naming the template and what to do.
    for (template, words) in [
        ("<details>{{ label }}</details>", "content | safe"),
        ("<details>{{ content | safe }}</details>{{ content | safe }}", "other than once"),
        ("{% include \"partials/card.html\" %}{{ content | safe }}", "cannot include or extend"),
    ] {
        let problems =
            crate::common::check_edited("components", &[("themes/hub/templates/components/details.html", template)]);
        let problem =
            problems.iter().find(|problem| problem["code"] == "E018").unwrap_or_else(|| panic!("{problems:?}"));
        assert!(problem["file"].as_str().unwrap().ends_with("components/details.html"), "{problem}");
        let said = format!("{} {}", problem["message"], problem["hint"]);
        assert!(said.contains(words), "{said}");
    }
}
