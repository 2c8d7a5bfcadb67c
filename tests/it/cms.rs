//! The browser editor's configuration against the content model, as
//! `belong check` holds it: pages made from each form's fields (only the
//! required ones, every one, each required one left out, a word from outside
//! each list) are checked, and what check says must agree with the form.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Value, json};

use crate::common::{belong, build_edited, copy_tree, fixture, site_toml};

const CMS: &str = "[cms]\nbackend = \"github\"\nrepo = \"nhs-trust/belonging-hub\"\nlocal = true\n";

/// The built fixture's `/admin/config.yml`, read as the CMS reads it.
fn config() -> Value {
    let built = build_edited("basic", &[("site.toml", site_toml("basic", "", CMS))], &[]);
    let text = built.text("/admin/config.yml");
    serde_saphyr::from_str(&text).unwrap_or_else(|error| panic!("config.yml does not read: {error}\n{text}"))
}

/// A value the form could hold for `field`, as the CMS writes it; `own`
/// makes addresses differ between collections, as check wants them to.
fn sample(field: &Value, own: &str) -> Value {
    let options = || field["options"].as_array().unwrap().iter().map(|option| option["value"].clone());
    match field["widget"].as_str().unwrap() {
        "string" if field.get("pattern").is_some() => json!(format!("{own}-web-address")),
        "string" => json!(format!("Words for {}", field["name"].as_str().unwrap())),
        "text" => json!("One sentence about the page."),
        "datetime" => json!("2024-05-12"),
        "select" if field["multiple"] == json!(true) => Value::Array(options().collect()),
        "select" => options().next().unwrap(),
        "boolean" => json!(false),
        "number" => json!(10),
        "list" if field.get("field").is_some() => json!([format!("/old/{own}/")]),
        "list" => {
            let entry = field["fields"].as_array().unwrap().iter().map(|part| {
                let value = match (part["widget"].as_str(), part["name"].as_str()) {
                    (Some("number"), _) => json!(12.5),
                    (_, Some("url")) => json!("https://www.england.nhs.uk/"),
                    _ => json!("Words"),
                };
                (part["name"].as_str().unwrap().to_string(), value)
            });
            json!([Value::Object(entry.collect())])
        }
        other => panic!("no sample for a {other} widget"),
    }
}

/// A page whose front matter holds `fields` with `values`; `title` keeps
/// each page's title its own.
fn page(title: &str, fields: &[(&str, Value)]) -> String {
    let mut text = format!("---\ntitle: {}\n", json!(title));
    for (name, value) in fields.iter().filter(|(name, _)| *name != "title") {
        text.push_str(&format!("{name}: {value}\n"));
    }
    text + "---\n\nThe body.\n"
}

