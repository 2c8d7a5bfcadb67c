//! Issue 25's slips, made the way a comms officer made them in a hub that
//! `belong init` wrote: what pasting from Word, saving stray files and
//! typing YAML by hand publish, and what belong says about each.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use scraper::Html;
use serde_json::Value;

use crate::common::{attributes, belong, file_for, select};

/// A hub as `belong init` makes it, in a temporary folder.
fn new_hub() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("hub");
    let init = belong(&["init", hub.to_str().unwrap()], dir.path());
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    (dir, hub)
}

fn write(hub: &Path, path: &str, text: impl AsRef<[u8]>) {
    let file = hub.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, text).unwrap();
}

/// A case study with these front-matter lines (title and the rest) and body.
fn case_study(front: &str, body: &str) -> String {
    format!(
        "---\n{front}\nsummary: \"A summary.\"\nthemes: [\"belonging\"]\norganisation: \"Sample NHS Trust\"\n\
         date: 2024-02-01\n---\n\n{body}\n"
    )
}

/// `belong check --format json`: every problem.
fn check(hub: &Path) -> Vec<Value> {
    let out = belong(&["check", "--root", hub.to_str().unwrap(), "--format", "json"], hub);
    String::from_utf8_lossy(&out.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

/// The problems of `file` with `code`: (line, message, hint).
fn said(problems: &[Value], file: &str, code: &str) -> Vec<(u64, String, String)> {
    problems
        .iter()
        .filter(|p| p["file"] == file && p["code"] == code)
        .map(|p| {
            (p["line"].as_u64().unwrap(), p["message"].as_str().unwrap().into(), p["hint"].as_str().unwrap().into())
        })
        .collect()
}

fn build(hub: &Path) -> PathBuf {
    let out = belong(&["build", "--root", hub.to_str().unwrap()], hub);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    hub.join("public")
}

fn page(public: &Path, url: &str) -> Html {
    Html::parse_document(&std::fs::read_to_string(file_for(public, url)).unwrap())
}

#[test]
fn text_pasted_from_word_is_published_as_the_list_and_table_it_was() {
    let (_dir, hub) = new_hub();
    let body = "What we did:\n• Listened to staff\n• Acted on it\n·\tReported back\n\nName\tRole\tSite\nAnn\tNurse\tNorth\n\
                Bob\tPorter\tSouth\n\n| Name | Role |\n| Ann | Nurse |\n\n[Broken](nowhere.md)\n";
    write(&hub, "content/case-studies/word.md", case_study("title: \"Word paste\"", body));
    // The lines belong adds for the tables do not move the author's lines.
    let problems = check(&hub);
    let broken = said(&problems, "content/case-studies/word.md", "E011");
    assert_eq!(broken.iter().map(|b| b.0).collect::<Vec<_>>(), [21], "{problems:?}");
    write(
        &hub,
        "content/case-studies/word.md",
        case_study("title: \"Word paste\"", &body.replace("[Broken](nowhere.md)", "")),
    );
    let html = page(&build(&hub), "/case-studies/word/");
    assert_eq!(select(&html, ".prose ul li"), ["Listened to staff", "Acted on it", "Reported back"]);
    assert_eq!(select(&html, ".prose table th"), ["Name", "Role", "Site", "Name", "Role"]);
    assert_eq!(select(&html, ".prose table td"), ["Ann", "Nurse", "North", "Bob", "Porter", "South", "Ann", "Nurse"]);
    assert!(!select(&html, ".prose").concat().contains('|'), "a pipe is shown");
}

#[test]
fn bare_addresses_become_links_and_raw_html_is_named_at_its_line_with_the_component() {
    let (_dir, hub) = new_hub();
    let body = "See https://www.youtube.com/watch?v=a_b1, www.nhs.uk or email comms@example.nhs.uk.\n\n\
                <details><summary>More</summary>Hidden</details>\n\n<div class=\"callout\">Note this</div>\n";
    write(&hub, "content/case-studies/bare.md", case_study("title: \"Bare\"", body));
    let problems = check(&hub);
    let html = said(&problems, "content/case-studies/bare.md", "W015");
    assert_eq!(html.iter().map(|h| h.0).collect::<Vec<_>>(), [11, 13], "{problems:?}");
    assert!(html[0].1.contains("`<details>`") && html[0].2.contains(":::details["), "{html:?}");
    assert!(html[1].2.contains("> [!NOTE]"), "{html:?}");
    let page = page(&build(&hub), "/case-studies/bare/");
    let links = attributes(&page, ".prose a", "href");
    assert_eq!(links, ["https://www.youtube.com/watch?v=a_b1", "https://www.nhs.uk", "mailto:comms@example.nhs.uk"]);
}

#[test]
fn only_files_a_page_uses_are_published_and_every_other_is_named() {
    let (_dir, hub) = new_hub();
    write(&hub, "content/case-studies/plan.docx", b"PK\x03\x04 a Word file");
    write(&hub, "content/case-studies/notes.txt", "private notes");
    write(&hub, "content/toolkits/checklist.docx", b"PK\x03\x04 another");
    write(&hub, "content/toolkits/get.md", case_study("title: \"Get it\"", "The [checklist](checklist.docx)."));
    let problems = check(&hub);
    let named: Vec<&str> =
        problems.iter().filter(|p| p["code"] == "W016").map(|p| p["file"].as_str().unwrap()).collect();
    assert_eq!(named, ["content/case-studies/notes.txt", "content/case-studies/plan.docx"]);
    let public = build(&hub);
    assert!(!public.join("case-studies/plan.docx").exists() && !public.join("case-studies/notes.txt").exists());
    assert!(public.join("toolkits/checklist.docx").is_file(), "a linked download is published");
}

#[test]
fn one_organisation_is_one_organisation_however_its_apostrophe_is_typed() {
    let (_dir, hub) = new_hub();
    for (file, name) in [("curly", "St Elsewhere’s NHS Trust"), ("straight", "St Elsewhere's NHS Trust")] {
        let text = case_study(&format!("title: \"{file}\""), "Body.").replace("Sample NHS Trust", name);
        write(&hub, &format!("content/case-studies/{file}.md"), text);
    }
    let public = build(&hub);
    let organisations: Vec<String> = std::fs::read_dir(public.join("organisations"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("elsewhere"))
        .collect();
    assert_eq!(organisations, ["st-elsewheres-nhs-trust"]);
    // A hub this small has its whole index, facets too, in one file.
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(public.join("search/index.json")).unwrap()).unwrap();
    let values = index["values"]["organisation"].as_array().unwrap();
    assert_eq!(values.iter().filter(|value| value[0].as_str().unwrap().contains("elsewhere")).count(), 1, "{values:?}");
    // Both pages show the one name.
    let names: Vec<String> = ["curly", "straight"]
        .iter()
        .flat_map(|file| {
            select(&page(&public, &format!("/case-studies/{file}/")), ".page-meta dd a[href*=organisations]")
        })
        .collect();
    assert_eq!(names[0], names[1]);
}

#[test]
fn a_repeated_title_and_a_renamed_file_are_named_with_the_fix() {
    let (_dir, hub) = new_hub();
    write(&hub, "content/case-studies/again.md", case_study("title: \"A sample case study\"", "Body."));
    let problems = check(&hub);
    let repeated = said(&problems, "content/case-studies/sample-case-study.md", "W014");
    assert_eq!(repeated.len(), 1, "{problems:?}");
    assert!(repeated[0].1.contains("content/case-studies/again.md"), "{repeated:?}");
    std::fs::remove_file(hub.join("content/case-studies/again.md")).unwrap();
    build(&hub);
    std::fs::rename(hub.join("content/toolkits/sample-toolkit.md"), hub.join("content/toolkits/board-toolkit.md"))
        .unwrap();
    let moved = said(&check(&hub), "content/toolkits/board-toolkit.md", "W017");
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].0, 2, "at the title line");
    assert!(moved[0].2.contains("aliases: [\"/toolkits/sample-toolkit/\"]"), "{moved:?}");
    // With the alias, the old address works and nothing is said.
    let text = std::fs::read_to_string(hub.join("content/toolkits/board-toolkit.md")).unwrap();
    let aliased = text.replacen("---\n", "---\naliases: [\"/toolkits/sample-toolkit/\"]\n", 1);
    write(&hub, "content/toolkits/board-toolkit.md", aliased);
    assert!(said(&check(&hub), "content/toolkits/board-toolkit.md", "W017").is_empty());
}

