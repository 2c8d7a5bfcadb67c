//! Tests of reading, sizing, making and caching pictures, on real JPEG and
//! PNG files made here.

use std::io::Cursor;
use std::path::Path;

use super::*;
use crate::diagnostics::{Code, Diagnostic};

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbaImage::from_fn(width, height, |x, _| image::Rgba([(x % 256) as u8, 94, 184, 128]))
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

/// A JPEG whose stored top-left quarter is red and the rest blue, with an
/// EXIF orientation when `orientation` is given.
fn jpeg(width: u32, height: u32, orientation: Option<u16>) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        if x < width / 2 && y < height / 2 { image::Rgb([220, 20, 20]) } else { image::Rgb([20, 20, 220]) }
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90).encode_image(&image).unwrap();
    let Some(orientation) = orientation else { return bytes };
    // Exif, little-endian TIFF, IFD0 with one entry: Orientation (SHORT).
    let mut exif = b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
    exif.extend_from_slice(&orientation.to_le_bytes());
    exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let length = u16::try_from(exif.len() + 2).unwrap().to_be_bytes();
    let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1, length[0], length[1]];
    with_exif.extend_from_slice(&exif);
    with_exif.extend_from_slice(&bytes[2..]);
    with_exif
}

fn inspect_bytes(name: &str, bytes: &[u8]) -> (tempfile::TempDir, Inspected) {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join(name);
    std::fs::write(&source, bytes).unwrap();
    let inspected = inspect(&source, &Path::new("content").join(name), name);
    (dir, inspected)
}

fn picture(width: u32, height: u32, format: Format) -> Picture {
    Picture {
        source: "photo.jpg".into(),
        file: "content/photo.jpg".into(),
        path: "case-studies/eeast/photo.jpg".to_string(),
        format,
        size: Size { width, height },
        orientation: 1,
        hash: 7,
    }
}

fn widths(picture: &Picture) -> Vec<(u32, u32)> {
    picture.variants().iter().map(|variant| (variant.size.width, variant.size.height)).collect()
}

