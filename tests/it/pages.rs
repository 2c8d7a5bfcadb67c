//! What a reader sees on each kind of page of the `basic` fixture.

use std::collections::BTreeSet;

use crate::common::{attributes, build_ok, select};

#[test]
fn every_kind_of_url_is_written() {
    let built = build_ok("basic", &[]);
    for path in [
        "/",
        "/case-studies/",
        "/case-studies/page/2/",
        "/toolkits/",
        "/discussions/",
        "/case-studies/eeast/",
        "/case-studies/bundle/",
        "/toolkits/allyship/",
        "/discussions/questions/",
        "/about/",
        "/themes/",
        "/themes/belonging/",
        "/themes/belonging/feed.xml",
        "/organisations/",
        "/organisations/east-of-england-ambulance-service-nhs-trust/",
        "/regions/",
        "/regions/london/",
        "/search/",
        "/feed.xml",
        "/sitemap.xml",
        "/robots.txt",
        "/404.html",
        "/style.css",
        "/case-studies/bundle/photo.png",
    ] {
        assert!(crate::common::file_for(&built.public, path).is_file(), "{path} was not written");
    }
}

#[test]
fn outcomes_chart_and_table_show_before_after_and_benchmark() {
    let built = build_ok("basic", &[]);
    let page = built.page("/case-studies/eeast/");
    let chart = select(&page, "main svg.outcomes-chart .chart-value");
    for figure in ["14%", "8%", "11.8%"] {
        assert!(chart.iter().any(|text| text == figure), "chart lacks {figure}: {chart:?}");
    }
    let cells = select(&page, "main table.outcomes__table tbody td");
    assert_eq!(cells, ["14%", "8%", "11.8% (National average)"]);
    let measures = select(&page, "main table.outcomes__table tbody th");
    assert_eq!(measures, ["Staff turnover in emergency operations"]);
}

#[test]
fn a_theme_page_lists_exactly_the_pages_tagged_with_it() {
    let built = build_ok("basic", &[]);
    let mut listed = BTreeSet::new();
    for path in ["/themes/belonging/", "/themes/belonging/page/2/"] {
        let file = crate::common::file_for(&built.public, path);
        if file.exists() {
            listed.extend(attributes(&built.page(path), "main a.card__link", "href"));
        }
    }
    let expected: BTreeSet<String> =
        ["/case-studies/eeast/", "/case-studies/las/", "/discussions/questions/"].map(String::from).into();
    assert_eq!(listed, expected);
}

#[test]
fn a_theme_page_groups_its_pages_by_type() {
    let built = build_ok("basic", &[]);
    let page = built.page("/themes/allyship/");
    assert_eq!(select(&page, "main section h2"), ["Case studies", "Toolkits"]);
}

#[test]
fn a_discussion_lists_its_questions_in_order() {
    let built = build_ok("basic", &[]);
    let questions = select(&built.page("/discussions/questions/"), "main ol.questions__list li");
    assert_eq!(
        questions,
        ["What does belonging mean to you?", "When did you last feel left out?", "What would you change first?"]
    );
}

#[test]
fn footnotes_link_both_ways() {
    let built = build_ok("basic", &[]);
    let page = built.page("/case-studies/eeast/");
    let references = attributes(&page, "main sup.footnote-ref a", "href");
    let reference_ids = attributes(&page, "main sup.footnote-ref a", "id");
    // Two notes, the first cited twice; numbered by first citation.
    assert_eq!(references, ["#fn-review", "#fn-forum", "#fn-review"]);
    assert_eq!(select(&page, "main sup.footnote-ref a"), ["[1]", "[2]", "[1]"]);
    for (href, id) in references.iter().zip(&reference_ids) {
        let note = scraper::Selector::parse(&format!("main li{href}")).unwrap();
        let note = page.select(&note).next().unwrap_or_else(|| panic!("no note {href}"));
        let backs: Vec<&str> = note
            .select(&scraper::Selector::parse("a.footnote-back").unwrap())
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(backs.contains(&format!("#{id}").as_str()), "{href} has no link back to #{id}: {backs:?}");
    }
}

