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
    // The one thing left to do is to give the hub its address.
    assert!(stderr.contains("0 errors, 1 warning in 4 pages"), "{stderr}");
    assert!(stderr.contains("[W011 placeholder-base-url]") && stderr.contains("site.toml:5"), "{stderr}");
    let published = belong(&["build", "--base-url", "https://belonging.example.nhs.uk/"], &hub);
    assert!(String::from_utf8_lossy(&published.stderr).contains("no problems in 4 pages"));
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

#[test]
fn new_bundle_makes_a_folder_page_whose_picture_is_published_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("hub");
    assert!(belong(&["init", hub.to_str().unwrap()], dir.path()).status.success());
    let new = belong(&["new", "toolkit", "Team huddles", "--bundle"], &hub);
    assert!(new.status.success(), "{}", String::from_utf8_lossy(&new.stderr));
    let page = hub.join("content/toolkits/team-huddles/index.md");
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.contains("beside index.md"), "{text}");
    // Neither spelling of the same page may be written over the other.
    let again = belong(&["new", "toolkit", "Team huddles"], &hub);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("team-huddles/index.md already exists"));
    assert!(!hub.join("content/toolkits/team-huddles.md").exists());

    let filled = text
        .replace("summary: \"\"", "summary: \"Short daily check-ins.\"")
        .replace("themes: []", "themes: [\"belonging\"]")
        .replace("# image: \"picture.jpg\"", "image: \"huddle.png\"")
        .replace("# image_alt: \"\"", "image_alt: \"A team standing in a circle\"");
    std::fs::write(&page, filled).unwrap();
    std::fs::copy(
        crate::common::fixture("basic/content/case-studies/bundle/photo.png"),
        page.with_file_name("huddle.png"),
    )
    .unwrap();
    let build = belong(&["build", "--base-url", "https://hub.test/"], &hub);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    assert!(hub.join("public/toolkits/team-huddles/huddle.png").is_file());
}

/// The authoring guide's examples, as a new author would use them: each
/// `yaml` block saved where the line before it says, each `toml` block added
/// to site.toml, in a hub made by `belong init`. `belong check` must pass.
#[test]
fn the_readme_authoring_examples_pass_check_in_a_new_hub() {
    let readme = std::fs::read_to_string(crate::common::repo().join("README.md")).unwrap();
    let guide = readme.split("\n## Authoring guide\n").nth(1).unwrap().split("\n## ").next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("hub");
    assert!(belong(&["init", hub.to_str().unwrap()], dir.path()).status.success());
    let mut saved = Vec::new();
    let mut components = Vec::new();
    let mut save_as: Option<String> = None;
    let mut lines = guide.lines();
    while let Some(line) = lines.next() {
        if let Some(path) = line.strip_prefix("Saved as `").and_then(|rest| rest.strip_suffix("`:")) {
            save_as = Some(path.to_string());
        }
        let Some(language) = line.strip_prefix("```").filter(|language| !language.is_empty()) else { continue };
        let block: Vec<&str> = lines.by_ref().take_while(|line| *line != "```").collect();
        let text = format!("{}\n", block.join("\n"));
        match language {
            "yaml" => {
                let path = save_as.take().expect("every yaml example says where it is saved");
                std::fs::write(hub.join(&path), text).unwrap();
                saved.push(path);
            }
            "toml" => {
                let mut toml = std::fs::read_to_string(hub.join("site.toml")).unwrap();
                toml.push_str(&format!("\n{text}"));
                std::fs::write(hub.join("site.toml"), toml).unwrap();
            }
            "markdown" => components.push(text),
            _ => {}
        }
    }
    assert_eq!(saved.len(), 3, "the guide's examples: {saved:?}");
    // The components' examples, in one page, with the files they name beside it.
    assert!(components.len() >= 7, "the components' examples: {components:?}");
    let bundle = hub.join("content/toolkits/components-from-the-readme");
    std::fs::create_dir_all(&bundle).unwrap();
    let front = "---\ntitle: \"Components\"\nsummary: \"The README's examples.\"\nthemes: [\"belonging\"]\ndate: 2024-01-15\n---\n\n";
    std::fs::write(bundle.join("index.md"), format!("{front}{}", components.join("\n"))).unwrap();
    image::RgbImage::new(40, 30).save(bundle.join("chart.png")).unwrap();
    std::fs::write(bundle.join("welcome.mp4"), b"").unwrap();
    std::fs::write(bundle.join("welcome.vtt"), "WEBVTT\n").unwrap();
    let check = belong(&["check", "--format", "json", "--root", hub.to_str().unwrap()], &hub);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(0), "{stdout}");
    // The only warning is the new hub's placeholder address.
    let codes: Vec<&str> = stdout.lines().filter_map(|line| line.split("\"code\":\"").nth(1)?.get(..4)).collect();
    assert_eq!(codes, ["W011"], "{stdout}");
}
