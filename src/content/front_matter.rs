//! Splits a Markdown file into its YAML front matter and body, and parses the YAML
//! into raw fields that remember the line each key is written on.
//!
//! Parsing stops at raw values (`serde_json::Value`): turning them into typed
//! fields is `validate`'s job, so a wrongly typed field is reported with its line
//! instead of failing the whole file at the first serde error.

use std::collections::BTreeMap;

use serde_json::Value;

use super::yaml_errors;

/// A file cut at its front matter. Lines are 1-based lines of the whole file.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines; `None` when the file has no front matter.
    pub yaml: Option<&'a str>,
    /// The file line the YAML starts on.
    pub yaml_line: usize,
    pub body: &'a str,
    /// The file line the body starts on.
    pub body_line: usize,
}

/// Why a file's front matter could not be read.
#[derive(Debug, PartialEq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The fix, in the author's words.
    pub hint: String,
}

/// The curly quotes word processors put in pasted text, opening and closing:
/// YAML does not read them as quotes, so they end up inside the value.
pub(super) const CURLY_QUOTES: [(char, char); 2] = [('\u{201c}', '\u{201d}'), ('\u{2018}', '\u{2019}')];

/// One top-level key of the front matter.
#[derive(Debug, Clone)]
pub struct Field {
    pub value: Value,
    /// The file line the key is written on.
    pub line: usize,
    /// The YAML text from the key's line up to the next top-level key, used to
    /// find the line of one item in a list.
    span: (usize, usize),
}

/// Parsed front matter: keys in sorted order, each with its line.
#[derive(Debug, Default)]
pub struct Fields {
    pub fields: BTreeMap<String, Field>,
    /// Values that were wrapped in curly quotes, with their key and line: the
    /// quotes are taken off (the author meant them as quotes), and validation
    /// warns, so the next paste from a word processor is straight.
    pub curly: Vec<(String, usize)>,
    lines: Vec<String>,
    yaml_line: usize,
}

/// Cuts `text` (already free of BOM and CR) at its front matter. The opening
/// `---` must be the first line; the closing one is the next line that is
/// exactly `---` (or `...`).
pub fn split(text: &str) -> Result<Split<'_>, SyntaxError> {
    let Some(after_open) = text.strip_prefix("---\n").or_else(|| (text.trim_end() == "---").then_some("")) else {
        if let Some(line) = opened_below_empty_lines(text) {
            return Err(SyntaxError {
                line: 1,
                column: 1,
                message: format!(
                    "the front matter's first `---` is on line {line}, below empty lines; it must be the file's very \
                     first line"
                ),
                hint: format!("delete the empty line{} above the first ---", if line > 2 { "s" } else { "" }),
            });
        }
        return Ok(Split { yaml: None, yaml_line: 1, body: text, body_line: 1 });
    };
    let mut offset = 0;
    for (index, line) in after_open.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches('\n').trim_end();
        if bare == "---" || bare == "..." {
            let body_start = (offset + line.len()).min(after_open.len());
            return Ok(Split {
                yaml: Some(&after_open[..offset]),
                yaml_line: 2,
                body: &after_open[body_start..],
                body_line: index + 3,
            });
        }
        offset += line.len();
    }
    Err(SyntaxError {
        line: 1,
        column: 1,
        message: "the front matter opened with `---` on line 1 is never closed".to_string(),
        hint: "end the front matter with a line of three dashes: ---".to_string(),
    })
}

/// The line of a `---` that has only empty lines above it and a closing
/// `---` below: front matter an editor pushed down.
fn opened_below_empty_lines(text: &str) -> Option<usize> {
    let blank = text.lines().take_while(|line| line.trim().is_empty()).count();
    let mut rest = text.lines().skip(blank);
    (blank > 0 && rest.next() == Some("---") && rest.any(|line| line.trim_end() == "---")).then_some(blank + 1)
}