#[test]
fn a_picture_is_measured_from_its_header_and_other_files_are_not() {
    let (_dir, inspected) = inspect_bytes("chart.png", &png(40, 30));
    let picture = inspected.picture.unwrap();
    assert_eq!((picture.format, picture.size), (Format::Png, Size { width: 40, height: 30 }));
    assert!(inspected.problems.is_empty());
    let (_dir, inspected) = inspect_bytes("photo.JPG", &jpeg(16, 48, None));
    assert_eq!(inspected.picture.unwrap().size, Size { width: 16, height: 48 });
    for name in ["logo.svg", "report.pdf", "captions.vtt"] {
        let (_dir, inspected) = inspect_bytes(name, b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        assert!(inspected.picture.is_none() && inspected.problems.is_empty(), "{name}");
    }
}

#[test]
fn a_photo_taken_in_portrait_is_measured_upright() {
    for (orientation, shown) in [(6, (30, 40)), (8, (30, 40)), (3, (40, 30)), (1, (40, 30))] {
        let (_dir, inspected) = inspect_bytes("photo.jpg", &jpeg(40, 30, Some(orientation)));
        let picture = inspected.picture.unwrap();
        assert_eq!((picture.size.width, picture.size.height), shown, "orientation {orientation}");
        assert_eq!(picture.orientation, orientation as u8);
    }
}

#[test]
fn formats_browsers_do_not_show_and_files_that_do_not_read_are_refused() {
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\0";
    let (_dir, inspected) = inspect_bytes("IMG_0042.HEIC", heic);
    let problem = &inspected.problems[0];
    assert_eq!(problem.code, Code::PictureFormat);
    assert!(problem.message.contains("HEIC"), "{problem:?}");
    assert!(problem.hint.as_deref().unwrap().contains("JPEG"), "{problem:?}");
    assert!(inspected.picture.is_none());
    // A HEIC photo renamed to .jpg is still a HEIC photo.
    let (_dir, inspected) = inspect_bytes("renamed.jpg", heic);
    assert_eq!(inspected.problems[0].code, Code::PictureFormat);
    let (_dir, inspected) = inspect_bytes("scan.tiff", b"II*\0\x08\0\0\0");
    assert!(inspected.problems[0].message.contains("TIFF"));
    // AVIF shares HEIC's container; browsers show it, so it is copied as it is.
    let (_dir, inspected) = inspect_bytes("photo.heif", b"\0\0\0\x1cftypmif1\0\0\0\0mif1avifmiaf");
    assert_ne!(inspected.problems.first().map(|problem| problem.code), Some(Code::PictureFormat));
    let (_dir, inspected) = inspect_bytes("photo.jpg", b"<html>not a picture</html>");
    assert_eq!(inspected.problems[0].code, Code::BrokenPicture);
    assert!(inspected.problems[0].is_error());
}

#[test]
fn a_picture_with_more_pixels_than_belong_opens_is_refused_from_its_header() {
    // A PNG header claiming 40,000 x 40,000 pixels, with no pixels at all:
    // refused before anything is decoded.
    let mut header = png(1, 1);
    header[16..20].copy_from_slice(&40_000u32.to_be_bytes());
    header[20..24].copy_from_slice(&40_000u32.to_be_bytes());
    let crc = crc32(&header[12..29]);
    header[29..33].copy_from_slice(&crc.to_be_bytes());
    let (_dir, inspected) = inspect_bytes("bomb.png", &header);
    let problem = &inspected.problems[0];
    assert_eq!(problem.code, Code::PictureTooLarge, "{problem:?}");
    assert!(problem.message.contains("40000 x 40000"), "{problem:?}");
}

/// The CRC-32 PNG chunks end with.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn a_very_large_picture_is_published_with_a_warning() {
    let (_dir, inspected) = inspect_bytes("panorama.png", &png(6001, 2));
    assert!(inspected.picture.is_some());
    let problem = &inspected.problems[0];
    assert_eq!(problem.code, Code::LargePicture);
    assert!(!problem.is_error());
    assert!(problem.message.contains("6001 x 2"), "{problem:?}");
    let (_dir, inspected) = inspect_bytes("wide.png", &png(6000, 2));
    assert!(inspected.problems.is_empty(), "6000 px is not over the limit");
}

#[test]
fn a_wide_picture_is_published_at_the_widths_a_phone_and_a_laptop_need() {
    assert_eq!(widths(&picture(4000, 3000, Format::Jpeg)), [(400, 300), (800, 600), (1200, 900), (1600, 1200)]);
    assert_eq!(widths(&picture(3000, 4000, Format::Jpeg)), [(400, 533), (800, 1067), (1200, 1600), (1600, 2133)]);
    assert_eq!(widths(&picture(1000, 500, Format::Png)), [(400, 200), (800, 400), (1000, 500)]);
    assert_eq!(widths(&picture(801, 1, Format::Jpeg)), [(400, 1), (800, 1), (801, 1)]);
    // Never enlarged, and no narrower copy of a picture a phone can take whole.
    assert_eq!(widths(&picture(800, 600, Format::Jpeg)), [(800, 600)]);
    assert_eq!(widths(&picture(120, 90, Format::Png)), [(120, 90)]);
    // A GIF may move: it goes out as it is.
    assert_eq!(widths(&picture(2000, 1000, Format::Gif)), [(2000, 1000)]);
    let variants = picture(4000, 3000, Format::Jpeg).variants();
    let paths: Vec<&str> = variants.iter().map(|variant| variant.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "case-studies/eeast/photo-400w.jpg",
            "case-studies/eeast/photo-800w.jpg",
            "case-studies/eeast/photo-1200w.jpg",
            "case-studies/eeast/photo.jpg"
        ]
    );
    assert_eq!(picture(4000, 3000, Format::Jpeg).published_size(), Size { width: 1600, height: 1200 });
    assert_eq!(picture(640, 480, Format::Jpeg).published_size(), Size { width: 640, height: 480 });
    assert_eq!(variant_path("photo", 400), "photo-400w");
    assert_eq!(variant_path("a.b/photo", 400), "a.b/photo-400w");
}

