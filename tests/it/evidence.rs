//! The evidence view: every outcome of every case study in one table at
//! `/evidence/`, the same rows in `/evidence.csv`, linked from the home page
//! and each case study's outcomes, and in the sitemap.

use crate::common::{Built, attributes, build_edited, select};

const KENT: &str = r#"---
title: "Dimensions Kent: strategy in action"
summary: "A national equality strategy shapes local support."
themes: ["staff-networks", "belonging"]
organisation: "Dimensions Kent"
region: "South East"
date: 2022-05-12
outcomes:
  - measure: "Staff who feel they belong"
    before: 61
    after: 73.5
    unit: "%"
    period: "2021 to 2023"
  - measure: "Network members, all sites"
    before: 120
    after: 2120
    unit: "staff"
  - measure: "Grievances, \"formal\" stage"
    before: 9
    after: 9
    unit: ""
---

Support for 15 people with complex needs.
"#;

fn hub() -> Built {
    build_edited("basic", &[("content/case-studies/kent.md", KENT)], &[])
}

/// RFC 4180 records, as a spreadsheet reads them.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && record.is_empty(), "the CSV ends with a line end");
    records
}

#[test]
fn every_outcome_is_one_linked_row_with_the_figures_the_case_study_shows() {
    let hub = hub();
    let page = hub.page("/evidence/");
    let rows = select(&page, "#evidence-table tbody tr");
    assert_eq!(rows.len(), 4, "{rows:?}");
    let measures = select(&page, "#evidence-table tbody th[scope=row]");
    // Newest case study first (EEAST, 2023), each one's outcomes as listed.
    assert_eq!(
        measures,
        [
            "Staff turnover in emergency operations",
            "Staff who feel they belong",
            "Network members, all sites",
            "Grievances, \"formal\" stage"
        ]
    );
    let links = attributes(&page, "#evidence-table tbody tr td a", "href");
    assert_eq!(
        links,
        ["/case-studies/eeast/", "/case-studies/kent/", "/case-studies/kent/", "/case-studies/kent/"],
        "each row links to its case study"
    );
    let cells = |row: usize| -> Vec<String> {
        let selector = format!("#evidence-table tbody tr:nth-child({row}) td");
        select(&page, &selector).iter().map(|cell| cell.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
    };
    assert_eq!(
        cells(1),
        [
            "14%",
            "8%",
            "%",
            "down 6 percentage points",
            "11.8% (National average)",
            "",
            "East of England Ambulance Service NHS Trust",
            "East of England",
            "Belonging, Allyship",
            "EEAST: rebuilding trust"
        ]
    );
    assert_eq!(cells(2)[..5], ["61%", "73.5%", "%", "up 12.5 percentage points", "none given"]);
    assert_eq!(cells(2)[5..9], ["2021 to 2023", "Dimensions Kent", "South East", "Staff networks, Belonging"]);
    assert_eq!(cells(3)[..4], ["120 staff", "2,120 staff", "staff", "up 2,000 staff"]);
    assert_eq!(cells(4)[..4], ["9", "9", "none", "no change"]);

    // The case study's own table prints the same figures.
    let eeast = select(&hub.page("/case-studies/eeast/"), "table.outcomes__table td");
    for figure in ["14%", "8%", "11.8% (National average)"] {
        assert!(eeast.iter().any(|cell| cell == figure), "{figure} in {eeast:?}");
    }

    // Filters are made for the script, with each value's count, and hidden
    // without it: the whole table shows.
    let form = page.select(&scraper::Selector::parse("#evidence-filters").unwrap()).next().unwrap();
    assert!(form.value().attr("hidden").is_some());
    let themes = select(&page, "#evidence-theme option");
    assert_eq!(themes, ["Every theme", "Allyship (1)", "Belonging (4)", "Staff networks (3)"]);
    let measures = attributes(&page, "#evidence-measure option", "value");
    assert!(measures.contains(&"staff-turnover-in-emergency-operations".to_string()), "{measures:?}");
    let rows_themes = attributes(&page, "#evidence-table tbody tr", "data-theme");
    assert_eq!(rows_themes[1], "staff-networks belonging");
}

#[test]
fn the_csv_holds_the_same_rows_as_numbers_a_spreadsheet_reads() {
    let hub = hub();
    let bytes = std::fs::read(hub.public.join("evidence.csv")).unwrap();
    let text = String::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark, for spreadsheets opened by double-click");
    let records = parse_csv(text);
    assert_eq!(records[0][..5], ["Measure", "Before", "After", "Unit", "Change"]);
    assert_eq!(records.len(), 5, "a header and four rows: {records:?}");
    assert!(records.iter().all(|record| record.len() == records[0].len()), "{records:?}");
    let column = |name: &str| records[0].iter().position(|header| header == name).unwrap();
    let eeast = &records[1];
    assert_eq!(
        [&eeast[column("Before")], &eeast[column("After")], &eeast[column("Change")], &eeast[column("Benchmark")]],
        ["14", "8", "-6", "11.8"]
    );
    assert_eq!(eeast[column("Benchmark label")], "National average");
    assert_eq!(eeast[column("Themes")], "Belonging; Allyship");
    assert_eq!(eeast[column("Address")], "https://example.org/case-studies/eeast/");
    let page = hub.page("/evidence/");
    let measures = select(&page, "#evidence-table tbody th[scope=row]");
    let from_csv: Vec<&String> = records[1..].iter().map(|record| &record[column("Measure")]).collect();
    assert_eq!(from_csv, measures.iter().collect::<Vec<_>>(), "the same rows, in the same order");
    assert_eq!(records[3][column("After")], "2120");
    assert_eq!(records[3][column("Change")], "2000");
    assert_eq!(records[4][column("Change")], "0");
}

#[test]
fn the_evidence_is_linked_from_home_and_each_case_study_and_in_the_sitemap() {
    let hub = hub();
    let csv = attributes(&hub.page("/evidence/"), "main a[href$='.csv']", "href");
    assert_eq!(csv, ["/evidence.csv"]);
    assert!(attributes(&hub.page("/"), "main a", "href").contains(&"/evidence/".to_string()));
    let outcomes = attributes(&hub.page("/case-studies/eeast/"), "main .outcomes a", "href");
    assert!(outcomes.contains(&"/evidence/".to_string()), "{outcomes:?}");
    assert!(hub.text("/sitemap.xml").contains("<loc>https://example.org/evidence/</loc>"));
    assert!(!hub.text("/sitemap.xml").contains("evidence.csv"));
}
