//! Stage 4: the layout, read from `layouts/`.
//!
//! `layouts/report.yaml` declares, once for both backends, the page, the
//! fonts, the section order, which sections are required, their headings and
//! every label. `layouts/typst/*.typ.hbs` are the Handlebars templates that
//! turn the [`crate::view::ReportView`] into Typst source: `report.typ.hbs`
//! is the main one, and each section has a partial named after its id.
//!
//! Data never becomes markup here: the registry's escape function turns
//! every `{{value}}` into a Typst string literal, so a template writes
//! `#{{value}}` in markup or `{{value}}` in code, and no character of the
//! value can leave the string. Triple braces, which bypass escaping, are
//! refused when the templates load.

use std::path::{Path, PathBuf};

use handlebars::{
    BlockContext, Context, Handlebars, Helper, HelperResult, Output, RenderContext,
    RenderErrorReason, Renderable, StringOutput, Template, TemplateError,
};
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Location};
use crate::language::{Language, Languages, typeset_punctuation};
use crate::model::rich::{Block, Inline};
use crate::model::{SectionKind, SectionShape};
use crate::render::typst_markup;
use crate::sources::localize::Translation;
use crate::sources::{self, YamlDocument};

/// The manifest's file name inside `layouts/`.
pub const MANIFEST_FILE: &str = "report.yaml";
/// The folder of the Typst templates inside `layouts/`.
pub const TYPST_TEMPLATES_DIR: &str = "typst";
/// The main Typst template's name (file `report.typ.hbs`).
pub const MAIN_TEMPLATE: &str = "report";

/// What `layouts/report.yaml` declares.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Paper and margins.
    pub page: PageSetup,
    /// Font families and size.
    pub fonts: FontSetup,
    /// The language of the documents this manifest makes, as a BCP 47 tag
    /// such as `en-CA`. A layout in one language writes `language:`; one
    /// in several writes `languages:` and gets one manifest per language,
    /// each with its own here.
    #[serde(default)]
    pub language: String,
    /// Every language of the documents, the primary one first:
    /// `[en-CA, fr-CA]`.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Title patterns; `{ordinal}`, `{process}` and `{theme}` are filled in.
    pub titles: Titles,
    /// The series file, relative to `report-data/`.
    pub series_file: String,
    /// The sections in the order they appear.
    pub sections: Vec<SectionDeclaration>,
    /// How the stakeholders read from registrations are listed and charted.
    #[serde(default)]
    pub stakeholders: StakeholdersLayout,
    /// Every fixed word the documents print.
    pub labels: Labels,
}

/// How the stakeholders section shows what the registrations give.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StakeholdersLayout {
    /// The order of the organisations read from registrations (a list
    /// written in `stakeholders.yaml` keeps its own).
    #[serde(default)]
    pub sort: OrganisationOrder,
    /// The colours of the chart's bars, `#RRGGBB`, one per sector in turn
    /// (the list starts again when there are more sectors).
    #[serde(default = "default_colours")]
    pub colours: Vec<String>,
}

impl Default for StakeholdersLayout {
    fn default() -> Self {
        Self {
            sort: OrganisationOrder::default(),
            colours: default_colours(),
        }
    }
}

/// The accent colour of the templates, for a layout that names none.
fn default_colours() -> Vec<String> {
    vec!["#1F3864".to_string()]
}

/// How organisations read from registrations are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrganisationOrder {
    /// By name, accents and case set aside (Université sorts as
    /// Universite), which is how English and French readers look a name up.
    #[default]
    Alphabetical,
    /// Most registrants first, then by name.
    Registrations,
}

/// Paper and margins.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageSetup {
    /// The paper size.
    pub paper: Paper,
    /// The margin on every side, in millimetres.
    pub margin_mm: f64,
}

/// The paper sizes the layout offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    /// 8.5 × 11 in, the North American default.
    UsLetter,
    /// 210 × 297 mm.
    A4,
}

impl Paper {
    /// Width and height in millimetres.
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            Paper::UsLetter => (215.9, 279.4),
            Paper::A4 => (210.0, 297.0),
        }
    }
}

/// Font families and size.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FontSetup {
    /// The family of all text.
    pub body: String,
    /// Families tried, in order, for characters the body family lacks.
    pub fallback: Vec<String>,
    /// The family of inline code.
    pub monospace: String,
    /// The body size in points.
    pub size_pt: f64,
}

