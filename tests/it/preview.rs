//! The preview serves what a clean build writes: a seeded run of 200 random
//! edits, additions, deletions, renames, templates, stylesheets, broken saves
//! and their fixes over a copy of the real hub, each applied to one
//! long-lived preview as the watcher would hand it over, then every served
//! file compared byte for byte with a clean `belong build` of the same files.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use belong::date::Date;
use belong::model::Changes;
use belong::serve::{Live, Lookup, Preview, index_search};

use crate::common::{copy_tree, repo};

/// A small, seeded random number source (xorshift), so a failure names the
/// step that broke and the run can be repeated.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, limit: usize) -> usize {
        (self.next() % limit as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn options(root: &Path, output: Option<PathBuf>) -> belong::Options {
    belong::Options {
        root: root.to_path_buf(),
        output,
        today: Some(Date::parse("2026-06-01").unwrap()),
        ..belong::Options::default()
    }
}

/// Markdown pages under `content/`, relative to the hub's root.
fn markdown_pages(root: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|extension| extension == "md"))
        .filter(|entry| entry.file_name() != "_index.md")
        .map(|entry| entry.path().strip_prefix(root).unwrap().to_path_buf())
        .collect();
    pages.sort();
    pages
}

/// A new case study, valid, linking to a page of the hub by its `.md` path.
fn new_case_study(number: usize, themes: &[&str]) -> String {
    let themes = themes.iter().map(|theme| format!("\"{theme}\"")).collect::<Vec<_>>().join(", ");
    format!(
        "---\ntitle: \"Added case study {number}\"\nsummary: \"A case study the preview test added.\"\n\
         themes: [{themes}]\norganisation: \"Test Trust {number}\"\nregion: \"London\"\ndate: 2024-0{}-1{}\n\
         audience: [\"managers\"]\n---\n\nAdded for the preview test; see [the LAS values](las-belonging.md).\n\n\
         ## What changed\n\nStaff turnover fell from {}% to 8%.\n",
        1 + number % 9,
        number % 10,
        10 + number % 7
    )
}

