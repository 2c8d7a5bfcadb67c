//! Checks a page's words against the hub's vocabularies in site.toml
//! (themes, regions) and the fixed audiences, with suggestions only when one
//! is honestly close, and says how to add a theme when none is.

use super::Audience;
use super::validate::Reader;
use crate::diagnostics::{Code, did_you_mean};

impl Reader<'_> {
    pub(super) fn themes(&mut self, required: bool) -> Vec<String> {
        let themes = self.name_list("themes", "theme names");
        let Some(field) = self.fields.get("themes") else {
            if required {
                self.missing("themes", "at least one theme from site.toml");
            }
            return themes;
        };
        if themes.is_empty() && required {
            self.problems.push(
                self.diagnostic(
                    Code::MissingField,
                    "themes",
                    field.line,
                    "`themes` is empty; every listed page needs at least one theme",
                )
                .hint(format!("add a theme, for example: themes: [\"{}\"]", self.first_theme())),
            );
        }
        let config = self.context.config;
        let mut known = Vec::new();
        for theme in themes {
            let slug = crate::slug::slugify(&theme);
            if config.theme(&slug).is_some() {
                if !known.contains(&slug) {
                    known.push(slug);
                }
                continue;
            }
            // A theme is named by its slug or its name; either may be the
            // near miss, and the hint always offers the slug.
            let candidates = config.themes.iter().flat_map(|t| [t.slug.as_str(), t.name.as_str()]);
            let near = crate::diagnostics::closest(&theme, candidates)
                .and_then(|matched| {
                    config.themes.iter().find(|t| t.slug == matched || t.name == matched).map(|t| t.slug.as_str())
                })
                .or_else(|| one_holding_words(&slug, config.themes.iter().map(|t| t.slug.as_str())));
            let hint = match near {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "this hub's themes are {}; to add a theme, add a block to site.toml: \
                     [[themes]] slug = \"{slug}\", name = \"{}\", description = \"...\" (one per line)",
                    self.theme_list(),
                    crate::slug::name_for(&slug),
                ),
            };
            let (line, column) = self.fields.item_position(field, &theme);
            self.problems.push(
                self.diagnostic(Code::UnknownTheme, "themes", line, format!("unknown theme `{theme}`"))
                    .at(line, column)
                    .hint(hint),
            );
        }
        known
    }

    fn first_theme(&self) -> &str {
        self.context.config.themes.first().map_or("belonging", |theme| theme.slug.as_str())
    }

    fn theme_list(&self) -> String {
        self.context.config.themes.iter().map(|theme| theme.slug.as_str()).collect::<Vec<_>>().join(", ")
    }

    pub(super) fn region(&mut self) -> Option<String> {
        let region = self.string("region", false)?;
        let regions = &self.context.config.regions;
        if let Some(known) = regions.iter().find(|known| known.eq_ignore_ascii_case(&region)) {
            return Some(known.clone());
        }
        let line = self.fields.get("region").map_or(0, |field| field.line);
        let hint = did_you_mean(&region, regions.iter().map(String::as_str))
            .unwrap_or_else(|| format!("use one of the regions in site.toml: {}", regions.join(", ")));
        self.problems.push(
            self.diagnostic(Code::UnknownRegion, "region", line, format!("unknown region `{region}`")).hint(hint),
        );
        None
    }

    pub(super) fn audience(&mut self) -> Vec<Audience> {
        let names = self.name_list("audience", "audiences");
        let mut audience = Vec::new();
        for name in names {
            match Audience::ALL.iter().find(|a| a.slug() == name.to_lowercase()) {
                Some(known) => audience.push(*known),
                None => {
                    let field = self.fields.get("audience");
                    let (line, column) = field.map_or((0, 0), |field| self.fields.item_position(field, &name));
                    let slugs = Audience::ALL.map(Audience::slug);
                    let hint =
                        did_you_mean(&name, slugs).unwrap_or_else(|| format!("use any of: {}", slugs.join(", ")));
                    let message = format!("unknown audience `{name}`");
                    self.problems.push(
                        self.diagnostic(Code::UnknownAudience, "audience", line, message).at(line, column).hint(hint),
                    );
                }
            }
        }
        audience
    }
}

/// The one slug among `slugs` whose words include every word of `slug`
/// (`equality` in `staff-equality`), when exactly one does.
fn one_holding_words<'a>(slug: &str, slugs: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let words: Vec<&str> = slug.split('-').filter(|word| !word.is_empty()).collect();
    let mut holding = slugs.filter(|candidate| {
        let theirs: Vec<&str> = candidate.split('-').collect();
        !words.is_empty() && words.iter().all(|word| theirs.contains(word))
    });
    let first = holding.next()?;
    holding.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_word_of_one_theme_only_offers_that_theme() {
        let slugs = ["belonging", "staff-equality", "staff-networks"];
        assert_eq!(super::one_holding_words("equality", slugs.into_iter()), Some("staff-equality"));
        assert_eq!(super::one_holding_words("staff", slugs.into_iter()), None, "two themes hold `staff`");
        assert_eq!(super::one_holding_words("allyship", slugs.into_iter()), None);
    }
}