/// Title patterns.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Titles {
    /// The report's title: "Report on {ordinal} Multistakeholder Meeting".
    pub title: String,
    /// The process line above it: "{process}: {theme}".
    pub process: String,
    /// The running header.
    pub running: String,
    /// The agenda's own title: "{ordinal} Multistakeholder Meeting: {theme}".
    pub agenda: String,
}

/// One section as the layout declares it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDeclaration {
    /// Which section: a built-in id (`meeting`, `overview`, `stakeholders`,
    /// `panel-updates`, `agenda`) or one of the editor's own.
    pub id: String,
    /// What the section holds: `prose`, `table` or `list` for a section of
    /// the editor's own; a built-in section's kind is its id.
    #[serde(default)]
    pub kind: Option<SectionKind>,
    /// A table's columns, in order.
    #[serde(default)]
    pub columns: Vec<ColumnDeclaration>,
    /// Its file inside the report's folder.
    pub file: String,
    /// Its heading, if it has one.
    #[serde(default)]
    pub heading: Option<String>,
    /// Whether `report check` fails when the file is absent.
    #[serde(default)]
    pub required: bool,
    /// Whether the section starts on a new page.
    #[serde(default)]
    pub new_page: bool,
    /// What a report without the section's file shows: a flag (the
    /// default), or nothing, for sections only some reports of a series
    /// have.
    #[serde(default)]
    pub when_absent: WhenAbsent,
    /// The Typst template that lays the section out: a template named after
    /// the id when the layout has one, else the kind's (`kind-prose`).
    /// Worked out when the layout loads.
    #[serde(skip_deserializing, default)]
    pub template: String,
}

impl SectionDeclaration {
    /// What the section holds.
    pub fn kind(&self) -> SectionKind {
        self.kind
            .or_else(|| SectionKind::built_in(&self.id))
            .unwrap_or(SectionKind::Prose)
    }

    /// The section as messages name it: its heading, else its id.
    pub fn title(&self) -> String {
        self.heading
            .clone()
            .unwrap_or_else(|| self.id.replace('-', " "))
    }
}

/// What a report lacking a section's file shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WhenAbsent {
    /// A flag saying the section is still to be written.
    #[default]
    Flag,
    /// Nothing: the section is not part of that report.
    Omit,
}

/// A column of a table section.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDeclaration {
    /// The key each row gives the cell under.
    pub key: String,
    /// The column's heading.
    pub label: String,
    /// Its width relative to the other columns (2 is twice as wide as 1).
    #[serde(default = "one")]
    pub width: f64,
}

fn one() -> f64 {
    1.0
}

/// Every fixed word the documents print, so that renaming one in the layout
/// changes the PDF and the DOCX alike.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Labels {
    pub location: String,
    pub date: String,
    pub in_person: String,
    pub remote: String,
    pub total: String,
    pub livestream: String,
    pub previous_mandate: String,
    pub introduction: String,
    pub discussion: String,
    pub contents: String,
    pub agenda_time: String,
    pub agenda_item: String,
    /// "This initiative is a partnership between {partners}."
    pub partnership: String,
    /// "{assisting} is also assisting in this effort."
    pub assisting: String,
    /// The word before every placeholder flag.
    pub flag: String,
    /// The watermark of draft builds.
    pub draft: String,
    /// "Page {page} of {pages}".
    pub page: String,
    /// The text of a reference to a section of another report:
    /// "{title}, {section}, p. {page}".
    pub reference: String,
    /// The text of a reference to a whole report: "{title}".
    pub reference_report: String,
    /// The caption of the chart of organisations by sector, saying what it
    /// counts: "Organisations represented, by sector".
    pub chart_caption: String,
    /// The chart's alternative text: "{caption}: {counts}." (`{counts}` is
    /// "Academia 4, Government 3, …").
    pub chart_alt: String,
    /// The heading of the sectors' column of the table of counts.
    pub chart_sector: String,
    /// The heading of the counts' column: "Organisations".
    pub chart_count: String,
    /// The sector of organisations whose registrants gave none.
    pub no_sector: String,
    /// The sentence after the list when some registrants gave no
    /// organisation: "Registrants who gave no organisation: {count}."; empty
    /// to say nothing.
    pub unaffiliated: String,
    /// How a time of day is written: `{h12}` (1 to 12), `{h24}` (0 to 23),
    /// `{mm}` (minutes, two digits), `{period}` (`am` or `pm` below).
    #[serde(default = "default_time")]
    pub time: String,
    /// The period of a morning time, for `{period}`.
    #[serde(default = "default_am")]
    pub am: String,
    /// The period of an afternoon time, for `{period}`.
    #[serde(default = "default_pm")]
    pub pm: String,
    /// What a flag says where a field has no text in this document's
    /// language: `{text}` is the primary language's text, to translate.
    #[serde(default = "default_untranslated")]
    pub untranslated: String,
    /// What a flag says where the sources have no text at all, in the
    /// documents of a language other than English (the tool's own notes,
    /// which English documents show, are in English).
    #[serde(default = "default_missing")]
    pub missing: String,
}

