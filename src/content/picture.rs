//! A picture's size as a browser shows it, read from the file's header (its
//! pixels are never decoded here), with its EXIF orientation applied: a
//! photo taken in portrait is taller than wide, whichever way the camera
//! stored it.

use std::path::Path;

use image::ImageDecoder as _;
use image::metadata::Orientation;

/// A picture's width and height in pixels, as shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

/// The formats whose size is read: the ones browsers show at a size of their
/// own. An SVG scales to whatever box it is given.
const SIZED: [&str; 5] = ["png", "jpg", "jpeg", "gif", "webp"];

/// The size of the picture at `path`; `None` when it is not a picture of a
/// sized format or its header does not read (the page still shows it, as
/// the browser can).
pub fn size(path: &Path) -> Option<Size> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    if !SIZED.contains(&extension.as_str()) {
        return None;
    }
    let reader = image::ImageReader::open(path).ok()?.with_guessed_format().ok()?;
    let mut decoder = reader.into_decoder().ok()?;
    let (width, height) = decoder.dimensions();
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let turned = matches!(
        orientation,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    );
    Some(if turned { Size { width: height, height: width } } else { Size { width, height } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_is_measured_from_its_header_and_other_files_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("chart.png");
        image::RgbImage::new(40, 30).save(&png).unwrap();
        assert_eq!(size(&png), Some(Size { width: 40, height: 30 }));
        let jpeg = dir.path().join("photo.JPG");
        image::RgbImage::new(16, 48).save_with_format(&jpeg, image::ImageFormat::Jpeg).unwrap();
        assert_eq!(size(&jpeg), Some(Size { width: 16, height: 48 }));
        let svg = dir.path().join("logo.svg");
        std::fs::write(&svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>").unwrap();
        assert_eq!(size(&svg), None);
        let broken = dir.path().join("broken.png");
        std::fs::write(&broken, b"not a picture").unwrap();
        assert_eq!(size(&broken), None);
    }
}
