//! What a reader gets from one page's Markdown: ids, labels, escaping and the
//! diagnostics that point at lines.

use std::path::Path;

use super::{Links, Pass, Rendered, Source, render};
use crate::site::{Pictures, Routes};

/// The default theme's component templates.
fn components() -> &'static crate::theme::Components {
    static COMPONENTS: std::sync::OnceLock<std::sync::Arc<crate::theme::Components>> = std::sync::OnceLock::new();
    COMPONENTS.get_or_init(|| crate::theme::load(Path::new("/no/hub/here"), "hub").0.components)
}

/// Links and pictures of a site that has none.
fn nothing<'t>(routes: &'t Routes, pictures: &'t Pictures) -> Links<'t> {
    Links { routes, base_path: "/", pictures, components: components() }
}

fn source(markdown: &str, allow_html: bool) -> Source<'_> {
    Source {
        markdown,
        file: Path::new("content/toolkits/t.md"),
        dir: Path::new("toolkits"),
        url_path: "toolkits/t/",
        first_line: 5,
        allow_html,
    }
}

fn rendered(markdown: &str, allow_html: bool) -> Rendered {
    render(&source(markdown, allow_html), nothing(&Routes::default(), &Pictures::default()))
}

#[test]
fn lines_are_right_whichever_order_offsets_come_in() {
    let text = "one\ntwo\nthree\nfour\n";
    let page = source(text, false);
    let (routes, pictures) = (Routes::default(), Pictures::default());
    let mut pass = Pass::new(&page, nothing(&routes, &pictures), super::components::State::default());
    assert_eq!(pass.line(text.find("four").unwrap()), 8);
    assert_eq!(pass.line(text.find("two").unwrap()), 6);
    assert_eq!(pass.line(0), 5);
    assert_eq!(pass.line(text.find("three").unwrap()), 7);
}

#[test]
fn an_image_with_alt_text_passes_and_one_without_is_reported() {
    let described = rendered("![Staff at a network meeting](photo.png)\n", false);
    assert!(described.diagnostics.iter().all(|d| d.code != crate::diagnostics::Code::EmptyAlt), "{described:?}");
    let bare = rendered("Text.\n\n![](photo.png)\n", false);
    let empty_alt: Vec<usize> =
        bare.diagnostics.iter().filter(|d| d.code == crate::diagnostics::Code::EmptyAlt).map(|d| d.line).collect();
    assert_eq!(empty_alt, [7]);
}

#[test]
fn a_raw_html_block_is_a_paragraph_of_text_unless_allowed() {
    let markdown = "Before.\n\n<div class=\"raw\">Inside</div>\n\nAfter.\n";
    let escaped = rendered(markdown, false).html;
    assert!(escaped.contains("<p>&lt;div class=\"raw\"&gt;Inside&lt;/div&gt;\n</p>"), "{escaped}");
    let allowed = rendered(markdown, true).html;
    assert!(allowed.contains("<p>Before.</p>\n<div class=\"raw\">Inside</div>\n<p>After.</p>"), "{allowed}");
}

#[test]
fn each_table_has_its_own_name() {
    let table = "| A | B |\n|---|---|\n| 1 | 2 |\n\n";
    let html = rendered(&table.repeat(2), false).html;
    assert!(html.contains("aria-label=\"Table 1\"") && html.contains("aria-label=\"Table 2\""), "{html}");
}

#[test]
fn a_table_is_named_and_captioned_by_the_heading_it_sits_under() {
    let html = rendered("## Reading & questions\n\n| A | B |\n|---|---|\n| 1 | 2 |\n", false).html;
    let name = "Reading &amp; questions";
    assert!(
        html.contains(&format!("<div class=\"table-scroll\" role=\"region\" aria-label=\"{name}\" tabindex=\"0\">")),
        "{html}"
    );
    assert!(html.contains(&format!("<table><caption class=\"visually-hidden\">{name}</caption>")), "{html}");
    assert!(html.trim_end().ends_with("</table>\n</div>"), "{html}");
    let two = rendered("## Rotas\n\n| A |\n|---|\n| 1 |\n\n| B |\n|---|\n| 2 |\n", false).html;
    assert!(two.contains("aria-label=\"Rotas\"") && two.contains("aria-label=\"Rotas (table 2)\""), "{two}");
}

#[test]
fn a_heading_keeps_the_id_its_author_gave_it() {
    let html = rendered("## Speaking up {#speak}\n\n## Speaking up\n", false);
    assert_eq!(html.headings.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["speak", "speaking-up"]);
    assert!(html.html.contains("<h2 id=\"speak\">Speaking up</h2>"), "{}", html.html);
}