fn default_time() -> String {
    "{h12}:{mm} {period}".into()
}
fn default_am() -> String {
    "am".into()
}
fn default_pm() -> String {
    "pm".into()
}
fn default_untranslated() -> String {
    "translation missing: \"{text}\"".into()
}
fn default_missing() -> String {
    "still to be written".into()
}

/// The layout: manifest and Typst templates, ready to render.
pub struct Layout {
    /// What the manifest declares, in the primary language.
    pub manifest: Manifest,
    /// The languages of the documents, the primary one first.
    pub languages: Languages,
    /// The manifest in each language, in the order of `languages`.
    pub editions: Vec<Manifest>,
    /// What loading found that does not stop a build: layout words with
    /// no text in a language.
    pub warnings: Vec<Diagnostic>,
    /// The Typst templates.
    pub registry: Handlebars<'static>,
    /// The layouts folder, for messages.
    pub dir: PathBuf,
    /// The templates' sources by name, for mapping errors back.
    pub template_files: Vec<(String, PathBuf)>,
}

impl Layout {
    /// The manifest in `language`, the primary one's for a language the
    /// layout does not have.
    pub fn manifest_in(&self, language: &Language) -> &Manifest {
        self.languages
            .all()
            .iter()
            .position(|l| l == language)
            .and_then(|i| self.editions.get(i))
            .unwrap_or(&self.manifest)
    }

    /// The declaration of a section, if the layout uses it.
    pub fn section(&self, id: &str) -> Option<&SectionDeclaration> {
        self.manifest.sections.iter().find(|s| s.id == id)
    }

    /// The sections of the editor's own, as the model reads their files.
    pub fn added_sections(&self) -> Vec<SectionShape> {
        self.manifest
            .sections
            .iter()
            .filter(|s| s.kind().is_generic())
            .map(|s| SectionShape {
                id: s.id.clone(),
                kind: s.kind(),
                columns: s.columns.iter().map(|c| c.key.clone()).collect(),
                title: s.title(),
            })
            .collect()
    }

    /// Loads `layouts/` below `root`, reporting every problem found.
    pub fn load(root: &Path, layouts: &Path) -> Result<Layout, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let manifest_path = layouts.join(MANIFEST_FILE);
        let mut warnings = Vec::new();
        // Compiling the templates is most of a layout's loading and needs
        // nothing of the manifest: a thread starts on it at once, and this
        // one joins in once the manifest is read.
        let templates_dir = layouts.join(TYPST_TEMPLATES_DIR);
        let templates = read_templates(root, &templates_dir);
        let queue = CompileQueue::new(&templates);
        let (compiled, editions) = std::thread::scope(|scope| {
            let helping = scope.spawn(|| queue.compile());
            let editions = sources::read_source(root, &manifest_path)
                .and_then(sources::parse_yaml)
                .map_err(|d| problems.push(d))
                .ok()
                .and_then(|doc| load_editions(&doc, &mut problems, &mut warnings));
            let mut compiled = queue.compile();
            compiled.extend(
                helping
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
            (compiled, editions)
        });
        let (registry, template_files) = register_templates(templates, compiled, &mut problems);
        let (manifest, editions) = match editions {
            Some((languages, editions)) => (Some(editions[0].clone()), Some((languages, editions))),
            None => (None, None),
        };
        let mut manifest = manifest;
        if let Some(manifest) = &mut manifest {
            for section in &mut manifest.sections {
                let own = section.id.clone();
                let kind = format!("kind-{}", section.kind().name());
                let template = [own.as_str(), kind.as_str()]
                    .into_iter()
                    .take(if section.kind().is_generic() { 2 } else { 1 })
                    // A template refused for its content still exists: that
                    // error is reported on its own.
                    .find(|name| {
                        root.join(layouts)
                            .join(TYPST_TEMPLATES_DIR)
                            .join(format!("{name}.typ.hbs"))
                            .is_file()
                    });
                match template {
                    Some(name) => section.template = name.to_string(),
                    None => problems.push(
                        Diagnostic::error(format!(
                            "the layout has no template for the `{}` section",
                            section.id
                        ))
                        .at(Location::file(layouts.join(TYPST_TEMPLATES_DIR)))
                        .with_hint(format!(
                            "add {}",
                            layouts
                                .join(TYPST_TEMPLATES_DIR)
                                .join(format!(
                                    "{}.typ.hbs",
                                    if section.kind().is_generic() {
                                        &kind
                                    } else {
                                        &own
                                    }
                                ))
                                .display()
                        )),
                    ),
                }
            }
        }
        if !root
            .join(layouts)
            .join(TYPST_TEMPLATES_DIR)
            .join(format!("{MAIN_TEMPLATE}.typ.hbs"))
            .is_file()
        {
            problems.push(
                Diagnostic::error("the layout has no main template")
                    .at(Location::file(layouts.join(TYPST_TEMPLATES_DIR)))
                    .with_hint(format!(
                        "add {}",
                        layouts
                            .join(TYPST_TEMPLATES_DIR)
                            .join(format!("{MAIN_TEMPLATE}.typ.hbs"))
                            .display()
                    )),
            );
        }
        match (manifest, editions) {
            (Some(manifest), Some((languages, mut editions))) if problems.is_empty() => {
                Ok(Layout {
                    editions: {
                        for edition in &mut editions {
                            for (section, chosen) in
                                edition.sections.iter_mut().zip(&manifest.sections)
                            {
                                section.template = chosen.template.clone();
                            }
                        }
                        editions
                    },
                    languages,
                    warnings,
                    manifest,
                    registry,
                    dir: layouts.to_path_buf(),
                    template_files,
                })
            }
            _ => Err(problems),
        }
    }
}

