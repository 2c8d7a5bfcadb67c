//! Text pasted from Word made into the Markdown it meant, before the parse:
//! a line that starts with a bullet character (`•`, `·`, `o` and a tab…)
//! becomes a list item, and rows of cells split by tabs, or by pipes with no
//! `| --- |` line under the first, become a table whose first row is its
//! header. Lines outside fenced code only, at the top level of the page.
//!
//! The only lines added are a table's `| --- |` line and a blank line to set
//! a table apart from the text around it; `Pasted::added` lists them, so
//! every line the author wrote keeps its number in diagnostics.

use std::borrow::Cow;

use super::directives::Fence;

/// Characters Word and web pages put before list items.
const BULLETS: &[char] = &['•', '·', '◦', '▪', '▫', '‣', '⁃', '●', '○', '■', '□', '➢', '►', '\u{f0b7}'];

/// The Markdown as the author meant it.
pub struct Pasted<'a> {
    pub markdown: Cow<'a, str>,
    /// The 0-based lines of `markdown` that belong added, in order.
    pub added: Vec<usize>,
}

/// How many of the lines before 0-based line `line` were added.
pub fn added_before(added: &[usize], line: usize) -> usize {
    added.partition_point(|&at| at < line)
}

/// `markdown` with pasted bullets and tables made Markdown.
pub fn tidy(markdown: &str) -> Pasted<'_> {
    let unchanged = || Pasted { markdown: Cow::Borrowed(markdown), added: Vec::new() };
    let likely = markdown.contains('\t') || markdown.contains('|') || markdown.contains(BULLETS);
    if !likely {
        return unchanged();
    }
    let lines: Vec<&str> = markdown.split_inclusive('\n').collect();
    let mut out = String::with_capacity(markdown.len() + 64);
    let mut added = Vec::new();
    let mut changed = false;
    let mut fence: Option<Fence> = None;
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        if let Some(open) = &fence {
            if open.closed_by(line) {
                fence = None;
            }
            out.push_str(line);
            index += 1;
            continue;
        }
        if let Some(opened) = Fence::opened_by(line) {
            fence = Some(opened);
            out.push_str(line);
            index += 1;
            continue;
        }
        if let Some(rows) = table_at(&lines, index) {
            changed = true;
            if !out.is_empty() && !out.ends_with("\n\n") {
                push_added(&mut out, &mut added, "\n");
            }
            for (row, cells) in rows.iter().enumerate() {
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
                if row == 0 {
                    push_added(&mut out, &mut added, &format!("|{}\n", " --- |".repeat(cells.len())));
                }
            }
            index += rows.len();
            if lines.get(index).is_some_and(|next| !next.trim().is_empty()) {
                push_added(&mut out, &mut added, "\n");
            }
            continue;
        }
        match bullet_item(line) {
            Some(item) => {
                changed = true;
                out.push_str(&item);
            }
            None => out.push_str(line),
        }
        index += 1;
    }
    if !changed {
        return unchanged();
    }
    Pasted { markdown: Cow::Owned(out), added }
}

/// Adds a line of belong's own to `out`, recording its number.
fn push_added(out: &mut String, added: &mut Vec<usize>, line: &str) {
    added.push(out.matches('\n').count());
    out.push_str(line);
}

/// A line that starts with a bullet character and a space or tab, as a
/// Markdown list item: each tab before it two spaces, for nested bullets.
fn bullet_item(line: &str) -> Option<String> {
    let rest = line.trim_start_matches([' ', '\t']);
    let indent = &line[..line.len() - rest.len()];
    let mut chars = rest.chars();
    let bullet = chars.next()?;
    let after = chars.as_str();
    let spaced = after.starts_with(['\t', ' ', '\u{a0}']);
    // Word's second-level bullet is a letter o, then a tab.
    let is_bullet = (BULLETS.contains(&bullet) && spaced) || (bullet == 'o' && after.starts_with('\t'));
    if !is_bullet || after.trim().is_empty() {
        return None;
    }
    let spaces: usize = indent.chars().map(|c| if c == '\t' { 2 } else { 1 }).sum();
    Some(format!("{}- {}", " ".repeat(spaces.min(6)), after.trim_start_matches(['\t', ' ', '\u{a0}'])))
}

