//! The browser editor: `/admin/index.html`, the page that loads Decap CMS, and
//! `/admin/config.yml`, its forms, made from site.toml's `[cms]` and the
//! content model (`content::keys`), so a form asks for what `belong check`
//! accepts.

use serde::Serialize;

use crate::config::{Cms, CmsBackend, Config};
use crate::content::keys::{self, Holds, Key, Part};
use crate::content::{Audience, DIR as CONTENT, KindName};
use crate::escape::escape;

/// The Decap CMS release the admin page loads, pinned so a new release
/// cannot change what authors' browsers run.
pub const DECAP_VERSION: &str = "3.16.3";

/// The SHA-384 of that release's `dist/decap-cms.js`, as the npm package
/// holds it: the browser refuses the script if the CDN's bytes differ.
pub const DECAP_INTEGRITY: &str = "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p";

/// The pattern of a date as front matter writes it.
const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";

/// What the body field says, and where to read more.
const BODY_HINT: &str = "Markdown: ## starts a section; > [!NOTE] starts inset text; :::details[Title] … ::: makes \
                         an expander. See \"Components\" in the README.";

/// Leaves sections' `_index.md` out of the lists of pages: they introduce a
/// list page and have their own collection. Decap has no setting for it, so
/// each backend's listing is wrapped before the CMS makes it.
const LEAVE_OUT_INDEXES: &str = r#"for (const name of ["github", "gitlab", "proxy"]) {
  const backend = window.CMS && CMS.getBackend(name);
  if (!backend) continue;
  const init = backend.init;
  backend.init = (...args) => {
    const implementation = init(...args);
    for (const method of ["entriesByFolder", "allEntriesByFolder"]) {
      if (typeof implementation[method] !== "function") continue;
      const list = implementation[method].bind(implementation);
      implementation[method] = async (...more) => {
        const entries = await list(...more);
        const kept = entries.filter((entry) => !/(^|\/)_index\.md$/.test(entry.file.path));
        for (const key of Object.getOwnPropertySymbols(entries)) kept[key] = entries[key];
        return kept;
      };
    }
    return implementation;
  };
}"#;

/// The admin page: the CMS's script (the pinned release with its integrity,
/// or the trust's own copy) and a message for browsers without JavaScript.
pub fn admin_page(config: &Config, cms: &Cms) -> String {
    let script = match &cms.script {
        Some(own) => format!("<script src=\"{}\"></script>", escape(own)),
        None => format!(
            "<script src=\"https://unpkg.com/decap-cms@{DECAP_VERSION}/dist/decap-cms.js\" integrity=\"{DECAP_INTEGRITY}\" \
             crossorigin=\"anonymous\"></script>"
        ),
    };
    let title = escape(&config.title);
    format!(
        "<!doctype html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<title>Edit pages: {title}</title>\n\
         <link href=\"config.yml\" type=\"text/yaml\" rel=\"cms-config-url\">\n</head>\n<body>\n\
         <noscript><h1>Edit pages: {title}</h1><p>The page editor needs JavaScript. Turn it on for this \
         site, or edit the files in <code>content/</code> as the README explains.</p><p><a href=\"../\">Back to \
         the hub</a></p></noscript>\n{script}\n<script>\n{LEAVE_OUT_INDEXES}\n</script>\n</body>\n</html>\n",
        language = escape(&config.language),
    )
}

/// The CMS's configuration as YAML, with a first line that says where it
/// comes from.
pub fn config_yaml(config: &Config, cms: &Cms) -> String {
    let yaml = serde_saphyr::to_string(&Settings::new(config, cms))
        .unwrap_or_else(|error| format!("# the configuration could not be written: {error}\n"));
    format!(
        "# Made by belong build from site.toml's [cms] and belong's content model.\n\
         # Change those, not this file: the next build writes it again.\n{yaml}"
    )
}

/// Decap CMS's configuration: the parts belong sets.
#[derive(Serialize)]
struct Settings<'a> {
    backend: Backend<'a>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    local_backend: bool,
    site_url: &'a str,
    display_url: &'a str,
    /// Pictures not uploaded with a page go beside the top-level pages.
    media_folder: &'static str,
    public_folder: &'static str,
    slug: SlugRules,
    collections: Vec<Collection<'a>>,
}