#[test]
fn a_note_cited_twice_links_back_to_each_citation_by_number() {
    let html = rendered("One.[^a] Two.[^a] Three.[^b]\n\n[^a]: Cited twice.\n[^b]: Cited once.\n", false).html;
    assert!(html.contains("aria-label=\"Back to reference 1 (1)\""), "{html}");
    assert!(html.contains("aria-label=\"Back to reference 1 (2)\""), "{html}");
    assert!(html.contains("aria-label=\"Back to reference 2\""), "{html}");
    assert!(!html.contains("Back to reference 2 ("), "{html}");
}

#[test]
fn each_citation_of_a_note_has_its_own_id_that_the_back_link_targets() {
    let html = rendered("One.[^a] Two.[^a]\n\n[^a]: Cited twice.\n", false).html;
    for id in ["fnref-a", "fnref-a-2"] {
        assert_eq!(html.matches(&format!("id=\"{id}\"")).count(), 1, "{id}: {html}");
        assert_eq!(html.matches(&format!("href=\"#{id}\"")).count(), 1, "{id}: {html}");
    }
}

/// The codes of a page's diagnostics, in order.
fn codes(markdown: &str) -> Vec<&'static str> {
    rendered(markdown, false).diagnostics.iter().map(|d| d.code.name()).collect()
}

#[test]
fn links_that_run_code_are_refused_whatever_the_scheme() {
    for link in ["javascript:alert(1)", "VBScript:msgbox", "data:text/html,<b>x</b>"] {
        let page = rendered(&format!("[Click]({link})\n"), false);
        assert_eq!(codes(&format!("[A name]({link})\n")), ["javascript-link"], "{link}");
        assert!(page.html.contains("href=\"#\""), "{link}: {}", page.html);
    }
}

#[test]
fn web_addresses_and_scheme_relative_links_pass_untouched() {
    for link in ["https://www.nhs.uk/", "mailto:hub@nhs.net", "//cdn.example.org/file.pdf", "tel:+441234"] {
        let page = rendered(&format!("[The NHS site]({link})\n"), false);
        assert!(page.diagnostics.is_empty(), "{link}: {:?}", page.diagnostics);
        assert!(page.html.contains(&format!("href=\"{link}\"")), "{link}: {}", page.html);
    }
}

#[test]
fn a_link_left_as_typed_is_reported_and_real_links_are_not() {
    let page = rendered("Intro line.\n\nSee [our sister trust](A sample case study) for more.\n", false);
    assert_eq!(page.diagnostics.iter().map(|d| (d.code.name(), d.line)).collect::<Vec<_>>(), [("literal-link", 7)]);
    assert!(page.diagnostics[0].message.contains("`[our sister trust](A sample case study)`"));
    for fine in
        ["[A page](https://www.nhs.uk/) and [b](https://nhs.uk)\n", "`[x](y z)` in code\n", "A [bracket] (aside)\n"]
    {
        assert_eq!(codes(fine), Vec::<&str>::new(), "{fine}");
    }
}

#[test]
fn links_to_the_authors_own_computer_are_refused() {
    let local = [
        "http://127.0.0.1:8801/case-studies/x/",
        "http://localhost:1111/",
        "https://LOCALHOST/x",
        "http://[::1]:1111/",
        "http://0.0.0.0/",
        "file:///C:/Users/me/story.html",
        "C:\\Users\\me\\story.docx",
    ];
    for link in local {
        assert_eq!(codes(&format!("[Our story]({link})\n")), ["local-link"], "{link}");
    }
    // A drive letter is a letter: `1:/` is no Windows path.
    for fine in ["https://localhost.nhs.uk/", "1:/x", "https://127.nhs.uk/"] {
        assert_eq!(codes(&format!("[The NHS]({fine})\n")), Vec::<&str>::new(), "{fine}");
    }
}

#[test]
fn a_missing_file_is_reported_for_links_as_well_as_images() {
    assert_eq!(codes("[The annual report](report.pdf)\n"), ["broken-link"]);
    assert_eq!(codes("![A chart of turnover](chart.png)\n"), ["broken-link"]);
    // Issue 13: a relative link to no file and no published address went out as a 404.
    assert_eq!(codes("[A section of the site](some-folder)\n"), ["broken-link"]);
    assert_eq!(codes("[A page](../a/b:c.md)\n"), ["broken-link"]);
}