/// Two or more lines from `index` on, not indented, each split into the
/// same number (two or more) of cells by tabs, or written `| a | b |` with
/// no `| --- |` line under the first.
fn table_at(lines: &[&str], index: usize) -> Option<Vec<Vec<String>>> {
    let starts_block = index == 0 || lines[index - 1].trim().is_empty() || !lines[index - 1].contains(['\t', '|']);
    if !starts_block {
        return None;
    }
    let split = |line: &str| -> Option<Vec<String>> {
        let text = line.trim_end_matches(['\n', '\r', ' ']);
        if text.starts_with([' ', '\t']) || text.is_empty() {
            return None;
        }
        if text.starts_with('|') && text.ends_with('|') && text.len() > 1 {
            let inner = &text[1..text.len() - 1];
            return Some(inner.split('|').map(|cell| cell.trim().to_string()).collect());
        }
        text.contains('\t').then(|| text.split('\t').map(|cell| cell.trim().replace('|', "\\|")).collect())
    };
    let first = split(lines[index]).filter(|cells| cells.len() >= 2)?;
    let piped = lines[index].starts_with('|');
    let mut cells = vec![first];
    for line in &lines[index + 1..] {
        match split(line) {
            Some(row) if row.len() == cells[0].len() && line.starts_with('|') == piped => cells.push(row),
            _ => break,
        }
    }
    let rule = |row: &[String]| row.iter().all(|cell| !cell.is_empty() && cell.trim_matches([':', '-']).is_empty());
    // A pipe table with its rule line is Markdown already.
    if cells.len() < 2 || (piped && cells.iter().any(|row| rule(row))) {
        return None;
    }
    Some(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_bullets_become_list_items_and_keep_their_lines() {
        let pasted = tidy("What we did:\n\n• Listened to staff\n·\tActed on it\n\to\tA detail\n");
        assert_eq!(pasted.markdown, "What we did:\n\n- Listened to staff\n- Acted on it\n  - A detail\n");
        assert!(pasted.added.is_empty());
        // A bullet in a sentence, or alone, is text.
        assert_eq!(tidy("Costs · benefits\n•\n").markdown, "Costs · benefits\n•\n");
    }

    #[test]
    fn tab_separated_rows_become_a_table_with_only_its_rule_line_added() {
        let pasted = tidy("Staff:\nName\tRole\nAnn\tNurse | lead\nAfter.\n");
        assert_eq!(pasted.markdown, "Staff:\n\n| Name | Role |\n| --- | --- |\n| Ann | Nurse \\| lead |\n\nAfter.\n");
        assert_eq!(pasted.added, [1, 3, 5]);
        assert_eq!(added_before(&pasted.added, 4), 2);
    }

    #[test]
    fn a_pipe_table_without_its_rule_line_gets_one() {
        let pasted = tidy("| Name | Role |\n| Ann | Nurse |\n");
        assert_eq!(pasted.markdown, "| Name | Role |\n| --- | --- |\n| Ann | Nurse |\n");
        let whole = "| Name | Role |\n| --- | --- |\n| Ann | Nurse |\n";
        assert_eq!(tidy(whole).markdown, whole);
    }

    #[test]
    fn code_and_rows_of_different_widths_are_left_alone() {
        let code = "```\nName\tRole\nAnn\tNurse\n```\n";
        assert_eq!(tidy(code).markdown, code);
        let ragged = "a\tb\nc\td\te\n";
        assert_eq!(tidy(ragged).markdown, ragged);
        let one = "Name\tRole\n";
        assert_eq!(tidy(one).markdown, one);
    }
}