/// Parses front-matter YAML that starts on file line `yaml_line`.
pub fn parse(yaml: &str, yaml_line: usize) -> Result<Fields, SyntaxError> {
    let lines: Vec<String> = yaml.lines().map(str::to_string).collect();
    if yaml.trim().is_empty() {
        return Ok(Fields { fields: BTreeMap::new(), curly: Vec::new(), lines, yaml_line });
    }
    if let Some(slip) = yaml_errors::spacing(&lines, yaml_line) {
        return Err(slip);
    }
    let values: BTreeMap<String, Value> =
        serde_saphyr::from_str(yaml).map_err(|error| syntax_error(&error, yaml_line, &lines))?;
    let key_lines = top_level_keys(&lines);
    let mut straightened = Vec::new();
    let fields = values
        .into_iter()
        .map(|(key, mut value)| {
            let index = key_lines.iter().position(|(name, _)| *name == key);
            let start = index.map_or(0, |i| key_lines[i].1);
            let end = index.and_then(|i| key_lines.get(i + 1)).map_or(lines.len(), |next| next.1);
            let mut found = Vec::new();
            unwrap_curly_quotes(&mut value, &mut found);
            straightened.extend(found.into_iter().map(|written| (key.clone(), written)));
            let field = Field { value, line: yaml_line + start, span: (start, end) };
            (key, field)
        })
        .collect();
    let mut fields = Fields { fields, curly: Vec::new(), lines, yaml_line };
    fields.curly = straightened
        .into_iter()
        .filter_map(|(key, written)| {
            let field = fields.get(&key)?;
            Some((key.clone(), fields.item_line(field, &written)))
        })
        .collect();
    fields.curly.dedup();
    Ok(fields)
}

impl Fields {
    pub fn get(&self, key: &str) -> Option<&Field> {
        self.fields.get(key)
    }

    /// The file line of the item of `field` whose value is `needle` (in a block
    /// list, a flow list or a `key: value` entry), falling back to the key's line.
    pub fn item_line(&self, field: &Field, needle: &str) -> usize {
        self.item_position(field, needle).0
    }

    /// The first value of `field`, on its line or an item's, that YAML cut
    /// short at an unquoted ` #`: its file line and column, and its whole
    /// text as written.
    pub fn cut_at_hash(&self, field: &Field) -> Option<(usize, usize, String)> {
        let (start, end) = field.span;
        self.lines[start..end.min(self.lines.len())].iter().enumerate().find_map(|(offset, line)| {
            // The key's own line, then its list items; never a comment line.
            let item = line.trim_start().starts_with("- ");
            if line.trim_start().starts_with('#') || (offset > 0 && !item) {
                return None;
            }
            let (written, column) = cut_at_hash(line)?;
            Some((self.yaml_line + start + offset, column, written))
        })
    }

    /// The file line of the `- ` item of `field` that starts with `written`
    /// (a list item YAML read as a field), falling back to the key's line.
    pub fn line_of_item(&self, field: &Field, written: &str) -> usize {
        let (start, end) = field.span;
        let name = written.split(": ").next().unwrap_or(written);
        self.lines[start..end.min(self.lines.len())]
            .iter()
            .position(|line| line.trim_start().strip_prefix("- ").is_some_and(|item| item.starts_with(name)))
            .map_or(field.line, |offset| self.yaml_line + start + offset)
    }

    /// Like `item_line`, with the 1-based column where the value starts
    /// (counting its opening quote); column 1 when only the key was found.
    pub fn item_position(&self, field: &Field, needle: &str) -> (usize, usize) {
        let (start, end) = field.span;
        let found = self.lines[start..end.min(self.lines.len())]
            .iter()
            .enumerate()
            .find(|(_, line)| line_has_item(line, needle));
        match found {
            Some((offset, line)) => {
                let quoted = [format!("\"{needle}\""), format!("'{needle}'")];
                let column = quoted
                    .iter()
                    .find_map(|q| line.find(q.as_str()))
                    .or_else(|| line.rfind(needle))
                    .map_or(1, |i| line[..i].chars().count() + 1);
                (self.yaml_line + start + offset, column)
            }
            None => (field.line, 1),
        }
    }
}

