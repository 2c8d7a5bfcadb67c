//! Pictures as a phone gets them: a phone photo with its location, camera
//! serial and portrait orientation in its EXIF, built into a case study.
//! What is published is read back with exiftool and decoded; HEIC comes
//! from libheif's own encoder (`heif-enc`). Both are Debian packages that
//! `scripts/test-all` installs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Built, belong, build_edited, copy_tree, fixture};

/// A photo-like picture: smooth light and shade, with a red top-left
/// quarter to tell which way up it is.
fn photo(width: u32, height: u32) -> image::RgbImage {
    let shade = image::RgbImage::from_fn(64, 48, |x, y| {
        let value = ((x * 37 + y * 91) % 97) as u8;
        image::Rgb([60 + value, 90 + value / 2, 150 - value / 2])
    });
    let mut photo = image::imageops::resize(&shade, width, height, image::imageops::FilterType::Triangle);
    for y in 0..height / 2 {
        for x in 0..width / 2 {
            photo.put_pixel(x, y, image::Rgb([220, 30, 30]));
        }
    }
    photo
}

fn jpeg_bytes(image: &image::RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 92).encode_image(image).unwrap();
    bytes
}

/// Runs a Debian tool the picture tests need, saying how to get it.
fn tool(name: &str, package: &str, args: &[&str]) -> std::process::Output {
    let output = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{name} ({error}): install it with `apt-get install {package}`"));
    assert!(output.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// Every tag exiftool reads in `file`, by group and name.
fn tags(file: &Path) -> BTreeMap<String, serde_json::Value> {
    let output = tool("exiftool", "libimage-exiftool-perl", &["-json", "-a", "-G1", "-n", file.to_str().unwrap()]);
    let mut read: Vec<BTreeMap<String, serde_json::Value>> = serde_json::from_slice(&output.stdout).unwrap();
    read.remove(0)
}

const STORY: &str = "---\ntitle: \"A photo story\"\nsummary: \"Staff at the network's first meeting.\"\n\
themes: [\"belonging\"]\norganisation: \"East of England Ambulance Service NHS Trust\"\n\
region: \"East of England\"\ndate: 2024-02-01\nimage: \"photo.jpg\"\nimage_alt: \"Staff at the first meeting\"\n---\n\n\
The meeting.\n\n![The room before the meeting](photo.jpg)\n";

/// A phone photo, stored 4000 x 3000 and taken in portrait (EXIF
/// orientation 6), with a GPS position and the camera's serial number.
fn phone_photo(dir: &Path) -> PathBuf {
    let file = dir.join("phone.jpg");
    std::fs::write(&file, jpeg_bytes(&photo(4000, 3000))).unwrap();
    tool(
        "exiftool",
        "libimage-exiftool-perl",
        &[
            "-overwrite_original",
            "-Orientation#=6",
            "-GPSLatitude=52.2053",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=0.1218",
            "-GPSLongitudeRef=E",
            "-SerialNumber=CAM-0042-XYZ",
            "-Make=PhoneMaker",
            file.to_str().unwrap(),
        ],
    );
    let before = tags(&file);
    assert!(before.contains_key("GPS:GPSLatitude") && before.contains_key("ExifIFD:SerialNumber"), "{before:?}");
    file
}

fn built_story(photo: &Path) -> Built {
    let bytes = std::fs::read(photo).unwrap();
    let files: [(&str, &[u8]); 2] = [
        ("content/case-studies/photo-story/index.md", STORY.as_bytes()),
        ("content/case-studies/photo-story/photo.jpg", &bytes),
    ];
    build_edited("basic", &files, &[])
}

/// The attributes of each element `selector` finds.
fn elements(page: &scraper::Html, selector: &str) -> Vec<BTreeMap<String, String>> {
    let selector = scraper::Selector::parse(selector).unwrap();
    page.select(&selector)
        .map(|element| element.value().attrs().map(|(name, value)| (name.to_string(), value.to_string())).collect())
        .collect()
}

/// Every file of a built site, by path.
fn files(public: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(public)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| (entry.path().strip_prefix(public).unwrap().to_path_buf(), std::fs::read(entry.path()).unwrap()))
        .collect()
}

#[test]
fn a_phone_photo_goes_out_upright_at_four_widths_without_its_location_or_serial() {
    let dir = tempfile::tempdir().unwrap();
    let original = phone_photo(dir.path());
    let built = built_story(&original);
    let folder = built.public.join("case-studies/photo-story");
    let original_bytes = std::fs::read(&original).unwrap();
    let mut published = Vec::new();
    for (name, width, height) in [
        ("photo-400w.jpg", 400, 533),
        ("photo-800w.jpg", 800, 1067),
        ("photo-1200w.jpg", 1200, 1600),
        ("photo.jpg", 1600, 2133),
    ] {
        let file = folder.join(name);
        let bytes = std::fs::read(&file).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_ne!(bytes, original_bytes);
        let shown = image::load_from_memory(&bytes).unwrap().into_rgb8();
        assert_eq!((shown.width(), shown.height()), (width, height), "{name}");
        // Turned a quarter clockwise: the stored top-left quarter is now top right.
        let (top_left, top_right) =
            (shown.get_pixel(width / 8, height / 8), shown.get_pixel(width * 7 / 8, height / 8));
        assert!(top_right[0] > 180 && top_right[1] < 80, "{name}: top right {top_right:?}");
        assert!(top_left[0] < 180, "{name}: top left {top_left:?}");
        let read = tags(&file);
        let leaks: Vec<&String> = read
            .keys()
            .filter(|tag| {
                tag.starts_with("GPS:")
                    || tag.starts_with("IFD0:")
                    || tag.starts_with("ExifIFD:")
                    || tag.contains("Serial")
                    || tag.contains("Orientation")
            })
            .collect();
        assert!(leaks.is_empty(), "{name} carries {leaks:?}");
        published.push(bytes.len());
    }
    // The 4000 px original is published nowhere, under any name.
    for (path, bytes) in files(&built.public) {
        assert_ne!(bytes, original_bytes, "{} is the original", path.display());
    }
    assert!(published[1] < 300_000, "the width a phone takes is {} bytes", published[1]);
}

#[test]
fn every_img_has_its_size_and_widths_and_a_second_build_makes_no_picture_and_writes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("photo.jpg");
    std::fs::write(&original, jpeg_bytes(&photo(2000, 1500))).unwrap();
    let built = built_story(&original);
    // The fixture's own bundle picture, and this one.
    assert!(built.stderr().contains("pictures: 2 made, 0 from the cache"), "{}", built.stderr());
    let page = built.page("/case-studies/photo-story/");
    let srcset = "/case-studies/photo-story/photo-400w.jpg 400w, /case-studies/photo-story/photo-800w.jpg 800w, \
                  /case-studies/photo-story/photo-1200w.jpg 1200w, /case-studies/photo-story/photo.jpg 1600w";
    let images = elements(&page, "img");
    let ours: Vec<&BTreeMap<String, String>> =
        images.iter().filter(|img| img["src"] == "/case-studies/photo-story/photo.jpg").collect();
    assert_eq!(ours.len(), 2, "{images:?}");
    for img in &ours {
        assert_eq!((img["width"].as_str(), img["height"].as_str()), ("1600", "1200"), "{img:?}");
        assert_eq!(img["srcset"], srcset);
        assert!(img.contains_key("sizes") && img["decoding"] == "async", "{img:?}");
    }
    let header = ours.iter().find(|img| img.get("class").is_some_and(|class| class == "page-image__img")).unwrap();
    assert!(!header.contains_key("loading"), "the picture at the top loads at once: {header:?}");
    let body = ours.iter().find(|img| img["alt"] == "The room before the meeting").unwrap();
    assert_eq!(body["loading"], "lazy");
    let list = built.page("/case-studies/");
    let cards = elements(&list, ".card__image");
    let card = cards.iter().find(|img| img["src"] == "/case-studies/photo-story/photo.jpg").unwrap();
    assert_eq!((card["width"].as_str(), card["height"].as_str(), card["srcset"].as_str()), ("1600", "1200", srcset));
    assert!(card.contains_key("sizes") && card["loading"] == "lazy", "{card:?}");

    let first = files(&built.public);
    let again = belong(&["build", "--root", built.root.to_str().unwrap()], &built.root);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{stderr}");
    assert!(stderr.contains("pictures: 0 made, 2 from the cache"), "{stderr}");
    assert!(first == files(&built.public), "a second build wrote other bytes");
    // Another output folder reuses the same made pictures.
    let elsewhere = dir.path().join("elsewhere");
    let other = belong(
        &["build", "--root", built.root.to_str().unwrap(), "--output", elsewhere.to_str().unwrap()],
        &built.root,
    );
    assert!(String::from_utf8_lossy(&other.stderr).contains("pictures: 0 made, 2 from the cache"));
    assert!(first == files(&elsewhere));
    // A photo replaced: only it is made again, and the old one's files go.
    let replaced = built.root.join("content/case-studies/photo-story/photo.jpg");
    std::fs::write(&replaced, jpeg_bytes(&photo(1800, 1200))).unwrap();
    let third = belong(&["build", "--root", built.root.to_str().unwrap()], &built.root);
    assert!(String::from_utf8_lossy(&third.stderr).contains("pictures: 1 made, 1 from the cache"));
    let cached = std::fs::read_dir(built.root.join(".belong-cache/pictures")).unwrap().count();
    assert_eq!(cached, 2, "the replaced photo's made files are still kept");
}

