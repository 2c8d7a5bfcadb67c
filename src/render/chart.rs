//! Draws a case study's outcomes as an inline SVG bar chart: one group of
//! horizontal bars (before, after, benchmark) per measure, each bar labelled with
//! its figure, so the chart reads without colour and at any width.
//!
//! The chart is an image with a text summary (`<title>`, `<desc>`); the page's
//! data table beside it carries the same figures for screen readers and print.

use std::fmt::Write as _;

use crate::content::Outcome;
use crate::render::escape;

const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 150.0;
const VALUE_WIDTH: f64 = 80.0;
const BAR_HEIGHT: f64 = 26.0;
const BAR_GAP: f64 = 8.0;
const MEASURE_GAP: f64 = 20.0;
const TITLE_HEIGHT: f64 = 26.0;

/// Bar colours, each over 3:1 against white (WCAG 1.4.11): NHS dark grey,
/// NHS blue, NHS dark pink.
const BEFORE_COLOUR: &str = "#4c6272";
const AFTER_COLOUR: &str = "#005eb8";
const BENCHMARK_COLOUR: &str = "#7c2855";

/// One bar of the chart.
struct Bar<'a> {
    label: &'a str,
    value: f64,
    colour: &'static str,
}

/// The figure as the hub prints it: `14%`, `11.8%`, `2,000 staff`.
pub fn figure(value: f64, unit: &str) -> String {
    let number = number(value);
    match unit.chars().next() {
        None => number,
        Some(first) if first.is_alphabetic() => format!("{number} {unit}"),
        Some(_) => format!("{number}{unit}"),
    }
}

/// `2,000`, `11.8`, `0.25`: grouped thousands, at most two decimals, no trailing zeros.
fn number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let text = format!("{:.2}", rounded.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if negative { "-" } else { "" };
    if fraction.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{fraction}") }
}

/// The label of the benchmark bar: its own label, or "Benchmark".
pub fn benchmark_label(outcome: &Outcome) -> &str {
    outcome.benchmark_label.as_deref().unwrap_or("Benchmark")
}

/// One sentence per measure, for the chart's `<desc>` and for search.
pub fn describe(outcome: &Outcome) -> String {
    let mut sentence = format!(
        "{}: {} before, {} after",
        outcome.measure,
        figure(outcome.before, &outcome.unit),
        figure(outcome.after, &outcome.unit)
    );
    if let Some(benchmark) = outcome.benchmark {
        let _ = write!(sentence, "; {} {}", benchmark_label(outcome).to_lowercase(), figure(benchmark, &outcome.unit));
    }
    sentence.push('.');
    sentence
}

/// The chart for `outcomes`; `id` makes its title and description ids unique on the page.
pub fn svg(outcomes: &[Outcome], id: &str) -> String {
    let mut body = String::new();
    let mut y = 0.0;
    for outcome in outcomes {
        let mut bars = vec![
            Bar { label: "Before", value: outcome.before, colour: BEFORE_COLOUR },
            Bar { label: "After", value: outcome.after, colour: AFTER_COLOUR },
        ];
        if let Some(benchmark) = outcome.benchmark {
            bars.push(Bar { label: benchmark_label(outcome), value: benchmark, colour: BENCHMARK_COLOUR });
        }
        let largest = bars.iter().map(|bar| bar.value.abs()).fold(0.0, f64::max);
        let scale = if largest > 0.0 { (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / largest } else { 0.0 };
        let _ = writeln!(
            body,
            "<text x=\"0\" y=\"{:.0}\" class=\"chart-measure\">{}</text>",
            y + 18.0,
            escape(&outcome.measure)
        );
        y += TITLE_HEIGHT;
        for bar in &bars {
            let width = (bar.value.abs() * scale).max(2.0);
            let _ = writeln!(
                body,
                "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\" class=\"chart-label\">{}</text>\
                 <rect x=\"{LABEL_WIDTH:.0}\" y=\"{:.0}\" width=\"{width:.1}\" height=\"{BAR_HEIGHT:.0}\" fill=\"{}\"/>\
                 <text x=\"{:.1}\" y=\"{:.0}\" class=\"chart-value\">{}</text>",
                LABEL_WIDTH - 8.0,
                y + 18.0,
                escape(bar.label),
                y,
                bar.colour,
                LABEL_WIDTH + width + 6.0,
                y + 18.0,
                escape(&figure(bar.value, &outcome.unit))
            );
            y += BAR_HEIGHT + BAR_GAP;
        }
        y += MEASURE_GAP;
    }
    let height = (y - MEASURE_GAP).max(0.0);
    let description: Vec<String> = outcomes.iter().map(describe).collect();
    format!(
        "<svg class=\"outcomes-chart\" viewBox=\"0 0 {WIDTH:.0} {height:.0}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <title id=\"{id}-title\">Outcomes chart</title>\n<desc id=\"{id}-desc\">{}</desc>\n{body}</svg>\n",
        escape(&description.join(" "))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eeast() -> Outcome {
        Outcome {
            measure: "Staff turnover in emergency operations".into(),
            before: 14.0,
            after: 8.0,
            unit: "%".into(),
            benchmark: Some(11.8),
            benchmark_label: Some("National average".into()),
            period: None,
        }
    }

    #[test]
    fn figures_print_as_people_write_them() {
        assert_eq!(figure(14.0, "%"), "14%");
        assert_eq!(figure(11.8, "%"), "11.8%");
        assert_eq!(figure(2000.0, "staff"), "2,000 staff");
        assert_eq!(figure(178_000.0, ""), "178,000");
        assert_eq!(figure(0.25, ""), "0.25");
        assert_eq!(figure(-3.5, "%"), "-3.5%");
    }

    #[test]
    fn chart_labels_every_bar_with_its_figure() {
        let svg = svg(&[eeast()], "outcomes");
        for text in ["14%", "8%", "11.8%", "National average", "Before", "After"] {
            assert!(svg.contains(&format!(">{text}<")), "{text} missing from {svg}");
        }
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("14% before, 8% after; national average 11.8%."));
    }
}