/// Front-matter slips as typed: the lines in place of the case study's
/// title line (its line 2), the line the error is on, and words its
/// message and its fix must have.
const YAML_SLIPS: &[(&str, u64, &str, &str)] = &[
    (
        "title: Team workshop #2 - what belonging means",
        2,
        "stops at `Team workshop`",
        "title: \"Team workshop #2 - what belonging means\"",
    ),
    ("title: Our aim: to listen", 2, "colon in it", "title: \"Our aim: to listen\""),
    (
        "title: This is a long\nwrapped onto a line",
        3,
        "goes on from the value of `title`",
        "title: \"This is a long wrapped onto a line\"",
    ),
    ("title: 'St Elsewhere's story'", 2, "apostrophe in `Elsewhere's`", "title: \"St Elsewhere's story\""),
    ("title: \"T\"\naudience:\n  - board\n  leaders", 5, "does not start with `- `", "  - leaders"),
    ("title: \"T\"\n\u{a0} region: \"London\"", 3, "non-breaking space", "ordinary"),
    ("title: St Elsewhere’s story: a year", 2, "colon in it", "title: \"St Elsewhere’s story: a year\""),
    ("title: “Our story: a year”", 2, "curly quotes", "title: \"Our story: a year\""),
    ("title: \"T\"\n  region: \"London\"", 3, "`region` is indented", "region: \"London\""),
    ("title: \"a\nregion: \"London\"", 2, "not closed on its line", "title: \"a\""),
    ("title: \"T\"\ntitle: \"U\"", 3, "written twice", "keep one `title:` line"),
];