#[test]
fn percent_escapes_in_a_link_name_the_file() {
    let joined = super::links::join(Path::new("toolkits"), "caf%C3%A9%20notes%2d%41.md").unwrap();
    assert_eq!(joined, Path::new("toolkits/café notes-A.md"));
    assert_eq!(super::links::join(Path::new("toolkits"), "100%25%zz.md").unwrap(), Path::new("toolkits/100%%zz.md"));
}

/// The codes and lines of a render's problems.
fn problems(rendered: &Rendered) -> Vec<(&'static str, usize)> {
    rendered.diagnostics.iter().map(|problem| (problem.code.name(), problem.line)).collect()
}

#[test]
fn alerts_are_inset_text_and_warning_callouts_with_their_hidden_prefixes() {
    let out = rendered(
        "> [!NOTE]\n> A note.\n\n> [!WARNING]\n> ### Check first\n> Then act.\n\n> [!CAUTION]\n> Plain.\n",
        false,
    );
    assert!(
        out.html.starts_with(
            "<div class=\"nhsuk-inset-text\">\n<span class=\"visually-hidden\">Information: </span>\n<p>A note.</p>"
        ),
        "{}",
        out.html
    );
    assert!(out.html.contains("<p class=\"nhsuk-warning-callout__label\"><span class=\"visually-hidden\">Important: </span>Check first</p>\n<p>Then act.</p>"), "{}", out.html);
    assert!(
        out.html.contains("<span class=\"visually-hidden\">Important: </span>Important</p>\n<p>Plain.</p>"),
        "{}",
        out.html
    );
    // The heading that labels a callout is not a heading of the page.
    assert!(out.headings.is_empty() && !out.html.contains("<h3"), "{:?}", out.headings);
    assert!(out.text.contains("Check first") && out.text.contains("A note."), "{}", out.text);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    // The alert ends with its quotation.
    let then = rendered("> [!TIP]\n> A tip.\n\nOutside.\n", false);
    assert!(then.html.ends_with("</div>\n<p>Outside.</p>\n"), "{}", then.html);
}

#[test]
fn each_directive_is_written_as_its_component() {
    let markdown = ":::details[How we measured it]\nThe *survey*.\n:::\n\n:::do\n- ask\n:::\n\n:::dont[Avoid]\n- assume\n:::\n\n:::quote[Ann, nurse]\nWe felt heard.\n:::\n\n:::figure[The chart]\n![A chart](chart.png)\n:::\n\n:::video[Our story]{youtube=\"https://youtu.be/dQw4w9WgXcQ\"}\nThe words said.\n:::\n";
    let out = rendered(markdown, false);
    let html = &out.html;
    assert!(html.contains("<details class=\"nhsuk-details\">\n<summary class=\"nhsuk-details__summary\"><span class=\"nhsuk-details__summary-text\">How we measured it</span></summary>\n<div class=\"nhsuk-details__text\">\n<p>The <em>survey</em>.</p>"), "{html}");
    assert!(html.contains("<p class=\"nhsuk-do-dont-list__label\">Do</p>\n<ul class=\"nhsuk-list nhsuk-list--tick\">\n<li>ask</li>\n</ul>"), "{html}");
    assert!(
        html.contains("<p class=\"nhsuk-do-dont-list__label\">Avoid</p>\n<ul class=\"nhsuk-list nhsuk-list--cross\">"),
        "{html}"
    );
    assert!(
        html.contains("<blockquote class=\"belong-quote__text\">\n<p>We felt heard.</p>")
            && html.contains("<figcaption class=\"belong-quote__source\">Ann, nurse</figcaption>"),
        "{html}"
    );
    assert!(
        html.contains("<figure class=\"belong-figure\">\n<img src=\"chart.png\" alt=\"A chart\""),
        "the picture is not in a paragraph: {html}"
    );
    assert!(html.contains("<figcaption class=\"belong-figure__caption\">The chart</figcaption>"), "{html}");
    assert!(
        html.contains("href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\">Watch “Our story” on YouTube</a>"),
        "{html}"
    );
    assert!(html.contains("data-embed=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\""), "{html}");
    assert!(!html.contains("<iframe"), "no player before the reader asks for one: {html}");
    assert!(
        html.contains(
            "Transcript of “Our story”</span></summary>\n<div class=\"nhsuk-details__text\">\n<p>The words said.</p>"
        ),
        "{html}"
    );
    // Every component's words are the page's text, for search.
    for words in [
        "How we measured it",
        "survey",
        "ask",
        "Avoid",
        "assume",
        "Ann, nurse",
        "felt heard",
        "The chart",
        "Our story",
        "words said",
    ] {
        assert!(out.text.contains(words), "{words} is not in the text: {}", out.text);
    }
    assert!(out.interactive, "details and videos need the components script");
    assert!(!rendered(":::quote\nSaid.\n:::\n", false).interactive);
    // Only the missing picture is a problem here.
    assert_eq!(problems(&out), [("broken-link", 22)]);
}

