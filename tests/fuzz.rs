//! Property test: random bytes and YAML-shaped noise through front matter,
//! validation and Markdown never panic. Runs for FUZZ_SECONDS (default 60)
//! from `scripts/fuzz`, outside the default test run.

use std::path::Path;
use std::time::{Duration, Instant};

use belong::content::parse_file;
use belong::date::Date;
use belong::markdown::{Source, render};
use belong::site::Routes;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn config() -> belong::config::Config {
    belong::config::parse(
        "title = \"Fuzz\"\nbase_url = \"https://example.org/\"\nregions = [\"London\"]\n[[themes]]\nslug = \"belonging\"\nname = \"Belonging\"\n",
    )
    .unwrap()
}

/// Pieces that make the YAML and Markdown parsers take their less common paths.
const PIECES: &[&str] = &[
    "---\n",
    "title: ",
    "themes: [",
    "]",
    "\"",
    "'",
    "&a ",
    "*a",
    "<<: *a",
    "- ",
    "  ",
    ":",
    "{",
    "}",
    ",",
    "\n",
    "\r\n",
    "date: 2023-02-29",
    "outcomes:\n  - measure: ",
    "before: ",
    "1e308",
    "-0",
    "questions:",
    "|\n",
    ">\n",
    "#",
    "[^1]",
    "[^1]: ",
    "[x](../a.md#b)",
    "![",
    "](",
    "`",
    "```rust\n",
    "~~~",
    "> ",
    "1. ",
    "| a | b |\n|---|---|\n",
    "<div>",
    "</div>",
    "javascript:",
    "\u{feff}",
    "é",
    "\0",
    "\t",
    "\\",
    "%",
    "%zz",
    "\u{201c}",
    "\u{201d}",
    "\u{2018}",
    "[a](b c)",
    "](",
    "http://127.0.0.1:1/",
    "file:",
    "C:\\",
    "14/08/2023",
    "**",
    "_",
    ":::",
    ":::details[",
    ":::video",
    ":::do\n- ",
    ":::figure[",
    ":::detials",
    "{youtube=\"",
    "{src=\"a.mp4\" captions=\"",
    "\n:::\n",
    "> [!NOTE]\n",
    "> [!WARNING]\n> ### ",
    "\n: ",
    "<!--belong-component 0-->\n",
    "<!--/belong-component 0-->\n",
];

fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2000).prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        proptest::collection::vec(proptest::sample::select(PIECES), 0..200).prop_map(|pieces| pieces.concat()),
        (proptest::collection::vec(proptest::sample::select(PIECES), 0..60), any::<String>())
            .prop_map(|(pieces, tail)| format!("---\ntitle: \"x\"\n{}\n---\n{tail}", pieces.concat())),
    ]
}

#[test]
fn front_matter_and_markdown_never_panic() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let config = config();
    let today = Date::parse("2026-01-01").unwrap();
    let routes = Routes::default();
    let pictures = belong::site::Pictures::default();
    let theme = belong::theme::load(Path::new("/no/hub/here"), "hub").0;
    let links =
        belong::markdown::Links { routes: &routes, base_path: "/", pictures: &pictures, components: &theme.components };
    let started = Instant::now();
    let mut rounds = 0;
    while started.elapsed() < Duration::from_secs(seconds) {
        let mut runner = TestRunner::new(Config { cases: 500, failure_persistence: None, ..Config::default() });
        runner
            .run(&noise(), |text| {
                for folder in ["case-studies", "toolkits", "discussions", "", "case-studies/x"] {
                    let _ = parse_file(&Path::new(folder).join("page.md"), &text, &config, today);
                }
                let source = Source {
                    markdown: &text,
                    file: Path::new("content/page.md"),
                    dir: Path::new("toolkits"),
                    url_path: "toolkits/page/",
                    first_line: 1,
                    allow_html: false,
                };
                let _ = render(&source, links);
                Ok(())
            })
            .unwrap();
        rounds += 1;
    }
    eprintln!("fuzzed {} inputs in {:?}", rounds * 500, started.elapsed());
}