/// The `content` of `<meta property="…">` (or `name`) tags on a page.
fn meta(page: &scraper::Html, property: &str) -> Option<String> {
    let selector =
        scraper::Selector::parse(&format!("meta[property=\"{property}\"], meta[name=\"{property}\"]")).unwrap();
    page.select(&selector).next().and_then(|tag| tag.value().attr("content")).map(str::to_string)
}

#[test]
fn a_shared_link_shows_the_page_its_picture_or_the_site_picture_at_full_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("photo.jpg");
    std::fs::write(&original, jpeg_bytes(&photo(3000, 2000))).unwrap();
    let banner = jpeg_bytes(&photo(1400, 700));
    let story = std::fs::read(&original).unwrap();
    let site = std::fs::read_to_string(fixture("basic/site.toml")).unwrap().replacen(
        "paginate = 2",
        "paginate = 2\nshare_image = \"images/hub.jpg\"",
        1,
    );
    let files: [(&str, &[u8]); 4] = [
        ("content/case-studies/photo-story/index.md", STORY.as_bytes()),
        ("content/case-studies/photo-story/photo.jpg", &story),
        ("content/images/hub.jpg", &banner),
        ("site.toml", site.as_bytes()),
    ];
    let built = build_edited("basic", &files, &[]);
    let page = built.page("/case-studies/photo-story/");
    assert_eq!(meta(&page, "og:title").as_deref(), Some("A photo story"));
    assert_eq!(meta(&page, "og:description").as_deref(), Some("Staff at the network's first meeting."));
    assert_eq!(meta(&page, "og:url").as_deref(), Some("https://example.org/case-studies/photo-story/"));
    assert_eq!(meta(&page, "og:type").as_deref(), Some("article"));
    assert_eq!(meta(&page, "twitter:card").as_deref(), Some("summary_large_image"));
    assert_eq!(meta(&page, "og:image:alt").as_deref(), Some("Staff at the first meeting"));
    let shared_image = |page: &scraper::Html| {
        let url = meta(page, "og:image").expect("og:image");
        let path = url.strip_prefix("https://example.org/").unwrap_or_else(|| panic!("not absolute: {url}"));
        let shown = image::open(built.public.join(path)).unwrap_or_else(|error| panic!("{url}: {error}"));
        let width: u32 = meta(page, "og:image:width").unwrap().parse().unwrap();
        let height: u32 = meta(page, "og:image:height").unwrap().parse().unwrap();
        assert_eq!((shown.width(), shown.height()), (width, height), "{url}");
        (path.to_string(), width)
    };
    assert_eq!(shared_image(&page), ("case-studies/photo-story/photo.jpg".to_string(), 1600));
    // A page without a picture, and the hub's own pages, show the hub's.
    for url in ["/case-studies/kent/", "/", "/themes/"] {
        let page = built.page(url);
        assert_eq!(shared_image(&page), ("images/hub.jpg".to_string(), 1400), "{url}");
        assert!(meta(&page, "og:image:alt").is_none(), "{url}");
        assert!(meta(&page, "og:url").unwrap().starts_with("https://example.org/"), "{url}");
    }
    assert_eq!(meta(&built.page("/themes/"), "og:type").as_deref(), Some("website"));

    let wrong = site.replace("images/hub.jpg", "images/missing.jpg");
    let failed = crate::common::check_edited("basic", &[("site.toml", wrong.as_str())]);
    let problem = failed.iter().find(|problem| problem["field"] == "share_image").expect("a share_image error");
    assert_eq!(problem["code"], "E017");
    assert_eq!(problem["line"], 5);
}