#[derive(Serialize)]
struct Backend<'a> {
    name: &'static str,
    repo: &'a str,
    branch: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_root: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_id: Option<&'a str>,
}

/// File names as `belong new` makes them: lower-case ASCII, accents folded,
/// words joined by hyphens.
#[derive(Serialize)]
struct SlugRules {
    encoding: &'static str,
    clean_accents: bool,
    sanitize_replacement: &'static str,
}

#[derive(Serialize, Default)]
struct Collection<'a> {
    name: &'static str,
    label: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label_singular: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    folder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    create: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier_field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sortable_fields: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extension: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    /// Pictures go beside the page's file: in a bundle, its own folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    media_folder: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_folder: Option<&'static str>,
    editor: Editor,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<Field<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<FileEntry<'a>>,
}

/// The CMS's own preview renders Markdown its own way, not belong's: the
/// preview that shows the page as published is `belong serve`.
#[derive(Serialize, Default)]
struct Editor {
    preview: bool,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    name: &'static str,
    label: String,
    file: String,
    fields: Vec<Field<'a>>,
}

#[derive(Serialize, Default)]
struct Field<'a> {
    name: &'static str,
    label: &'static str,
    widget: &'static str,
    /// Decap asks for every field unless told otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    required: Option<bool>,
    #[serde(skip_serializing_if = "str::is_empty")]
    hint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern: Option<[&'static str; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<Vec<Choice<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    multiple: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_format: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    picker_utc: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modes: Option<[&'static str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<Box<Field<'a>>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<Field<'a>>,
}

#[derive(Serialize)]
struct Choice<'a> {
    label: &'a str,
    value: &'a str,
}

impl<'a> Settings<'a> {
    fn new(config: &'a Config, cms: &'a Cms) -> Settings<'a> {
        let gitlab = cms.backend == CmsBackend::Gitlab;
        let backend = Backend {
            name: if gitlab { "gitlab" } else { "github" },
            repo: &cms.repo,
            branch: &cms.branch,
            base_url: if gitlab { cms.gitlab_url.as_deref() } else { cms.auth_url.as_deref() },
            api_root: cms
                .gitlab_url
                .as_deref()
                .filter(|_| gitlab)
                .map(|url| format!("{}/api/v4", url.trim_end_matches('/'))),
            auth_type: gitlab.then_some("pkce"),
            app_id: cms.app_id.as_deref().filter(|_| gitlab),
        };
        let mut collections: Vec<Collection> = KindName::SECTIONS.iter().map(|&kind| pages(config, kind)).collect();
        collections.push(pages(config, KindName::Page));
        collections.push(introductions(config));
        Settings {
            backend,
            local_backend: cms.local,
            site_url: &config.base_url,
            display_url: &config.base_url,
            media_folder: CONTENT,
            public_folder: "",
            slug: SlugRules { encoding: "ascii", clean_accents: true, sanitize_replacement: "-" },
            collections,
        }
    }
}

/// The folder collection of the pages of `kind`: a section's, or the
/// top-level pages (single files only, as the sections are folders there).
fn pages(config: &Config, kind: KindName) -> Collection<'_> {
    let (name, folder, path) = match kind.section_dir() {
        Some(dir) => (dir, format!("{CONTENT}/{dir}"), "{{slug}}/index"),
        None => ("pages", CONTENT.to_string(), "{{slug}}"),
    };
    let mut fields: Vec<Field> = keys::of(kind).map(|key| field(config, key, kind)).collect();
    fields.push(body());
    Collection {
        name,
        label: kind.plural(),
        label_singular: Some(kind.label()),
        description: kind.section_dir().map(|dir| {
            format!("The pages in {CONTENT}/{dir}/. New ones are made as folders, so their pictures sit beside them.")
        }),
        folder: Some(folder),
        path: Some(path),
        create: Some(true),
        slug: Some("{{slug}}"),
        identifier_field: Some("title"),
        summary: Some("{{title}}"),
        sortable_fields: Some(vec!["title", "date"]),
        extension: Some("md"),
        format: Some("frontmatter"),
        media_folder: Some(""),
        public_folder: Some(""),
        editor: Editor::default(),
        fields,
        files: Vec::new(),
    }
}