#[test]
fn yaml_slips_are_said_in_plain_english_at_the_authors_line() {
    let (_dir, hub) = new_hub();
    for (lines, line, message, hint) in YAML_SLIPS {
        write(&hub, "content/case-studies/slip.md", case_study(lines, "Body."));
        let problems = check(&hub);
        let found: Vec<&Value> = problems.iter().filter(|p| p["file"] == "content/case-studies/slip.md").collect();
        assert_eq!(found.len(), 1, "{lines:?}: {found:?}");
        assert_eq!(found[0]["line"], *line, "{lines:?}: {found:?}");
        assert!(found[0]["message"].as_str().unwrap().contains(message), "{lines:?}: {found:?}");
        assert!(found[0]["hint"].as_str().unwrap().contains(hint), "{lines:?}: {found:?}");
    }
    let blank = format!("\n\n{}", case_study("title: \"T\"", "Body."));
    write(&hub, "content/case-studies/slip.md", blank);
    let found = said(&check(&hub), "content/case-studies/slip.md", "E003");
    assert!(found[0].1.contains("below empty lines") && found[0].2.contains("delete the empty lines"), "{found:?}");
}

#[test]
fn a_question_with_a_colon_and_themes_written_as_text_get_one_plain_fix_each() {
    let (_dir, hub) = new_hub();
    let discussion = "---\ntitle: \"Talk\"\nsummary: \"S\"\nthemes: belonging, contribution\ndate: 2024-02-01\nquestions:\n  \
                      - What does belonging mean: for you?\n---\n\nBody.\n";
    write(&hub, "content/discussions/talk.md", discussion);
    write(
        &hub,
        "content/toolkits/eq.md",
        case_study("title: \"Eq\"", "Body.").replace("\"belonging\"", "\"equality\""),
    );
    let problems = check(&hub);
    let talk: Vec<(u64, String)> = problems
        .iter()
        .filter(|p| p["file"] == "content/discussions/talk.md")
        .map(|p| (p["line"].as_u64().unwrap(), p["hint"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        talk,
        [
            (4, "write it as a list: themes: [\"belonging\", \"contribution\"]".to_string()),
            (7, "put the item in double quotes: - \"What does belonging mean: for you?\"".to_string()),
        ]
    );
    let equality = said(&problems, "content/toolkits/eq.md", "E007");
    assert_eq!(equality[0].2, "did you mean `staff-equality`?");
}

/// What the YAML library itself says about `yaml`, without its place.
fn library_words(yaml: &str) -> Option<String> {
    let error = serde_saphyr::from_str::<serde_json::Value>(yaml).err()?.to_string();
    let first =
        error.lines().map(str::trim).find(|line| !line.is_empty())?.trim_start_matches("error:").trim().to_string();
    let words =
        first.split_once(": ").filter(|(place, _)| place.starts_with("line ")).map_or(first.clone(), |(_, w)| w.into());
    Some(words)
}

#[test]
fn no_front_matter_error_shows_the_yaml_librarys_own_words() {
    // Every front matter the suite breaks: these slips and every bad input.
    let mut yamls: Vec<String> = YAML_SLIPS.iter().map(|(lines, ..)| case_study(lines, "")).collect();
    let bad = crate::common::fixture("bad");
    for entry in walkdir::WalkDir::new(&bad).into_iter().map(Result::unwrap) {
        if entry.path().extension().is_some_and(|ext| ext == "md") {
            yamls.push(String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned());
        }
    }
    let (_dir, hub) = new_hub();
    let mut scanned = 0;
    for text in yamls {
        let Some(yaml) = text.strip_prefix("---\n").and_then(|rest| rest.split("\n---").next()) else { continue };
        let Some(words) = library_words(yaml) else { continue };
        write(&hub, "content/case-studies/slip.md", &text);
        for problem in check(&hub).iter().filter(|p| p["code"] == "E003") {
            let shown = format!("{} {}", problem["message"], problem["hint"]);
            assert!(!shown.contains(&words), "the library's `{words}` reached an author: {shown}");
        }
        scanned += 1;
    }
    assert!(scanned >= 12, "only {scanned} broken front matters");
}

/// The problems a report prints, as `code file:line` lines.
fn report_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut code = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("error[").or_else(|| line.strip_prefix("warning[")) {
            code = rest.split(' ').next().unwrap_or("").to_string();
        } else if let Some(place) = line.trim_start().strip_prefix("--> ") {
            lines.push(format!("{code} {place}"));
        }
    }
    lines.sort();
    lines
}