/// Builds the basic fixture with `bytes` as a case study's picture named
/// `name`, with `--timings`: the exit code and what it printed.
fn build_with_picture(name: &str, bytes: &[u8]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("hub");
    copy_tree(&fixture("basic"), &root);
    let story = STORY.replace("photo.jpg", name);
    let folder = root.join("content/case-studies/photo-story");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("index.md"), story).unwrap();
    std::fs::write(folder.join(name), bytes).unwrap();
    let checked = belong(&["check", "--root", root.to_str().unwrap()], dir.path());
    assert!(!root.join(belong::pictures::cache::DIR).exists(), "check wrote the picture cache");
    let built = belong(&["build", "--root", root.to_str().unwrap(), "--timings"], dir.path());
    assert!(!root.join("public").exists(), "{name}: something was written");
    let checked = String::from_utf8_lossy(&checked.stderr).into_owned();
    let stderr = String::from_utf8_lossy(&built.stderr).into_owned();
    let first_error = |report: &str| report.lines().find(|line| line.starts_with("error")).map(str::to_string);
    assert_eq!(first_error(&checked), first_error(&stderr), "check and build differ on {name}");
    (built.status.code(), stderr)
}

/// The peak memory `build --timings` printed, in MiB.
fn peak_mebibytes(stderr: &str) -> f64 {
    let line = stderr.lines().find(|line| line.starts_with("peak memory: ")).unwrap_or_else(|| panic!("{stderr}"));
    line.trim_start_matches("peak memory: ").trim_end_matches(" MiB").parse().unwrap()
}