/// An unquoted value on `line` that YAML cut short at ` #`, taking the rest
/// for a comment: the text as written after `key: ` (or `- `), and the
/// 1-based column of the `#`.
fn cut_at_hash(line: &str) -> Option<(String, usize)> {
    let rest = line.trim_start();
    let value = match rest.strip_prefix("- ") {
        Some(item) => item,
        None => rest.split_once(": ")?.1,
    }
    .trim();
    if value.starts_with(['"', '\'', '[', '{', '|', '>', '#']) {
        return None;
    }
    let hash = value.find(" #").or_else(|| value.find("\t#"))? + 1;
    let offset = line.len() - line.trim_start().len() + (rest.len() - rest.trim_start().len());
    let column = line[..line.find(value).unwrap_or(offset) + hash].chars().count() + 1;
    Some((value.to_string(), column))
}

/// Whether one YAML line holds `needle` as a whole value, quoted or not.
fn line_has_item(line: &str, needle: &str) -> bool {
    if line.contains(&format!("\"{needle}\"")) || line.contains(&format!("'{needle}'")) {
        return true;
    }
    line.split([',', '[', ']', '{', '}'])
        .map(|part| part.trim().trim_start_matches("- ").trim())
        .map(|part| part.split_once(": ").map_or(part, |(_, value)| value).trim())
        .any(|part| part == needle)
}

/// Takes curly quotes off every text value they wrap whole (“Our story”,
/// ‘London’), in lists and maps too, collecting each value as written.
fn unwrap_curly_quotes(value: &mut Value, found: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            let trimmed = text.trim();
            let wrapped =
                CURLY_QUOTES.iter().any(|&(open, close)| trimmed.starts_with(open) && trimmed.ends_with(close));
            if wrapped {
                found.push(trimmed.to_string());
                let inner: String = {
                    let mut chars = trimmed.chars();
                    chars.next();
                    chars.next_back();
                    chars.as_str().trim().to_string()
                };
                *text = inner;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| unwrap_curly_quotes(item, found)),
        Value::Object(map) => map.values_mut().for_each(|item| unwrap_curly_quotes(item, found)),
        _ => {}
    }
}

/// Top-level keys in written order with their 0-based line in the YAML.
fn top_level_keys(lines: &[String]) -> Vec<(String, usize)> {
    let mut keys = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) || line.is_empty() {
            continue;
        }
        if let Some((key, _)) = line.split_once(':') {
            let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
            keys.push((key.to_string(), index));
        }
    }
    keys
}

