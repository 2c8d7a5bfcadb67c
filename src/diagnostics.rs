//! Problems found in content, configuration and templates: the `Diagnostic` type,
//! its table of stable codes, and the human and JSON printers.
//!
//! Every step of the pipeline returns its diagnostics beside its value and goes on
//! past bad input, so one run reports every problem. The printers never write to a
//! stream themselves: they return text, and `main.rs` prints it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a problem is: an error fails the build (exit 1), a warning does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Declares the code table once: variant, stable id, stable name, severity.
macro_rules! codes {
    ($($variant:ident = $id:literal $name:literal $severity:ident,)*) => {
        /// A stable diagnostic code. Ids and names never change meaning once released,
        /// so CI annotations and the README's error guide stay valid.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable id, such as `E005`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// The stable kebab-case name, such as `unknown-theme`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// Whether this code fails the build.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }
        }
    };
}

codes! {
    ReadFailed = "E001" "unreadable-file" Error,
    FrontMatterMissing = "E002" "missing-front-matter" Error,
    YamlSyntax = "E003" "yaml-syntax" Error,
    MissingField = "E004" "missing-field" Error,
    WrongType = "E005" "wrong-type" Error,
    BadDate = "E006" "bad-date" Error,
    UnknownTheme = "E007" "unknown-theme" Error,
    UnknownRegion = "E008" "unknown-region" Error,
    UnknownAudience = "E009" "unknown-audience" Error,
    DuplicateUrl = "E010" "duplicate-url" Error,
    BrokenLink = "E011" "broken-link" Error,
    BrokenAnchor = "E012" "broken-anchor" Error,
    JavascriptLink = "E013" "javascript-link" Error,
    ImageWithoutAlt = "E014" "image-without-alt" Error,
    NoQuestions = "E015" "no-questions" Error,
    BadValue = "E016" "bad-value" Error,
    Config = "E017" "bad-config" Error,
    Template = "E018" "template-error" Error,
    LocalLink = "E019" "local-link" Error,
    MarkdownExtension = "E020" "markdown-extension" Error,
    UnknownComponent = "E021" "unknown-component" Error,
    UnclosedComponent = "E022" "unclosed-component" Error,
    IncompleteComponent = "E023" "incomplete-component" Error,
    PictureFormat = "E024" "picture-format" Error,
    BrokenPicture = "E025" "broken-picture" Error,
    PictureTooLarge = "E026" "picture-too-large" Error,
    HashInText = "E027" "hash-in-text" Error,
    UnknownKey = "W001" "unknown-key" Warning,
    ReviewOverdue = "W002" "review-overdue" Warning,
    LongSummary = "W003" "long-summary" Warning,
    EmptyAlt = "W004" "empty-alt-text" Warning,
    SkippedHeading = "W005" "skipped-heading-level" Warning,
    VagueLinkText = "W006" "vague-link-text" Warning,
    SymlinkSkipped = "W007" "symlink-skipped" Warning,
    MisplacedPage = "W008" "misplaced-page" Warning,
    LiteralLink = "W009" "literal-link" Warning,
    CurlyQuotes = "W010" "curly-quotes" Warning,
    PlaceholderBaseUrl = "W011" "placeholder-base-url" Warning,
    LargePicture = "W012" "large-picture" Warning,
    ListAsText = "W013" "list-as-text" Warning,
    DuplicateTitle = "W014" "duplicate-title" Warning,
    RawHtml = "W015" "raw-html" Warning,
    NotPublished = "W016" "not-published" Warning,
    MovedPage = "W017" "moved-page" Warning,
}

