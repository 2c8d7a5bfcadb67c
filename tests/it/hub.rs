//! The real hub in `content/`: every figure from the source documents survives
//! into the built pages exactly, and every taxonomy is complete.

use std::sync::OnceLock;

use crate::common::{attributes, belong, copy_tree, file_for, repo, select};

/// Builds the repository's own hub once for all tests in this module.
fn hub() -> &'static std::path::Path {
    static BUILT: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    let (_, public) = BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("hub");
        std::fs::create_dir_all(&root).unwrap();
        copy_tree(&repo().join("content"), &root.join("content"));
        std::fs::copy(repo().join("site.toml"), root.join("site.toml")).unwrap();
        // The hub has no published address in site.toml yet (a placeholder
        // build warns about); a publishing build names it, as this one does.
        let output = belong(&["build", "--root", root.to_str().unwrap(), "--base-url", "https://example.org/"], &root);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(stderr.contains("no problems in"), "the hub builds with no warnings:\n{stderr}");
        let public = root.join("public");
        (dir, public)
    });
    public
}

fn page(path: &str) -> scraper::Html {
    scraper::Html::parse_document(&std::fs::read_to_string(file_for(hub(), path)).unwrap())
}

fn main_text(path: &str) -> String {
    select(&page(path), "main").join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_hub_has_at_least_eight_case_studies() {
    let listed = std::fs::read_dir(hub().join("case-studies"))
        .unwrap()
        .filter(|e| {
            e.as_ref().unwrap().path().join("index.html").is_file() && e.as_ref().unwrap().file_name() != "page"
        })
        .count();
    assert!(listed >= 8, "{listed} case studies");
}

#[test]
fn the_eeast_chart_and_table_show_its_turnover_figures() {
    let eeast = page("/case-studies/eeast-belonging/");
    let chart = select(&eeast, "main svg.outcomes-chart .chart-value");
    let table = select(&eeast, "main table.outcomes__table td");
    for figure in ["14%", "8%", "11.8%"] {
        assert!(chart.iter().any(|text| text == figure), "chart lacks {figure}: {chart:?}");
        assert!(table.iter().any(|text| text.starts_with(figure)), "table lacks {figure}: {table:?}");
    }
}

/// Every figure the source documents give, on the page that reports it.
const FIGURES: &[(&str, &[&str])] = &[
    ("/case-studies/eeast-belonging/", &["14%", "8%", "11.8%"]),
    ("/case-studies/las-belonging/", &["2,000 staff", "five staff networks"]),
    ("/case-studies/las-contribution/", &["163 managers", "NVQ level 6", "five days"]),
    (
        "/case-studies/first-community-flexible-employment/",
        &["178,000 people", "450 people", "two administrative staff with learning disabilities"],
    ),
    ("/case-studies/dimensions-kent/", &["15 people with complex needs"]),
];

#[test]
fn every_figure_from_the_sources_is_on_its_page() {
    for (path, figures) in FIGURES {
        let text = main_text(path);
        for figure in *figures {
            assert!(text.contains(figure), "{path} does not say \"{figure}\"");
        }
    }
}

/// The eight questions as the primer (seed 003) words them, in its order.
fn source_questions() -> Vec<String> {
    let seed = std::fs::read_dir(repo().join("../shared/seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("003_"))
        .expect("seed 003");
    let text = std::fs::read_to_string(seed).unwrap();
    let tail = &text[text.find("Questions for Discussion").unwrap()..];
    // The extraction interleaves reference lines (numbers over 100); questions are 1-8.
    let mut questions: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for line in tail.lines().skip(1).map(str::trim).filter(|l| !l.is_empty()) {
        let number: String = line.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = number.parse::<usize>() {
            if n == questions.len() + 1 + usize::from(current.is_some()) && line[number.len()..].starts_with(". ") {
                questions.extend(current.take());
                current = Some(line[number.len() + 2..].to_string());
                continue;
            }
            if n > 8 {
                continue;
            }
        }
        if let Some(question) = current.as_mut().filter(|question| !question.trim_end().ends_with('?')) {
            question.push(' ');
            question.push_str(line);
        }
    }
    questions.extend(current);
    questions.into_iter().map(|q| q.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

fn words(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[test]
fn the_discussion_set_lists_the_eight_questions_in_the_source_order() {
    let listed = select(&page("/discussions/belonging-primer-questions/"), "main ol.questions__list li");
    let source = source_questions();
    assert_eq!(source.len(), 8, "{source:#?}");
    assert_eq!(listed.len(), 8, "{listed:#?}");
    for (shown, original) in listed.iter().zip(&source) {
        assert_eq!(words(shown), words(original));
    }
}

#[test]
fn the_primer_has_over_a_hundred_footnote_links_both_ways() {
    let primer = page("/toolkits/belonging-primer/");
    let references = attributes(&primer, "main sup.footnote-ref a", "href");
    let reference_ids = attributes(&primer, "main sup.footnote-ref a", "id");
    assert!(references.len() >= 100, "{} footnote references", references.len());
    let back_links = attributes(&primer, "main section.footnotes a.footnote-back", "href");
    for (href, id) in references.iter().zip(&reference_ids) {
        let note = scraper::Selector::parse(&format!("main li{href}")).unwrap();
        assert!(primer.select(&note).next().is_some(), "no note {href}");
        assert!(back_links.contains(&format!("#{id}")), "no link back to #{id}");
    }
    assert_eq!(back_links.len(), references.len(), "each citation has one way back");
}

#[test]
fn every_theme_has_a_page() {
    let themes = page("/themes/");
    let counts = select(&themes, "main .theme-list__item .count");
    assert!((12..=16).contains(&counts.len()), "{} themes", counts.len());
    for count in counts {
        assert!(!count.starts_with("(0 "), "a theme with no pages: {count}");
    }
}

#[test]
fn every_organisation_and_region_lists_its_pages() {
    for entry in walkdir::WalkDir::new(hub()).into_iter().map(Result::unwrap) {
        if entry.file_name() != "index.html" {
            continue;
        }
        let html = scraper::Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap());
        let url = format!("/{}", entry.path().parent().unwrap().strip_prefix(hub()).unwrap().to_string_lossy());
        let url = if url.ends_with('/') { url } else { format!("{url}/") };
        for taxonomy in ["organisations", "regions"] {
            let selector = format!("main dl.page-meta a[href^=\"/{taxonomy}/\"]");
            for term in attributes(&html, &selector, "href") {
                let listed = attributes(&page(&term), "main a.card__link", "href");
                assert!(listed.contains(&url), "{term} does not list {url}");
            }
        }
    }
}

#[test]
fn the_evidence_table_has_one_linked_row_per_outcome_and_the_csv_the_same_rows() {
    let evidence = page("/evidence/");
    let outcomes: usize = std::fs::read_dir(repo().join("content/case-studies"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default())
        .map(|text| text.split("\n---").next().unwrap_or("").matches("\n  - measure:").count())
        .sum();
    assert!(outcomes >= 1);
    let measures = select(&evidence, "#evidence-table tbody th[scope=row]");
    assert_eq!(measures.len(), outcomes, "one row per outcome in content/");
    let links = attributes(&evidence, "#evidence-table tbody td a", "href");
    assert_eq!(links.len(), outcomes, "each row links to its case study");
    assert!(links.iter().all(|href| href.starts_with("/case-studies/")), "{links:?}");
    // EEAST's figures, exactly as its chart and table print them.
    let row = select(&evidence, "#evidence-table tbody tr:first-child td");
    assert_eq!(row[..2], ["14%", "8%"]);
    assert!(row.contains(&"11.8% (National average)".to_string()), "{row:?}");
    let csv = std::fs::read_to_string(hub().join("evidence.csv")).unwrap();
    let records = crate::evidence::parse_csv(csv.trim_start_matches('\u{feff}'));
    assert_eq!(records.len(), outcomes + 1, "a header and the same rows");
    assert_eq!(records[1][..3], ["Staff turnover in emergency operations", "14", "8"]);
    assert_eq!(records[1][0], measures[0]);
}