/// Reads the manifest once per language of the layout: each word given
/// as a map by language (`heading: {en: Overview, fr: Aperçu}`) is read in
/// that language, and French spacing is put in the words it composes.
fn load_editions(
    doc: &YamlDocument,
    problems: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<(Languages, Vec<Manifest>)> {
    let languages = manifest_languages(doc, problems)?;
    let mut editions = Vec::new();
    for language in languages.all() {
        let localized = doc.in_language(language, &languages);
        // What is wrong in every language is said once, for the first.
        let mut found = Vec::new();
        let manifest = load_manifest(&localized, &mut found);
        for problem in found {
            let said = format!("{problem:?}");
            if !problems.iter().any(|p| format!("{p:?}") == said) {
                problems.push(problem);
            }
        }
        let mut manifest = manifest?;
        manifest.language = language.tag.clone();
        manifest.languages = languages.all().iter().map(|l| l.tag.clone()).collect();
        typeset_words(&mut manifest, language);
        for (path, translation) in localized.translations() {
            if let Translation::Missing { .. } = translation {
                warnings.push(
                    Diagnostic::warning(format!(
                        "`{path}` has no {} wording; the {} documents use the {}",
                        language.name(),
                        language.name(),
                        languages.primary().name()
                    ))
                    .at(doc.location(path))
                    .with_hint(format!("add `{}: ...` to it", language.code)),
                );
            }
        }
        editions.push(manifest);
    }
    Some((languages, editions))
}

/// The layout's languages: `languages: [en-CA, fr-CA]`, or `language:
/// en-CA` for one.
fn manifest_languages(doc: &YamlDocument, problems: &mut Vec<Diagnostic>) -> Option<Languages> {
    let tags: Vec<(String, String)> = match (doc.value.get("languages"), doc.value.get("language"))
    {
        (Some(_), Some(_)) => {
            problems.push(
                Diagnostic::error("the layout gives both `language:` and `languages:`")
                    .at(doc.location("languages"))
                    .with_hint("keep `languages:`, a list whose first language is the primary one"),
            );
            return None;
        }
        (Some(serde_yaml::Value::Sequence(items)), None) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    format!("languages[{i}]"),
                    v.as_str().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        (Some(_), None) => vec![("languages".to_string(), String::new())],
        (None, Some(tag)) => vec![(
            "language".to_string(),
            tag.as_str().unwrap_or_default().to_string(),
        )],
        (None, None) => {
            problems.push(
                Diagnostic::error("the layout names no language")
                    .at(doc.location(""))
                    .with_hint("add `language: en-CA`, or `languages: [en-CA, fr-CA]` for documents in both"),
            );
            return None;
        }
    };
    let mut languages: Vec<Language> = Vec::new();
    for (path, tag) in tags {
        match Language::parse(&tag) {
            Ok(language) if languages.iter().any(|l| l.code == language.code) => problems.push(
                Diagnostic::error(format!("the language `{}` is named twice", language.code))
                    .at(doc.location(&path))
                    .with_hint("name each language once; its documents are NAME.<code>.pdf"),
            ),
            Ok(language) => languages.push(language),
            Err(_) => problems.push(
                Diagnostic::error(format!("`{tag}` is not a language tag"))
                    .at(doc.location(&path))
                    .with_hint("write a language and region such as en-CA or fr-CA"),
            ),
        }
    }
    let languages = Languages::new(languages);
    if languages.is_none()
        && !problems
            .iter()
            .any(|d| d.severity == crate::diagnostics::Severity::Error)
    {
        problems.push(
            Diagnostic::error("`languages:` lists no language")
                .at(doc.location("languages"))
                .with_hint("list the documents' languages, the primary one first: [en-CA, fr-CA]"),
        );
    }
    languages
}

/// Puts the language's spacing around punctuation in every word the
/// layout composes.
fn typeset_words(manifest: &mut Manifest, language: &Language) {
    let set = |text: &mut String| *text = typeset_punctuation(text, language);
    let Titles {
        title,
        process,
        running,
        agenda,
    } = &mut manifest.titles;
    for text in [title, process, running, agenda] {
        set(text);
    }
    for section in &mut manifest.sections {
        if let Some(heading) = &mut section.heading {
            set(heading);
        }
        for column in &mut section.columns {
            set(&mut column.label);
        }
    }
    let labels = &mut manifest.labels;
    for text in [
        &mut labels.location,
        &mut labels.date,
        &mut labels.in_person,
        &mut labels.remote,
        &mut labels.total,
        &mut labels.livestream,
        &mut labels.previous_mandate,
        &mut labels.introduction,
        &mut labels.discussion,
        &mut labels.contents,
        &mut labels.agenda_time,
        &mut labels.agenda_item,
        &mut labels.partnership,
        &mut labels.assisting,
        &mut labels.flag,
        &mut labels.draft,
        &mut labels.page,
        &mut labels.reference,
        &mut labels.reference_report,
        &mut labels.chart_caption,
        &mut labels.chart_alt,
        &mut labels.chart_sector,
        &mut labels.chart_count,
        &mut labels.no_sector,
        &mut labels.unaffiliated,
        &mut labels.untranslated,
        &mut labels.missing,
    ] {
        set(text);
    }
}

fn load_manifest(doc: &YamlDocument, problems: &mut Vec<Diagnostic>) -> Option<Manifest> {
    let manifest: Manifest =
        crate::model::decode_value(doc, "", &doc.value, "the layout", problems)?;
    for (i, section) in manifest.sections.iter().enumerate() {
        check_declaration(doc, i, section, problems);
        if manifest.sections[..i].iter().any(|s| s.id == section.id) {
            problems.push(
                Diagnostic::error(format!("the `{}` section is declared twice", section.id))
                    .at(doc.location(&format!("sections[{i}]")))
                    .with_hint("keep one declaration of each section"),
            );
        }
        if section.file.contains("..")
            || Path::new(&section.file).is_absolute()
            || section.file.contains('/')
        {
            problems.push(
                Diagnostic::error(format!(
                    "the file of the `{}` section must be a plain file name",
                    section.id
                ))
                .at(doc.location(&format!("sections[{i}].file")))
                .with_hint("name a file inside the report's own folder, e.g. overview.yaml"),
            );
        }
    }
    for (i, colour) in manifest.stakeholders.colours.iter().enumerate() {
        let hex = colour.strip_prefix('#').unwrap_or_default();
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            problems.push(
                Diagnostic::error(format!("`{colour}` is not a colour"))
                    .at(doc.location(&format!("stakeholders.colours[{i}]")))
                    .with_hint("write a colour as # and six hexadecimal digits, e.g. \"#1F3864\""),
            );
        }
    }
    if manifest.stakeholders.colours.is_empty() {
        problems.push(
            Diagnostic::error("the chart has no colours")
                .at(doc.location("stakeholders.colours"))
                .with_hint("list one colour or more, e.g. colours: [\"#1F3864\"]"),
        );
    }
    Some(manifest)
}

