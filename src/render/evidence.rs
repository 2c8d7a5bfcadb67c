//! The evidence view: every outcome of every case study as one row, for the
//! `/evidence/` table and `/evidence.csv`, with the figures the case
//! study's own chart and table print.

use serde::Serialize;

use super::views::OutcomeRow;
use crate::content::outcome::{figure, plain_number};
use crate::content::{Kind, KindName, Outcome, PageKey};
use crate::site::{Site, Taxonomy};
use crate::slug::slugify;

/// One outcome of one case study, as the table shows it.
#[derive(Serialize, Debug)]
pub struct Row<'a> {
    /// The measure, figures, benchmark and period, made as the case
    /// study's own outcomes table makes them.
    #[serde(flatten)]
    pub figures: OutcomeRow<'a>,
    /// The measure's slug, which `?measure=` names.
    pub measure_slug: String,
    pub unit: &'a str,
    /// What changed, in words: "down 6 percentage points".
    pub change: String,
    pub organisation: &'a str,
    pub region: Option<Term<'a>>,
    pub themes: Vec<Term<'a>>,
    /// The themes' slugs, space-separated, which `?theme=` is matched against.
    pub theme_slugs: String,
    pub title: &'a str,
    pub url: String,
    /// Numbers the table sorts by (its script reads them from the cells).
    pub sort: Numbers,
    #[serde(skip)]
    outcome: &'a Outcome,
    #[serde(skip)]
    key: &'a PageKey,
}

/// A theme or region as a row names it.
#[derive(Serialize, Debug, Clone)]
pub struct Term<'a> {
    pub slug: String,
    pub name: &'a str,
}

/// A row's figures as plain numbers, for sorting.
#[derive(Serialize, Debug)]
pub struct Numbers {
    pub before: String,
    pub after: String,
    pub change: String,
    pub benchmark: String,
}

/// A filter's choice: one value and how many rows have it.
#[derive(Serialize, Debug)]
pub struct Choice<'a> {
    pub slug: String,
    pub name: &'a str,
    pub count: usize,
}

/// The rows of every case study, newest case study first, each one's
/// outcomes in the order its front matter lists them.
pub fn rows(site: &Site) -> Vec<Row<'_>> {
    let Some(section) = site.section(KindName::CaseStudy) else { return Vec::new() };
    let mut rows = Vec::new();
    for key in &section.listing.pages {
        let page = site.page(key);
        let Kind::CaseStudy(case) = &page.kind else { continue };
        let region = case.region.as_deref().map(|name| {
            let name = site.term_name(Taxonomy::Regions, name);
            Term { slug: slugify(name), name }
        });
        let themes: Vec<Term> = page
            .meta
            .themes
            .iter()
            .filter_map(|slug| site.config.theme(slug))
            .map(|theme| Term { slug: theme.slug.clone(), name: &theme.name })
            .collect();
        for outcome in &case.outcomes {
            rows.push(Row {
                figures: OutcomeRow::new(outcome),
                measure_slug: slugify(&outcome.measure),
                unit: &outcome.unit,
                change: change_in_words(outcome),
                organisation: site.term_name(Taxonomy::Organisations, &case.organisation),
                region: region.clone(),
                themes: themes.clone(),
                theme_slugs: themes.iter().map(|theme| theme.slug.as_str()).collect::<Vec<_>>().join(" "),
                title: &page.meta.title,
                url: site.url(site.path(key)),
                sort: Numbers {
                    before: plain_number(outcome.before),
                    after: plain_number(outcome.after),
                    change: plain_number(outcome.after - outcome.before),
                    benchmark: outcome.benchmark.map(plain_number).unwrap_or_default(),
                },
                outcome,
                key,
            });
        }
    }
    rows
}

/// "down 6 percentage points", "up 2,000 staff", "no change": a change in
/// a percentage is in points, as a board paper would say it.
fn change_in_words(outcome: &Outcome) -> String {
    let change = outcome.after - outcome.before;
    let size = (change.abs() * 100.0).round() / 100.0;
    if size == 0.0 {
        return "no change".to_string();
    }
    let direction = if change > 0.0 { "up" } else { "down" };
    let amount = if outcome.unit == "%" {
        format!("{} percentage points", figure(size, ""))
    } else {
        figure(size, &outcome.unit)
    };
    format!("{direction} {amount}")
}

