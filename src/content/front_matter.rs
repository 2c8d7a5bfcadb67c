//! Splits a Markdown file into its YAML front matter and body, and parses the YAML
//! into raw fields that remember the line each key is written on.
//!
//! Parsing stops at raw values (`serde_json::Value`): turning them into typed
//! fields is `validate`'s job, so a wrongly typed field is reported with its line
//! instead of failing the whole file at the first serde error.

use std::collections::BTreeMap;

use serde_json::Value;

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
    /// The fix, when the slip is one belong recognises (a tab, curly quotes).
    pub hint: Option<String>,
}

/// The curly quotes word processors put in pasted text, opening and closing:
/// YAML does not read them as quotes, so they end up inside the value.
const CURLY_QUOTES: [(char, char); 2] = [('\u{201c}', '\u{201d}'), ('\u{2018}', '\u{2019}')];

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
        hint: Some("end the front matter with a line of three dashes: ---".to_string()),
    })
}

/// Parses front-matter YAML that starts on file line `yaml_line`.
pub fn parse(yaml: &str, yaml_line: usize) -> Result<Fields, SyntaxError> {
    let lines: Vec<String> = yaml.lines().map(str::to_string).collect();
    if yaml.trim().is_empty() {
        return Ok(Fields { fields: BTreeMap::new(), curly: Vec::new(), lines, yaml_line });
    }
    if let Some(tab) = indenting_tab(&lines, yaml_line) {
        return Err(tab);
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

/// A tab in a line's indentation, named as such: YAML indents with spaces
/// only, and the parser's own words for it ("tabs disallowed within this
/// context") do not say where or what to do.
fn indenting_tab(lines: &[String], yaml_line: usize) -> Option<SyntaxError> {
    let (index, line) = lines.iter().enumerate().find(|(_, line)| {
        let indent = &line[..line.len() - line.trim_start().len()];
        indent.contains('\t') && !line.trim().is_empty()
    })?;
    let column = line.find('\t').map_or(1, |byte| line[..byte].chars().count() + 1);
    Some(SyntaxError {
        line: yaml_line + index,
        column,
        message: "this line is indented with a tab; front matter is indented with spaces only".to_string(),
        hint: Some("replace the tab at the start of the line with two spaces".to_string()),
    })
}

fn syntax_error(error: &serde_saphyr::Error, yaml_line: usize, lines: &[String]) -> SyntaxError {
    let (line, column) = error
        .location()
        .filter(|location| location.line() > 0)
        .map_or((yaml_line, 1), |location| (yaml_line - 1 + location.line() as usize, location.column() as usize));
    // The library's message can span several lines with its own snippet; the
    // first line says what is wrong, and our printer shows the place.
    let text = error.to_string();
    let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("the YAML cannot be read");
    // The library counts lines from the start of the YAML, not of the file:
    // drop its "error: line N column M:" prefix, the diagnostic has file lines.
    let message = first.trim_start_matches("error:").trim();
    let message = match message.strip_prefix("line ").and_then(|rest| rest.split_once(": ")) {
        Some((_, rest)) => rest,
        None => message,
    }
    .to_string();
    let curly = lines
        .get(line.saturating_sub(yaml_line))
        .is_some_and(|text| text.contains(|c| CURLY_QUOTES.iter().any(|&(open, close)| c == open || c == close)));
    let hint = curly.then(|| {
        "this line has curly quotes (“ ” or ‘ ’), pasted from a word processor; YAML reads only straight quotes: \
         write \"...\" instead"
            .to_string()
    });
    SyntaxError { line, column, message: format!("the front matter is not valid YAML: {message}"), hint }
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
        assert!(error.hint.unwrap().contains("spaces"));
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
    fn a_yaml_error_on_a_line_with_curly_quotes_names_them() {
        let error = parse("title: “Our story: a year”\n", 2).unwrap_err();
        assert!(error.hint.unwrap().contains("curly quotes"));
        let plain = parse("title: Our story: a year\n", 2).unwrap_err();
        assert_eq!(plain.hint, None);
    }

    #[test]
    fn broken_yaml_reports_a_file_line() {
        let error = parse("title: \"A\"\nthemes: [belonging\n", 2).unwrap_err();
        assert!(error.line >= 3, "{error:?}");
    }
}