/// Checks one section declaration: a kind where one is needed, columns
/// where they belong, ids that can name a file and a template.
fn check_declaration(
    doc: &YamlDocument,
    index: usize,
    section: &SectionDeclaration,
    problems: &mut Vec<Diagnostic>,
) {
    let at = |key: &str| doc.location(&format!("sections[{index}].{key}"));
    let id = &section.id;
    let built_in = SectionKind::built_in(id);
    let kinds = SectionKind::GENERIC.map(SectionKind::name).join(", ");
    match (built_in, section.kind) {
        (Some(kind), Some(given)) if given != kind => problems.push(
            Diagnostic::error(format!(
                "the built-in `{id}` section cannot be of kind `{}`",
                given.name()
            ))
            .at(at("kind"))
            .with_hint(format!(
                "remove `kind:`, or give the section an id of its own to make it a {} section",
                given.name()
            )),
        ),
        (None, None) => {
            let mut diagnostic =
                Diagnostic::error(format!("the section `{id}` has no kind")).at(at("id"));
            diagnostic = match crate::diagnostics::closest(id, SectionKind::BUILT_IN.map(SectionKind::name)) {
                Some(name) => diagnostic.with_hint(format!("did you mean the built-in `{name}`? A section of your own needs `kind:` with one of: {kinds}")),
                None => diagnostic.with_hint(format!("add `kind:` with one of: {kinds}")),
            };
            problems.push(diagnostic);
        }
        (None, Some(kind)) if !kind.is_generic() => problems.push(
            Diagnostic::error(format!(
                "`{}` is a built-in section, not a kind",
                kind.name()
            ))
            .at(at("kind"))
            .with_hint(format!("a section of your own is one of: {kinds}")),
        ),
        _ => {}
    }
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        problems.push(
            Diagnostic::error(format!(
                "the section id `{id}` must be lower-case letters, digits and -"
            ))
            .at(at("id"))
            .with_hint("the id names the section's template and its schema, e.g. next-steps"),
        );
    }
    let is_table = section.kind() == SectionKind::Table;
    if is_table && section.columns.is_empty() {
        problems.push(
            Diagnostic::error(format!("the table section `{id}` declares no columns"))
                .at(at("kind"))
                .with_hint("add `columns:`, a list of `- key: ...` and `label: ...`"),
        );
    }
    if !is_table && !section.columns.is_empty() {
        problems.push(
            Diagnostic::error(format!("only a table has columns, and `{id}` is not one"))
                .at(at("columns"))
                .with_hint("remove `columns:`, or make the section `kind: table`"),
        );
    }
    for (j, column) in section.columns.iter().enumerate() {
        if section.columns[..j].iter().any(|c| c.key == column.key) {
            problems.push(
                Diagnostic::error(format!("the column `{}` is declared twice", column.key))
                    .at(doc.location(&format!("sections[{index}].columns[{j}].key")))
                    .with_hint("give each column a key of its own"),
            );
        }
        if !(column.width > 0.0 && column.width <= 100.0) {
            problems.push(
                Diagnostic::error(format!(
                    "the width of the column `{}` must be a number above 0",
                    column.key
                ))
                .at(doc.location(&format!("sections[{index}].columns[{j}].width")))
                .with_hint("widths are relative: 2 is twice as wide as 1"),
            );
        }
    }
}