#[test]
fn a_definition_list_is_a_summary_list() {
    let out = rendered("Term\n: Its definition.\n\nOther\n: One.\n: Two.\n", false);
    assert_eq!(
        out.html,
        "<dl class=\"nhsuk-summary-list\">\n<div class=\"nhsuk-summary-list__row\">\n<dt class=\"nhsuk-summary-list__key\">Term</dt>\n<dd class=\"nhsuk-summary-list__value\">Its definition.</dd>\n</div>\n<div class=\"nhsuk-summary-list__row\">\n<dt class=\"nhsuk-summary-list__key\">Other</dt>\n<dd class=\"nhsuk-summary-list__value\">One.</dd>\n<dd class=\"nhsuk-summary-list__value\">Two.</dd>\n</div>\n</dl>\n"
    );
}

#[test]
fn components_nest_share_the_page_and_escape_raw_html() {
    let markdown = "## Before\n\n:::warning[Board]\n:::details[More]\n## Before\n\nA note.[^1] <b>bold</b>\n:::\n:::\n\n[^1]: The source.\n";
    let out = rendered(markdown, false);
    // One document: heading ids stay unique and the footnote is the page's.
    assert!(out.html.contains("id=\"before\"") && out.html.contains("id=\"before-1\""), "{}", out.html);
    assert!(out.html.contains("href=\"#fn-1\"") && out.html.contains("<li id=\"fn-1\">"), "{}", out.html);
    assert!(out.html.contains("&lt;b&gt;bold&lt;/b&gt;"), "raw HTML is escaped inside a component too: {}", out.html);
    let details = out.html.find("<details").unwrap();
    assert!(out.html.find("nhsuk-warning-callout").unwrap() < details);
    assert!(
        out.html[details..].find("</details>").unwrap()
            < out.html[details..].find("</div>\n</div>").unwrap_or(usize::MAX)
    );
    // The only problem: the raw HTML, named at its line inside the component.
    let said: Vec<_> = out.diagnostics.iter().map(|d| (d.code, d.line)).collect();
    assert_eq!(said, [(crate::diagnostics::Code::RawHtml, 11)], "{:?}", out.diagnostics);
    // A directive line in code is code.
    let code = rendered("```\n:::details[Not one]\n:::\n```\n", false);
    assert!(code.html.contains(":::details[Not one]") && !code.html.contains("<details"), "{}", code.html);
}

