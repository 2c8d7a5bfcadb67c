//! One picture's bytes to the files it is published as: decoded (a JPEG
//! strictly, so one cut short is refused), turned upright, resized to each
//! variant's width and encoded anew, so no metadata of the original (EXIF,
//! GPS position, camera serial) goes out. Only the colour profile is kept,
//! so colours look the same.
//!
//! JPEGs are written by `jpeg-encoder` at quality 80 with 4:2:0 chroma: a
//! quarter smaller, and twice as fast, as the `image` crate's own encoder
//! (4:2:2) on the same photos. Its optimised Huffman tables would save
//! another 15%, but with 4:2:0 they come out in a form `zune-jpeg` (the
//! `image` crate's decoder) reads as green noise, though Chromium reads them
//! right: the standard tables are read right by every decoder tried.
//! Resizing is Lanczos3 (`fast_image_resize`), each width from the next
//! wider one.

use std::io::Cursor;

use fast_image_resize as resize;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder as _, ImageEncoder as _};
use zune_core::bytestream::ZCursor;
use zune_core::options::DecoderOptions;

use super::{Format, MAX_PIXELS, Picture, Size, Variant};

/// The JPEG quality of every made JPEG.
pub const JPEG_QUALITY: u8 = 80;

/// What decoding gives: the picture upright, with its colour profile.
pub struct Decoded {
    pub image: DynamicImage,
    pub icc: Option<Vec<u8>>,
}

/// A JPEG's stored size and orientation, from its header alone.
pub(super) fn jpeg_header(bytes: &[u8]) -> Result<(Size, Orientation), String> {
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), jpeg_options());
    decoder.decode_headers().map_err(|error| error.to_string())?;
    let (width, height) = decoder.dimensions().ok_or("it has no size")?;
    let orientation = decoder.exif().and_then(|exif| Orientation::from_exif_chunk(exif));
    let size = Size { width: width as u32, height: height as u32 };
    Ok((size, orientation.unwrap_or(Orientation::NoTransforms)))
}

/// Strict, so a file cut short is an error rather than a grey band; no
/// larger than `MAX_PIXELS` allows on either side.
fn jpeg_options() -> DecoderOptions {
    DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(MAX_PIXELS as usize)
        .set_max_height(MAX_PIXELS as usize)
}

/// Decodes `bytes`, a picture of `picture`'s format, and turns it upright.
pub fn decode(picture: &Picture, bytes: &[u8]) -> Result<Decoded, String> {
    let (mut image, icc) = match picture.format {
        Format::Jpeg => {
            let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), jpeg_options());
            let pixels = decoder.decode().map_err(|error| error.to_string())?;
            let (width, height) = decoder.dimensions().ok_or("it has no size")?;
            let icc = decoder.icc_profile();
            let image = image::RgbImage::from_raw(width as u32, height as u32, pixels)
                .ok_or("its pixels do not fill its size")?;
            (DynamicImage::ImageRgb8(image), icc)
        }
        Format::Png => {
            let mut reader = image::ImageReader::with_format(Cursor::new(bytes), image::ImageFormat::Png);
            let mut limits = image::Limits::default();
            limits.max_alloc = Some(MAX_PIXELS * 8);
            reader.limits(limits);
            let mut decoder = reader.into_decoder().map_err(|error| error.to_string())?;
            let icc = decoder.icc_profile().ok().flatten();
            let image = DynamicImage::from_decoder(decoder).map_err(|error| error.to_string())?;
            (eight_bit(image), icc)
        }
        Format::Gif | Format::Webp => return Err("belong publishes this format as it is".to_string()),
    };
    image.apply_orientation(Orientation::from_exif(picture.orientation).unwrap_or(Orientation::NoTransforms));
    Ok(Decoded { image, icc })
}

/// A PNG's pixels as 8 bits a channel, keeping grey and transparency.
fn eight_bit(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_) => image,
        DynamicImage::ImageLuma16(_) => DynamicImage::ImageLuma8(image.to_luma8()),
        DynamicImage::ImageLumaA16(_) => DynamicImage::ImageLumaA8(image.to_luma_alpha8()),
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

/// Every published file of `picture`, from its bytes: `(variant, bytes)`,
/// narrowest first, as `Picture::variants` lists them.
pub fn make(picture: &Picture, bytes: &[u8]) -> Result<Vec<(Variant, Vec<u8>)>, String> {
    let Decoded { image, icc } = decode(picture, bytes)?;
    let variants = picture.variants();
    let mut made = Vec::with_capacity(variants.len());
    let mut wider = image;
    for variant in variants.into_iter().rev() {
        let resized = resized(&wider, variant.size)?;
        made.push((variant, encode(picture.format, &resized, icc.as_deref())?));
        wider = resized;
    }
    made.reverse();
    Ok(made)
}

/// `image` at `size`, or itself when it already is that size.
fn resized(image: &DynamicImage, size: Size) -> Result<DynamicImage, String> {
    if (image.width(), image.height()) == (size.width, size.height) {
        return Ok(image.clone());
    }
    let mut target = DynamicImage::new(size.width, size.height, image.color());
    let options = resize::ResizeOptions::new().resize_alg(resize::ResizeAlg::Convolution(resize::FilterType::Lanczos3));
    resize::Resizer::new().resize(image, &mut target, &options).map_err(|error| error.to_string())?;
    Ok(target)
}

/// `image` encoded in `format` with the colour profile and nothing else.
fn encode(format: Format, image: &DynamicImage, icc: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    match format {
        Format::Jpeg => {
            let rgb = image.to_rgb8();
            let (width, height) = (dimension(rgb.width())?, dimension(rgb.height())?);
            let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, JPEG_QUALITY);
            encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
            if let Some(icc) = icc {
                encoder.add_icc_profile(icc).map_err(|error| error.to_string())?;
            }
            encoder
                .encode(rgb.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
                .map_err(|error| error.to_string())?;
        }
        Format::Png => {
            let mut encoder = image::codecs::png::PngEncoder::new_with_quality(
                &mut bytes,
                image::codecs::png::CompressionType::Best,
                image::codecs::png::FilterType::Adaptive,
            );
            if let Some(icc) = icc {
                // A profile the encoder does not take is left out: the
                // picture still shows, in the browser's default colours.
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            encoder
                .write_image(image.as_bytes(), image.width(), image.height(), image.color().into())
                .map_err(|error| error.to_string())?;
        }
        Format::Gif | Format::Webp => return Err("belong publishes this format as it is".to_string()),
    }
    Ok(bytes)
}

/// A JPEG's side, which is at most 65,535 pixels.
fn dimension(side: u32) -> Result<u16, String> {
    u16::try_from(side).map_err(|_| format!("{side} pixels is wider than a JPEG can be"))
}
