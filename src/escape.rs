//! Escapes text for HTML and XML, the one guard between content and markup,
//! and decodes `%XX` escapes in URL paths.
//!
//! Every string from front matter, Markdown code-fence info, `site.toml` or a
//! file name that lands inside an element or a quoted attribute goes through
//! `escape`. Quotes are escaped too, so a value can never close the attribute it
//! sits in (a fence tag such as ```` ```x"onmouseover=… ```` stays one class).

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities; safe in element
/// content and in attribute values quoted with either quote.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// `text` with each `%XX` escape replaced by its byte; `None` when the bytes
/// are not UTF-8. A `%` not followed by two hex digits stays as it is.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let (Some(high), Some(low)) = (bytes.get(index + 1).and_then(hex), bytes.get(index + 2).and_then(hex))
        {
            out.push(high * 16 + low);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8(out).ok()
}

fn hex(byte: &u8) -> Option<u8> {
    (*byte as char).to_digit(16).map(|digit| digit as u8)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn every_markup_character_becomes_an_entity() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(escape("Staff turnover fell from 14% to 8%"), "Staff turnover fell from 14% to 8%");
    }
}