/// A template as read from its file, marked with its origins
/// ([`mark_origins`]) for compiling.
struct TemplateSource {
    name: String,
    relative: PathBuf,
    source: String,
    marked: String,
}

/// Templates shared out between threads, largest first, each compiled once
/// by whichever thread takes it.
struct CompileQueue<'a> {
    /// Each template read with its place in the file order.
    largest_first: Vec<(usize, &'a TemplateSource)>,
    next: std::sync::atomic::AtomicUsize,
}

impl<'a> CompileQueue<'a> {
    fn new(templates: &'a [Result<TemplateSource, Diagnostic>]) -> Self {
        let mut largest_first: Vec<(usize, &TemplateSource)> = templates
            .iter()
            .enumerate()
            .filter_map(|(at, read)| Some((at, read.as_ref().ok()?)))
            .collect();
        largest_first.sort_by_key(|(_, template)| std::cmp::Reverse(template.marked.len()));
        CompileQueue {
            largest_first,
            next: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Compiles templates until none is left; returns each with its place
    /// in the file order. Compiling needs no helpers, so a registry of the
    /// thread's own, with the layout registry's indent rule, is enough.
    fn compile(&self) -> Vec<(usize, Result<Template, TemplateError>)> {
        let mut compiler = Handlebars::new();
        compiler.set_prevent_indent(true);
        let mut compiled = Vec::new();
        loop {
            let taken = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&(at, template)) = self.largest_first.get(taken) else {
                return compiled;
            };
            let result = compiler
                .register_template_string(&template.name, &template.marked)
                .map(|()| {
                    compiler
                        .get_template(&template.name)
                        .cloned()
                        .expect("a template just registered is there")
                });
            compiled.push((at, result));
        }
    }
}

/// The layout's registry: its helpers, the escape function, and the
/// compiled templates, registered in file order, with a located problem
/// for each template that does not compile.
fn register_templates(
    templates: Vec<Result<TemplateSource, Diagnostic>>,
    mut compiled: Vec<(usize, Result<Template, TemplateError>)>,
    problems: &mut Vec<Diagnostic>,
) -> (Handlebars<'static>, Vec<(String, PathBuf)>) {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.set_prevent_indent(true);
    registry.register_escape_fn(typst_markup::string_literal);
    registry.register_helper("blocks", Box::new(blocks_helper));
    registry.register_helper("inlines", Box::new(inlines_helper));
    registry.register_helper("num", Box::new(number_helper));
    registry.register_helper("section", Box::new(section_helper));
    compiled.sort_by_key(|(at, _)| *at);
    let mut compiled = compiled.into_iter().map(|(_, result)| result);
    let mut files = Vec::new();
    for read in templates {
        let TemplateSource {
            name,
            relative,
            source,
            marked,
        } = match read {
            Ok(template) => template,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let Some(result) = compiled.next() else {
            break;
        };
        match result {
            Ok(compiled) => {
                registry.register_template(&name, compiled);
                files.push((name, relative));
            }
            Err(error) => {
                let location = match error.pos() {
                    Some((line, column)) => {
                        let shift = marked.lines().nth(line - 1).map_or(0, |l| {
                            l.len() - source.lines().nth(line - 1).map_or(0, str::len)
                        });
                        Location::at(&relative, line, column.saturating_sub(shift).max(1))
                    }
                    _ => Location::file(&relative),
                };
                problems.push(
                    Diagnostic::error(format!("the template cannot be read: {}", error.reason()))
                        .at(location)
                        .with_hint(
                            "check that every {{#each}} and {{#if}} is closed and that braces match",
                        ),
                );
            }
        }
    }
    (registry, files)
}

/// Reads the templates of `dir` in file order: each marked for compiling,
/// or the problem that keeps it out (unreadable, or writing a value
/// unescaped).
fn read_templates(root: &Path, dir: &Path) -> Vec<Result<TemplateSource, Diagnostic>> {
    let mut templates = Vec::new();
    let entries = match std::fs::read_dir(root.join(dir)) {
        Ok(entries) => entries,
        Err(_) => {
            templates.push(Err(Diagnostic::error(
                "the layout's template folder cannot be read",
            )
            .at(Location::file(dir))
            .with_hint("the project needs layouts/typst/ with the .typ.hbs templates")));
            return templates;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(name) = file_name.strip_suffix(".typ.hbs") else {
            continue;
        };
        let relative = dir.join(file_name);
        let source = match sources::read_source(root, &relative) {
            Ok(file) => file.text,
            Err(d) => {
                templates.push(Err(d));
                continue;
            }
        };
        if let Some((line, column)) = find_unescaped_output(&source) {
            templates.push(Err(
                Diagnostic::error("this template writes a value without escaping it")
                    .at(Location::at(&relative, line, column))
                    .with_hint("write {{value}}, never {{{value}}} or {{&value}}: values must reach Typst as strings, not markup"),
            ));
            continue;
        }
        templates.push(Ok(TemplateSource {
            marked: mark_origins(name, &source),
            name: name.to_string(),
            relative,
            source,
        }));
    }
    templates
}

/// Delimits origin marks; a control character, so no data can contain it
/// (the model removes control characters, string literals escape them).
pub const ORIGIN_DELIMITER: char = '\u{1}';

/// Prefixes every line that carries Typst text with a mark naming the
/// template and line, so that generated lines can be traced back to the
/// template line that wrote them. Lines holding only a block tag are left
/// alone, so Handlebars still drops them as standalone lines.
fn mark_origins(name: &str, source: &str) -> String {
    let mut out = String::with_capacity(source.len() * 2);
    for (index, line) in source.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let trimmed = line.trim();
        let standalone = trimmed.starts_with("{{")
            && trimmed.ends_with("}}")
            && !trimmed[2..].contains("{{")
            && trimmed[2..].starts_with(['#', '/', '^', '!', '>', '~'])
            || trimmed.starts_with("{{else");
        if !standalone && !trimmed.is_empty() {
            out.push(ORIGIN_DELIMITER);
            out.push_str(&format!("{name}:{}", index + 1));
            out.push(ORIGIN_DELIMITER);
        }
        out.push_str(line);
    }
    out
}

/// Finds `{{{` or `{{&`, which would bypass the escape function.
fn find_unescaped_output(source: &str) -> Option<(usize, usize)> {
    for (index, line) in source.lines().enumerate() {
        let found = line
            .find("{{{")
            .or_else(|| line.find("{{&"))
            .or_else(|| line.find("{{~{"));
        if let Some(column) = found {
            return Some((index + 1, line[..column].chars().count() + 1));
        }
    }
    None
}

/// `{{section this}}`: lays a section out with the template it names (its
/// `template`), as `{{> (lookup this "template")}}` would, but reading the
/// section where it is in the data. A partial works on a copy of its
/// context, and every `{{#each}}` and parameter inside it copies again from
/// that copy: at 50 working groups, two fifths of running the templates.
fn section_helper<'reg, 'rc>(
    helper: &Helper<'rc>,
    registry: &'reg Handlebars<'reg>,
    context: &'rc Context,
    render: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    let section = helper
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("section", 0))?;
    let name = section
        .value()
        .get("template")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| {
            RenderErrorReason::Other("`section` needs a section of the view".to_string())
        })?;
    if name == MAIN_TEMPLATE || render.is_current_template(name) {
        return Err(RenderErrorReason::CannotIncludeSelf.into());
    }
    let template = registry
        .get_template(name)
        .ok_or_else(|| RenderErrorReason::PartialNotFound(name.to_string()))?;
    let mut block = BlockContext::new();
    match section.context_path() {
        Some(path) => block.base_path_mut().clone_from(path),
        None => block.set_base_value(section.value().clone()),
    }
    // As in a partial, `@index` and the like of the enclosing `{{#each}}`
    // stay readable.
    if let Some(parent) = render.block() {
        block
            .local_variables_mut()
            .clone_from(parent.local_variables());
    }
    let calling = render.get_current_template_name();
    render.push_block(block);
    let mut section_text = StringOutput::new();
    let rendered = template.render(registry, context, render, &mut section_text);
    render.pop_block();
    render.set_current_template_name(calling);
    rendered?;
    let text = section_text
        .into_string()
        .map_err(|e| RenderErrorReason::Other(e.to_string()))?;
    // Placed on a line of its own, as a partial is: the section's own last
    // line break ends that line.
    out.write(text.strip_suffix('\n').unwrap_or(&text))?;
    Ok(())
}

