//! Front-matter lines YAML cannot read, explained in a comms officer's words:
//! what the slip on the author's line is, and that line written right. The
//! YAML library's message only picks which slip it is; it is never shown.

use super::front_matter::{CURLY_QUOTES, SyntaxError};

/// The fix when belong cannot tell which slip it is.
const USUAL_SUSPECTS: &str = "text with a colon, a # or quotes in it goes in double quotes: title: \"Our story: \
                              a year\"; a list is written [\"a\", \"b\"], or one `- ` item a line";

/// A tab or a non-breaking space where YAML needs an ordinary space (in a
/// line's indentation, after its dash or around its colon), found before the
/// parse: the parser's words for either do not say where or what it is.
pub fn spacing(lines: &[String], yaml_line: usize) -> Option<SyntaxError> {
    lines.iter().enumerate().find_map(|(index, line)| {
        let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if let Some(tab) = indent.find('\t').filter(|_| !line.trim().is_empty()) {
            return Some(SyntaxError {
                line: yaml_line + index,
                column: column_of(line, tab),
                message: "this line is indented with a tab; front matter is indented with spaces only".to_string(),
                hint: "replace the tab at the start of the line with two spaces".to_string(),
            });
        }
        let nbsp = line.find('\u{a0}')?;
        let lead = line.len() - line.trim_start_matches([' ', '\u{a0}', '-']).len();
        let colon = line.find(':');
        let structural = nbsp < lead || colon.is_none_or(|colon| nbsp <= colon + 1);
        structural.then(|| SyntaxError {
            line: yaml_line + index,
            column: column_of(line, nbsp),
            message: "this line has a non-breaking space (pasted from Word or a web page) where YAML needs an \
                      ordinary space"
                .to_string(),
            hint: format!(
                "delete the space at column {} and type an ordinary one with the space bar",
                column_of(line, nbsp)
            ),
        })
    })
}

/// The slip YAML stopped at on 0-based YAML line `index` (column 1-based),
/// as belong explains it. `library` is the parser's own message.
pub fn explain(library: &str, index: usize, column: usize, lines: &[String], yaml_line: usize) -> SyntaxError {
    let at = |index: usize, column: usize, message: String, hint: String| SyntaxError {
        line: yaml_line + index,
        column,
        message,
        hint,
    };
    // The parser may stop past the last line (a quote never closed).
    let index = index.min(lines.len().saturating_sub(1));
    let line = lines.get(index).map_or("", String::as_str);
    let entry = Entry::of(line);
    // Curly quotes round a value are the slip whatever YAML tripped on next.
    if let Some(entry) = entry.as_ref().filter(|entry| entry.value.starts_with(['\u{201c}', '\u{2018}'])) {
        return at(
            index,
            column,
            "this value is in curly quotes (“ ” or ‘ ’), pasted from a word processor, and YAML reads only \
             straight quotes"
                .to_string(),
            format!("write it with straight quotes: {}", entry.quoted(&straighten(entry.value))),
        );
    }
    if let Some((opened, message, hint)) = quote_slip(library, index, lines, yaml_line) {
        return at(opened, 1, message, hint);
    }
    match (library, &entry) {
        (l, Some(entry)) if l.contains("mapping values") => at(
            index,
            column,
            format!("this value has a colon in it (`{}`), so it needs quotes round it", entry.value),
            format!("put the whole value in double quotes: {}", entry.quoted(entry.value)),
        ),
        (l, Some(entry)) if l.contains("duplicate") => at(
            index,
            1,
            format!("`{}` is written twice in the front matter, and YAML cannot tell which to use", entry.key),
            format!("keep one `{}:` line and delete the other", entry.key),
        ),
        (l, Some(entry)) if l.contains("unclosed bracket") => at(
            index,
            column,
            "this list opens with a bracket but is not closed on its line".to_string(),
            format!("end the list on the same line: {}: [{}]", entry.key, items(entry.value)),
        ),
        (l, Some(entry))
            if l.contains("unexpected character") || l.contains("anchor") || l.contains("block sequence") =>
        {
            at(
                index,
                column,
                format!("YAML reads the `{}` at the start of this value as a sign, not as text", first(entry.value)),
                format!("put the value in double quotes: {}", entry.quoted(entry.value)),
            )
        }
        (l, _) if l.contains("simple key") || l.contains("expected ':'") => missing_colon(index, lines, at),
        (l, _) if l.contains("expected key") || l.contains("indicator") => indented(index, lines, at),
        (l, _) if l.contains("mapping start") => not_fields(lines, at),
        _ => at(
            index,
            column,
            "belong cannot read this line of the front matter".to_string(),
            USUAL_SUSPECTS.to_string(),
        ),
    }
}

/// One `key: value` line (or `- key: value`), as written.
struct Entry<'a> {
    indent: &'a str,
    key: &'a str,
    value: &'a str,
}