/// One random change to the hub's files; returns the paths it touched, as
/// the watcher would report them (both names of a rename).
fn change(root: &Path, random: &mut Random, step: usize, broken: &mut Option<(PathBuf, String)>) -> Vec<PathBuf> {
    // A broken save is always fixed by the next step, as an author would.
    if let Some((file, text)) = broken.take() {
        fs::write(root.join(&file), text).unwrap();
        return vec![file];
    }
    let pages = markdown_pages(root);
    let added: Vec<&PathBuf> = pages.iter().filter(|page| page.to_string_lossy().contains("added-")).collect();
    let themes = ["belonging", "co-production", "staff-networks", "wellbeing", "inclusive-leadership"];
    match random.below(100) {
        // Body edits, the most common save.
        0..=34 => {
            let page = random.pick(&pages).clone();
            let text = fs::read_to_string(root.join(&page)).unwrap();
            fs::write(root.join(&page), format!("{text}\nA line added at step {step}.\n")).unwrap();
            vec![page]
        }
        // Front matter: a title, so lists, feeds and related blocks change.
        35..=49 => {
            let page = random.pick(&pages).clone();
            let text = fs::read_to_string(root.join(&page)).unwrap();
            fs::write(root.join(&page), text.replacen("title: \"", &format!("title: \"Step {step}: "), 1)).unwrap();
            vec![page]
        }
        50..=61 => {
            let file = PathBuf::from(format!("content/case-studies/added-{step}.md"));
            let chosen = [*random.pick(&themes), *random.pick(&themes)];
            fs::write(root.join(&file), new_case_study(step, &chosen)).unwrap();
            vec![file]
        }
        62..=69 if !added.is_empty() => {
            let page = random.pick(&added).to_path_buf();
            fs::remove_file(root.join(&page)).unwrap();
            vec![page]
        }
        70..=77 if !added.is_empty() => {
            let page = random.pick(&added).to_path_buf();
            let renamed = page.with_file_name(format!("added-{step}-renamed.md"));
            fs::rename(root.join(&page), root.join(&renamed)).unwrap();
            vec![page, renamed]
        }
        // A page bundle, then the bundle's folder renamed.
        78..=82 => {
            let bundles: Vec<&PathBuf> = pages.iter().filter(|page| page.ends_with("index.md")).collect();
            if let Some(bundle) = bundles.first().filter(|_| random.below(2) == 0) {
                let dir = bundle.parent().unwrap().to_path_buf();
                let renamed = dir.with_file_name(format!("bundle-{step}"));
                fs::rename(root.join(&dir), root.join(&renamed)).unwrap();
                return vec![dir, renamed];
            }
            let dir = PathBuf::from(format!("content/toolkits/bundle-{step}"));
            fs::create_dir_all(root.join(&dir)).unwrap();
            let text = new_case_study(step, &["wellbeing"]).replace("](las-belonging.md)", "](chart.svg)");
            fs::write(root.join(dir.join("index.md")), text).unwrap();
            fs::write(root.join(dir.join("chart.svg")), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
            vec![dir]
        }
        // A section introduction: every page's menu shows its title.
        83..=86 => {
            let file = PathBuf::from("content/toolkits/_index.md");
            let text = fs::read_to_string(root.join(&file)).unwrap();
            fs::write(root.join(&file), text.replacen("title: ", &format!("title: Step {step} "), 1)).unwrap();
            vec![file]
        }
        // A stylesheet of the hub's own, replacing the theme's.
        87..=90 => {
            let file = PathBuf::from("static/style.css");
            fs::create_dir_all(root.join("static")).unwrap();
            fs::write(root.join(&file), format!("body {{ margin: {step}px; }}\n")).unwrap();
            vec![file]
        }
        91..=92 => {
            let file = PathBuf::from("site.toml");
            let text = fs::read_to_string(root.join(&file)).unwrap();
            fs::write(root.join(&file), text.replacen("title = \"", &format!("title = \"{step} "), 1)).unwrap();
            vec![file]
        }
        // A template of the hub's own, replacing one of the theme's.
        93..=95 => {
            let file = PathBuf::from("themes/hub/templates/partials/page-footer.html");
            let theme = fs::read_to_string(repo().join(&file)).unwrap();
            fs::create_dir_all(root.join(file.parent().unwrap())).unwrap();
            fs::write(root.join(&file), theme.replace("Further reading", &format!("Reading for step {step}"))).unwrap();
            vec![file]
        }
        // A theme taken out of site.toml while pages still use it: every
        // page must be read again against the new vocabulary.
        96..=97 => {
            let file = PathBuf::from("site.toml");
            let text = fs::read_to_string(root.join(&file)).unwrap();
            fs::write(root.join(&file), text.replacen("slug = \"belonging\"", "slug = \"belonging-gone\"", 1)).unwrap();
            *broken = Some((file.clone(), text));
            vec![file]
        }
        // A broken save: front matter that does not parse.
        _ => {
            let page = random.pick(&pages).clone();
            let text = fs::read_to_string(root.join(&page)).unwrap();
            fs::write(root.join(&page), text.replacen("title: \"", "title: [\"", 1)).unwrap();
            *broken = Some((page.clone(), text));
            vec![page]
        }
    }
}

#[test]
fn the_preview_serves_what_a_clean_build_writes_after_200_random_changes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("hub");
    fs::create_dir_all(&root).unwrap();
    copy_tree(&repo().join("content"), &root.join("content"));
    fs::copy(repo().join("site.toml"), root.join("site.toml")).unwrap();
    let public = dir.path().join("public");

    let live = Live::default();
    let mut preview = Preview::new(options(&root, None).hub());
    let first = preview.update(&live, &Changes::default(), &BTreeSet::new());
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    index_search(&live);

    let mut random = Random(0x5eed_b310);
    let mut broken = None;
    let (mut failures, mut body_edits) = (0, 0);
    // Every file is open in a browser: each update renders them all again
    // and compares them with what it served.
    let mut open = BTreeSet::new();
    for step in 0..200 {
        let touched = change(&root, &mut random, step, &mut broken);
        let changes = Changes { paths: touched.iter().cloned().collect() };
        let update = preview.update(&live, &changes, &open);
        index_search(&live);
        let clean = belong::build(&options(&root, Some(public.clone())), &belong::Quiet).unwrap();
        assert_eq!(
            update.problems.is_empty(),
            !clean.failed(),
            "step {step} ({touched:?}): the preview and a clean build disagree on whether it builds: {:?} / {:?}",
            update.problems,
            clean.diagnostics.iter().filter(|d| d.is_error()).collect::<Vec<_>>()
        );
        if clean.failed() {
            failures += 1;
            continue;
        }
        if update.bodies == 1 {
            body_edits += 1;
        }
        for file in crate::common::built_files(&public) {
            let expected = fs::read(public.join(&file)).unwrap();
            match live.file(&file).0 {
                Lookup::Found(bytes) => assert!(
                    *bytes == *expected,
                    "step {step} ({touched:?}): {file} differs from a clean build's:\n{}",
                    String::from_utf8_lossy(&bytes)
                ),
                _ => panic!("step {step} ({touched:?}): the preview has no {file}"),
            }
        }
        let served = live.read();
        let routes: BTreeSet<String> =
            served.model.as_ref().unwrap().site().routes.iter().map(|(file, _)| file.to_string()).collect();
        assert_eq!(routes, crate::common::built_files(&public), "step {step}: the preview's files are not the build's");
        open = routes;
    }
    // The run went through every path: failures and their fixes, and edits
    // that took the body-only path.
    assert!(failures >= 5, "only {failures} broken saves");
    assert!(body_edits >= 20, "only {body_edits} body-only edits");
}

