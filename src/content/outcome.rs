//! How the hub writes a case study's measured outcomes in words: the figures
//! (`14%`, `2,000 staff`) and one sentence per measure, which the chart's
//! description shows and the search index reads.

use std::fmt::Write as _;

use super::Outcome;

/// The figure as the hub prints it: `14%`, `11.8%`, `2,000 staff`.
pub fn figure(value: f64, unit: &str) -> String {
    let number = number(value);
    match unit.chars().next() {
        None => number,
        Some(first) if first.is_alphabetic() => format!("{number} {unit}"),
        Some(_) => format!("{number}{unit}"),
    }
}

/// `2000`, `11.8`, `-6`: the figure as a spreadsheet reads it, rounded as
/// `figure` rounds it, without grouping.
pub fn plain_number(value: f64) -> String {
    number(value).replace(',', "")
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

#[cfg(test)]
mod tests {
    use super::figure;

    #[test]
    fn figures_print_as_people_write_them() {
        assert_eq!(figure(14.0, "%"), "14%");
        assert_eq!(figure(11.8, "%"), "11.8%");
        assert_eq!(figure(2000.0, "staff"), "2,000 staff");
        assert_eq!(figure(178_000.0, ""), "178,000");
        assert_eq!(figure(0.25, ""), "0.25");
        assert_eq!(figure(-3.5, "%"), "-3.5%");
        assert_eq!(super::plain_number(2000.0), "2000");
        assert_eq!(super::plain_number(8.0 - 14.0), "-6");
        assert_eq!(super::plain_number(11.8 - 10.3), "1.5");
    }
}