/// One problem, located as precisely as the input allows.
///
/// `file` is relative to the site root (`content/case-studies/eeast.md`);
/// `line` and `column` are 1-based, and 0 when unknown.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: Code,
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic for `file` with no position yet.
    pub fn new(code: Code, file: impl Into<PathBuf>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, file: file.into(), line: 0, column: 0, field: None, message: message.into(), hint: None }
    }

    pub fn at(mut self, line: usize, column: usize) -> Diagnostic {
        self.line = line;
        self.column = column;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Diagnostic {
        self.field = Some(field.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// `file:line:column`, leaving out what is unknown.
    pub fn location(&self) -> String {
        let mut location = display_path(&self.file);
        if self.line > 0 {
            let _ = write!(location, ":{}", self.line);
            if self.column > 0 {
                let _ = write!(location, ":{}", self.column);
            }
        }
        location
    }
}

/// Paths print with `/` on every platform, so messages and JSON are stable.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Sorts diagnostics by file, line and column, errors before warnings at one place,
/// and drops exact repeats.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity(), a.code, &a.message).cmp(&(
            &b.file,
            b.line,
            b.column,
            b.severity(),
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup();
}

/// "did you mean `x`?" for the candidate closest to `wrong`, if any is close enough
/// to be a likely typo.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(wrong, candidates).map(|candidate| format!("did you mean `{candidate}`?"))
}

/// The candidate closest to `wrong` (Jaro-Winkler, case-insensitive), if it is
/// close enough to be a likely typo; ties go to the first in sorted order.
///
/// Jaro-Winkler rewards a shared start, so `staff-networks` scores 0.85
/// against `staff-equality`; a candidate must also be within a third of its
/// letters by edits, or the suggestion would not be honest.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let candidate_lower = candidate.to_lowercase();
            let near = strsim::normalized_levenshtein(&wrong_lower, &candidate_lower) >= 0.6;
            (if near { strsim::jaro_winkler(&wrong_lower, &candidate_lower) } else { 0.0 }, candidate)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate)
}

/// The human report: each diagnostic with the offending line of its file
/// underlined (annotate-snippets, as rustc prints), then its fix; `summary`
/// gives the line that follows them ("2 errors, 3 warnings in 41 pages").
///
/// `source` gives one line (1-based) of a file named as diagnostics name it; the
/// printer falls back to the location alone when it has none.
/// With `colour`, errors, warnings and the underline are coloured as rustc
/// colours them (for a terminal).
pub fn human(diagnostics: &[Diagnostic], source: &dyn Fn(&Path, usize) -> Option<String>, colour: bool) -> String {
    let mut out = String::new();
    let renderer = if colour { annotate_snippets::Renderer::styled() } else { annotate_snippets::Renderer::plain() };
    for diagnostic in diagnostics {
        let line = (diagnostic.line > 0).then(|| source(&diagnostic.file, diagnostic.line)).flatten();
        match line {
            Some(line) if !line.trim().is_empty() => out.push_str(&snippet(&renderer, diagnostic, &line)),
            _ => out.push_str(&plain(diagnostic)),
        }
        out.push_str("\n\n");
    }
    out
}

fn level(diagnostic: &Diagnostic) -> annotate_snippets::Level<'static> {
    match diagnostic.severity() {
        Severity::Error => annotate_snippets::Level::ERROR,
        Severity::Warning => annotate_snippets::Level::WARNING,
    }
}

/// One diagnostic with its source line underlined.
fn snippet(renderer: &annotate_snippets::Renderer, diagnostic: &Diagnostic, line: &str) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Snippet};
    let id = format!("{} {}", diagnostic.code.id(), diagnostic.code.name());
    let path = display_path(&diagnostic.file);
    let span = underline(line, diagnostic.column);
    let label = diagnostic.field.as_ref().map(|field| format!("field `{field}`")).unwrap_or_default();
    let mut report = vec![
        level(diagnostic).primary_title(&diagnostic.message).id(&id).element(
            Snippet::source(line)
                .line_start(diagnostic.line)
                .path(&path)
                .annotation(AnnotationKind::Primary.span(span).label(&label)),
        ),
    ];
    if let Some(hint) = &diagnostic.hint {
        report.push(Group::with_title(Level::HELP.secondary_title(hint)));
    }
    renderer.render(&report)
}

