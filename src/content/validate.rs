//! Turns raw front-matter fields into a page's typed `Meta` and `Kind`, checking
//! required fields, types, dates and the site's vocabularies, and reporting each
//! problem at its line with a fix.

use std::path::Path;

use serde_json::Value;

use super::front_matter::{Field, Fields};
use super::keys::{self, OUTCOME};
use super::slips::colon_item;
use super::{Alias, CaseStudy, Discussion, Image, Kind, KindName, Meta, Outcome, Resource, SUMMARY_LIMIT, Toolkit};
use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic, did_you_mean};

/// What validation needs to know besides the fields.
pub struct Context<'a> {
    pub file: &'a Path,
    pub config: &'a Config,
    pub today: Date,
    pub kind: KindName,
}

/// The checked parts of a page: meta, kind and `slug:`. A field with a
/// problem is left at its default (an empty title, no date), and the problem
/// is reported: the page still stands in the model, so links to it resolve
/// and its body is checked in the same run.
pub type Checked = (Meta, Kind, Option<String>);

/// Collects problems while reading fields, so one page reports them all.
pub(super) struct Reader<'a> {
    pub(super) context: &'a Context<'a>,
    pub(super) fields: &'a Fields,
    pub(super) problems: Vec<Diagnostic>,
}

/// Validates the front matter of a page of `context.kind`.
pub fn page(context: &Context, fields: &Fields) -> (Checked, Vec<Diagnostic>) {
    let mut reader = Reader { context, fields, problems: Vec::new() };
    reader.unknown_keys();
    reader.curly_quotes();
    reader.cut_at_hash();
    let kind = context.kind;
    let required = |key: &str| keys::required(key, kind);

    let title = reader.required_string("title", "the page's title, shown as its heading");
    let summary = reader.summary(required("summary"));
    let themes = reader.themes(required("themes"));
    let date = reader.date("date", required("date"));
    let updated = reader.date("updated", false);
    let review_due = reader.date("review_due", false);
    if let (Some(due), Some(field)) = (review_due, fields.get("review_due"))
        && due < context.today
    {
        reader.problems.push(
            reader
                .diagnostic(
                    Code::ReviewOverdue,
                    "review_due",
                    field.line,
                    format!("this page was due for review on {}", due.human()),
                )
                .hint("check the page is still right, then set `updated` to today and `review_due` to a later date"),
        );
    }
    let meta = Meta {
        title: title.unwrap_or_default(),
        summary,
        themes,
        date,
        updated,
        review_due,
        resources: reader.resources(),
        image: reader.image(),
        draft: reader.boolean("draft"),
        weight: reader.integer("weight"),
        aliases: reader.aliases(),
    };
    let slug = reader.slug();
    let organisation = if required("organisation") {
        reader.required_string("organisation", "the organisation's full name")
    } else if keys::key("organisation").is_some_and(|key| key.takes.has(kind)) {
        reader.string("organisation", false)
    } else {
        None
    };
    let kind = match kind {
        KindName::CaseStudy => Kind::CaseStudy(CaseStudy {
            organisation: organisation.unwrap_or_default(),
            region: reader.region(),
            audience: reader.audience(),
            outcomes: reader.outcomes(),
        }),
        KindName::Toolkit => {
            Kind::Toolkit(Toolkit { organisation, region: reader.region(), audience: reader.audience() })
        }
        KindName::Discussion => Kind::Discussion(Discussion {
            organisation,
            region: reader.region(),
            audience: reader.audience(),
            questions: reader.questions(),
        }),
        KindName::Page => Kind::Page,
    };
    ((meta, kind, slug), reader.problems)
}

/// The optional `title` of an `_index.md`.
pub fn section_title(file: &Path, fields: Option<&Fields>) -> (Option<String>, Vec<Diagnostic>) {
    let Some(field) = fields.and_then(|fields| fields.get("title")) else { return (None, Vec::new()) };
    match &field.value {
        Value::String(title) if !title.trim().is_empty() => (Some(title.trim().to_string()), Vec::new()),
        other => {
            let diagnostic =
                Diagnostic::new(Code::WrongType, file, format!("`title` should be text, not {}", describe(other)))
                    .at(field.line, 1)
                    .field("title")
                    .hint("write it in double quotes: title: \"Case studies\"");
            (None, vec![diagnostic])
        }
    }
}

