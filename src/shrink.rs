//! Makes output files smaller for static hosts: minified HTML, CSS and
//! JavaScript (`build --minify`, by minify-html), and gzip and brotli copies
//! beside each text file (`[output] precompress`) for hosts that serve them
//! as they are.

use std::io::Write;

/// The extension of an output path, lower-cased: `html` for `x/index.html`.
fn extension(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map(|(_, extension)| extension.to_ascii_lowercase()).unwrap_or_default()
}

/// How minify-html is asked to minify: its defaults keep the output valid
/// HTML (attribute values quoted where the standard asks, spaces between
/// attributes, the full doctype); closing tags and the `<head>` tag are kept
/// too, which the standard lets go but validators and older tools expect.
/// The page's CSS and JavaScript are minified as well.
fn settings() -> minify_html::Cfg {
    let mut settings = minify_html::Cfg::new();
    settings.keep_closing_tags = true;
    settings.keep_html_and_head_opening_tags = true;
    settings.minify_css = true;
    settings.minify_js = true;
    settings
}

/// `bytes` of the file at `path`, minified when it is HTML, CSS or
/// JavaScript; other files as they are.
pub fn minify(path: &str, bytes: Vec<u8>) -> Vec<u8> {
    match extension(path).as_str() {
        "html" => minify_html::minify(&bytes, &settings()),
        "css" => minify_inside(b"<style>", bytes, b"</style>"),
        "js" => minify_inside(b"<script>", bytes, b"</script>"),
        _ => bytes,
    }
}

/// A stylesheet or script minified as minify-html minifies one inside a page
/// (it has no entry point for a file on its own): wrapped in its element,
/// minified, unwrapped. Should the element not come back whole, the file
/// stays as it was.
fn minify_inside(open: &[u8], bytes: Vec<u8>, close: &[u8]) -> Vec<u8> {
    let wrapped = [open, &bytes, close].concat();
    let minified = minify_html::minify(&wrapped, &settings());
    match minified.strip_prefix(open).and_then(|inner| inner.strip_suffix(close)) {
        Some(inner) => inner.to_vec(),
        None => bytes,
    }
}

/// Whether hosts compress a file of this path: text, not pictures.
pub fn compressible(path: &str) -> bool {
    matches!(extension(path).as_str(), "html" | "css" | "js" | "json" | "xml" | "svg" | "txt")
}

/// `bytes` gzipped at the best compression (hosts send it as it is, so the
/// time is spent once, at build).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Brotli's quality: 9 of 11 compresses a page to within 2% of 11 in a tenth
/// of the time, which at 10,000 pages is the difference between seconds
/// and minutes.
const BROTLI_QUALITY: u32 = 9;

/// `bytes` compressed with brotli.
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, BROTLI_QUALITY, 22);
        // Writing into a Vec cannot fail.
        let _ = writer.write_all(bytes);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_styles_and_scripts_are_minified_and_nothing_else() {
        let page = b"<!doctype html>\n<html lang=\"en\">\n  <body>\n    <p>Hello,   world</p>\n  </body>\n</html>\n";
        let minified = minify("a/index.html", page.to_vec());
        assert!(minified.len() < page.len());
        assert!(String::from_utf8_lossy(&minified).contains("Hello, world"));
        let css = b"body {\n  color: #212b32;\n}\n".to_vec();
        assert_eq!(minify("style.css", css), b"body{color:#212b32}");
        let js = b"function add(a, b) {\n  return a + b;\n}\nwindow.add = add;\n".to_vec();
        let small = minify("search.js", js.clone());
        assert!(small.len() < js.len() && !small.contains(&b'\n'), "{}", String::from_utf8_lossy(&small));
        let json = b"{ \"a\": 1 }".to_vec();
        assert_eq!(minify("search/index.json", json.clone()), json);
        assert_eq!(minify("picture.PNG", vec![1, 2, 3]), vec![1, 2, 3]);
    }

    #[test]
    fn text_files_are_compressible_and_pictures_are_not() {
        for path in ["index.html", "style.css", "search.js", "search/docs/0.json", "feed.xml", "robots.txt", "a.SVG"] {
            assert!(compressible(path), "{path}");
        }
        for path in ["photo.jpg", "favicon.png", "report.pdf", "README"] {
            assert!(!compressible(path), "{path}");
        }
    }
}
