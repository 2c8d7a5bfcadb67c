//! The search index `belong build` writes: its files, what `[search]` in
//! site.toml changes, and the search page without JavaScript. How queries
//! behave is tested in the browser suites (tests/browser), which run the
//! engine over these files.

use serde_json::Value;

use crate::common::{attributes, build_edited, build_ok, check_edited, select, site_toml};

fn manifest(built: &crate::common::Built) -> Value {
    serde_json::from_str(&built.text("/search/index.json")).unwrap()
}

/// Every indexed word of a small (inline) index.
fn words(manifest: &Value) -> Vec<String> {
    manifest["inline"]["terms/0"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry[0].as_str().unwrap().to_string())
        .collect()
}

/// A word's page list in a small index: `[pages, scores, best, titles,
/// title lengths]`, at the word's place in its term shard.
fn list(manifest: &Value, word: &str) -> Option<Value> {
    let at = words(manifest).iter().position(|known| known == word)?;
    Some(manifest["inline"]["lists/0"][at].clone())
}

#[test]
fn a_small_hub_gets_one_search_file_with_every_page_and_field() {
    let built = build_ok("basic", &[]);
    let search: Vec<_> =
        std::fs::read_dir(built.public.join("search")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(search.len(), 2, "index.html and index.json only: {search:?}");
    let manifest = manifest(&built);
    assert_eq!(manifest["format"], belong::search::FORMAT);
    let docs = manifest["inline"]["docs/0"].as_array().unwrap();
    let paths: Vec<&str> = docs.iter().map(|doc| doc[1].as_str().unwrap()).collect();
    for path in ["case-studies/eeast/", "toolkits/allyship/", "discussions/questions/", "about/"] {
        assert!(paths.contains(&path), "{path} not indexed: {paths:?}");
    }
    let eeast = docs.iter().find(|doc| doc[1] == "case-studies/eeast/").unwrap();
    assert_eq!(eeast[0], "EEAST: rebuilding trust");
    assert_eq!(eeast[4], "2023-08-14");
    assert_eq!(eeast[5], "East of England Ambulance Service cut turnover in emergency operations.");
    let words = words(&manifest);
    // title, summary, headings, body, organisation, region, theme names, and numbers kept
    for word in ["eeast", "turnover", "forums", "admitted", "ambulance", "england", "allyship", "14%"] {
        assert!(words.contains(&word.to_string()), "{word} not indexed");
    }
    for stop in ["the", "and", "of"] {
        assert!(!words.contains(&stop.to_string()), "stop word {stop} indexed");
    }
    let facets = &manifest["inline"]["facets"];
    for facet in ["theme", "type", "organisation", "region", "audience"] {
        assert!(!manifest["values"][facet].as_array().unwrap().is_empty() || facet == "region", "{facet}");
        let pages = facets[facet]["pages"].as_str().unwrap();
        let width = facets[facet]["width"].as_u64().unwrap() as usize;
        assert_eq!(pages.len(), width * docs.len(), "{facet}: one code per page");
    }
}

#[test]
fn search_fields_and_stop_words_come_from_site_toml() {
    let toml =
        site_toml("basic", "", "[search]\nfields = [\"title\", \"summary\"]\nstop_words = [\"EEAST\", \"rebuilding\"]");
    let built = build_edited("basic", &[("site.toml", &toml)], &[]);
    let manifest = manifest(&built);
    let words = words(&manifest);
    assert!(words.contains(&"turnover".to_string()), "summary words are indexed");
    assert!(!words.contains(&"forums".to_string()), "body words are not");
    assert!(!words.contains(&"eeast".to_string()) && !words.contains(&"rebuilding".to_string()));
    let stop: Vec<&str> = manifest["stop"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(stop.contains(&"eeast") && stop.contains(&"the"), "the browser drops them from queries too: {stop:?}");
}

#[test]
fn search_switched_off_writes_no_index_and_no_search_boxes() {
    let toml = site_toml("basic", "", "[search]\nenabled = false");
    let built = build_edited("basic", &[("site.toml", &toml)], &[]);
    assert!(!built.public.join("search/index.json").exists());
    let home = built.page("/");
    assert!(select(&home, "form[role=search]").is_empty(), "no search box that finds nothing");
    let page = built.page("/search/");
    assert!(select(&page, "#search-form").is_empty());
    assert!(attributes(&page, "script", "src").is_empty());
    assert!(select(&page, "h3").contains(&"By theme".to_string()), "the browse lists stay");
}

#[test]
fn a_misspelt_search_field_is_an_error_at_its_line() {
    let toml = site_toml("basic", "", "[search]\nfields = [\"title\", \"bodyy\"]");
    let diagnostics = check_edited("basic", &[("site.toml", &toml)]);
    let error = diagnostics.iter().find(|d| d["file"] == "site.toml").expect("a site.toml error");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("bodyy") && message.contains("body"), "{message}");
    let line = error["line"].as_u64().unwrap() as usize;
    assert_eq!(toml.lines().nth(line - 1).unwrap(), "fields = [\"title\", \"bodyy\"]");
}

#[test]
fn the_search_page_works_without_javascript_and_under_a_sub_path() {
    let built = build_ok("basic", &["--base-url", "https://example.org/hub/"]);
    let page = built.page("/search/");
    assert_eq!(attributes(&page, "#search-form", "data-index"), ["/hub/search/"]);
    assert_eq!(attributes(&page, "#search-form", "action"), ["/hub/search/"]);
    assert_eq!(select(&page, "label[for=search-q]"), ["Words to find"]);
    assert_eq!(attributes(&page, "script[src]", "src"), ["/hub/search-engine.js", "/hub/search.js"]);
    assert_eq!(attributes(&page, "[role=status]", "id"), ["search-status"]);
    // Without JavaScript: the lists by type, theme, organisation and region.
    let headings = select(&page, "h3");
    for heading in ["By type", "By theme", "By organisation", "By region"] {
        assert!(headings.contains(&heading.to_string()), "{heading}: {headings:?}");
    }
    assert!(attributes(&page, ".browse-grid a", "href").contains(&"/hub/themes/belonging/".to_string()));
    // Every page's header box leads to the search page.
    let case_study = built.page("/case-studies/eeast/");
    assert_eq!(attributes(&case_study, "form.site-search", "action"), ["/hub/search/"]);
    assert!(built.text("/search-engine.js").contains("function tokenise"));
}

#[test]
fn search_files_are_not_in_the_sitemap() {
    let built = build_ok("basic", &[]);
    let sitemap = built.text("/sitemap.xml");
    assert!(sitemap.contains("https://example.org/search/</loc>"));
    assert!(!sitemap.contains("index.json"));
}

/// The values page `index` has in a facet of the manifest, by name.
fn facet_values(manifest: &Value, facet: &str, index: usize) -> Vec<String> {
    const DIGITS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    let column = &manifest["inline"]["facets"][facet];
    let width = column["width"].as_u64().unwrap() as usize;
    let code = &column["pages"].as_str().unwrap()[index * width..(index + 1) * width];
    let number = code.chars().fold(0u64, |number, c| number * 64 + DIGITS.find(c).unwrap() as u64);
    let values = manifest["values"][facet].as_array().unwrap();
    let name = |position: usize| values[position][1].as_str().unwrap().to_string();
    if column["multi"].as_bool().unwrap() {
        (0..values.len()).filter(|bit| number & (1 << bit) != 0).map(name).collect()
    } else {
        (number as usize).checked_sub(1).map(name).into_iter().collect()
    }
}

#[test]
fn each_page_carries_its_theme_type_organisation_region_and_audience() {
    let toolkit = "---\ntitle: \"Team toolkit\"\nsummary: \"For teams.\"\ndate: 2024-01-01\nthemes: [\"staff-networks\"]\naudience: [\"teams\"]\n---\n\nText.\n";
    let built = build_edited("basic", &[("content/toolkits/team.md", toolkit)], &[]);
    let manifest = manifest(&built);
    let docs = manifest["inline"]["docs/0"].as_array().unwrap();
    let eeast = docs.iter().position(|doc| doc[1] == "case-studies/eeast/").unwrap();
    assert_eq!(facet_values(&manifest, "theme", eeast), ["Belonging", "Allyship"]);
    assert_eq!(facet_values(&manifest, "type", eeast), ["Case study"]);
    assert_eq!(facet_values(&manifest, "organisation", eeast), ["East of England Ambulance Service NHS Trust"]);
    assert_eq!(facet_values(&manifest, "region", eeast), ["East of England"]);
    assert_eq!(facet_values(&manifest, "audience", eeast), ["Boards", "Leaders"]);
    // The record's type and organisation are the same facet codes.
    assert_eq!(manifest["values"]["type"][docs[eeast][2].as_u64().unwrap() as usize - 1][1], "Case study");
    let team = docs.iter().position(|doc| doc[1] == "toolkits/team/").unwrap();
    assert_eq!(facet_values(&manifest, "theme", team), ["Staff networks"]);
    assert_eq!(facet_values(&manifest, "audience", team), ["Teams"]);
    assert_eq!(facet_values(&manifest, "type", team), ["Toolkit"]);
    let about = docs.iter().position(|doc| doc[1] == "about/").unwrap();
    assert_eq!(facet_values(&manifest, "type", about), ["Page"]);
    assert!(facet_values(&manifest, "organisation", about).is_empty());
    assert!(facet_values(&manifest, "audience", about).is_empty());
}

/// The quantised score of `word` on the page with `path`, from a small index.
fn score_of(manifest: &Value, word: &str, path: &str) -> Option<usize> {
    const DIGITS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    let docs = manifest["inline"]["docs/0"].as_array().unwrap();
    let page = docs.iter().position(|doc| doc[1] == path)? as u64;
    let entry = list(manifest, word)?;
    let ids = gaps(entry[0].as_str().unwrap());
    let at = ids.iter().position(|id| *id == page)?;
    DIGITS.find(entry[1].as_str().unwrap().chars().nth(at)?)
}

#[test]
fn a_word_in_the_title_scores_above_the_same_word_in_the_body() {
    let front = |title: &str, date: &str| {
        format!(
            "---\ntitle: \"{title}\"\nsummary: \"A summary.\"\ndate: {date}\norganisation: \"Org\"\nthemes: [\"belonging\"]\n---\n\n"
        )
    };
    let page = front("Mentoring scheme", "2024-01-01") + "We ran it with zebra.\n";
    let long = "filler ".repeat(300);
    let other = front("Another page", "2024-01-02") + &format!("A mentoring programme ran here. Zebra {long}\n");
    let built = build_edited(
        "basic",
        &[("content/case-studies/mentor-title.md", &page), ("content/case-studies/mentor-body.md", &other)],
        &[],
    );
    let manifest = manifest(&built);
    let score = |word: &str, slug: &str| score_of(&manifest, word, &format!("case-studies/{slug}/")).unwrap();
    assert!(score("mentoring", "mentor-title") > score("mentoring", "mentor-body"), "title outscores body");
    // Both once in the title: the rarer word ("scheme", on one page) says more.
    assert!(score("scheme", "mentor-title") > score("mentoring", "mentor-title"), "rarer outscores commoner");
    // Both once in the body: the page with less else to say scores higher.
    assert!(score("zebra", "mentor-title") > score("zebra", "mentor-body"), "a short body outscores a long one");
    // A discussion set's questions are read: "left out" is only in one.
    assert!(score_of(&manifest, "left", "discussions/questions/").is_some());
}

/// Numbers written as gaps, as the index writes them.
fn gaps(text: &str) -> Vec<u64> {
    const DIGITS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    let (mut id, mut value, mut ids) = (-1i64, 0i64, Vec::new());
    for c in text.chars() {
        let digit = DIGITS.find(c).unwrap() as i64;
        if digit >= 32 {
            value = value * 32 + digit - 32;
        } else {
            id += value * 32 + digit + 1;
            ids.push(id as u64);
            value = 0;
        }
    }
    ids
}

#[test]
fn each_word_knows_the_titles_holding_it_and_where_it_stands_on_each_page() {
    let page = "---\ntitle: \"Staff networks that work\"\nsummary: \"Networks of staff.\"\ndate: 2024-01-01\norganisation: \"Org\"\nthemes: [\"belonging\"]\n---\n\nOur staff networks meet. Networks staff.\n";
    let built = build_edited("basic", &[("content/case-studies/networks.md", page)], &[]);
    let manifest = manifest(&built);
    let docs = manifest["inline"]["docs/0"].as_array().unwrap();
    let number = docs.iter().position(|doc| doc[1] == "case-studies/networks/").unwrap() as u64;
    let entry = |word: &str| list(&manifest, word).unwrap();
    let staff = entry("staff");
    let pages = gaps(staff[0].as_str().unwrap());
    let at = pages.iter().position(|page| *page == number).unwrap() as u64;
    // In the title, whose three words besides the stop word "that" are its length.
    let titled = gaps(staff[3].as_str().unwrap());
    let slot = titled.iter().position(|page| *page == at).expect("the title holds \"staff\"");
    assert_eq!(staff[4].as_str().unwrap().chars().nth(slot), Some('3'));
    // "meet" is on no page's title: its entry ends before the title lists.
    assert!(entry("meet").as_array().unwrap().len() <= 3);
    // Positions: every word counts one, stop words too; each text starts one
    // further on. Title: staff 1, networks 2, that 3, work 4; summary from
    // 6: networks 6, of 7, staff 8; body from 10: our 10, staff 11,
    // networks 12, meet 13, networks 14, staff 15.
    let near = |word: &str| -> Vec<u64> {
        let list = gaps(entry(word)[0].as_str().unwrap());
        let at = list.iter().position(|page| *page == number).unwrap();
        let pages: Vec<&str> = manifest["inline"]["near/0"][word].as_str().unwrap().split(',').collect();
        assert_eq!(pages.len(), list.len() + 1, "{word}: one run of positions per page, each ended by a comma");
        gaps(pages[at])
    };
    assert_eq!(near("staff"), [1, 8, 11, 15]);
    assert_eq!(near("networks"), [2, 6, 12, 14]);
    assert_eq!(near("meet"), [13]);
}

#[test]
fn search_finds_words_inside_every_component() {
    // tests/fixtures/components: one toolkit holding each component, each
    // with a word found nowhere else on the page.
    let built = build_ok("components", &[]);
    let words = words(&manifest(&built));
    for (component, word) in [
        ("note alert", "networks"),
        ("tip alert", "ramblings"),
        ("warning callout's label", "consent"),
        ("important alert", "budgets"),
        ("details summary", "measured"),
        ("details content", "quarter"),
        ("do list", "volunteers"),
        ("don't list", "silence"),
        ("quote", "heard"),
        ("quote's source", "okafor"),
        ("figure caption", "membership"),
        ("figure picture's alt text", "rising"),
        ("video title", "story"),
        ("video transcript", "porters"),
        ("nested details", "kestrel"),
        ("summary list", "sponsor"),
    ] {
        assert!(words.contains(&word.to_string()), "{component}: `{word}` is not indexed");
    }
}