impl Reader<'_> {
    /// The summary, warning when it is longer than listings show.
    fn summary(&mut self, required: bool) -> Option<String> {
        let summary = self.string("summary", required)?;
        let length = summary.chars().count();
        if length > SUMMARY_LIMIT {
            let line = self.fields.get("summary").map_or(0, |field| field.line);
            let message = format!(
                "the summary is {length} characters long; listings and search results cut it at {SUMMARY_LIMIT}, ending with …"
            );
            self.problems.push(
                self.diagnostic(Code::LongSummary, "summary", line, message)
                    .hint("shorten it to one or two sentences; the body can say the rest"),
            );
        }
        Some(summary)
    }

    pub(super) fn diagnostic(&self, code: Code, field: &str, line: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, self.context.file, message).at(line, 1).field(field)
    }

    pub(super) fn missing(&mut self, key: &str, what: &str) {
        let kind = self.context.kind.label().to_lowercase();
        let example = example_for(key);
        self.problems.push(
            Diagnostic::new(Code::MissingField, self.context.file, format!("a {kind} needs `{key}`: {what}"))
                .at(1, 1)
                .field(key)
                .hint(format!("add a line to the front matter: {key}: {example}")),
        );
    }

    pub(super) fn wrong_type(&mut self, key: &str, field: &Field, expected: &str) {
        let example = example_for(key);
        self.problems.push(
            self.diagnostic(
                Code::WrongType,
                key,
                field.line,
                format!("`{key}` should be {expected}, not {}", describe(&field.value)),
            )
            .hint(format!("write it like this: {key}: {example}")),
        );
    }

    fn unknown_keys(&mut self) {
        let allowed: Vec<&str> = keys::of(self.context.kind).map(|key| key.name).collect();
        for (key, field) in &self.fields.fields {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let diagnostic = if keys::key(key).is_some() {
                let kind = self.context.kind.label().to_lowercase();
                self.diagnostic(
                    Code::UnknownKey,
                    key,
                    field.line,
                    format!("`{key}` is not used on a {kind}, so it is ignored"),
                )
                .hint("remove it, or move the page to the section that uses it")
            } else {
                let hint = did_you_mean(key, allowed.iter().copied()).unwrap_or_else(|| {
                    format!("the keys a {} uses are: {}", self.context.kind.label().to_lowercase(), allowed.join(", "))
                });
                self.diagnostic(
                    Code::UnknownKey,
                    key,
                    field.line,
                    format!("unknown front-matter key `{key}` is ignored"),
                )
                .hint(hint)
            };
            self.problems.push(diagnostic);
        }
    }

    pub(super) fn string(&mut self, key: &str, required: bool) -> Option<String> {
        let Some(field) = self.fields.get(key) else {
            if required {
                self.missing(key, "a short description shown in listings and search results");
            }
            return None;
        };
        match &field.value {
            Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
            Value::Null | Value::String(_) if required => {
                let kind = self.context.kind.label().to_lowercase();
                self.problems.push(
                    self.diagnostic(
                        Code::MissingField,
                        key,
                        field.line,
                        format!("`{key}` is empty, and a {kind} needs it"),
                    )
                    .hint(format!("fill it in, for example: {key}: {}", example_for(key))),
                );
                None
            }
            Value::Null | Value::String(_) => None,
            Value::Number(number) => Some(number.to_string()),
            _ => {
                self.wrong_type(key, field, "text");
                None
            }
        }
    }

    fn required_string(&mut self, key: &str, what: &str) -> Option<String> {
        if self.fields.get(key).is_none() {
            self.missing(key, what);
            return None;
        }
        self.string(key, true)
    }

    fn date(&mut self, key: &str, required: bool) -> Option<Date> {
        let Some(field) = self.fields.get(key) else {
            if required {
                self.missing(key, "the date it was first published, as YYYY-MM-DD");
            }
            return None;
        };
        // An optional date left empty is not set: the browser editor writes
        // `updated: ""` when an author clears one.
        let empty =
            matches!(&field.value, Value::Null) || field.value.as_str().is_some_and(|text| text.trim().is_empty());
        if empty && !required {
            return None;
        }
        let Value::String(text) = &field.value else {
            self.wrong_type(key, field, "a date in the form YYYY-MM-DD");
            return None;
        };
        match Date::parse(text) {
            Ok(date) => Some(date),
            Err(message) => {
                let hint = match Date::day_first(text) {
                    Some(date) => format!("front matter writes the year first: {key}: {date}"),
                    None => format!("write the date as year-month-day: {key}: {}", example_for(key)),
                };
                self.problems.push(self.diagnostic(Code::BadDate, key, field.line, message).hint(hint));
                None
            }
        }
    }

    fn boolean(&mut self, key: &str) -> bool {
        let Some(field) = self.fields.get(key) else { return false };
        match field.value {
            Value::Bool(value) => value,
            _ => {
                self.wrong_type(key, field, "true or false");
                false
            }
        }
    }

    fn integer(&mut self, key: &str) -> i64 {
        let Some(field) = self.fields.get(key) else { return 0 };
        match field.value.as_i64() {
            Some(value) => value,
            None => {
                self.wrong_type(key, field, "a whole number");
                0
            }
        }
    }

    /// A list of strings; a single string counts as a list of one.
    pub(super) fn string_list(&mut self, key: &str, expected: &str) -> Vec<String> {
        let Some(field) = self.fields.get(key) else { return Vec::new() };
        match &field.value {
            Value::Null => Vec::new(),
            Value::String(text) => vec![text.trim().to_string()],
            Value::Array(items) if items.iter().all(|item| item.is_string() || colon_item(item).is_some()) => {
                self.colon_items(key, items);
                items.iter().filter_map(Value::as_str).map(|s| s.trim().to_string()).collect()
            }
            _ => {
                self.wrong_type(key, field, &format!("a list of {expected}"));
                Vec::new()
            }
        }
    }

    fn questions(&mut self) -> Vec<String> {
        let reported = self.problems.len();
        let questions = self.string_list("questions", "questions, each in double quotes");
        let line = self.fields.get("questions").map_or(1, |field| field.line);
        // A list whose questions could not be read has its own errors.
        if questions.iter().all(|question| question.is_empty()) && self.problems.len() == reported {
            self.problems.push(
                self.diagnostic(Code::NoQuestions, "questions", line, "a discussion set needs at least one question")
                    .hint("add them as a list:\nquestions:\n  - \"What helps you feel you belong in your team?\""),
            );
        }
        questions
    }

    /// Old URL paths; each must stay inside the site (no `..`, no scheme).
    fn aliases(&mut self) -> Vec<Alias> {
        let aliases = self.string_list("aliases", "old URL paths such as [\"/old/page/\"]");
        let (fields, field) = (self.fields, self.fields.get("aliases"));
        let mut kept = Vec::new();
        for alias in aliases {
            let path = alias.trim_matches('/');
            let safe = !path.is_empty()
                && !path.contains("://")
                && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
            let line = field.map_or(0, |field| fields.item_line(field, &alias));
            if safe {
                kept.push(Alias { path: path.to_string(), line });
            } else {
                self.problems.push(
                    self.diagnostic(Code::BadValue, "aliases", line, format!("`{alias}` is not a path on this site"))
                        .hint("write the old address from the site root, such as \"/old-case-studies/eeast/\""),
                );
            }
        }
        kept
    }

    fn slug(&mut self) -> Option<String> {
        let slug = self.string("slug", false)?;
        let clean = crate::slug::slugify(&slug);
        if clean != slug {
            let line = self.fields.get("slug").map_or(0, |field| field.line);
            self.problems.push(
                self.diagnostic(Code::BadValue, "slug", line, format!("`{slug}` is not a URL slug"))
                    .hint(format!("use lower-case words joined by hyphens: slug: \"{clean}\"")),
            );
            return None;
        }
        Some(slug)
    }

    fn image(&mut self) -> Option<Image> {
        let path = self.string("image", false)?;
        let line = self.fields.get("image").map_or(0, |field| field.line);
        let Some(alt_field) = self.fields.get("image_alt") else {
            self.problems.push(
                self.diagnostic(
                    Code::ImageWithoutAlt,
                    "image_alt",
                    line,
                    "`image` has no `image_alt`: people who cannot see it need a description",
                )
                .hint("add image_alt: \"what the picture shows, in a sentence\""),
            );
            return None;
        };
        let alt = match &alt_field.value {
            Value::String(alt) => alt.trim().to_string(),
            _ => String::new(),
        };
        if alt.is_empty() {
            self.problems.push(
                self.diagnostic(
                    Code::EmptyAlt,
                    "image_alt",
                    alt_field.line,
                    "`image_alt` is empty, so screen readers skip the image",
                )
                .hint("describe what the picture shows, unless it is only decoration"),
            );
        }
        Some(Image { path, alt, line })
    }

    fn resources(&mut self) -> Vec<Resource> {
        let Some(field) = self.fields.get("resources") else { return Vec::new() };
        let Value::Array(items) = &field.value else {
            self.wrong_type("resources", field, "a list of {title, url} entries");
            return Vec::new();
        };
        let mut resources = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let title = item.get("title").and_then(Value::as_str);
            let url = item.get("url").and_then(Value::as_str);
            match (title, url) {
                (Some(title), Some(url)) => resources.push(Resource {
                    title: title.trim().into(),
                    url: url.trim().into(),
                    line: self.fields.item_line(field, url),
                }),
                _ => self.problems.push(
                    self.diagnostic(Code::WrongType, &format!("resources[{}]", index + 1), field.line, "each resource needs a `title` and a `url`")
                        .hint("resources:\n  - title: \"NHS People Plan\"\n    url: \"https://www.england.nhs.uk/ournhspeople/\""),
                ),
            }
        }
        resources
    }

    fn outcomes(&mut self) -> Vec<Outcome> {
        let Some(field) = self.fields.get("outcomes") else { return Vec::new() };
        let Value::Array(items) = &field.value else {
            self.wrong_type("outcomes", field, "a list of measures with before and after figures");
            return Vec::new();
        };
        let mut outcomes = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let name = format!("outcomes[{}]", index + 1);
            let line = item
                .get("measure")
                .and_then(Value::as_str)
                .map_or(field.line, |measure| self.fields.item_line(field, measure));
            let text = |key: &str| item.get(key).and_then(Value::as_str).map(|s| s.trim().to_string());
            let number = |key: &str| item.get(key).and_then(Value::as_f64);
            let mut problems = Vec::new();
            for part in OUTCOME.iter().filter(|part| part.required && !part.number) {
                if text(part.name).is_none() {
                    problems.push(format!("`{}` (text)", part.name));
                }
            }
            for part in OUTCOME.iter().filter(|part| part.required && part.number) {
                if number(part.name).is_none() {
                    problems.push(format!("`{}` (a number)", part.name));
                }
            }
            for part in OUTCOME.iter().filter(|part| !part.required && part.number) {
                if item.get(part.name).is_some_and(|value| !value.is_number()) {
                    problems.push(format!("`{}` as a number", part.name));
                }
            }
            if !problems.is_empty() {
                self.problems.push(
                    self.diagnostic(Code::WrongType, &name, line, format!("outcome {} needs {}", index + 1, problems.join(", ")))
                        .hint("write figures as plain numbers and the unit apart:\n  - measure: \"Staff turnover\"\n    before: 14\n    after: 8\n    unit: \"%\""),
                );
                continue;
            }
            outcomes.push(Outcome {
                measure: text("measure").unwrap_or_default(),
                before: number("before").unwrap_or_default(),
                after: number("after").unwrap_or_default(),
                unit: text("unit").unwrap_or_default(),
                benchmark: number("benchmark"),
                benchmark_label: text("benchmark_label"),
                period: text("period"),
            });
        }
        outcomes
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a set of keys",
    }
}

fn example_for(key: &str) -> &'static str {
    keys::key(key).map_or("...", |key| key.example)
}