impl<'a> Entry<'a> {
    fn of(line: &'a str) -> Option<Self> {
        let rest = line.trim_start();
        let indent = &line[..line.len() - rest.len()];
        let rest = rest.strip_prefix("- ").unwrap_or(rest);
        let (key, value) = rest.split_once(": ").or_else(|| rest.strip_suffix(':').map(|key| (key, "")))?;
        let simple = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'));
        simple.then(|| Entry { indent, key, value: value.trim() })
    }

    /// This line with `value` in double quotes; straight double quotes
    /// inside it become single ones.
    fn quoted(&self, value: &str) -> String {
        format!("{}{}: \"{}\"", self.indent, self.key, value.trim().replace('"', "'"))
    }
}

/// A value's curly quotes made straight.
fn straighten(value: &str) -> String {
    let mut text = value.trim().to_string();
    for (open, close) in CURLY_QUOTES {
        if text.starts_with(open) && text.ends_with(close) && text.chars().count() > 1 {
            let mut chars = text.chars();
            chars.next();
            chars.next_back();
            text = chars.as_str().to_string();
        }
    }
    text
}

/// A quoted value that goes wrong: an apostrophe inside single quotes, a
/// quote not closed on its line, or text after the closing quote. Gives the
/// 0-based line the value opens on, the message and the fix.
fn quote_slip(library: &str, index: usize, lines: &[String], yaml_line: usize) -> Option<(usize, String, String)> {
    if !library.contains("quoted scalar") {
        return None;
    }
    if library.contains("single-quoted") {
        let entry = Entry::of(&lines[index]).filter(|entry| entry.value.starts_with('\''))?;
        let inner = entry.value.trim_start_matches('\'').trim_end_matches('\'');
        let word = inner.split_whitespace().find(|word| word.contains('\'')).unwrap_or("'");
        let message = format!("the apostrophe in `{word}` ends the value that the `'` before it started");
        return Some((index, message, format!("put the value in double quotes instead: {}", entry.quoted(inner))));
    }
    // The first value above whose quote its own line leaves open.
    let open = (0..index).find_map(|i| {
        let entry = Entry::of(&lines[i])?;
        (entry.value.starts_with('"') && entry.value.matches('"').count() % 2 == 1).then_some((i, entry))
    });
    let Some((opened, entry)) = open else {
        let entry = Entry::of(&lines[index])?;
        let value = entry.value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(entry.value);
        let message = format!("there is more text after the closing quote of `{}`", entry.key);
        let hint =
            format!("put the quotes round all of it (quotes inside it as single quotes): {}", entry.quoted(value));
        return Some((index, message, hint));
    };
    let swallowed = lines[opened + 1..index].iter().chain([&lines[index]]).any(|line| Entry::of(line).is_some());
    if swallowed {
        let message = format!("the quote that opens `{}` is not closed on its line", entry.key);
        let hint = format!("end the value with a straight quote: {}\"", lines[opened].trim_end());
        return Some((opened, message, hint));
    }
    let joined = lines[opened..=index].iter().map(|line| line.trim()).collect::<Vec<_>>().join(" ");
    let value = joined.split_once(": ").map_or(joined.as_str(), |(_, value)| value).trim();
    let message = format!(
        "the value of `{}` is wrapped onto line {}, and there is more text after its closing quote",
        entry.key,
        yaml_line + index
    );
    let hint = format!(
        "write the value on one line, with quotes round all of it (quotes inside it as single quotes): {}",
        entry.quoted(value)
    );
    Some((opened, message, hint))
}

/// A line with no `name:`: a value wrapped from the line above, or a list
/// item without its dash.
fn missing_colon(
    index: usize,
    lines: &[String],
    at: impl Fn(usize, usize, String, String) -> SyntaxError,
) -> SyntaxError {
    let line = lines.get(index).map_or("", |line| line.trim());
    let above = (0..index).rev().find(|&i| !lines[i].trim().is_empty());
    let above_line = above.map_or("", |i| lines[i].as_str());
    if above_line.trim_start().starts_with("- ") || above_line.trim_end().ends_with(':') {
        let indent = &above_line[..above_line.len() - above_line.trim_start().len()];
        let list = (0..index).rev().find_map(|i| Entry::of(&lines[i]).filter(|e| e.value.is_empty())).map(|e| e.key);
        return at(
            index,
            1,
            format!("`{line}` is in the list `{}` but does not start with `- `", list.unwrap_or("above")),
            format!("start each item of a list with a dash and a space: {indent}- {line}"),
        );
    }
    match Entry::of(above_line) {
        Some(entry) => at(
            index,
            1,
            format!(
                "this line goes on from the value of `{}` on the line above, but a value must be on one line",
                entry.key
            ),
            format!("join it to the line above: {}", entry.quoted(&format!("{} {line}", entry.value))),
        ),
        None => at(index, 1, "this line has no `name:` at its start".to_string(), USUAL_SUSPECTS.to_string()),
    }
}