/// The byte range to underline: from the column to the end of its word, or the
/// whole line's text when the column is unknown or the first.
fn underline(line: &str, column: usize) -> std::ops::Range<usize> {
    let start = line.len() - line.trim_start().len();
    let end = line.trim_end().len().max(start);
    if column <= 1 || column > line.len() || !line.is_char_boundary(column - 1) {
        return start..end;
    }
    let from = column - 1;
    let word = line[from..].find(char::is_whitespace).map_or(line.len(), |length| from + length);
    from..word.max(from + 1).min(line.len())
}

/// One diagnostic as text, when its source line is not at hand.
fn plain(diagnostic: &Diagnostic) -> String {
    let severity = match diagnostic.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = format!(
        "{severity}[{} {}]: {}\n  --> {}",
        diagnostic.code.id(),
        diagnostic.code.name(),
        diagnostic.message,
        diagnostic.location()
    );
    if let Some(field) = &diagnostic.field {
        let _ = write!(out, " (field `{field}`)");
    }
    if let Some(hint) = &diagnostic.hint {
        let _ = write!(out, "\n  help: {hint}");
    }
    out
}

/// "no problems in 41 pages", or "2 errors, 1 warning in 41 pages".
pub fn summary(diagnostics: &[Diagnostic], pages: usize) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let pages = plural(pages, "page");
    if errors == 0 && warnings == 0 {
        return format!("no problems in {pages}");
    }
    format!("{}, {} in {pages}", plural(errors, "error"), plural(warnings, "warning"))
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

/// A diagnostic as JSON shows it: `check --format json` and the preview's
/// error overlay print the same fields.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'a str,
    name: &'a str,
    file: String,
    line: usize,
    column: usize,
    field: Option<&'a str>,
    message: &'a str,
    hint: Option<&'a str>,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(diagnostic: &'a Diagnostic) -> JsonDiagnostic<'a> {
        JsonDiagnostic {
            severity: diagnostic.severity(),
            code: diagnostic.code.id(),
            name: diagnostic.code.name(),
            file: display_path(&diagnostic.file),
            line: diagnostic.line,
            column: diagnostic.column,
            field: diagnostic.field.as_deref(),
            message: &diagnostic.message,
            hint: diagnostic.hint.as_deref(),
        }
    }
}

/// GitHub Actions workflow commands, one per line
/// (`::error file=content/x.md,line=4,col=9,title=E007 unknown-theme::…`):
/// GitHub shows each on its line of the pull request. `dir` is the site's
/// folder within the repository (`.` for the repository itself), so the
/// file paths are the repository's.
pub fn github(diagnostics: &[Diagnostic], dir: &Path) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let command = match diagnostic.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = display_path(&dir.join(&diagnostic.file));
        let file = file.strip_prefix("./").unwrap_or(&file);
        let mut properties = format!("file={}", github_property(file));
        if diagnostic.line > 0 {
            let _ = write!(properties, ",line={}", diagnostic.line);
            if diagnostic.column > 0 {
                let _ = write!(properties, ",col={}", diagnostic.column);
            }
        }
        let title = format!("{} {}", diagnostic.code.id(), diagnostic.code.name());
        let _ = write!(properties, ",title={}", github_property(&title));
        let mut message = diagnostic.message.clone();
        if let Some(field) = &diagnostic.field {
            let _ = write!(message, " (field `{field}`)");
        }
        if let Some(hint) = &diagnostic.hint {
            let _ = write!(message, "\nhelp: {hint}");
        }
        let _ = writeln!(out, "::{command} {properties}::{}", github_data(&message));
    }
    out
}

/// A workflow command's message: `%`, CR and LF escaped as GitHub reads them.
fn github_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: as a message, and `:` and `,` too.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One JSON object per line, for CI annotations.
pub fn json_lines(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        // Serialising plain strings and numbers cannot fail.
        if let Ok(json) = serde_json::to_string(&JsonDiagnostic::new(diagnostic)) {
            out.push_str(&json);
            out.push('\n');
        }
    }
    out
}