/// A collection's front-matter fields (the body is not one), leaving out the
/// picture, which needs a file beside the page.
fn fields(collection: &Value) -> Vec<&Value> {
    collection["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|field| field["name"] != "body" && field["widget"] != "image")
        .collect()
}

fn name_of(field: &Value) -> &str {
    field["name"].as_str().unwrap()
}

fn required(field: &Value) -> bool {
    field.get("required") != Some(&json!(false))
}

/// Pages' worth of one list of entries (outcomes, resources): an entry of
/// the parts the form requires alone, which check must accept, and one
/// without each of them, which check must refuse at the entry: (file name,
/// the list's value, the field check names).
fn entries(list: &Value, collection: &str) -> Vec<(String, Value, Option<String>)> {
    let key = name_of(list);
    let parts: Vec<&Value> = list["fields"].as_array().unwrap().iter().filter(|part| required(part)).collect();
    let entry = |leave_out: Option<&str>| {
        let kept = parts.iter().filter(|part| Some(name_of(part)) != leave_out);
        let values = kept.map(|part| {
            let value = match (part["widget"].as_str(), name_of(part)) {
                (Some("number"), _) => json!(12.5),
                (_, "url") => json!("https://www.england.nhs.uk/"),
                _ => json!("Words"),
            };
            (name_of(part).to_string(), value)
        });
        json!([Value::Object(values.collect())])
    };
    let mut pages = vec![(format!("{collection}-{key}-needed-parts"), entry(None), None)];
    for part in &parts {
        let file = format!("{collection}-{key}-without-{}", name_of(part));
        pages.push((file, entry(Some(name_of(part))), Some(format!("{key}[1]"))));
    }
    pages
}

/// Every diagnostic `belong check --format json` gives the hub at `root`.
fn check(root: &Path) -> Vec<Value> {
    let output = belong(&["check", "--root", root.to_str().unwrap(), "--format", "json"], root);
    String::from_utf8_lossy(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

#[test]
fn each_form_asks_for_what_check_requires_and_accepts_what_it_allows() {
    let config = config();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), dir.path());
    // Which check each page is for: (file, what check should say of it).
    let mut expected: Vec<(String, Option<String>)> = Vec::new();
    let mut write = |file: String, text: String, error_in: Option<&str>| {
        let path = dir.path().join(&file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        expected.push((file, error_in.map(str::to_string)));
    };
    let folders =
        config["collections"].as_array().unwrap().iter().filter(|collection| collection.get("folder").is_some());
    for collection in folders {
        let folder = collection["folder"].as_str().unwrap();
        let name = collection["name"].as_str().unwrap();
        let fields = fields(collection);
        let value = |field: &Value| sample(field, name);
        let needed: Vec<(&str, Value)> =
            fields.iter().filter(|field| required(field)).map(|field| (name_of(field), value(field))).collect();
        let every: Vec<(&str, Value)> = fields.iter().map(|field| (name_of(field), value(field))).collect();
        write(format!("{folder}/{name}-needed.md"), page(&format!("{name} needed"), &needed), None);
        write(format!("{folder}/{name}-every.md"), page(&format!("{name} every"), &every), None);
        for (left_out, _) in needed.iter().filter(|(key, _)| *key != "title") {
            let rest: Vec<(&str, Value)> = needed.iter().filter(|(key, _)| key != left_out).cloned().collect();
            let file = format!("{folder}/{name}-without-{left_out}.md");
            write(file, page(&format!("{name} without {left_out}"), &rest), Some(left_out));
        }
        for list in fields.iter().filter(|field| field.get("fields").is_some()) {
            for (file, entry, error_in) in entries(list, name) {
                let with: Vec<(&str, Value)> = needed.iter().cloned().chain([(name_of(list), entry)]).collect();
                write(format!("{folder}/{file}.md"), page(&file, &with), error_in.as_deref());
            }
        }
        for list in fields.iter().filter(|field| field["widget"] == "select") {
            let key = list["name"].as_str().unwrap();
            let outside =
                if list["multiple"] == json!(true) { json!(["not-in-the-list"]) } else { json!("Not in the list") };
            let with: Vec<(&str, Value)> =
                needed.iter().filter(|(other, _)| *other != key).cloned().chain([(key, outside)]).collect();
            write(
                format!("{folder}/{name}-outside-{key}.md"),
                page(&format!("{name} outside {key}"), &with),
                Some(key),
            );
        }
    }
    let diagnostics = check(dir.path());
    for (file, error_in) in &expected {
        let errors: Vec<&Value> =
            diagnostics.iter().filter(|d| d["file"] == file.as_str() && d["severity"] == "error").collect();
        match error_in {
            None => assert!(errors.is_empty(), "{file}, made from the form, has errors: {errors:#?}"),
            Some(field) => assert!(
                errors.iter().any(|error| error["field"] == field.as_str()),
                "{file}: check does not need `{field}`, which the form requires or limits: {errors:#?}"
            ),
        }
        let unknown: Vec<&Value> =
            diagnostics.iter().filter(|d| d["file"] == file.as_str() && d["name"] == "unknown-key").collect();
        assert!(unknown.is_empty(), "{file}: check does not know the form's fields: {unknown:#?}");
    }
}

#[test]
fn each_form_has_every_key_check_knows_for_its_kind_and_the_hubs_vocabularies() {
    let config = config();
    let site: toml::Table =
        toml::from_str(&std::fs::read_to_string(fixture("basic").join("site.toml")).unwrap()).unwrap();
    let theme_slugs: Vec<&str> =
        site["themes"].as_array().unwrap().iter().map(|theme| theme["slug"].as_str().unwrap()).collect();
    let regions: Vec<&str> =
        site["regions"].as_array().unwrap().iter().map(|region| region.as_str().unwrap()).collect();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), dir.path());
    let folders: Vec<&Value> =
        config["collections"].as_array().unwrap().iter().filter(|c| c.get("folder").is_some()).collect();
    for collection in &folders {
        // A key no kind has: check's hint lists the keys this kind takes.
        let file =
            format!("{}/{}-stray.md", collection["folder"].as_str().unwrap(), collection["name"].as_str().unwrap());
        std::fs::write(dir.path().join(&file), "---\ntitle: \"Stray\"\nzzz_not_a_key: 1\n---\n").unwrap();
    }
    let diagnostics = check(dir.path());
    for collection in folders {
        let name = collection["name"].as_str().unwrap();
        let file = format!("{}/{name}-stray.md", collection["folder"].as_str().unwrap());
        let hint = diagnostics
            .iter()
            .find(|d| d["file"] == file.as_str() && d["field"] == "zzz_not_a_key")
            .and_then(|d| d["hint"].as_str())
            .unwrap_or_else(|| panic!("{file}: no unknown-key diagnostic"));
        let known: BTreeSet<&str> = hint.rsplit(": ").next().unwrap().split(", ").collect();
        let form: BTreeSet<&str> = collection["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .filter(|f| *f != "body")
            .collect();
        assert_eq!(form, known, "{name}: the form's fields are not the keys check knows");

        for field in collection["fields"].as_array().unwrap() {
            let values: Vec<&str> = field["options"]
                .as_array()
                .map_or(Vec::new(), |options| options.iter().map(|option| option["value"].as_str().unwrap()).collect());
            match field["name"].as_str().unwrap() {
                "themes" => assert_eq!(values, theme_slugs, "{name}: themes are not site.toml's"),
                "region" => assert_eq!(values, regions, "{name}: regions are not site.toml's"),
                "audience" => assert_eq!(values, ["board", "leaders", "managers", "teams", "all-staff"]),
                _ => {}
            }
        }
    }
}

#[test]
fn the_admin_page_pins_the_cms_and_a_hub_without_cms_has_none() {
    let built = build_edited("basic", &[("site.toml", site_toml("basic", "", CMS))], &[]);
    let admin = built.text("/admin/");
    assert!(admin.contains("https://unpkg.com/decap-cms@3.16.3/dist/decap-cms.js\" integrity=\"sha384-"), "{admin}");
    assert!(admin.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(admin.contains("<link href=\"config.yml\" type=\"text/yaml\" rel=\"cms-config-url\">"));
    assert!(!built.text("/sitemap.xml").contains("/admin/"), "the editor is in the sitemap");
    assert!(config()["local_backend"] == json!(true));

    let own = format!("{CMS}script = \"/admin/decap-cms.js\"\n");
    let built = build_edited("basic", &[("site.toml", site_toml("basic", "", &own))], &[]);
    let admin = built.text("/admin/");
    assert!(admin.contains("<script src=\"/admin/decap-cms.js\"></script>") && !admin.contains("unpkg"), "{admin}");

    let plain = build_edited("basic", &[("site.toml", site_toml("basic", "", ""))], &[]);
    assert!(!plain.public.join("admin").exists(), "a hub without [cms] has an editor");
}

#[test]
fn an_optional_date_the_editor_cleared_is_not_set_and_a_required_one_is_an_error() {
    let page = |dates: &str| {
        format!(
            "---\ntitle: \"Cleared\"\nsummary: \"A page saved by the editor.\"\nthemes: [\"belonging\"]\n\
             organisation: \"A trust\"\n{dates}---\n\nBody.\n"
        )
    };
    let file = "content/case-studies/cleared.md";
    let errors = |text: &str| -> Vec<String> {
        crate::common::check_edited("basic", &[(file, text)])
            .into_iter()
            .filter(|d| d["file"] == file && d["severity"] == "error")
            .map(|d| d["field"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(errors(&page("date: 2024-05-12\nupdated: \"\"\nreview_due:\n")), Vec::<String>::new());
    assert_eq!(errors(&page("date: \"\"\n")), ["date"]);
    assert_eq!(errors(&page("date: 2024-05-12\nupdated: \"soon\"\n")), ["updated"]);
}

/// The hints `belong new` writes beside each key of a page of `kind`
/// (`case-study`), by key.
fn template_hints(kind: &str) -> std::collections::BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), dir.path());
    let output = belong(&["new", kind, "Hint check", "--root", dir.path().to_str().unwrap()], dir.path());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let file = walkdir::WalkDir::new(dir.path().join("content"))
        .into_iter()
        .map(|entry| entry.unwrap().into_path())
        .find(|path| path.to_string_lossy().contains("hint-check"))
        .unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .filter_map(|line| {
            let (key, comment) = line.trim_start_matches("# ").split_once(':')?;
            let hint = comment.split_once("  # ")?.1;
            let hint = hint.strip_prefix("required: ").or_else(|| hint.strip_prefix("optional: ")).unwrap_or(hint);
            Some((key.to_string(), hint.to_string()))
        })
        .collect()
}

#[test]
fn each_form_is_laid_out_as_an_author_needs_it() {
    let config = config();
    let collections = config["collections"].as_array().unwrap();
    let folders: Vec<&str> = collections.iter().filter_map(|c| c["folder"].as_str()).collect();
    assert_eq!(folders, ["content/case-studies", "content/toolkits", "content/discussions", "content"]);
    let introductions = collections.iter().find(|c| c["name"] == "introductions").expect("no introductions");
    let files: Vec<&str> =
        introductions["files"].as_array().unwrap().iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        [
            "content/_index.md",
            "content/case-studies/_index.md",
            "content/toolkits/_index.md",
            "content/discussions/_index.md"
        ]
    );
    assert_eq!(introductions["label"], "Introductions");
    assert!(
        introductions["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|file| file["label"].as_str().is_some_and(|l| !l.is_empty()))
    );

    let bodies = collections
        .iter()
        .flat_map(|c| {
            c["fields"].as_array().into_iter().chain(
                c["files"].as_array().into_iter().flat_map(|files| files.iter().filter_map(|f| f["fields"].as_array())),
            )
        })
        .flatten()
        .filter(|field| field["name"] == "body");
    for body in bodies {
        assert_eq!(
            (&body["widget"], &body["modes"], &body["label"]),
            (&json!("markdown"), &json!(["raw"]), &json!("Body"))
        );
        assert!(body["hint"].as_str().is_some_and(|hint| hint.contains("Markdown")), "{body}");
    }

    for (kind, name) in
        [("case-study", "case-studies"), ("toolkit", "toolkits"), ("discussion", "discussions"), ("page", "pages")]
    {
        let hints = template_hints(kind);
        let collection = collections.iter().find(|c| c["name"] == name).unwrap();
        let fields = collection["fields"].as_array().unwrap();
        let shared = fields.iter().filter(|field| hints.contains_key(name_of(field))).count();
        assert!(shared >= 8, "{name}: the form and belong new's template share only {shared} keys: {hints:?}");
        for field in fields {
            let key = name_of(field);
            assert!(field["label"].as_str().is_some_and(|label| !label.is_empty()), "{name}.{key} has no label");
            // The template lists the vocabularies in its hint; the form shows them as choices.
            if let Some(hint) = hints.get(key).filter(|_| !["themes", "region"].contains(&key)) {
                assert_eq!(field["hint"].as_str(), Some(hint.as_str()), "{name}.{key}: not belong new's hint");
            }
            let expect = |what: &str, wanted: Value| assert_eq!(field[what], wanted, "{name}.{key}: {what}");
            match (field["widget"].as_str().unwrap(), key) {
                ("datetime", _) => {
                    expect("format", json!("YYYY-MM-DD"));
                    expect("date_format", json!("YYYY-MM-DD"));
                    expect("time_format", json!(false));
                    expect("picker_utc", json!(true));
                    expect("pattern", json!([r"^\d{4}-\d{2}-\d{2}$", "write the date as YYYY-MM-DD"]));
                }
                ("select", "themes") => {
                    expect("multiple", json!(true));
                    expect("min", if required(field) { json!(1) } else { Value::Null });
                }
                // Whole numbers: the field steps by 1, as `weight` is read.
                ("number", _) => expect("value_type", json!("int")),
                ("select", "audience") => expect("multiple", json!(true)),
                ("select", _) => expect("multiple", Value::Null),
                ("list", "questions") => {
                    expect("min", json!(1));
                    expect("field", json!({"name": "question", "label": "Question", "widget": "string"}));
                }
                ("list", "aliases") => {
                    expect("field", json!({"name": "path", "label": "Old address", "widget": "string"}))
                }
                ("list", _) => {
                    for part in field["fields"].as_array().unwrap() {
                        assert!(
                            part["label"].as_str().is_some_and(|l| !l.is_empty())
                                && part["hint"].as_str().is_some_and(|h| !h.is_empty()),
                            "{part}"
                        );
                        let number = part["widget"] == "number";
                        assert_eq!(part["value_type"], if number { json!("float") } else { Value::Null }, "{part}");
                    }
                }
                _ => {}
            }
        }
    }
}
