//! The pictures of `content/` as a phone should get them: what each is
//! (read from its header, its pixels untouched), the widths it is published
//! at, and the problems an author should hear of (a format browsers do not
//! show, a file that does not read, one too large to open).
//!
//! The steps: `inspect` reads a picture's header when content is listed;
//! `make` turns its pixels into the published files; `cache` keeps those
//! files between builds, keyed by the picture's bytes. Only `make` decodes.

pub mod cache;
pub mod make;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::ImageDecoder as _;
use image::metadata::Orientation;

use crate::diagnostics::{Code, Diagnostic};

pub use cache::Cache;

/// A picture's width and height in pixels, as shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

/// The formats belong publishes pictures in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    /// Published as they are: a GIF may move, and neither is what a phone
    /// takes photos in.
    Gif,
    Webp,
}

impl Format {
    /// Whether belong makes the published files from the pixels (resized,
    /// upright, without metadata) rather than copying the file.
    pub fn is_made(self) -> bool {
        matches!(self, Format::Jpeg | Format::Png)
    }
}

/// A picture of `content/`, as read from its header.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Picture {
    /// Where it is on disk.
    pub source: PathBuf,
    /// Its path from the site root, for diagnostics.
    pub file: PathBuf,
    /// Its path under `content/`, with `/`: also its address under the site.
    pub path: String,
    pub format: Format,
    /// Its size as shown: a photo taken in portrait is taller than wide,
    /// whichever way the camera stored it.
    pub size: Size,
    /// How the camera says to turn it upright.
    pub orientation: u8,
    /// The hash of its bytes (XXH3, 128 bits): the name of its made files in
    /// the cache.
    pub hash: u128,
}

/// One published file of a picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// Its path under the site.
    pub path: String,
    pub size: Size,
}

/// The widths a picture wider than `RESIZED_ABOVE` is published at (never
/// wider than it is): a phone takes 400 or 800, a laptop 800 or 1,200, a
/// large screen 1,600. A link shared in Teams or email shows the largest.
pub const WIDTHS: [u32; 4] = [400, 800, 1200, 1600];

/// Pictures up to this wide are published at their own size.
pub const RESIZED_ABOVE: u32 = 800;

/// More pixels than this are refused before decoding: more than any phone
/// photo, and a picture that claims more is likely a decompression bomb. At 3
/// bytes a pixel this is 150 MB decoded, one picture a thread.
pub const MAX_PIXELS: u64 = 50_000_000;

/// A file larger than this gets a warning: a hub's history keeps it forever.
pub const LARGE_BYTES: u64 = 5_000_000;

/// A picture with a side longer than this gets a warning.
pub const LARGE_SIDE: u32 = 6000;

impl Picture {
    /// The files it is published as, narrowest first. The widest keeps the
    /// picture's own path, so a link to the file still works.
    pub fn variants(&self) -> Vec<Variant> {
        let Size { width, height } = self.size;
        if !self.format.is_made() || width <= RESIZED_ABOVE {
            return vec![Variant { path: self.path.clone(), size: self.size }];
        }
        let widest = width.min(WIDTHS[WIDTHS.len() - 1]);
        let widths = WIDTHS.iter().copied().filter(|&step| step < widest).chain([widest]);
        widths
            .map(|step| {
                let scaled = (u64::from(height) * u64::from(step) + u64::from(width) / 2) / u64::from(width);
                let size = Size { width: step, height: u32::try_from(scaled).unwrap_or(u32::MAX).max(1) };
                let path = if step == widest { self.path.clone() } else { variant_path(&self.path, step) };
                Variant { path, size }
            })
            .collect()
    }

    /// The size of the file at the picture's own path: its widest variant.
    pub fn published_size(&self) -> Size {
        self.variants().last().map_or(self.size, |variant| variant.size)
    }

