//! The content model as data: every front-matter key, which kinds of page
//! take it and which need it, what it holds, and the words authors see about
//! it. `validate` checks pages against this table, `belong new` writes its
//! comments from it and the browser editor's forms are made from it, so the
//! three cannot disagree.

use super::KindName;

/// A set of kinds of page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kinds {
    Every,
    /// Case studies, toolkits and discussion sets: the kinds in lists.
    Listed,
    Only(KindName),
    None,
}

impl Kinds {
    pub fn has(self, kind: KindName) -> bool {
        match self {
            Kinds::Every => true,
            Kinds::Listed => kind != KindName::Page,
            Kinds::Only(only) => only == kind,
            Kinds::None => false,
        }
    }
}

/// What a key's value is, as an author writes it.
#[derive(Clone, Copy, Debug)]
pub enum Holds {
    /// One line of text.
    Text,
    /// A sentence or two.
    Sentences,
    /// A date written `YYYY-MM-DD`.
    Date,
    /// Theme slugs from site.toml.
    Themes,
    /// One region from site.toml.
    Region,
    /// Audiences from `Audience::ALL`.
    Audiences,
    /// `true` or `false`.
    Flag,
    /// A whole number.
    Number,
    /// Lower-case words joined by hyphens.
    Slug,
    /// Old URL paths of the site.
    Paths,
    /// A picture beside the page's file.
    Picture,
    /// A list of entries, each with the keys of `OUTCOME` or `RESOURCE`.
    Entries(&'static [Part]),
    /// A list of lines of text (discussion questions).
    Lines,
}

/// One front-matter key of the content model.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    pub name: &'static str,
    /// The kinds of page that take it; on any other it is reported.
    pub takes: Kinds,
    /// The kinds of page that must have it.
    pub required: Kinds,
    pub holds: Holds,
    /// Its name in a form, such as "Review due".
    pub label: &'static str,
    /// What to write, in a few words, as `belong new`'s comments say it.
    pub hint: &'static str,
    /// A value to copy, as hints in diagnostics show it.
    pub example: &'static str,
}

/// One key of an entry in a list of entries (an outcome, a resource).
#[derive(Clone, Copy, Debug)]
pub struct Part {
    pub name: &'static str,
    /// True for a number, false for text.
    pub number: bool,
    pub required: bool,
    pub label: &'static str,
    pub hint: &'static str,
}

/// The keys of one outcome of a case study.
pub const OUTCOME: &[Part] = &[
    Part {
        name: "measure",
        number: false,
        required: true,
        label: "Measure",
        hint: "what was measured, such as \"Staff turnover\"",
    },
    Part {
        name: "before",
        number: true,
        required: true,
        label: "Before",
        hint: "the figure before, as a plain number",
    },
    Part { name: "after", number: true, required: true, label: "After", hint: "the figure after, as a plain number" },
    Part { name: "unit", number: false, required: true, label: "Unit", hint: "such as %, days or staff" },
    Part {
        name: "benchmark",
        number: true,
        required: false,
        label: "Benchmark",
        hint: "a figure to compare with, such as a national average",
    },
    Part {
        name: "benchmark_label",
        number: false,
        required: false,
        label: "Benchmark label",
        hint: "what the benchmark is, such as \"National average\"",
    },
    Part { name: "period", number: false, required: false, label: "Period", hint: "such as \"2021 to 2023\"" },
];

/// The keys of one further-reading link.
pub const RESOURCE: &[Part] = &[
    Part { name: "title", number: false, required: true, label: "Title", hint: "the link's words" },
    Part { name: "url", number: false, required: true, label: "Address", hint: "the full address, starting https://" },
];