/// The `<img>` tags of the page `file` as the preview serves it.
/// A copy of the basic fixture, to change freely.
fn basic_hub() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("hub");
    copy_tree(&crate::common::fixture("basic"), &root);
    (dir, root)
}

/// Adds a line to the end of a file of the hub.
fn append(root: &Path, file: &Path, line: &str) {
    let text = fs::read_to_string(root.join(file)).unwrap();
    fs::write(root.join(file), format!("{text}\n{line}\n")).unwrap();
}

fn pictures_on(live: &Live, file: &str) -> Vec<String> {
    let Lookup::Found(bytes) = live.file(file).0 else { panic!("the preview has no {file}") };
    let html = String::from_utf8_lossy(&bytes).into_owned();
    html.split("<img").skip(1).map(|tag| tag.split('>').next().unwrap_or_default().to_string()).collect()
}

#[test]
fn a_picture_replaced_by_one_of_another_size_re_renders_the_body_that_shows_it() {
    // A body is made from its Markdown and from the size of each picture it
    // shows. Here only the picture changes: the Markdown is the same bytes.
    let (_dir, root) = basic_hub();
    let live = Live::default();
    let mut preview = Preview::new(options(&root, None).hub());
    let page = "case-studies/bundle/index.html";
    let first = preview.update(&live, &Changes::default(), &BTreeSet::new());
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    let body_picture = |live: &Live| {
        let pictures = pictures_on(live, page);
        pictures.into_iter().find(|tag| tag.contains("alt=\"A chart of network membership\"")).unwrap()
    };
    assert!(body_picture(&live).contains("width=\"240\" height=\"160\""), "{}", body_picture(&live));

    let photo = PathBuf::from("content/case-studies/bundle/photo.png");
    image::RgbImage::new(320, 480).save(root.join(&photo)).unwrap();
    let open = BTreeSet::from([page.to_string()]);
    let update = preview.update(&live, &Changes { paths: BTreeSet::from([photo.clone()]) }, &open);
    assert!(update.problems.is_empty(), "{:?}", update.problems);
    assert!(update.bodies >= 1, "{update:?}");
    assert!(update.changed.contains(page), "the open page must reload: {update:?}");
    assert!(body_picture(&live).contains("width=\"320\" height=\"480\""), "{}", body_picture(&live));

    // The same size again, in other pixels: the body is kept.
    image::RgbImage::from_pixel(320, 480, image::Rgb([0, 94, 184])).save(root.join(&photo)).unwrap();
    let update = preview.update(&live, &Changes { paths: BTreeSet::from([photo]) }, &open);
    assert_eq!(update.bodies, 0, "{update:?}");
    assert!(!update.changed.contains(page), "{update:?}");
}