    /// The `srcset` attribute's value, with addresses under `base_path`;
    /// `None` when the picture is published at one width only.
    pub fn srcset(&self, base_path: &str) -> Option<String> {
        let variants = self.variants();
        if variants.len() < 2 {
            return None;
        }
        let entries: Vec<String> =
            variants.iter().map(|variant| format!("{base_path}{} {}w", variant.path, variant.size.width)).collect();
        Some(entries.join(", "))
    }
}

/// A hash of what pages show of `pictures` (each one's path, format and
/// size, not its pixels): two sets of pictures with one value give every
/// page the same markup, so a body need not be made again when only a
/// picture's pixels changed.
pub fn shapes<'a>(pictures: impl IntoIterator<Item = &'a Picture>) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for picture in pictures {
        hasher.update(picture.path.as_bytes());
        hasher.update(&[0, picture.format as u8]);
        hasher.update(&picture.size.width.to_le_bytes());
        hasher.update(&picture.size.height.to_le_bytes());
    }
    hasher.digest128()
}

/// `case-studies/eeast/photo.jpg` at 400 px: `case-studies/eeast/photo-400w.jpg`.
fn variant_path(path: &str, width: u32) -> String {
    match path.rsplit_once('.') {
        Some((stem, extension)) if !extension.contains('/') => format!("{stem}-{width}w.{extension}"),
        _ => format!("{path}-{width}w"),
    }
}

/// What the header of a file of `content/` says.
#[derive(Debug, Default)]
pub struct Inspected {
    /// The picture, when the file is one belong publishes.
    pub picture: Option<Picture>,
    /// Why it cannot be published, or what the author should know.
    pub problems: Vec<Diagnostic>,
}