/// The home page's and each section's introduction (`_index.md`): a title
/// and the Markdown above the list.
fn introductions(config: &Config) -> Collection<'_> {
    let introduction = |name: &'static str, label: String, dir: &str| FileEntry {
        name,
        label,
        file: format!("{CONTENT}/{dir}_index.md"),
        fields: vec![
            Field {
                name: "title",
                label: "Title",
                widget: "string",
                required: Some(false),
                hint: "the heading; the section's name when empty",
                ..Field::default()
            },
            body(),
        ],
    };
    let mut files = vec![introduction("home", format!("Home page: {}", config.title), "")];
    for kind in KindName::SECTIONS {
        let dir = kind.section_dir().unwrap_or_default();
        files.push(introduction(dir, format!("{}: introduction", kind.plural()), &format!("{dir}/")));
    }
    Collection {
        name: "introductions",
        label: "Introductions",
        description: Some("The words above the home page's and each section's list.".to_string()),
        editor: Editor::default(),
        files,
        ..Collection::default()
    }
}

/// The Markdown below the front matter, edited as it is written: the rich
/// text mode would write it anew (footnotes, alerts and directives lost).
fn body() -> Field<'static> {
    Field { name: "body", label: "Body", widget: "markdown", hint: BODY_HINT, modes: Some(["raw"]), ..Field::default() }
}

/// The form field of one front-matter key on a page of `kind`.
fn field<'a>(config: &'a Config, key: &Key, kind: KindName) -> Field<'a> {
    let required = key.needed_by(kind);
    let base = Field {
        name: key.name,
        label: key.label,
        required: (!required).then_some(false),
        hint: key.hint,
        ..Field::default()
    };
    match key.holds {
        Holds::Text => Field { widget: "string", ..base },
        Holds::Sentences => Field { widget: "text", ..base },
        Holds::Date => Field {
            widget: "datetime",
            format: Some("YYYY-MM-DD"),
            date_format: Some("YYYY-MM-DD"),
            time_format: Some(false),
            picker_utc: Some(true),
            pattern: Some([DATE_PATTERN, "write the date as YYYY-MM-DD"]),
            ..base
        },
        Holds::Themes => Field {
            widget: "select",
            multiple: Some(true),
            min: required.then_some(1),
            options: Some(
                config.themes.iter().map(|theme| Choice { label: &theme.name, value: &theme.slug }).collect(),
            ),
            ..base
        },
        Holds::Region => Field {
            widget: "select",
            options: Some(config.regions.iter().map(|region| Choice { label: region, value: region }).collect()),
            ..base
        },
        Holds::Audiences => Field {
            widget: "select",
            multiple: Some(true),
            options: Some(
                Audience::ALL
                    .iter()
                    .map(|audience| Choice { label: audience.label(), value: audience.slug() })
                    .collect(),
            ),
            ..base
        },
        Holds::Flag => Field { widget: "boolean", ..base },
        Holds::Number => Field { widget: "number", value_type: Some("int"), ..base },
        Holds::Slug => Field {
            widget: "string",
            pattern: Some(["^[a-z0-9]+(-[a-z0-9]+)*$", "lower-case words joined by hyphens, such as staff-networks"]),
            ..base
        },
        Holds::Paths => Field { widget: "list", field: Some(Box::new(line("path", "Old address"))), ..base },
        Holds::Picture => Field { widget: "image", ..base },
        Holds::Entries(parts) => Field { widget: "list", fields: parts.iter().map(part).collect(), ..base },
        Holds::Lines => Field {
            widget: "list",
            min: required.then_some(1),
            field: Some(Box::new(line("question", "Question"))),
            ..base
        },
    }
}

/// The one text field of a list of lines.
fn line(name: &'static str, label: &'static str) -> Field<'static> {
    Field { name, label, widget: "string", ..Field::default() }
}

/// The form field of one key of an entry in a list.
fn part(part: &Part) -> Field<'static> {
    Field {
        name: part.name,
        label: part.label,
        widget: if part.number { "number" } else { "string" },
        value_type: part.number.then_some("float"),
        required: (!part.required).then_some(false),
        hint: part.hint,
        ..Field::default()
    }
}