fn syntax_error(error: &serde_saphyr::Error, yaml_line: usize, lines: &[String]) -> SyntaxError {
    // The library counts lines from the start of the YAML; its message only
    // picks the slip, and `yaml_errors` says it in the author's words.
    let (index, column) = error
        .location()
        .filter(|location| location.line() > 0)
        .map_or((0, 1), |location| (location.line() as usize - 1, location.column() as usize));
    yaml_errors::explain(&error.to_string(), index, column, lines, yaml_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_from_body() {
        let split = split("---\ntitle: \"A\"\n---\n\nBody\n").unwrap();
        assert_eq!(split.yaml, Some("title: \"A\"\n"));
        assert_eq!(split.body, "\nBody\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn a_file_of_only_dashes_is_unclosed_front_matter() {
        assert_eq!(split("---\n").unwrap_err().line, 1);
        assert_eq!(split("---").unwrap_err().line, 1);
    }

    #[test]
    fn unclosed_front_matter_is_an_error_on_line_one() {
        assert_eq!(split("---\ntitle: x\n").unwrap_err().line, 1);
    }

    #[test]
    fn keys_remember_their_lines() {
        let fields = parse("title: \"A\"\nthemes:\n  - belonging\n  - allyship\ndate: 2022-05-12\n", 2).unwrap();
        let themes = fields.get("themes").unwrap();
        assert_eq!(themes.line, 3);
        assert_eq!(fields.item_line(themes, "allyship"), 5);
        let flow = parse("themes: [\"belonging\", \"belongin\"]\nregion: London\n", 2).unwrap();
        assert_eq!(flow.item_line(flow.get("themes").unwrap(), "belongin"), 2);
        let block = parse("themes:\n  - belonging\n  - belongin\n", 2).unwrap();
        assert_eq!(block.item_line(block.get("themes").unwrap(), "belongin"), 4);
        assert_eq!(fields.get("date").unwrap().value, Value::String("2022-05-12".into()));
        assert_eq!(fields.get("date").unwrap().line, 6);
    }

    #[test]
    fn a_tab_in_the_indentation_is_named_at_its_line_and_column() {
        let error = parse("title: \"A\"\nthemes:\n  \t- belonging\n", 2).unwrap_err();
        assert_eq!((error.line, error.column), (4, 3));
        assert!(error.message.contains("indented with a tab"), "{error:?}");
        assert!(error.hint.contains("spaces"));
        // A tab inside a value is not indentation.
        assert!(parse("title: \"A\tB\"\n", 2).is_ok());
    }

    #[test]
    fn curly_quotes_around_a_whole_value_are_taken_off_and_remembered() {
        let yaml = "title: “Our story”\nthemes:\n  - ‘belonging’\n  - allyship\nsummary: “Half quoted\nregion: “”\n\
                    outcomes:\n  - measure: “Turnover”\n";
        let fields = parse(yaml, 2).unwrap();
        assert_eq!(fields.get("title").unwrap().value, Value::String("Our story".into()));
        assert_eq!(fields.get("themes").unwrap().value, serde_json::json!(["belonging", "allyship"]));
        assert_eq!(fields.get("summary").unwrap().value, Value::String("“Half quoted".into()));
        assert_eq!(fields.get("region").unwrap().value, Value::String(String::new()));
        assert_eq!(fields.get("outcomes").unwrap().value, serde_json::json!([{"measure": "Turnover"}]));
        let curly =
            [("outcomes", 9), ("region", 7), ("themes", 4), ("title", 2)].map(|(key, line)| (key.to_string(), line));
        assert_eq!(fields.curly, curly);
    }

    #[test]
    fn a_yaml_error_on_a_value_in_curly_quotes_names_them_and_a_curly_apostrophe_is_not_blamed() {
        let error = parse("title: “Our story: a year”\n", 2).unwrap_err();
        assert!(error.message.contains("curly quotes"), "{error:?}");
        assert_eq!(error.hint, "write it with straight quotes: title: \"Our story: a year\"");
        let apostrophe = parse("title: St Elsewhere’s story: a year\n", 2).unwrap_err();
        assert!(apostrophe.message.contains("colon"), "{apostrophe:?}");
        assert!(!apostrophe.message.contains("curly"), "{apostrophe:?}");
        assert_eq!(apostrophe.hint, "put the whole value in double quotes: title: \"St Elsewhere’s story: a year\"");
    }

    #[test]
    fn empty_lines_above_the_front_matter_are_named() {
        let error = split("\n\n---\ntitle: \"A\"\n---\nBody\n").unwrap_err();
        assert!(error.message.contains("line 3"), "{error:?}");
        assert_eq!(error.hint, "delete the empty lines above the first ---");
        // A page with no front matter that has a rule in its body is not.
        assert!(split("\nText\n\n---\n\nMore\n").unwrap().yaml.is_none());
        assert!(split("\n---\nNo closing line\n").unwrap().yaml.is_none());
    }

    #[test]
    fn broken_yaml_reports_a_file_line() {
        let error = parse("title: \"A\"\nthemes: [belonging\n", 2).unwrap_err();
        assert!(error.line >= 3, "{error:?}");
    }
}