#[test]
fn a_heic_photo_a_jpeg_cut_short_and_a_decompression_bomb_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = dir.path().join("photo.jpg");
    std::fs::write(&jpeg, jpeg_bytes(&photo(1200, 900))).unwrap();
    let heic = dir.path().join("IMG_0042.heic");
    tool("heif-enc", "libheif-examples", &["-q", "50", jpeg.to_str().unwrap(), "-o", heic.to_str().unwrap()]);
    let whole = std::fs::read(&jpeg).unwrap();
    let bomb = bomb_png(40_000, 40_000);
    assert!(bomb.len() < 10_000_000, "the bomb is {} bytes", bomb.len());
    for (name, bytes, code, says) in [
        (
            "IMG_0042.heic",
            std::fs::read(&heic).unwrap(),
            "E024 picture-format",
            "HEIC picture, which browsers do not show",
        ),
        ("cut.jpg", whole[..whole.len() / 2].to_vec(), "E025 broken-picture", "does not read"),
        ("bomb.png", bomb, "E026 picture-too-large", "40000 x 40000 pixels"),
    ] {
        let (code_seen, stderr) = build_with_picture(name, &bytes);
        assert_eq!(code_seen, Some(1), "{name}: {stderr}");
        assert!(stderr.contains(code) && stderr.contains(says), "{name}: {stderr}");
        assert!(stderr.contains(&format!("content/case-studies/photo-story/{name}")), "{name}: {stderr}");
        assert!(stderr.contains("help: "), "{name} has no fix: {stderr}");
        assert!(peak_mebibytes(&stderr) < 1024.0, "{name}: {stderr}");
    }
}

/// A real PNG of `width` x `height` black pixels: a few megabytes that
/// would take gigabytes decoded.
fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    use std::io::Write as _;
    let mut idat = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let row = vec![0u8; width as usize + 1];
    for _ in 0..height {
        idat.write_all(&row).unwrap();
    }
    let idat = idat.finish().unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]);
    for (kind, data) in [(&b"IHDR"[..], header), (b"IDAT", idat), (b"IEND", Vec::new())] {
        png.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&data);
        png.extend_from_slice(&chunk);
        let mut crc = flate2::Crc::new();
        crc.update(&chunk);
        png.extend_from_slice(&crc.sum().to_be_bytes());
    }
    png
}