/// `{{blocks value}}`: writes rich text as Typst code, every text run a
/// string literal.
fn blocks_helper(
    helper: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = helper
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("blocks", 0))?;
    // Read straight from the JSON the registry holds, without copying it.
    let blocks = Vec::<Block>::deserialize(value.value())
        .map_err(|e| RenderErrorReason::Other(format!("`blocks` needs rich text: {e}")))?;
    out.write(&typst_markup::blocks(&blocks))?;
    Ok(())
}

/// `{{inlines value}}`: writes inline rich text as Typst markup.
fn inlines_helper(
    helper: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = helper
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("inlines", 0))?;
    let content = Vec::<Inline>::deserialize(value.value())
        .map_err(|e| RenderErrorReason::Other(format!("`inlines` needs inline rich text: {e}")))?;
    out.write(&typst_markup::blocks(&[Block::Paragraph { content }]))?;
    Ok(())
}

/// `{{num value}}`: writes a number as a Typst number, refusing anything else.
fn number_helper(
    helper: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = helper
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("num", 0))?;
    match value.value() {
        serde_json::Value::Number(n) => out.write(&n.to_string())?,
        other => {
            return Err(
                RenderErrorReason::Other(format!("`num` needs a number, not {other}")).into(),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spots_triple_braces() {
        assert_eq!(find_unescaped_output("ok {{a}}\n x {{{b}}}"), Some((2, 4)));
        assert_eq!(find_unescaped_output("{{&a}}"), Some((1, 1)));
        assert_eq!(find_unescaped_output("{{a}} {{#if b}}{{/if}}"), None);
    }
}