/// The diagnostics as one JSON array of the same objects.
pub fn json_array(diagnostics: &[Diagnostic]) -> String {
    let all: Vec<JsonDiagnostic> = diagnostics.iter().map(JsonDiagnostic::new).collect();
    serde_json::to_string(&all).unwrap_or_else(|_| "[]".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_annotations_escape_what_would_end_them() {
        let diagnostic = Diagnostic::new(Code::UnknownTheme, "content/a,b:c.md", "100% wrong\r\nsecond line")
            .at(3, 7)
            .hint("try: `x`");
        let warning = Diagnostic::new(Code::LongSummary, "content/x.md", "too long");
        assert_eq!(
            github(&[diagnostic, warning], Path::new(".")),
            "::error file=content/a%2Cb%3Ac.md,line=3,col=7,title=E007 unknown-theme::100%25 wrong%0D%0Asecond \
             line%0Ahelp: try: `x`\n::warning file=content/x.md,title=W003 long-summary::too long\n"
        );
    }

    #[test]
    fn codes_are_unique_and_prefixed_by_severity() {
        let mut ids: Vec<_> = Code::ALL.iter().map(|c| c.id()).collect();
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.name()).collect();
        ids.sort();
        ids.dedup();
        names.sort();
        names.dedup();
        assert_eq!(ids.len(), Code::ALL.len());
        assert_eq!(names.len(), Code::ALL.len());
        for code in Code::ALL {
            let prefix = if code.severity() == Severity::Error { 'E' } else { 'W' };
            assert!(code.id().starts_with(prefix), "{}", code.id());
        }
    }

    #[test]
    fn suggests_the_nearest_candidate() {
        let themes = ["belonging", "allyship", "contribution"];
        assert_eq!(did_you_mean("belongin", themes).as_deref(), Some("did you mean `belonging`?"));
        assert_eq!(did_you_mean("zzzz", themes), None);
    }

    #[test]
    fn a_shared_start_alone_is_not_a_near_miss() {
        let themes = ["belonging", "contribution", "staff-equality"];
        assert_eq!(closest("staff-networks", themes), None);
        assert_eq!(closest("Staff-Equalty", themes), Some("staff-equality"));
        assert_eq!(closest("contributions", themes), Some("contribution"));
    }

    #[test]
    fn human_report_shows_the_line_and_the_fix() {
        let diagnostic = Diagnostic::new(Code::UnknownTheme, "content/a.md", "unknown theme `belongin`")
            .at(3, 5)
            .field("themes")
            .hint("did you mean `belonging`?");
        let text = "---\nthemes:\n  - belongin\n---\n";
        let source = |_: &Path, line: usize| text.lines().nth(line - 1).map(String::from);
        let report = human(std::slice::from_ref(&diagnostic), &source, false);
        assert!(!report.contains('\u{1b}'), "{report}");
        // In colour (a terminal), the same report with escape codes.
        let coloured = human(std::slice::from_ref(&diagnostic), &source, true);
        assert!(coloured.contains("\u{1b}[") && coloured.len() > report.len(), "{coloured}");
        assert!(report.contains("error[E007 unknown-theme]: unknown theme `belongin`"), "{report}");
        assert!(report.contains("content/a.md:3:5"), "{report}");
        assert!(report.contains("  - belongin"), "{report}");
        assert!(report.contains("help: did you mean `belonging`?"), "{report}");
        assert_eq!(summary(std::slice::from_ref(&diagnostic), 1), "1 error, 0 warnings in 1 page");
    }

    #[test]
    fn underline_never_splits_a_character() {
        assert_eq!(underline("  - belongin", 5), 4..12);
        assert_eq!(underline("  title: x", 0), 2..10);
        assert_eq!(underline("é", 2), 0..2);
    }

    #[test]
    fn summary_counts_errors_and_warnings() {
        let error = Diagnostic::new(Code::MissingField, "a.md", "x");
        let warning = Diagnostic::new(Code::UnknownKey, "a.md", "y");
        assert_eq!(summary(&[error.clone(), error, warning], 41), "2 errors, 1 warning in 41 pages");
        assert_eq!(summary(&[], 1), "no problems in 1 page");
    }
}