/// The values a filter offers, by name, each with its count of rows.
pub fn choices<'a>(rows: &[Row<'a>], values: impl Fn(&Row<'a>) -> Vec<(String, &'a str)>) -> Vec<Choice<'a>> {
    let mut counted: std::collections::HashMap<String, Choice> = std::collections::HashMap::new();
    for row in rows {
        for (slug, name) in values(row) {
            counted.entry(slug).or_insert_with_key(|slug| Choice { slug: slug.clone(), name, count: 0 }).count += 1;
        }
    }
    let mut choices: Vec<Choice> = counted.into_values().collect();
    choices.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then_with(|| a.slug.cmp(&b.slug)));
    choices
}

/// The CSV's columns, in order.
const COLUMNS: &[&str] = &[
    "Measure",
    "Before",
    "After",
    "Unit",
    "Change",
    "Benchmark",
    "Benchmark label",
    "Period",
    "Organisation",
    "Region",
    "Themes",
    "Case study",
    "Address",
];

/// The rows as CSV (RFC 4180, CRLF line ends), UTF-8 with a byte-order
/// mark so a spreadsheet opened by double-click reads "’" and "–" right;
/// figures as plain numbers (`14`, `11.8`, `-6`) a spreadsheet can add up.
pub fn csv(site: &Site, rows: &[Row]) -> String {
    let mut text = String::from("\u{feff}");
    push_record(&mut text, COLUMNS.iter().copied());
    for row in rows {
        let outcome = row.outcome;
        let themes = row.themes.iter().map(|theme| theme.name).collect::<Vec<_>>().join("; ");
        let address = site.absolute_url(site.path(row.key));
        let benchmark_label = if outcome.benchmark.is_some() { row.figures.benchmark_label } else { "" };
        push_record(
            &mut text,
            [
                row.figures.measure,
                &row.sort.before,
                &row.sort.after,
                row.unit,
                &row.sort.change,
                &row.sort.benchmark,
                benchmark_label,
                row.figures.period.unwrap_or(""),
                row.organisation,
                row.region.as_ref().map_or("", |region| region.name),
                &themes,
                row.title,
                &address,
            ],
        );
    }
    text
}

fn push_record<'a>(text: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (index, field) in fields.into_iter().enumerate() {
        if index > 0 {
            text.push(',');
        }
        // A field a spreadsheet would run as a formula is written as text.
        let formula = field.starts_with(['=', '+', '-', '@']) && field.parse::<f64>().is_err();
        if formula || field.contains([',', '"', '\n', '\r']) {
            text.push('"');
            if formula {
                text.push('\'');
            }
            text.push_str(&field.replace('"', "\"\""));
            text.push('"');
        } else {
            text.push_str(field);
        }
    }
    text.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(before: f64, after: f64, unit: &str) -> Outcome {
        Outcome {
            measure: "Turnover".to_string(),
            before,
            after,
            unit: unit.to_string(),
            benchmark: None,
            benchmark_label: None,
            period: None,
        }
    }

    #[test]
    fn a_change_is_said_in_words_and_points_for_percentages() {
        assert_eq!(change_in_words(&outcome(14.0, 8.0, "%")), "down 6 percentage points");
        assert_eq!(change_in_words(&outcome(10.3, 11.8, "%")), "up 1.5 percentage points");
        assert_eq!(change_in_words(&outcome(500.0, 2500.0, "staff")), "up 2,000 staff");
        assert_eq!(change_in_words(&outcome(3.0, 3.0, "")), "no change");
    }

    #[test]
    fn csv_fields_are_quoted_when_they_must_be_and_formulas_are_not_run() {
        let mut text = String::new();
        push_record(&mut text, ["plain", "a, b", "say \"hi\"", "=SUM(A1)", "-6", "line\nbreak"]);
        assert_eq!(text, "plain,\"a, b\",\"say \"\"hi\"\"\",\"'=SUM(A1)\",-6,\"line\nbreak\"\r\n");
    }
}