#[test]
fn a_body_edit_keeps_the_problems_of_the_site_it_keeps() {
    // Two pages with one URL: an error of the site, not of either file. A
    // body edit elsewhere keeps the site's lists and routes, and so its
    // problems: the preview must not take the hub for fixed.
    let (dir, root) = basic_hub();
    let kent = fs::read_to_string(root.join("content/case-studies/kent.md")).unwrap();
    fs::write(root.join("content/case-studies/kent-again.md"), kent.replacen("---\n", "---\nslug: \"kent\"\n", 1))
        .unwrap();
    let live = Live::default();
    let mut preview = Preview::new(options(&root, None).hub());
    let first = preview.update(&live, &Changes::default(), &BTreeSet::new());
    assert!(first.problems.iter().any(|problem| problem.code == belong::diagnostics::Code::DuplicateUrl), "{first:?}");
    let eeast = PathBuf::from("content/case-studies/eeast.md");
    append(&root, &eeast, "A line added.");
    let update = preview.update(&live, &Changes { paths: BTreeSet::from([eeast]) }, &BTreeSet::new());
    assert!(
        update.problems.iter().any(|problem| problem.code == belong::diagnostics::Code::DuplicateUrl),
        "{update:?}"
    );
    let clean = belong::build(&options(&root, Some(dir.path().join("public"))), &belong::Quiet).unwrap();
    assert!(clean.failed());
}

