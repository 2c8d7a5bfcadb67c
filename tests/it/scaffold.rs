//! `belong init` makes a hub that builds at once; `belong new` writes a page
//! listing every field of its kind and never overwrites one.

use crate::common::belong;

#[test]
fn init_makes_a_hub_that_builds_without_problems() {
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("hub");
    let init = belong(&["init", hub.to_str().unwrap()], dir.path());
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let build = belong(&["build"], &hub);
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "{stderr}");
    assert!(stderr.contains("no problems in 4 pages"), "{stderr}");
    for page in
        ["case-studies/sample-case-study", "toolkits/sample-toolkit", "discussions/sample-discussion", "accessibility"]
    {
        assert!(hub.join("public").join(page).join("index.html").is_file(), "{page}");
    }
    assert!(!hub.join("themes").exists(), "the hub needs no theme folder");
}

#[test]
fn init_refuses_a_folder_with_files_in_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "keep me").unwrap();
    let init = belong(&["init", dir.path().to_str().unwrap()], dir.path());
    assert_eq!(init.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "keep me");
    assert!(!dir.path().join("site.toml").exists());
}

#[test]
fn new_writes_every_field_of_its_kind_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("hub");
    assert!(belong(&["init", hub.to_str().unwrap()], dir.path()).status.success());
    let new = belong(&["new", "case-study", "Café Zoë: a \"Q&A\" forum!"], &hub);
    assert!(new.status.success(), "{}", String::from_utf8_lossy(&new.stderr));
    let file = hub.join("content/case-studies/cafe-zoe-a-q-and-a-forum.md");
    let text = std::fs::read_to_string(&file).unwrap();
    for field in [
        "title:",
        "summary:",
        "themes:",
        "organisation:",
        "region:",
        "date:",
        "updated:",
        "review_due:",
        "audience:",
        "outcomes:",
        "resources:",
        "image:",
        "image_alt:",
        "draft:",
    ] {
        assert!(text.contains(field), "{field} missing from:\n{text}");
    }
    assert!(text.contains("title: \"Café Zoë: a \\\"Q&A\\\" forum!\""), "{text}");
    assert!(text.contains("belonging, contribution, staff-equality"), "lists the themes: {text}");
    let today = belong::date::Date::today().to_string();
    assert!(text.contains(&format!("date: {today}")), "{text}");

    // The author is told exactly what to fill in, at each field's line.
    let check = belong(&["check", "--format", "json"], &hub);
    assert_eq!(check.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&check.stdout);
    for (field, line) in [("summary", 4), ("themes", 5), ("organisation", 6)] {
        assert!(stdout.contains(&format!("\"line\":{line},\"column\":1,\"field\":\"{field}\"")), "{field}:\n{stdout}");
    }

    std::fs::write(&file, "my edits").unwrap();
    let again = belong(&["new", "case-study", "Café Zoë: a \"Q&A\" forum!"], &hub);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "my edits");
}

#[test]
fn new_discussion_asks_for_questions() {
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("hub");
    assert!(belong(&["init", hub.to_str().unwrap()], dir.path()).status.success());
    assert!(belong(&["new", "discussion", "Team talk"], &hub).status.success());
    let text = std::fs::read_to_string(hub.join("content/discussions/team-talk.md")).unwrap();
    assert!(text.contains("questions:"), "{text}");
    assert!(!text.contains("outcomes:"), "outcomes are for case studies only");
    let check = belong(&["check", "--format", "json"], &hub);
    assert!(String::from_utf8_lossy(&check.stdout).contains("\"code\":\"E015\""));
}