#[test]
fn a_component_missing_what_it_holds_is_an_error_at_its_line_with_the_fix() {
    let cases = [
        (":::details\nText.\n:::\n", "incomplete-component", "needs the words to show"),
        (":::do[Do]\nNo list here.\n:::\n", "incomplete-component", "holds a list"),
        (":::figure[A]\nNo picture.\n:::\n", "incomplete-component", "holds one picture"),
        (":::figure[A]\n![a](a.png) ![b](b.png)\n:::\n", "incomplete-component", "holds one picture"),
        (":::quote[Ann]\n:::\n", "incomplete-component", "words quoted"),
        (":::quote[Ann]\n&nbsp;\n:::\n", "incomplete-component", "words quoted"),
        (":::video[Talk]{youtube=\"dQw4w9WgXcQ\"}\n:::\n", "incomplete-component", "transcript"),
        (":::video[Talk]\nWords.\n:::\n", "incomplete-component", "names no video"),
        (":::video[Talk]{youtube=\"https://vimeo.com/1\"}\nWords.\n:::\n", "incomplete-component", "not one"),
        (":::video[Talk]{src=\"talk.mp4\"}\nWords.\n:::\n", "incomplete-component", "no captions"),
        (":::video[Talk]{youtub=\"dQw4w9WgXcQ\"}\nWords.\n:::\n", "unknown-component", "setting `youtub`"),
        (":::details[A]{open=\"yes\"}\nWords.\n:::\n", "unknown-component", "setting `open`"),
    ];
    for (markdown, code, words) in cases {
        let out = rendered(markdown, false);
        let problem = out.diagnostics.iter().find(|problem| problem.code.name() == code);
        let problem = problem.unwrap_or_else(|| panic!("{markdown:?}: no {code} in {:?}", out.diagnostics));
        assert_eq!(problem.line, 5, "{markdown:?}");
        assert!(problem.message.contains(words), "{markdown:?}: {}", problem.message);
        assert!(problem.hint.is_some(), "{markdown:?}");
    }
    // A missing label is written on the opening line, with an example that fits.
    for (markdown, hint) in [
        (":::details\nText.\n:::\n", "write them on its opening line: :::details[How we measured it]"),
        (
            ":::video{youtube=\"dQw4w9WgXcQ\"}\nWords.\n:::\n",
            "write them on its opening line: :::video[Title of the video]",
        ),
    ] {
        let out = rendered(markdown, false);
        assert!(out.diagnostics.iter().any(|p| p.hint.as_deref() == Some(hint)), "{markdown:?}: {:?}", out.diagnostics);
    }
    let nearest = rendered(":::video[Talk]{youtub=\"dQw4w9WgXcQ\"}\nWords.\n:::\n", false);
    assert!(
        nearest.diagnostics.iter().any(|p| p.hint.as_deref() == Some("did you mean `youtube`?")),
        "{:?}",
        nearest.diagnostics
    );
    // Opened in a list, closed outside it: the markup could not nest.
    let misnested = rendered("- item\n  :::details[A]\n  Words.\n\nAfter.\n:::\n", false);
    assert_eq!(problems(&misnested), [("unclosed-component", 6)], "{:?}", misnested.diagnostics);
}

#[test]
fn directives_named_as_asides_are_inset_text_and_warning_callouts() {
    for name in ["note", "tip", "info"] {
        let out = rendered(&format!(":::{name}\nA thing to know.\n:::\n"), false);
        assert!(out.html.starts_with("<div class=\"nhsuk-inset-text\">"), "{name}: {}", out.html);
        assert!(out.diagnostics.is_empty(), "{name}: {:?}", out.diagnostics);
    }
    for name in ["important", "warning", "caution", "danger"] {
        let out = rendered(&format!(":::{name}[Before you start]\nCheck.\n:::\n"), false);
        assert!(out.html.contains("nhsuk-warning-callout__label"), "{name}: {}", out.html);
        assert!(out.html.contains("Before you start</p>"), "{name}: {}", out.html);
    }
}

#[test]
fn a_quotation_inside_a_component_does_not_close_it() {
    for markdown in [
        ":::details[More]\n> Said once.\n\nAfter the quote.\n:::\n",
        "> [!NOTE]\n> > Said once.\n>\n> After the quote.\n",
    ] {
        let out = rendered(markdown, false);
        let quote = out.html.find("<blockquote>").unwrap_or_else(|| panic!("{}", out.html));
        let after = out.html.find("<p>After the quote.</p>").unwrap_or_else(|| panic!("{}", out.html));
        let closed = out.html.rfind("</div>").unwrap();
        assert!(quote < after && after < closed, "the component closed at the quote's end: {}", out.html);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    }
}

#[test]
fn only_a_do_or_dont_list_is_restyled_and_every_list_closes_as_it_opened() {
    // An ordered list in a do list is still the NHS tick list, closed as one.
    let numbered = rendered(":::do\n1. ask\n2. listen\n:::\n", false);
    assert!(numbered.html.contains("<ul class=\"nhsuk-list nhsuk-list--tick\">"), "{}", numbered.html);
    assert!(numbered.html.contains("</ul>") && !numbered.html.contains("</ol>"), "{}", numbered.html);
    // Lists anywhere else, and lists inside a do list's items, are plain.
    let plain = rendered(":::details[Steps]\n1. one\n2. two\n:::\n\n:::dont\n- assume\n  1. nested\n:::\n", false);
    assert!(plain.html.contains("<ol>\n<li>one</li>\n<li>two</li>\n</ol>"), "{}", plain.html);
    assert!(plain.html.contains("<ol>\n<li>nested</li>\n</ol>"), "{}", plain.html);
    assert_eq!(plain.html.matches("nhsuk-list--").count(), 1, "{}", plain.html);
    // A figure's picture is not left in half a paragraph.
    let figure = rendered(":::figure[The chart]\n![A chart](chart.png)\n:::\n", false);
    assert!(!figure.html.contains("<p>") && !figure.html.contains("</p>"), "{}", figure.html);
}
