//! Fenced code to HTML whose spans carry CSS classes (`hl-…`), never inline styles,
//! so the theme's stylesheet colours it and a strict CSP allows it.
//!
//! syntect's syntax set takes tens of milliseconds to load, so it loads on the
//! first code block of a build and never on a site without one.

use std::sync::OnceLock;

use crate::escape::escape;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();

/// The class prefix, kept apart from the theme's own class names.
const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// A complete `<pre><code>` block for `code` in language `language` (a fence
/// token such as `rust` or `yaml`; unknown or empty means plain text).
pub fn code_block(code: &str, language: &str) -> String {
    let language = language.split([',', ' ']).next().unwrap_or("").trim();
    let escaped_language = escape(language);
    let body = if language.is_empty() { escape(code) } else { highlight(code, language) };
    if language.is_empty() {
        format!("<pre class=\"code\"><code>{body}</code></pre>\n")
    } else {
        format!("<pre class=\"code\"><code class=\"language-{escaped_language}\">{body}</code></pre>\n")
    }
}

fn highlight(code: &str, language: &str) -> String {
    let syntaxes = SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines);
    let Some(syntax) = syntaxes.find_syntax_by_token(language) else {
        return escape(code);
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, STYLE);
    for line in LinesWithEndings::from(code) {
        if generator.parse_html_for_line_which_includes_newline(line).is_err() {
            // A grammar that fails on this input: show the code plain rather than lose it.
            return escape(code);
        }
    }
    generator.finalize()
}

#[cfg(test)]
mod tests {
    use super::code_block;

    #[test]
    fn highlights_with_classes_only() {
        let html = code_block("fn main() {}\n", "rust");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="));
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = code_block("<b>&</b>\n", "no-such-language");
        assert!(html.contains("&lt;b&gt;&amp;&lt;/b&gt;"), "{html}");
    }
}