/// Extensions of files read as pictures; the file's own bytes then say what
/// it is. HEIC and TIFF are among them so they are refused, not copied.
const PICTURE_EXTENSIONS: [&str; 9] = ["jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "tif", "tiff"];

/// Reads the picture at `source` (`file` is its path from the site root, for
/// diagnostics; `path` its path under `content/`). Anything that is not a
/// picture file gives nothing; a picture gives its size, orientation and
/// hash, or the reason it cannot be published.
pub fn inspect(source: &Path, file: &Path, path: &str) -> Inspected {
    let extension = source.extension().and_then(|extension| extension.to_str()).map(str::to_ascii_lowercase);
    if !extension.is_some_and(|extension| PICTURE_EXTENSIONS.contains(&extension.as_str())) {
        return Inspected::default();
    }
    let bytes = match std::fs::read(source) {
        Ok(bytes) => bytes,
        Err(error) => {
            let problem = Diagnostic::new(Code::ReadFailed, file, format!("cannot read this picture: {error}"))
                .hint("check that the file is readable");
            return Inspected { picture: None, problems: vec![problem] };
        }
    };
    match read_header(&bytes, file) {
        Ok((format, stored, orientation)) => {
            let size = upright(stored, orientation);
            let hash = xxhash_rust::xxh3::xxh3_128(&bytes);
            let problems = large(file, bytes.len() as u64, size).into_iter().collect();
            let picture = Picture {
                source: source.to_path_buf(),
                file: file.to_path_buf(),
                path: path.to_string(),
                format,
                size,
                orientation: orientation.to_exif(),
                hash,
            };
            Inspected { picture: Some(picture), problems }
        }
        Err(problem) => Inspected { picture: None, problems: vec![*problem] },
    }
}

/// The format, stored size and orientation a picture's header gives; a
/// picture belong will not open is refused here, before any pixel is read.
fn read_header(bytes: &[u8], file: &Path) -> Result<(Format, Size, Orientation), Box<Diagnostic>> {
    if let Some(name) = unshown_format(bytes) {
        return Err(Box::new(
            Diagnostic::new(Code::PictureFormat, file, format!("this is a {name} picture, which browsers do not show"))
                .hint(format!(
                    "save it as JPEG and link to that file instead: open it and choose Export or Save As, then JPEG{}",
                    if name == "HEIC" {
                        " (on an iPhone, Settings > Camera > Formats > Most Compatible takes JPEG from now on)"
                    } else {
                        ""
                    }
                )),
        ));
    }
    let broken = |reason: String| undecodable(file, &reason);
    let (format, stored, orientation) = match image::guess_format(bytes) {
        Ok(image::ImageFormat::Jpeg) => {
            let header = make::jpeg_header(bytes).map_err(broken)?;
            (Format::Jpeg, header.0, header.1)
        }
        Ok(known @ (image::ImageFormat::Png | image::ImageFormat::Gif | image::ImageFormat::WebP)) => {
            let format = match known {
                image::ImageFormat::Png => Format::Png,
                image::ImageFormat::Gif => Format::Gif,
                _ => Format::Webp,
            };
            let reader = image::ImageReader::with_format(Cursor::new(bytes), known);
            let mut decoder = reader.into_decoder().map_err(|error| broken(error.to_string()))?;
            let (width, height) = decoder.dimensions();
            let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
            (format, Size { width, height }, orientation)
        }
        _ => return Err(broken("it is not a JPEG, PNG, GIF or WebP file".to_string())),
    };
    let pixels = u64::from(stored.width) * u64::from(stored.height);
    if pixels > MAX_PIXELS {
        return Err(Box::new(
            Diagnostic::new(
                Code::PictureTooLarge,
                file,
                format!(
                    "this picture is {} x {} pixels ({} million), more than belong opens ({} million)",
                    stored.width,
                    stored.height,
                    pixels / 1_000_000,
                    MAX_PIXELS / 1_000_000
                ),
            )
            .hint(format!("save it smaller, at most {LARGE_SIDE} pixels on its longest side")),
        ));
    }
    Ok((format, stored, orientation))
}

/// The name of a picture format browsers do not show, when `bytes` start
/// like one: HEIC (an ISO media file of the HEIF brands) or TIFF.
fn unshown_format(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return Some("TIFF");
    }
    let brand = bytes.get(4..8).filter(|tag| *tag == b"ftyp").and_then(|_| bytes.get(8..12))?;
    const HEIF_BRANDS: [&[u8; 4]; 10] =
        [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"];
    // AVIF shares the container (and `mif1`), and browsers show it.
    let compatible = bytes.get(16..bytes.len().min(64)).unwrap_or_default();
    let avif = compatible.windows(4).any(|window| window == b"avif" || window == b"avis");
    (HEIF_BRANDS.iter().any(|heif| brand == *heif) && !avif).then_some("HEIC")
}

/// The error for a picture whose bytes do not read.
fn undecodable(file: &Path, reason: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::new(Code::BrokenPicture, file, format!("this picture does not read: {reason}")).hint(
            "open it in a picture editor and save it again as JPEG or PNG; it may be cut short, or not a picture",
        ),
    )
}

/// A stored size turned upright.
fn upright(stored: Size, orientation: Orientation) -> Size {
    let turned = matches!(
        orientation,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    );
    if turned { Size { width: stored.height, height: stored.width } } else { stored }
}

/// A warning for a picture over `LARGE_BYTES` or `LARGE_SIDE`: published
/// resized all the same, but heavy to keep and to build.
fn large(file: &Path, bytes: u64, size: Size) -> Option<Diagnostic> {
    if bytes <= LARGE_BYTES && size.width.max(size.height) <= LARGE_SIDE {
        return None;
    }
    let megabytes = bytes as f64 / 1_000_000.0;
    Some(
        Diagnostic::new(
            Code::LargePicture,
            file,
            format!(
                "this picture is {megabytes:.1} MB, {} x {} pixels: the hub keeps every version of it, and each build reads it",
                size.width, size.height
            ),
        )
        .hint("save a copy about 2000 pixels wide (most editors offer Resize or Export) and use that; belong publishes smaller copies either way"),
    )
}

#[cfg(test)]
mod tests;
