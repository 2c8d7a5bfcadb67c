//! Draws a case study's outcomes as an inline SVG bar chart: one group of
//! horizontal bars (before, after, benchmark) per measure, each bar labelled with
//! its figure, so the chart reads without colour and at any width.
//!
//! The chart is an image with a text summary (`<title>`, `<desc>`); the page's
//! data table beside it carries the same figures for screen readers and print.

use std::fmt::Write as _;

use crate::content::{Outcome, benchmark_label, describe, figure};
use crate::escape::escape;

/// Heights in pixels: the chart is drawn at the page's own scale, so its text
/// stays 16 px on a phone (a scaled viewBox shrank it to 6 px at 320 px wide).
const LABEL_HEIGHT: u32 = 22;
const BAR_HEIGHT: u32 = 24;
const BAR_GAP: u32 = 12;

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

/// The chart for `outcomes`: per measure, its name as text, then an SVG with a
/// labelled bar for before, after and any benchmark. Bars are drawn in
/// percentages of the largest figure, so the chart fits any width. `id`
/// makes the SVGs' title and description ids unique on the page.
pub fn svg(outcomes: &[Outcome], id: &str) -> String {
    let mut html = String::new();
    for (number, outcome) in outcomes.iter().enumerate() {
        let mut bars = vec![
            Bar { label: "Before", value: outcome.before, colour: BEFORE_COLOUR },
            Bar { label: "After", value: outcome.after, colour: AFTER_COLOUR },
        ];
        if let Some(benchmark) = outcome.benchmark {
            bars.push(Bar { label: benchmark_label(outcome), value: benchmark, colour: BENCHMARK_COLOUR });
        }
        let largest = bars.iter().map(|bar| bar.value.abs()).fold(0.0, f64::max);
        let mut body = String::new();
        let mut y = 0;
        for bar in &bars {
            let percent = if largest > 0.0 { (bar.value.abs() / largest * 100.0).max(0.5) } else { 0.5 };
            let _ = writeln!(
                body,
                "<text x=\"0\" y=\"{}\"><tspan class=\"chart-label\">{}: </tspan><tspan class=\"chart-value\">{}</tspan></text>\
                 <rect x=\"0\" y=\"{}\" width=\"{percent:.1}%\" height=\"{BAR_HEIGHT}\" fill=\"{}\"/>",
                y + 16,
                escape(bar.label),
                escape(&figure(bar.value, &outcome.unit)),
                y + LABEL_HEIGHT,
                bar.colour,
            );
            y += LABEL_HEIGHT + BAR_HEIGHT + BAR_GAP;
        }
        let height = y - BAR_GAP;
        let chart_id = format!("{id}-{}", number + 1);
        let _ = write!(
            html,
            "<p class=\"chart-measure\">{}</p>\n<svg class=\"outcomes-chart\" width=\"100%\" height=\"{height}\" role=\"img\" \
             aria-labelledby=\"{chart_id}-title {chart_id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\n\
             <title id=\"{chart_id}-title\">Bar chart: {}</title>\n<desc id=\"{chart_id}-desc\">{}</desc>\n{body}</svg>\n",
            escape(&outcome.measure),
            escape(&outcome.measure),
            escape(&describe(outcome)),
        );
    }
    html
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
    fn chart_labels_every_bar_with_its_figure() {
        let svg = svg(&[eeast()], "outcomes");
        for text in ["14%", "8%", "11.8%"] {
            assert!(svg.contains(&format!("<tspan class=\"chart-value\">{text}</tspan>")), "{text} missing from {svg}");
        }
        for text in ["National average: ", "Before: ", "After: "] {
            assert!(svg.contains(&format!("<tspan class=\"chart-label\">{text}</tspan>")), "{text} missing from {svg}");
        }
        assert!(svg.contains("width=\"100.0%\""), "the largest bar fills the width: {svg}");
        assert!(svg.contains("width=\"57.1%\""), "8 is 57% of 14: {svg}");
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("14% before, 8% after; national average 11.8%."));
    }

    /// The numbers of one attribute, in order, such as every `<text>`'s `y`.
    fn numbers_after(svg: &str, prefix: &str) -> Vec<f64> {
        svg.split(prefix)
            .skip(1)
            .filter_map(|rest| rest.split('"').next()?.trim_end_matches('%').parse().ok())
            .collect()
    }

    #[test]
    fn each_label_sits_just_above_its_own_bar_and_bars_never_overlap() {
        let svg = svg(&[eeast()], "outcomes");
        assert_eq!(numbers_after(&svg, "<text x=\"0\" y=\""), [16.0, 74.0, 132.0]);
        assert_eq!(numbers_after(&svg, "<rect x=\"0\" y=\""), [22.0, 80.0, 138.0]);
        assert!(svg.contains("height=\"162\" role=\"img\""), "the chart is as tall as its bars: {svg}");
    }

    #[test]
    fn zero_is_drawn_as_a_sliver_and_printed_without_a_sign() {
        assert_eq!(figure(0.0, "%"), "0%");
        assert_eq!(figure(-0.001, ""), "0");
        let nothing = Outcome { before: 0.0, after: 0.0, benchmark: None, ..eeast() };
        let svg = svg(&[nothing], "outcomes");
        assert_eq!(numbers_after(&svg, "width=\""), [100.0, 0.5, 0.5], "{svg}");
    }
}