/// Every front-matter key, in the order forms and templates list them.
pub const KEYS: &[Key] = &[
    Key {
        name: "title",
        takes: Kinds::Every,
        required: Kinds::Every,
        holds: Holds::Text,
        label: "Title",
        hint: "the page's heading",
        example: "\"Building belonging in emergency operations\"",
    },
    Key {
        name: "summary",
        takes: Kinds::Every,
        required: Kinds::Listed,
        holds: Holds::Sentences,
        label: "Summary",
        hint: "one or two sentences, at most 300 characters",
        example: "\"One or two sentences on what was done and what changed.\"",
    },
    Key {
        name: "themes",
        takes: Kinds::Every,
        required: Kinds::Listed,
        holds: Holds::Themes,
        label: "Themes",
        hint: "one or more of the hub's themes",
        example: "[\"belonging\", \"staff-networks\"]",
    },
    Key {
        name: "organisation",
        takes: Kinds::Listed,
        required: Kinds::Only(KindName::CaseStudy),
        holds: Holds::Text,
        label: "Organisation",
        hint: "the organisation's full name",
        example: "\"East of England Ambulance Service NHS Trust\"",
    },
    Key {
        name: "region",
        takes: Kinds::Listed,
        required: Kinds::None,
        holds: Holds::Region,
        label: "Region",
        hint: "the NHS region it is in",
        example: "\"East of England\"",
    },
    Key {
        name: "date",
        takes: Kinds::Every,
        required: Kinds::Listed,
        holds: Holds::Date,
        label: "Date",
        hint: "first published, YYYY-MM-DD",
        example: "2024-05-12",
    },
    Key {
        name: "updated",
        takes: Kinds::Every,
        required: Kinds::None,
        holds: Holds::Date,
        label: "Updated",
        hint: "when the page last changed",
        example: "2024-05-12",
    },
    Key {
        name: "review_due",
        takes: Kinds::Every,
        required: Kinds::None,
        holds: Holds::Date,
        label: "Review due",
        hint: "when to check the page again",
        example: "2026-05-12",
    },
    Key {
        name: "audience",
        takes: Kinds::Listed,
        required: Kinds::None,
        holds: Holds::Audiences,
        label: "Audience",
        hint: "who it is for",
        example: "[\"board\", \"managers\"]",
    },
    Key {
        name: "outcomes",
        takes: Kinds::Only(KindName::CaseStudy),
        required: Kinds::None,
        holds: Holds::Entries(OUTCOME),
        label: "Outcomes",
        hint: "figures to chart, one entry per measure",
        example: "...",
    },
    Key {
        name: "questions",
        takes: Kinds::Only(KindName::Discussion),
        required: Kinds::Only(KindName::Discussion),
        holds: Holds::Lines,
        label: "Questions",
        hint: "the questions, in order",
        example: "...",
    },
    Key {
        name: "resources",
        takes: Kinds::Every,
        required: Kinds::None,
        holds: Holds::Entries(RESOURCE),
        label: "Further reading",
        hint: "further reading",
        example: "...",
    },
    Key {
        name: "image",
        takes: Kinds::Every,
        required: Kinds::None,
        holds: Holds::Picture,
        label: "Picture",
        hint: "a picture beside this file",
        example: "...",
    },
    Key {
        name: "image_alt",
        takes: Kinds::Every,
        required: Kinds::None,
        holds: Holds::Text,
        label: "Picture description",
        hint: "required with image: what the picture shows",
        example: "...",
    },
    Key {
        name: "draft",
        takes: Kinds::Every,
        required: Kinds::None,
        holds: Holds::Flag,
        label: "Draft",
        hint: "leave the page out of the site until ready",
        example: "true",
    },
    Key {
        name: "weight",
        takes: Kinds::Every,
        required: Kinds::None,
        holds: Holds::Number,
        label: "Weight",
        hint: "lists put lower numbers first; leave empty to list by date",
        example: "10",
    },
    Key {
        name: "slug",
        takes: Kinds::Every,
        required: Kinds::None,
        holds: Holds::Slug,
        label: "Web address",
        hint: "the last part of the page's address, if not the file's name",
        example: "...",
    },
    Key {
        name: "aliases",
        takes: Kinds::Every,
        required: Kinds::None,
        holds: Holds::Paths,
        label: "Old addresses",
        hint: "addresses the page had before, such as /old/path/, to redirect",
        example: "[\"/old/path/\"]",
    },
];

/// The key named `name`, if the content model has it.
pub fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|key| key.name == name)
}

/// The keys a page of `kind` takes, in table order.
pub fn of(kind: KindName) -> impl Iterator<Item = &'static Key> {
    KEYS.iter().filter(move |key| key.takes.has(kind))
}

impl Key {
    /// Whether a page of `kind` must have this key.
    pub fn needed_by(&self, kind: KindName) -> bool {
        self.takes.has(kind) && self.required.has(kind)
    }
}

/// Whether a page of `kind` must have `name`.
pub fn required(name: &str, kind: KindName) -> bool {
    key(name).is_some_and(|key| key.needed_by(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_required_key_is_taken_by_the_kinds_that_need_it() {
        for kind in KindName::ALL {
            for key in KEYS.iter().filter(|key| key.required.has(kind)) {
                assert!(key.takes.has(kind), "{} needs `{}` but does not take it", kind.label(), key.name);
            }
        }
        assert!(required("organisation", KindName::CaseStudy));
        assert!(!required("organisation", KindName::Toolkit));
        assert!(!required("summary", KindName::Page));
        assert!(required("questions", KindName::Discussion));
    }
}