#[test]
fn the_preview_reports_what_check_reports_for_the_same_hub() {
    let (_dir, hub) = new_hub();
    let body =
        "For more, [click here](../toolkits/sample-toolkit.md). [https://www.nhs.uk](https://www.nhs.uk)\n\n<b>x</b>\n";
    write(&hub, "content/case-studies/slips.md", case_study("title: “Curly”", body));
    write(&hub, "content/case-studies/broken.md", case_study("title: \"B\"", "Body.").replace("belonging", "belongin"));
    let check = belong(&["check", "--root", hub.to_str().unwrap()], &hub);
    let checked = String::from_utf8_lossy(&check.stderr).into_owned();
    let mut serve = Command::new(env!("CARGO_BIN_EXE_belong"))
        .args(["serve", "--root", hub.to_str().unwrap(), "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut served = String::new();
    for line in BufReader::new(serve.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let started = line.starts_with("serving ");
        served.push_str(&line);
        served.push('\n');
        if started {
            break;
        }
    }
    let _ = serve.kill();
    let _ = serve.wait();
    let summary =
        |text: &str| text.lines().find(|line| line.contains(" in ") && line.contains("error")).map(str::to_string);
    assert!(report_lines(&checked).len() >= 5, "{checked}");
    assert_eq!(report_lines(&served), report_lines(&checked), "serve:\n{served}\ncheck:\n{checked}");
    assert_eq!(summary(&served), summary(&checked));
}