#[test]
fn srcset_lists_every_width_under_the_base_path() {
    assert_eq!(
        picture(1000, 500, Format::Jpeg).srcset("/hub/").unwrap(),
        "/hub/case-studies/eeast/photo-400w.jpg 400w, /hub/case-studies/eeast/photo-800w.jpg 800w, \
         /hub/case-studies/eeast/photo.jpg 1000w"
    );
    assert_eq!(picture(640, 480, Format::Jpeg).srcset("/"), None);
}

#[test]
fn shapes_change_with_what_pages_show_and_not_with_pixels() {
    let one = picture(1000, 500, Format::Jpeg);
    let mut other_pixels = one.clone();
    other_pixels.hash = 8;
    other_pixels.source = "elsewhere.jpg".into();
    assert_eq!(shapes([&one]), shapes([&other_pixels]));
    for changed in [picture(1000, 501, Format::Jpeg), picture(1001, 500, Format::Jpeg), picture(1000, 500, Format::Png)]
    {
        assert_ne!(shapes([&one]), shapes([&changed]), "{changed:?}");
    }
    let mut moved = one.clone();
    moved.path = "case-studies/kent/photo.jpg".to_string();
    assert_ne!(shapes([&one]), shapes([&moved]));
    assert_ne!(shapes([&one]), shapes([&one, &moved]));
}

/// The picture in the file `name` of `dir`, written with `bytes`.
fn written(dir: &Path, name: &str, bytes: &[u8]) -> Picture {
    let source = dir.join("content").join(name);
    std::fs::create_dir_all(source.parent().unwrap()).unwrap();
    std::fs::write(&source, bytes).unwrap();
    let inspected = inspect(&source, &Path::new("content").join(name), name);
    assert!(inspected.problems.is_empty(), "{:?}", inspected.problems);
    inspected.picture.unwrap()
}

#[test]
fn a_photo_is_made_upright_at_each_width_without_its_metadata() {
    let dir = tempfile::tempdir().unwrap();
    // Stored 1200 x 900 with its red quarter top left; orientation 6 says
    // turn it a quarter clockwise to show it: 900 x 1200, red top right.
    let picture = written(dir.path(), "photo.jpg", &jpeg(1200, 900, Some(6)));
    let bytes = std::fs::read(&picture.source).unwrap();
    let made = make::make(&picture, &bytes).unwrap();
    let sizes: Vec<(u32, u32)> = made.iter().map(|(variant, _)| (variant.size.width, variant.size.height)).collect();
    assert_eq!(sizes, [(400, 533), (800, 1067), (900, 1200)]);
    for (variant, jpeg) in &made {
        let shown = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg).unwrap().into_rgb8();
        assert_eq!((shown.width(), shown.height()), (variant.size.width, variant.size.height));
        let (width, height) = (shown.width(), shown.height());
        let top_right = shown.get_pixel(width * 7 / 8, height / 8);
        let top_left = shown.get_pixel(width / 8, height / 8);
        assert!(top_right[0] > 150 && top_right[2] < 100, "top right is red: {top_right:?}");
        assert!(top_left[2] > 150 && top_left[0] < 100, "top left is blue: {top_left:?}");
        assert!(!jpeg.windows(6).any(|window| window == b"Exif\0\0"), "a made JPEG carries EXIF");
    }
}

#[test]
fn a_png_stays_a_png_with_its_transparency() {
    let dir = tempfile::tempdir().unwrap();
    let picture = written(dir.path(), "chart.png", &png(1000, 10));
    let bytes = std::fs::read(&picture.source).unwrap();
    let made = make::make(&picture, &bytes).unwrap();
    assert_eq!(made.len(), 3);
    for (_, png) in &made {
        let shown = image::load_from_memory_with_format(png, image::ImageFormat::Png).unwrap();
        assert!(shown.color().has_alpha());
        assert_eq!(shown.to_rgba8().get_pixel(0, shown.height() / 2)[3], 128);
    }
}

