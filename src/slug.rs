//! Turns titles, names and file names into URL slugs (and a slug back into a name to offer): lower-case ASCII words
//! joined by single hyphens, with accents folded ("Café Zoë" -> `cafe-zoe`).

/// A name to offer for a slug, such as "Staff networks" for
/// `staff-networks`: words spaced, the first capitalised.
pub fn name_for(slug: &str) -> String {
    let spaced = slug.replace('-', " ");
    let mut chars = spaced.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The slug of `text`. Empty only when `text` has no letters or digits at all.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for character in text.chars() {
        let ascii = [character as u8];
        let folded = if character.is_ascii() && character != '&' && character != '+' {
            std::str::from_utf8(&ascii).unwrap_or(" ")
        } else {
            fold(character)
        };
        for c in folded.chars() {
            if c.is_ascii_alphanumeric() {
                if pending_hyphen && !slug.is_empty() {
                    slug.push('-');
                }
                pending_hyphen = false;
                slug.push(c.to_ascii_lowercase());
            } else if c != '\'' {
                // Apostrophes join ("Women's" -> `womens`); anything else separates.
                pending_hyphen = true;
            }
        }
    }
    slug
}

/// Folds one non-ASCII character (or `&`, `+`) to its closest ASCII spelling.
fn fold(c: char) -> &'static str {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "i",
        'ñ' | 'ń' | 'Ñ' | 'Ń' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' => "o",
        'œ' | 'Œ' => "oe",
        'ß' => "ss",
        'ś' | 'š' | 'Ś' | 'Š' => "s",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' => "u",
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        'ł' | 'Ł' => "l",
        '&' => " and ",
        '+' => " plus ",
        // Curly apostrophes join as the straight one does.
        '\u{2019}' | '\u{2018}' | '\u{2bc}' => "'",
        _ => " ",
    }
}

#[cfg(test)]
mod tests {
    use super::name_for;

    #[test]
    fn a_slug_reads_back_as_a_name() {
        assert_eq!(name_for("staff-networks"), "Staff networks");
        assert_eq!(name_for("x"), "X");
        assert_eq!(name_for(""), "");
    }

    use super::slugify;

    #[test]
    fn folds_accents_and_drops_punctuation() {
        assert_eq!(slugify("Café Zoë: a case study!"), "cafe-zoe-a-case-study");
        assert_eq!(slugify("  Staff equality -- WRES  "), "staff-equality-wres");
        assert_eq!(slugify("Women's network"), "womens-network");
        assert_eq!(slugify("Civility & respect"), "civility-and-respect");
        assert_eq!(slugify("Ærø"), "aero");
        assert_eq!(slugify("???"), "");
    }

    #[test]
    fn slugs_are_stable_under_slugify() {
        for text in ["East of England", "North East and Yorkshire", "LGBTQ+ staff", "Über-ß"] {
            let once = slugify(text);
            assert_eq!(slugify(&once), once);
            assert!(once.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        }
    }
}