#[test]
fn pagination_splits_a_long_list() {
    let built = build_ok("basic", &[]);
    let first = built.page("/case-studies/");
    let second = built.page("/case-studies/page/2/");
    let first_cards = attributes(&first, "main a.card__link", "href");
    let second_cards = attributes(&second, "main a.card__link", "href");
    assert_eq!(first_cards, ["/case-studies/eeast/", "/case-studies/las/"], "newest first");
    assert_eq!(second_cards, ["/case-studies/kent/", "/case-studies/bundle/"]);
    assert_eq!(attributes(&first, "nav.pagination a[rel=next]", "href"), ["/case-studies/page/2/"]);
    assert_eq!(attributes(&second, "nav.pagination a[rel=prev]", "href"), ["/case-studies/"]);
    assert_eq!(attributes(&second, "nav.pagination a[aria-current=page]", "href"), ["/case-studies/page/2/"]);
    // The browser tab says which page of the list it is, after the first.
    assert_eq!(select(&first, "title"), ["Case studies – Fixture hub"]);
    assert_eq!(select(&second, "title"), ["Case studies (page 2 of 2) – Fixture hub"]);
}

#[test]
fn taxonomy_pages_are_titled_and_linked_by_name() {
    let built = build_ok("basic", &[]);
    for (path, name) in [("/themes/", "Themes"), ("/organisations/", "Organisations"), ("/regions/", "Regions")] {
        assert_eq!(select(&built.page(path), "main h1"), [name], "{path}");
    }
    let term = built.page("/regions/london/");
    assert!(select(&term, "nav[aria-label=Breadcrumb] a").contains(&"Regions".to_string()), "{:?}", term.html());
}

#[test]
fn a_relative_md_link_resolves_to_the_page_url() {
    let built = build_ok("basic", &[]);
    let page = built.page("/case-studies/eeast/");
    let links = attributes(&page, "main .prose a", "href");
    assert!(links.contains(&"/toolkits/allyship/".to_string()), "{links:?}");
    assert!(links.contains(&"/toolkits/allyship/#speaking-up".to_string()), "{links:?}");
    let discussion = built.page("/discussions/questions/");
    assert!(attributes(&discussion, "main .prose a", "href").contains(&"/case-studies/eeast/".to_string()));
    let home = built.page("/");
    assert!(attributes(&home, "main a", "href").contains(&"/case-studies/".to_string()));
}

#[test]
fn long_pages_get_a_contents_list_and_short_ones_do_not() {
    let built = build_ok("basic", &[]);
    let toolkit = built.page("/toolkits/allyship/");
    assert_eq!(
        attributes(&toolkit, "main nav.contents-list a", "href"),
        ["#why-it-matters", "#speaking-up", "#a-checklist-in-code", "#further-steps"]
    );
    assert!(select(&built.page("/case-studies/eeast/"), "main nav.contents-list").is_empty());
}

#[test]
fn markdown_extensions_render() {
    let built = build_ok("basic", &[]);
    let toolkit = built.page("/toolkits/allyship/");
    assert_eq!(attributes(&toolkit, "main input[type=checkbox]", "type").len(), 2, "task list");
    assert_eq!(select(&toolkit, "main .prose table td"), ["Listen", "Everyone"]);
    let code = attributes(&toolkit, "main pre.code span", "class");
    assert!(code.iter().any(|class| class.starts_with("hl-")), "code is highlighted with classes: {code:?}");
    assert!(!built.text("/toolkits/allyship/").contains("style=\""), "no inline styles");
    assert_eq!(select(&built.page("/about/"), "main del"), ["nobody"]);
    let eeast = built.text("/case-studies/eeast/");
    assert!(eeast.contains("open \u{201c}Q&amp;A\u{201d} session"), "smart quotes");
}

#[test]
fn related_pages_share_the_most_themes() {
    let built = build_ok("basic", &[]);
    let related = attributes(&built.page("/case-studies/eeast/"), "main .related a.card__link", "href");
    // Shares one theme with each; newest first among equals.
    assert_eq!(related, ["/case-studies/las/", "/discussions/questions/", "/toolkits/allyship/"]);
    // Kent shares its one theme (staff networks) with LAS alone: no filler.
    let kent = attributes(&built.page("/case-studies/kent/"), "main .related a.card__link", "href");
    assert_eq!(kent, ["/case-studies/las/"]);
}