/// A line indented other than YAML expects: a field indented under one that
/// has its value, or an item out of line with the one above.
fn indented(index: usize, lines: &[String], at: impl Fn(usize, usize, String, String) -> SyntaxError) -> SyntaxError {
    let line = lines.get(index).map_or("", String::as_str);
    let spaces = line.len() - line.trim_start().len();
    let above = (0..index).rev().find(|&i| !lines[i].trim().is_empty()).map_or("", |i| lines[i].as_str());
    let above_spaces = above.len() - above.trim_start().len();
    match Entry::of(line) {
        Some(entry) if Entry::of(above).is_some_and(|e| !e.value.is_empty() && above_spaces < spaces) => at(
            index,
            1,
            format!("`{}` is indented, so YAML reads it as part of the line above", entry.key),
            format!("start the line at the left edge, with no spaces: {}: {}", entry.key, entry.value),
        ),
        _ => at(
            index,
            1,
            format!("this line is indented by {spaces} spaces, and the line above it by {above_spaces}"),
            "line up the items of a list under each other, and the fields of each item under each other".to_string(),
        ),
    }
}

/// Front matter that is not `name: value` lines at all.
fn not_fields(lines: &[String], at: impl Fn(usize, usize, String, String) -> SyntaxError) -> SyntaxError {
    let (index, line) =
        lines.iter().enumerate().find(|(_, line)| !line.trim().is_empty()).map_or((0, ""), |(i, line)| (i, line));
    let hint = match line.split_once(':') {
        Some((key, value)) if !value.starts_with(' ') && !key.contains(' ') => {
            format!("put a space after the colon: {key}: {}", value.trim())
        }
        _ => "write each field as a name, a colon and a space, then its value: title: \"Our story\"".to_string(),
    };
    at(index, 1, "the front matter must be `name: value` lines, and this one is not".to_string(), hint)
}

/// A flow list's items as a fixed list: each in double quotes.
fn items(value: &str) -> String {
    let inner = value.trim_start_matches('[').trim_start_matches('{').trim_end_matches([']', '}']);
    inner
        .split(',')
        .map(|item| item.trim().trim_matches(['"', '\'']))
        .filter(|item| !item.is_empty())
        .map(|item| format!("\"{item}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn first(value: &str) -> String {
    value.chars().next().map(String::from).unwrap_or_default()
}

/// The 1-based column of byte `offset` in `line`.
fn column_of(line: &str, offset: usize) -> usize {
    line[..offset].chars().count() + 1
}

#[cfg(test)]
mod tests {
    use super::super::front_matter::parse;

    /// The error for `yaml` (front matter starting on file line 2): its line,
    /// message and hint.
    fn error(yaml: &str) -> (usize, String, String) {
        let error = parse(yaml, 2).unwrap_err();
        (error.line, error.message, error.hint)
    }

    #[test]
    fn each_slip_is_named_at_the_authors_line_with_the_line_written_right() {
        let cases = [
            ("summary: \"S\"\ntitle: Our aim: to listen\n", 3, "colon in it", "title: \"Our aim: to listen\""),
            (
                "title: \"T\"\nsummary: This is long\nwrapped here\n",
                4,
                "goes on from the value of `summary`",
                "summary: \"This is long wrapped here\"",
            ),
            ("title: 'St Elsewhere's story'\n", 2, "apostrophe in `Elsewhere's`", "title: \"St Elsewhere's story\""),
            ("themes:\n  - belonging\n  contribution\n", 4, "in the list `themes`", "  - contribution"),
            ("title: \"T\"\n\u{a0} region: \"London\"\n", 3, "non-breaking space", "column 1"),
            ("title: \"a\nsummary: \"S\"\n", 2, "not closed on its line", "title: \"a\""),
            (
                "title: \"T\"\nsummary: \"A quote\" from staff\n",
                3,
                "after the closing quote",
                "summary: \"'A quote' from staff\"",
            ),
            (
                "title: \"T\"\nsummary: \"Long and\nwrapped\" here\n",
                3,
                "wrapped onto line 4",
                "summary: \"'Long and wrapped' here\"",
            ),
            ("title: \"T\"\n  region: \"London\"\n", 3, "`region` is indented", "region: \"London\""),
            ("title: \"a\"\ntitle: \"b\"\n", 3, "written twice", "keep one `title:` line"),
            ("audience: [board, leaders\n", 2, "not closed", "audience: [\"board\", \"leaders\"]"),
            ("region: @London\n", 2, "the `@`", "region: \"@London\""),
            ("title:\"a\"\n", 2, "`name: value` lines", "title: \"a\""),
            ("outcomes:\n  - measure: \"x\"\n    before: 1\n   after: 2\n", 5, "indented by 3 spaces", "line up"),
        ];
        for (yaml, line, message, hint) in cases {
            let (found_line, found_message, found_hint) = error(yaml);
            assert_eq!(found_line, line, "{yaml:?}: {found_message}");
            assert!(found_message.contains(message), "{yaml:?}: {found_message}");
            assert!(found_hint.contains(hint), "{yaml:?}: {found_hint}");
        }
    }

    #[test]
    fn a_non_breaking_space_inside_a_value_is_left_alone() {
        assert!(parse("title: \"St\u{a0}Elsewhere\"\nsummary: A\u{a0}b\n", 2).is_ok());
    }
}
