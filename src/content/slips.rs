//! Front-matter slips of text pasted from a word processor, which YAML
//! reads other than the author meant: values in curly quotes, text cut at an
//! unquoted `#`, a list written as one text with commas, list items with a
//! colon in them. Each is reported at its line with the line written right.

use serde_json::Value;

use super::validate::Reader;
use crate::diagnostics::Code;

impl Reader<'_> {
    /// Reports each item of list `key` that YAML read as a field.
    pub(super) fn colon_items(&mut self, key: &str, items: &[Value]) {
        let Some(field) = self.fields.get(key) else { return };
        for written in items.iter().filter_map(colon_item) {
            let line = self.fields.line_of_item(field, &written);
            self.problems.push(
                self.diagnostic(
                    Code::YamlSyntax,
                    key,
                    line,
                    format!("this item has a colon in it (`{written}`), so YAML reads it as a field, not text"),
                )
                .hint(format!("put the item in double quotes: - \"{}\"", written.replace('"', "'"))),
            );
        }
    }

    /// A list of names (themes, audiences): like `string_list`, but a
    /// single text with commas in it is the list the author meant, and a
    /// warning says how YAML writes one.
    pub(super) fn name_list(&mut self, key: &str, expected: &str) -> Vec<String> {
        let Some(Value::String(text)) = self.fields.get(key).map(|field| &field.value) else {
            return self.string_list(key, expected);
        };
        if !text.contains(',') {
            return self.string_list(key, expected);
        }
        let names: Vec<String> =
            text.split(',').map(|name| name.trim().to_string()).filter(|name| !name.is_empty()).collect();
        let line = self.fields.get(key).map_or(0, |field| field.line);
        let list = names.iter().map(|name| format!("\"{name}\"")).collect::<Vec<_>>().join(", ");
        self.problems.push(
            self.diagnostic(
                Code::ListAsText,
                key,
                line,
                format!("`{key}` is one piece of text with commas in it; belong read it as {} {expected}", names.len()),
            )
            .hint(format!("write it as a list: {key}: [{list}]")),
        );
        names
    }

    /// Warns about each value that was wrapped in curly quotes: belong took
    /// them off, but the next paste may put them inside a longer value.
    pub(super) fn curly_quotes(&mut self) {
        for (key, line) in &self.fields.curly {
            self.problems.push(
                self.diagnostic(
                    Code::CurlyQuotes,
                    key,
                    *line,
                    "this value is wrapped in curly quotes (“ ” or ‘ ’), pasted from a word processor",
                )
                .hint("belong left the quotes out; write straight quotes instead: \"...\""),
            );
        }
    }

    /// Text YAML cut short at an unquoted ` #`, which it reads as the start
    /// of a comment: in a title or a question, never what the author meant.
    pub(super) fn cut_at_hash(&mut self) {
        for key in ["title", "summary", "organisation", "image_alt", "questions"] {
            let Some(field) = self.fields.get(key) else { continue };
            let Some((line, column, written)) = self.fields.cut_at_hash(field) else { continue };
            let (kept, comment) = written.split_at(written.find('#').unwrap_or(written.len()));
            let item = if key == "questions" { "- " } else { "" };
            let prefix = if item.is_empty() { format!("{key}: ") } else { item.to_string() };
            let message =
                format!("YAML reads `{comment}` as a note to itself, so this {key} stops at `{}`", kept.trim_end());
            let message = message.replace("this questions", "this question");
            self.problems.push(
                self.diagnostic(Code::HashInText, key, line, message)
                    .at(line, column)
                    .hint(format!("put the whole value in double quotes: {prefix}\"{}\"", written.replace('"', "'"))),
            );
        }
    }
}

/// A list item that YAML read as `name: value` because it holds a colon
/// and a space (`- What does belonging mean: for you?`): the item as
/// written.
pub(super) fn colon_item(item: &Value) -> Option<String> {
    let Value::Object(map) = item else { return None };
    let (name, value) = map.iter().next().filter(|_| map.len() == 1)?;
    let value = match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        Value::Number(_) | Value::Bool(_) => value.to_string(),
        _ => return None,
    };
    Some(format!("{name}: {value}").trim_end().to_string())
}