#[test]
fn a_jpeg_cut_short_does_not_make() {
    let dir = tempfile::tempdir().unwrap();
    let whole = jpeg(900, 600, None);
    let picture = written(dir.path(), "cut.jpg", &whole[..whole.len() / 2]);
    let bytes = std::fs::read(&picture.source).unwrap();
    assert!(make::make(&picture, &bytes).is_err());
    let cache = Cache::new(dir.path());
    assert_eq!(cache.verify(&picture).unwrap_err().code, Code::BrokenPicture);
    assert_eq!(refusal(&cache, &picture).code, Code::BrokenPicture);
    assert!(!cache.has(&picture));
}

/// Why `cache` will not make `picture`: the test fails if it does.
fn refusal(cache: &Cache, picture: &Picture) -> Diagnostic {
    match cache.make(picture).unwrap() {
        cache::Outcome::Refused(problem) => *problem,
        other => panic!("{} was made: {other:?}", picture.path),
    }
}

/// The bytes of each of `picture`'s files in `cache`.
fn made_files(cache: &Cache, picture: &Picture) -> Vec<Vec<u8>> {
    picture.variants().iter().map(|variant| std::fs::read(cache.file(picture, variant)).unwrap()).collect()
}

#[test]
fn a_made_picture_is_kept_and_not_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let picture = written(dir.path(), "photo.jpg", &jpeg(1000, 750, None));
    let cache = Cache::new(dir.path());
    assert!(!cache.has(&picture));
    assert!(matches!(cache.make(&picture).unwrap(), cache::Outcome::Made));
    assert!(cache.has(&picture));
    let files = made_files(&cache, &picture);
    assert_eq!(files.len(), 3);
    assert!(matches!(cache.make(&picture).unwrap(), cache::Outcome::Kept));
    assert!(cache.verify(&picture).is_ok());
    // Nothing is left half-written beside the folder.
    let entries: Vec<String> = std::fs::read_dir(dir.path().join(cache::DIR).join("pictures"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(!entries[0].contains(".part-"));
    // Made again from nothing, the files are the same bytes.
    std::fs::remove_dir_all(dir.path().join(cache::DIR)).unwrap();
    assert!(matches!(cache.make(&picture).unwrap(), cache::Outcome::Made));
    assert_eq!(files, made_files(&cache, &picture));
}

#[test]
fn a_picture_changed_since_it_was_read_is_not_filed_under_its_old_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let picture = written(dir.path(), "photo.jpg", &jpeg(1000, 750, None));
    std::fs::write(&picture.source, jpeg(1000, 750, Some(3))).unwrap();
    let cache = Cache::new(dir.path());
    let problem = refusal(&cache, &picture);
    assert!(problem.message.contains("changed"), "{problem:?}");
    assert!(!cache.has(&picture));
}

#[test]
fn pruning_keeps_the_pictures_in_use_and_removes_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let kept = written(dir.path(), "kept.jpg", &jpeg(900, 600, None));
    let replaced = written(dir.path(), "replaced.jpg", &jpeg(1000, 600, None));
    let cache = Cache::new(dir.path());
    for picture in [&kept, &replaced] {
        assert!(matches!(cache.make(picture).unwrap(), cache::Outcome::Made));
    }
    let pictures = dir.path().join(cache::DIR).join("pictures");
    let in_progress = pictures.join("0123-4567.part-99-0");
    std::fs::create_dir_all(&in_progress).unwrap();
    cache.prune([&kept]);
    assert!(cache.has(&kept));
    assert!(!cache.has(&replaced));
    assert!(in_progress.is_dir(), "another build's folder was taken from under it");
}