#[test]
fn pages_with_the_same_themes_each_list_three_related() {
    let story = |n: u32| {
        format!(
            "---\ntitle: \"Network story {n}\"\nsummary: \"S.\"\nthemes: [\"staff-networks\"]\n\
             organisation: \"Test Trust\"\ndate: 2030-01-0{n}\n---\n\nText.\n"
        )
    };
    let pages: Vec<(String, String)> =
        (1..=5).map(|n| (format!("content/case-studies/net-{n}.md"), story(n))).collect();
    let files: Vec<(&str, &str)> = pages.iter().map(|(path, text)| (path.as_str(), text.as_str())).collect();
    let built = crate::common::build_edited("basic", &files, &[]);
    let related = attributes(&built.page("/case-studies/net-5/"), "main .related a.card__link", "href");
    assert_eq!(related, ["/case-studies/net-4/", "/case-studies/net-3/", "/case-studies/net-2/"]);
}

#[test]
fn a_case_study_shows_its_organisation_region_and_review_date() {
    let built = build_ok("basic", &[]);
    let page = built.page("/case-studies/eeast/");
    assert_eq!(select(&page, "main h1"), ["EEAST: rebuilding trust"]);
    let meta = select(&page, "main dl.page-meta dd");
    assert!(meta.contains(&"East of England Ambulance Service NHS Trust".to_string()), "{meta:?}");
    assert!(meta.contains(&"East of England".to_string()), "{meta:?}");
    assert!(meta.contains(&"14 August 2023".to_string()), "{meta:?}");
    assert_eq!(select(&page, "main .review-dates p"), ["Page last reviewed: 14 August 2023"]);
    let organisation = built.page("/organisations/east-of-england-ambulance-service-nhs-trust/");
    assert_eq!(attributes(&organisation, "main a.card__link", "href"), ["/case-studies/eeast/"]);
}

#[test]
fn feeds_list_pages_newest_first_with_absolute_links() {
    let built = build_ok("basic", &[]);
    let feed = built.text("/themes/belonging/feed.xml");
    let eeast = feed.find("https://example.org/case-studies/eeast/").expect("eeast in feed");
    let las = feed.find("https://example.org/case-studies/las/").expect("las in feed");
    assert!(eeast < las, "newest first");
    assert!(!feed.contains("/toolkits/allyship/"), "only the theme's pages");
    assert!(feed.contains("<updated>2023-08-14T00:00:00Z</updated>"));
    let sitemap = built.text("/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/case-studies/eeast/</loc><lastmod>2023-08-14</lastmod>"));
    assert!(built.text("/robots.txt").contains("Sitemap: https://example.org/sitemap.xml"));
}

#[test]
fn front_matter_text_is_escaped() {
    let built = crate::common::build_ok("escaping", &[]);
    let page = built.text("/toolkits/script/");
    assert!(!page.contains("<script>alert"), "title must be escaped");
    assert!(page.contains("&lt;script&gt;alert"));
    assert!(!page.contains("<b>raw</b>"), "raw HTML in Markdown is escaped");
}

#[test]
fn the_home_page_and_sections_show_their_introductions() {
    let built = build_ok("basic", &[]);
    let home = built.page("/");
    assert!(select(&home, "main p").contains(&"A hub for testing. Start with the case studies.".to_string()));
    assert_eq!(attributes(&home, "main p a", "href")[0], "/case-studies/");
    let section = built.page("/case-studies/");
    assert!(
        select(&section, "main p").contains(&"Stories from NHS trusts.".to_string()),
        "{:?}",
        select(&section, "main p")
    );
}

#[test]
fn the_footer_links_to_the_about_page_by_its_title() {
    let built = build_ok("basic", &[]);
    for path in ["/", "/case-studies/eeast/", "/themes/"] {
        let page = built.page(path);
        assert_eq!(select(&page, ".site-footer__list a")[0], "About this hub", "{path}");
        assert_eq!(attributes(&page, ".site-footer__list a", "href")[0], "/about/", "{path}");
    }
}

#[test]
fn pages_and_cards_show_their_themes_as_links() {
    let built = build_ok("basic", &[]);
    let page = built.page("/case-studies/eeast/");
    assert_eq!(select(&page, "main .page-meta__themes a"), ["Belonging", "Allyship"]);
    assert_eq!(attributes(&page, "main .page-meta__themes a", "href"), ["/themes/belonging/", "/themes/allyship/"]);
    let list = built.page("/case-studies/");
    let card_themes = select(&list, "main .card .tag");
    assert!(card_themes.contains(&"Belonging".to_string()), "{card_themes:?}");
}
