//! Bare web and email addresses in a page's text (`https://…`, `www.nhs.uk`,
//! `comms@trust.nhs.uk`), found by GitHub's rules for them: an address
//! starts a word, and the punctuation that ends a sentence after it is not
//! part of it.

use std::ops::Range;

use pulldown_cmark::{CowStr, LinkType, Tag, TagEnd};

use super::Pass;

impl<'s> Pass<'s, '_> {
    /// Text in which bare web and email addresses become links, as they
    /// would on GitHub; the rest goes out as text.
    pub(super) fn text_with_addresses(&mut self, text: CowStr<'s>, offset: usize) {
        let addresses = find(&text);
        if addresses.is_empty() {
            return self.plain_text(text, offset);
        }
        let mut last = 0;
        let plain = |pass: &mut Self, piece: &str, at: usize| {
            if !piece.is_empty() {
                pass.plain_text(CowStr::from(piece.to_string()), at);
            }
        };
        for (range, href) in addresses {
            plain(self, &text[last..range.start], offset + last);
            let at = offset + range.start;
            // `Autolink` whatever the address: the HTML writer would put a
            // second `mailto:` before an `Email` link's.
            let link =
                Tag::Link { link_type: LinkType::Autolink, dest_url: href.into(), title: "".into(), id: "".into() };
            self.start(link, at);
            self.plain_text(CowStr::from(text[range.clone()].to_string()), at);
            self.end(TagEnd::Link);
            last = range.end;
        }
        plain(self, &text[last..], offset + last);
    }
}

/// Each address in `text`: where it is, and the link it stands for.
pub fn find(text: &str) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let starts_word = at == 0 || text[..at].ends_with(|c: char| c.is_whitespace() || "*_~(".contains(c));
        let web = ["https://", "http://", "www."].iter().find(|scheme| starts_with_ignore_case(rest, scheme));
        if starts_word && let Some(scheme) = web {
            let end = at + address_end(rest);
            let host = text.get(at + scheme.len()..end).unwrap_or("");
            if valid_host(host) {
                let address = &text[at..end];
                let href = if scheme.starts_with("www") { format!("https://{address}") } else { address.to_string() };
                found.push((at..end, href));
                at = end;
                continue;
            }
        }
        if rest.starts_with('@')
            && let Some(found_email) = email(text, at)
        {
            at = found_email.0.end;
            found.push(found_email);
            continue;
        }
        at += rest.chars().next().map_or(1, char::len_utf8);
    }
    found
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// Where an address that starts `rest` ends: at a space or `<`, less the
/// punctuation that ends a sentence and a `)` it does not open.
fn address_end(rest: &str) -> usize {
    let mut end = rest.find(|c: char| c.is_whitespace() || c == '<').unwrap_or(rest.len());
    loop {
        let address = &rest[..end];
        let Some(last) = address.chars().next_back() else { return end };
        let unbalanced = last == ')' && address.matches(')').count() > address.matches('(').count();
        if "?!.,:*_~'\"".contains(last) || unbalanced {
            end -= last.len_utf8();
        } else {
            return end;
        }
    }
}

/// A host with a dot in it, its last two parts free of `_`.
fn valid_host(after_scheme: &str) -> bool {
    let host = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let parts: Vec<&str> = host.split('.').collect();
    let allowed = host.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    allowed
        && parts.len() >= 2
        && parts.iter().all(|part| !part.is_empty())
        && parts.iter().rev().take(2).all(|part| !part.contains('_'))
}

/// The email address around the `@` at byte `at` of `text`.
fn email(text: &str, at: usize) -> Option<(Range<usize>, String)> {
    let local = |c: char| c.is_ascii_alphanumeric() || ".+-_".contains(c);
    let start = text[..at].char_indices().rev().find(|&(_, c)| !local(c)).map_or(0, |(i, c)| i + c.len_utf8());
    let before = text[..start].chars().next_back();
    if start == at || before.is_some_and(|c| c.is_alphanumeric() || c == '/' || c == ':') {
        return None;
    }
    let domain = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    let mut end = text[at + 1..].find(|c: char| !domain(c)).map_or(text.len(), |i| at + 1 + i);
    while text[..end].ends_with('.') {
        end -= 1;
    }
    let host = &text[at + 1..end];
    let ends_well = !host.ends_with(['-', '_']);
    (host.contains('.') && ends_well && valid_host(host)).then(|| {
        let address = &text[start..end];
        (start..end, format!("mailto:{address}"))
    })
}

#[cfg(test)]
mod tests {
    use super::find;

    fn links(text: &str) -> Vec<(&str, String)> {
        find(text).into_iter().map(|(range, href)| (&text[range], href)).collect()
    }

    #[test]
    fn bare_addresses_become_links_without_the_punctuation_after_them() {
        assert_eq!(
            links("See https://www.youtube.com/watch?v=a_b1, www.nhs.uk. Or email comms@example.nhs.uk."),
            [
                ("https://www.youtube.com/watch?v=a_b1", "https://www.youtube.com/watch?v=a_b1".to_string()),
                ("www.nhs.uk", "https://www.nhs.uk".to_string()),
                ("comms@example.nhs.uk", "mailto:comms@example.nhs.uk".to_string()),
            ]
        );
        assert_eq!(links("(see www.nhs.uk/a_(b))")[0].0, "www.nhs.uk/a_(b)");
        assert_eq!(links("(see www.nhs.uk)")[0].0, "www.nhs.uk");
    }

    #[test]
    fn words_that_only_look_like_addresses_stay_text() {
        assert!(links("www. is not a site; nor is www.nhs; http:// alone").is_empty());
        assert!(links("an @mention, a@b, a.b@c and x@y.z_").is_empty());
        assert!(links("prefixwww.nhs.uk and mailto:x").is_empty());
        // Letters that take more than a byte, right before an address.
        assert_eq!(links("é’comms@example.nhs.uk")[0].0, "comms@example.nhs.uk");
        assert!(links("’@x.uk é@").is_empty());
    }
}
