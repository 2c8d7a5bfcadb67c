//! Regressions of issue 13: slips real authors make that used to reach the
//! published site without a word. Each builds the `basic` fixture with the
//! slip in it and asserts what a reader would (or must not) find in the output;
//! the diagnostics themselves are cases in `tests/fixtures/bad/`.

use crate::common::{attributes, build_edited, file_for, select};

/// A case study with these extra front-matter lines and body, newer than
/// every page of the fixture, so its card is first in lists.
fn case_study(title: &str, extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nsummary: \"A summary.\"\nthemes: [\"belonging\"]\norganisation: \"Test Trust\"\n\
         date: 2029-01-01\n{extra}---\n\n{body}\n"
    )
}

#[test]
fn nothing_of_a_draft_is_published_and_drafts_asked_for_are_marked_and_never_announced() {
    let draft = case_study("\"Not ready yet\"", "draft: true\nimage: \"plan.png\"\nimage_alt: \"The plan\"\n", "Soon.");
    let mut plan = Vec::new();
    image::RgbImage::new(30, 20).write_to(&mut std::io::Cursor::new(&mut plan), image::ImageFormat::Png).unwrap();
    let files =
        [("content/case-studies/unready/index.md", draft.as_bytes()), ("content/case-studies/unready/plan.png", &plan)];
    let built = build_edited("basic", &files, &[]);
    assert!(!built.public.join("case-studies/unready").exists(), "a draft's bundle folder was published");

    let drafts = build_edited("basic", &files, &["--drafts"]);
    assert!(drafts.public.join("case-studies/unready/plan.png").is_file());
    let page = drafts.page("/case-studies/unready/");
    assert!(select(&page, "main").concat().contains("Draft"), "the draft page says it is a draft");
    assert_eq!(attributes(&page, "meta[name=robots]", "content"), ["noindex"]);
    let list = drafts.page("/case-studies/");
    let card =
        select(&list, ".card").into_iter().find(|card| card.contains("Not ready yet")).expect("the draft's card");
    assert!(card.contains("Draft"), "the card says it is a draft: {card}");
    assert!(!drafts.text("/feed.xml").contains("Not ready yet"));
    assert!(!drafts.text("/themes/belonging/feed.xml").contains("Not ready yet"));
    assert!(!drafts.text("/sitemap.xml").contains("/case-studies/unready/"));
}

#[test]
fn markdown_saved_under_other_names_is_never_published_as_raw_source() {
    let page = case_study("\"A stray page\"", "", "Body.");
    let files = [("content/toolkits/stray.md.txt", page.as_str()), ("content/toolkits/notes.txt", page.as_str())];
    let built = build_edited("basic", &files, &[]);
    assert!(built.stderr().contains("[W008 misplaced-page]"), "{}", built.stderr());
    assert!(!built.public.join("toolkits/stray.md.txt").exists());
    assert!(!built.public.join("toolkits/notes.txt").exists());
    // A plain text download that is not a page is published when a page
    // links to it (issue 25: only then).
    let linked = case_study("\"Checklist\"", "", "The [checklist](checklist.txt).");
    let download =
        [("content/toolkits/checklist.txt", "1. Ask.\n2. Listen.\n"), ("content/toolkits/list.md", linked.as_str())];
    assert!(build_edited("basic", &download, &[]).public.join("toolkits/checklist.txt").is_file());
}

#[test]
fn the_page_picture_is_shown_with_its_alt_text_on_the_page_and_its_card() {
    let built = build_edited::<&str>("basic", &[], &[]);
    let page = built.page("/case-studies/bundle/");
    let pictures = attributes(&page, "main img[src$='photo.png']", "alt");
    assert!(pictures.contains(&"Staff at a network meeting".to_string()), "{pictures:?}");
    // Every page of the case studies list: the bundle's card is on one of them.
    let lists: Vec<_> = (1..)
        .map(|number| if number == 1 { "/case-studies/".to_string() } else { format!("/case-studies/page/{number}/") })
        .take_while(|path| file_for(&built.public, path).is_file())
        .map(|path| built.page(&path))
        .collect();
    let alts: Vec<String> = lists.iter().flat_map(|list| attributes(list, ".card img", "alt")).collect();
    let sources: Vec<String> = lists.iter().flat_map(|list| attributes(list, ".card img", "src")).collect();
    assert_eq!(alts, ["Staff at a network meeting"]);
    assert_eq!(sources, ["/case-studies/bundle/photo.png"]);
}

#[test]
fn curly_quotes_around_a_title_are_left_out_of_the_heading_and_the_tab() {
    let page = case_study("“Our story”", "", "Body.");
    let files = [("content/case-studies/story.md", page.as_str())];
    let built = build_edited("basic", &files, &[]);
    assert!(built.stderr().contains("[W010 curly-quotes]"), "{}", built.stderr());
    let page = built.page("/case-studies/story/");
    assert_eq!(select(&page, "main h1"), ["Our story"]);
    assert!(select(&page, "title").concat().starts_with("Our story –"));
}

#[test]
fn a_long_summary_is_cut_where_the_warning_says() {
    let long = "word ".repeat(100);
    let page = case_study("\"Long\"", "", "Body.").replace("A summary.", long.trim());
    let files = [("content/case-studies/long.md", page.as_str())];
    let built = build_edited("basic", &files, &[]);
    assert!(built.stderr().contains("cut it at 300"), "{}", built.stderr());
    let list = built.page("/case-studies/");
    let summary = select(&list, ".card--case-study .card__summary")
        .into_iter()
        .find(|summary| summary.starts_with("word word"))
        .expect("the long summary's card");
    assert!(summary.chars().count() <= 300 && summary.ends_with("word…"), "{summary:?}");
    // The page itself shows the whole summary.
    assert!(select(&built.page("/case-studies/long/"), ".lead").concat().trim().len() > 400);
}

#[test]
fn links_written_as_addresses_are_checked_and_rooted_like_file_links() {
    let body =
        "See [the LAS study](../las/), [what they did](/case-studies/eeast/#what-they-did) and [EEAST](../eeast/).";
    let page = case_study("\"Our story\"", "", body);
    let files = [("content/case-studies/story.md", page.as_str())];
    let built = build_edited("basic", &files, &["--base-url", "https://example.org/hub/"]);
    let page = built.page("/case-studies/story/");
    let links = attributes(&page, ".prose a", "href");
    assert_eq!(links, ["/hub/case-studies/las/", "/hub/case-studies/eeast/#what-they-did", "/hub/case-studies/eeast/"]);
    assert!(file_for(&built.public, "/case-studies/las/").is_file());
}

#[test]
fn a_further_reading_link_to_a_page_file_goes_to_the_page() {
    let resources = "resources:\n  - title: \"The allyship toolkit\"\n    url: \"../toolkits/allyship.md\"\n";
    let page = case_study("\"Our story\"", resources, "Body.");
    let files = [("content/case-studies/story.md", page.as_str())];
    let built = build_edited("basic", &files, &["--base-url", "https://example.org/hub/"]);
    let links = attributes(&built.page("/case-studies/story/"), "main a", "href");
    assert!(links.contains(&"/hub/toolkits/allyship/".to_string()), "{links:?}");
}