#[test]
fn a_static_file_added_with_a_body_edit_is_published_too() {
    // The body edit alone would keep the site's routes; the new file in
    // static/ must still become one.
    let (_dir, root) = basic_hub();
    let live = Live::default();
    let mut preview = Preview::new(options(&root, None).hub());
    preview.update(&live, &Changes::default(), &BTreeSet::new());
    let eeast = PathBuf::from("content/case-studies/eeast.md");
    append(&root, &eeast, "A line added.");
    fs::create_dir_all(root.join("static")).unwrap();
    fs::write(root.join("static/logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let changes = Changes { paths: BTreeSet::from([eeast, PathBuf::from("static/logo.svg")]) };
    let update = preview.update(&live, &changes, &BTreeSet::new());
    assert!(update.problems.is_empty(), "{update:?}");
    assert!(matches!(live.file("logo.svg").0, Lookup::Found(_)), "the new static file is not served");
    assert!(
        matches!(live.file("case-studies/eeast/index.html").0, Lookup::Found(bytes) if String::from_utf8_lossy(&bytes).contains("A line added."))
    );
}

#[test]
fn a_model_made_for_a_build_is_brought_up_to_date_by_reading_the_hub_again() {
    use belong::model::{Keep, Model};
    let (_dir, root) = basic_hub();
    let hub = options(&root, None).hub();
    let built = Model::make(&hub, Keep::Nothing, &belong::Quiet).unwrap();
    assert_eq!(built.generation(), 1);
    let eeast = PathBuf::from("content/case-studies/eeast.md");
    let text = fs::read_to_string(root.join(&eeast)).unwrap();
    fs::write(root.join(&eeast), text.replacen("title: \"", "title: \"Read again: ", 1)).unwrap();
    let next = built.apply(&Changes { paths: BTreeSet::from([eeast]) }).unwrap();
    assert_eq!(next.generation(), 2);
    let key = belong::content::PageKey::new(Path::new("case-studies/eeast.md"));
    assert!(next.site().page(&key).meta.title.starts_with("Read again: "));
    // A model that keeps its files counts on in the same way.
    let kept = Model::make(&hub, Keep::Sources, &belong::Quiet).unwrap();
    assert_eq!(kept.apply(&Changes::default()).unwrap().generation(), 2);
}

#[test]
fn a_page_changed_without_an_event_is_read_again_when_the_folder_is_listed() {
    // Watchers miss events (a queue overflows, a network drive): when a batch
    // makes the preview list content/ again, every file whose size or time
    // changed is read again, named or not.
    let (_dir, root) = basic_hub();
    let live = Live::default();
    let mut preview = Preview::new(options(&root, None).hub());
    preview.update(&live, &Changes::default(), &BTreeSet::new());
    append(&root, Path::new("content/case-studies/kent.md"), "Changed without an event.");
    let text = fs::read_to_string(root.join("content/case-studies/kent.md")).unwrap();
    let added = PathBuf::from("content/case-studies/added.md");
    fs::write(root.join(&added), text.replacen("title: \"", "title: \"Added: ", 1)).unwrap();
    let update = preview.update(&live, &Changes { paths: BTreeSet::from([added]) }, &BTreeSet::new());
    assert!(update.problems.is_empty(), "{update:?}");
    let Lookup::Found(page) = live.file("case-studies/kent/index.html").0 else { panic!("no page") };
    assert!(String::from_utf8_lossy(&page).contains("Changed without an event."));
    assert!(matches!(live.file("case-studies/added/index.html").0, Lookup::Found(_)));
}

#[test]
fn the_preview_serves_the_pictures_a_build_makes_made_when_first_asked_for() {
    let (dir, root) = basic_hub();
    let photo = image::RgbImage::from_fn(1000, 600, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, 120]));
    photo.save(root.join("content/case-studies/bundle/wide.png")).unwrap();
    append(&root, Path::new("content/case-studies/bundle/index.md"), "![A wide chart](wide.png)");
    let live = Live::default();
    let mut preview = Preview::new(options(&root, None).hub());
    let update = preview.update(&live, &Changes::default(), &BTreeSet::new());
    assert!(update.problems.is_empty(), "{update:?}");
    let cache = root.join(belong::pictures::cache::DIR).join("pictures");
    assert!(!cache.exists(), "a picture was made before anyone asked for it");
    let widths = ["wide-400w.png", "wide-800w.png", "wide.png"];
    let served: Vec<Vec<u8>> = widths
        .iter()
        .map(|name| match live.file(&format!("case-studies/bundle/{name}")).0 {
            Lookup::Found(bytes) => bytes.to_vec(),
            _ => panic!("the preview has no {name}"),
        })
        .collect();
    assert!(cache.is_dir());
    let page = match live.file("case-studies/bundle/index.html").0 {
        Lookup::Found(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => panic!("no page"),
    };
    assert!(page.contains("/case-studies/bundle/wide-400w.png 400w"), "{page}");
    let public = dir.path().join("public");
    let built = belong::build(&options(&root, Some(public.clone())), &belong::Quiet).unwrap();
    assert!(!built.failed(), "{:?}", built.diagnostics);
    assert_eq!(built.pictures, belong::PictureWork { made: 1, kept: 1 }, "the build reuses what the preview made");
    for (name, bytes) in widths.iter().zip(served) {
        assert!(fs::read(public.join("case-studies/bundle").join(name)).unwrap() == bytes, "{name} differs");
    }
}
