//! Stage 2: the typed, validated report. No I/O happens here.
//!
//! Each source file is decoded into its `*File` shape (serde, unknown keys
//! refused), then checked and turned into the [`Report`] that later stages
//! read. Every value keeps the location it came from, so that placeholders
//! and semantic errors point at the editor's line.

mod decode;
pub mod field;
pub(crate) use self::decode::decode as decode_value;
pub mod facts;
pub mod registrations;
pub mod rich;
pub mod sections;

use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use self::decode::decode;
pub use self::facts::{Date, Figure, TimeOfDay};
use self::rich::{Inline, Placeholder, PlaceholderOrigin, RichText, parse_markdown};
pub use self::sections::{AddedSection, Subsection};
use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

use crate::diagnostics::{Diagnostic, Location};
use crate::language::Language;
use crate::sources::YamlDocument;
use crate::sources::localize::Translation;

/// An anchor's form of a heading: lower case, accents folded, words joined
/// by `-`. "Consumer Éducation" becomes `consumer-education`. References
/// name a working group by it, so no two groups of a report may share one.
pub fn slug(text: &str) -> String {
    let folded: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// What a section holds, and so how its file is read and laid out.
///
/// The first five are the built-in sections, whose ids are their names and
/// whose files have shapes of their own. The last three are the generic
/// kinds an editor gives a section added in the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    /// Meeting facts: title, place, date, attendance, livestream.
    Meeting,
    /// The overview paragraphs, with the generated partnership paragraph.
    Overview,
    /// The stakeholders represented, by registration.
    Stakeholders,
    /// One update per working group.
    PanelUpdates,
    /// Appendix A, the agenda.
    Agenda,
    /// Flowing text (`body:`) and optional sub-sections.
    Prose,
    /// A table whose columns the layout declares (`rows:`).
    Table,
    /// A bulleted list (`items:`).
    List,
}

impl SectionKind {
    /// The built-in sections, in the order the model knows them.
    pub const BUILT_IN: [SectionKind; 5] = [
        SectionKind::Meeting,
        SectionKind::Overview,
        SectionKind::Stakeholders,
        SectionKind::PanelUpdates,
        SectionKind::Agenda,
    ];

    /// The kinds a section added in the layout may have.
    pub const GENERIC: [SectionKind; 3] =
        [SectionKind::Prose, SectionKind::Table, SectionKind::List];

    /// The name used in the layout and in messages; a built-in section's
    /// id is its kind's name.
    pub fn name(self) -> &'static str {
        match self {
            SectionKind::Meeting => "meeting",
            SectionKind::Overview => "overview",
            SectionKind::Stakeholders => "stakeholders",
            SectionKind::PanelUpdates => "panel-updates",
            SectionKind::Agenda => "agenda",
            SectionKind::Prose => "prose",
            SectionKind::Table => "table",
            SectionKind::List => "list",
        }
    }

    /// The built-in section with this id, if it is one.
    pub fn built_in(id: &str) -> Option<SectionKind> {
        Self::BUILT_IN.into_iter().find(|kind| kind.name() == id)
    }

    /// Whether this is one of the generic kinds.
    pub fn is_generic(self) -> bool {
        Self::GENERIC.contains(&self)
    }
}

/// A section added in the layout, as the model needs to know it: which
/// file shape to expect. The layout makes these from its declarations, so
/// the model never reads the layout itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionShape {
    /// The section's id.
    pub id: String,
    /// Its generic kind.
    pub kind: SectionKind,
    /// The keys of a table's columns, in order; empty for other kinds.
    pub columns: Vec<String>,
    /// The section as messages name it: its heading, else its id.
    pub title: String,
}

/// The parsed files of one report, as the sources stage hands them over.
#[derive(Debug, Default)]
pub struct ReportSources {
    /// The series file shared by every report of the series.
    pub series: Option<YamlDocument>,
    /// The report's own section files that exist, by section id.
    pub sections: BTreeMap<String, YamlDocument>,
    /// The registration export `stakeholders.yaml` names, as read: three
    /// columns of each row and no personal data.
    pub registrations: Option<crate::sources::registrations::Registrations>,
}

/// A value given in the sources, or a placeholder where it is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Fact<T> {
    /// The value as given.
    Given(T),
    /// Still to be filled in.
    Missing(Placeholder),
}

impl<T> Fact<T> {
    /// The placeholder, if the value is missing.
    pub fn placeholder(&self) -> Option<&Placeholder> {
        match self {
            Fact::Given(_) => None,
            Fact::Missing(p) => Some(p),
        }
    }
}

impl<T> Fact<Vec<T>> {
    /// The entries given; none while the list is a placeholder.
    pub fn given(&self) -> &[T] {
        match self {
            Fact::Given(entries) => entries,
            Fact::Missing(_) => &[],
        }
    }

    /// A list as the sources give it: an empty one is a placeholder, like
    /// an empty field, so that a section never prints a bare heading.
    pub fn entries(
        entries: Vec<T>,
        written: usize,
        placeholder: impl FnOnce() -> Placeholder,
    ) -> Self {
        // `written` counts the entries in the file: when some were written
        // but none could be read, their errors say what is wrong instead.
        if entries.is_empty() && written == 0 {
            Fact::Missing(placeholder())
        } else {
            Fact::Given(entries)
        }
    }
}

/// A whole meeting report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// What the series' reports share.
    pub series: Series,
    /// The meeting facts, when the file exists.
    pub meeting: Option<Meeting>,
    /// The overview, when the file exists.
    pub overview: Option<Overview>,
    /// The stakeholders represented, when the file exists.
    pub stakeholders: Option<Stakeholders>,
    /// The working groups' updates, when the file exists.
    pub panel_updates: Option<PanelUpdates>,
    /// The agenda, when the file exists.
    pub agenda: Option<Agenda>,
    /// The sections added in the layout whose files exist, by id.
    pub added: BTreeMap<String, AddedSection>,
    /// Plain texts (names of groups, agenda items, titles) that have no
    /// text in the report's language and are printed in the primary one:
    /// each document flags them at the start of their section.
    pub untranslated: Vec<Placeholder>,
    /// The references to other reports, in reading order.
    references: Vec<(rich::ReportRef, Location)>,
}

/// What every report of the series shares.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// "Canadian Multistakeholder Process".
    pub process: String,
    /// "Enhancing IoT Security".
    pub theme: String,
    /// The partner organisations, in the order the reports name them.
    pub partners: Vec<Organisation>,
    /// Organisations assisting the partners.
    pub assisting: Vec<Organisation>,
    /// Subject keywords for the document metadata.
    pub keywords: Vec<String>,
}

/// An organisation named in running text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// The organisation's name without an article, e.g. `Internet Society`.
    pub name: String,
    /// The article running text puts before the name, e.g. `the` for "the
    /// Internet Society"; left out when there is none.
    #[serde(default)]
    pub article: Option<String>,
}

impl Organisation {
    /// The name as it reads in a sentence: "the Internet Society".
    pub fn in_sentence(&self) -> String {
        match self
            .article
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            // An elided article joins the name: "l'Internet Society".
            Some(article) if article.ends_with(['\'', '’']) => format!("{article}{}", self.name),
            Some(article) => format!("{article} {}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The facts of the meeting the report is about.
#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    /// The meeting's number in the series.
    pub number: u32,
    /// "Sixth and Final", as the title and agenda name it.
    pub ordinal: Fact<String>,
    /// Where the meeting took place.
    pub location: Fact<String>,
    /// When it took place.
    pub date: Fact<Date>,
    /// People in the room.
    pub in_person: Fact<Figure>,
    /// People following remotely.
    pub remote: Fact<Figure>,
    /// Everyone.
    pub total: Fact<Figure>,
    /// The recording.
    pub livestream: Fact<String>,
    /// This meeting's own partners, when they differ from the series'.
    pub partners: Option<Vec<Organisation>>,
    /// This meeting's own assisting organisations, likewise.
    pub assisting: Option<Vec<Organisation>>,
    /// Where the location is written.
    pub location_field: field::SourceField,
}

/// The overview section.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// What the process is; stands before the partnership paragraph.
    pub introduction: RichText,
    /// What this meeting did; stands after it.
    pub paragraphs: RichText,
    /// Where the introduction and the paragraphs are written.
    pub fields: [field::SourceField; 2],
}

/// The stakeholders represented at the meeting.
#[derive(Debug, Clone, Serialize)]
pub struct Stakeholders {
    /// The sentence introducing the list.
    pub lead_in: String,
    /// The organisations `organisations:` lists, in its order; when it
    /// lists none, those of the registrations (the view orders them as the
    /// layout says); else a placeholder.
    pub organisations: Fact<Vec<String>>,
    /// Whether `organisations` comes from the registrations.
    pub from_registrations: bool,
    /// The registrations, tallied, when the file names an export.
    pub registered: Option<registrations::Registered>,
}

/// The panel updates, one per working group.
#[derive(Debug, Clone, Serialize)]
pub struct PanelUpdates {
    /// The groups, in report order, or a placeholder while none is listed.
    pub groups: Fact<Vec<WorkingGroup>>,
}

/// One working group's update.
#[derive(Debug, Clone, Serialize)]
pub struct WorkingGroup {
    /// "Consumer Education".
    pub name: String,
    /// The name in the primary language, which references to the group
    /// are made from in every language.
    pub anchor_name: String,
    /// The mandate given at the previous meeting.
    pub previous_mandate: RichText,
    /// The group's introduction.
    pub introduction: RichText,
    /// What was discussed.
    pub discussion: RichText,
    /// Where the previous mandate, introduction and discussion are written,
    /// in that order.
    pub fields: [field::SourceField; 3],
    /// Where the name is written.
    pub name_field: field::SourceField,
}

/// Appendix A, the agenda.
#[derive(Debug, Clone, Serialize)]
pub struct Agenda {
    /// The rows, in time order, or a placeholder while none is listed.
    pub rows: Fact<Vec<AgendaRow>>,
}

/// One row of the agenda.
#[derive(Debug, Clone, Serialize)]
pub struct AgendaRow {
    /// When it starts.
    pub time: TimeOfDay,
    /// What happens.
    pub item: String,
    /// Who speaks.
    pub speakers: Vec<Speaker>,
    /// Sub-items, notes and questions, as rich text.
    pub details: RichText,
    /// Where the item and the details are written.
    pub fields: [field::SourceField; 2],
}

/// A speaker in the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Speaker {
    /// The speaker's name, e.g. `Andrew Sullivan`.
    pub name: String,
    /// Their role, e.g. `President and CEO`.
    #[serde(default)]
    pub title: Option<String>,
    /// Their organisation, e.g. `Internet Society`.
    #[serde(default)]
    pub organisation: Option<String>,
}

impl Speaker {
    /// "Andrew Sullivan, President and CEO, Internet Society".
    pub fn credit(&self) -> String {
        [
            Some(&self.name),
            self.title.as_ref(),
            self.organisation.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
    }
}

impl Report {
    /// The partners of this report's meeting: its own when `meeting.yaml`
    /// names them, else the series'.
    pub fn partners(&self) -> &[Organisation] {
        self.meeting
            .as_ref()
            .and_then(|m| m.partners.as_deref())
            .unwrap_or(&self.series.partners)
    }

    /// The organisations assisting at this report's meeting, likewise.
    pub fn assisting(&self) -> &[Organisation] {
        self.meeting
            .as_ref()
            .and_then(|m| m.assisting.as_deref())
            .unwrap_or(&self.series.assisting)
    }

    /// Every rich text field of the report, in reading order: what the
    /// walks over references and placeholders share.
    fn rich_texts_mut(&mut self) -> Vec<&mut RichText> {
        let mut found = Vec::new();
        if let Some(o) = &mut self.overview {
            found.push(&mut o.introduction);
            found.push(&mut o.paragraphs);
        }
        if let Some(p) = &mut self.panel_updates
            && let Fact::Given(groups) = &mut p.groups
        {
            for group in groups {
                found.push(&mut group.previous_mandate);
                found.push(&mut group.introduction);
                found.push(&mut group.discussion);
            }
        }
        for section in self.added.values_mut() {
            if let AddedSection::Prose {
                body, subsections, ..
            } = section
            {
                found.push(body);
                found.extend(subsections.iter_mut().map(|s| &mut s.body));
            }
        }
        if let Some(a) = &mut self.agenda
            && let Fact::Given(rows) = &mut a.rows
        {
            found.extend(rows.iter_mut().map(|row| &mut row.details));
        }
        found
    }

    /// Every reference to another report, in reading order: read once
    /// when the report is built, since the series stage, the check and the
    /// view all ask for them.
    pub fn references(&self) -> &[(rich::ReportRef, Location)] {
        &self.references
    }

    fn collect_references(&self) -> Vec<(rich::ReportRef, Location)> {
        // The walk is shared with the mutable one on a copy: references are
        // few and reports small, and one walk cannot drift from the other.
        let mut copy = self.clone();
        let mut found = Vec::new();
        for text in copy.rich_texts_mut() {
            found.extend(
                text.references()
                    .into_iter()
                    .map(|(r, l)| (r.clone(), l.clone())),
            );
        }
        for section in copy.added.values() {
            let cells: Vec<&Vec<Inline>> = match section {
                AddedSection::Table { rows } => rows.given().iter().flatten().collect(),
                AddedSection::List { items } => items.given().iter().collect(),
                AddedSection::Prose { .. } => Vec::new(),
            };
            for cell in cells {
                let paragraph = RichText {
                    blocks: vec![rich::Block::Paragraph {
                        content: cell.clone(),
                    }],
                };
                found.extend(
                    paragraph
                        .references()
                        .into_iter()
                        .map(|(r, l)| (r.clone(), l.clone())),
                );
            }
        }
        found
    }

    /// Replaces every reference by what `resolve` makes of it.
    pub fn map_references(
        &mut self,
        resolve: &mut dyn FnMut(&rich::ReportRef, Vec<Inline>) -> Inline,
    ) {
        for text in self.rich_texts_mut() {
            text.map_references(resolve);
        }
        for section in self.added.values_mut() {
            match section {
                AddedSection::Table {
                    rows: Fact::Given(rows),
                } => {
                    for cell in rows.iter_mut().flatten() {
                        rich::map_inline_references(cell, resolve);
                    }
                }
                AddedSection::List {
                    items: Fact::Given(items),
                } => {
                    for item in items {
                        rich::map_inline_references(item, resolve);
                    }
                }
                _ => {}
            }
        }
    }

    /// Every placeholder in the report, in reading order.
    pub fn placeholders(&self) -> Vec<&Placeholder> {
        let mut found = Vec::new();
        if let Some(m) = &self.meeting {
            found.extend(m.ordinal.placeholder());
            found.extend(m.location.placeholder());
            found.extend(m.date.placeholder());
            found.extend(m.in_person.placeholder());
            found.extend(m.remote.placeholder());
            found.extend(m.total.placeholder());
            found.extend(m.livestream.placeholder());
        }
        if let Some(o) = &self.overview {
            found.extend(o.introduction.placeholders());
            found.extend(o.paragraphs.placeholders());
        }
        if let Some(s) = &self.stakeholders {
            found.extend(s.organisations.placeholder());
        }
        if let Some(p) = &self.panel_updates {
            found.extend(p.groups.placeholder());
            for group in p.groups.given() {
                found.extend(group.previous_mandate.placeholders());
                found.extend(group.introduction.placeholders());
                found.extend(group.discussion.placeholders());
            }
        }
        if let Some(a) = &self.agenda {
            found.extend(a.rows.placeholder());
            for row in a.rows.given() {
                found.extend(row.details.placeholders());
            }
        }
        for section in self.added.values() {
            found.extend(section.placeholders());
        }
        found.extend(&self.untranslated);
        found
    }
}

// ---------------------------------------------------------------------------
// The shapes of the files, as the editor writes them.
//
// Their doc comments are what an editor's YAML extension shows for each key
// (`report schema`): they speak to the person writing the file.
//
// Lists held as `serde_yaml::Value` are decoded entry by entry; the schema
// still states the entries' shape, through `#[schemars(with = ...)]`.

/// What every report of the series shares: the process, its partners and
/// the keywords. One file, `report-data/series.yaml`, beside the reports'
/// folders.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SeriesFile {
    /// The process the reports are about; the title page and the running
    /// header print its name and theme.
    process: ProcessFile,
    /// The partner organisations, in the order the partnership sentence of
    /// each overview names them: "This initiative is a partnership between
    /// the Internet Society, ...". One `- name:` entry each.
    #[schemars(with = "Vec<Organisation>", length(min = 1))]
    partners: Vec<serde_yaml::Value>,
    /// Organisations assisting the partners, named in the sentence after
    /// the partnership one: "the Canadian Chapter of the Internet Society
    /// is also assisting in this effort". Leave out when there are none.
    #[serde(default)]
    #[schemars(with = "Vec<Organisation>")]
    assisting: Vec<serde_yaml::Value>,
    /// Subject keywords for the PDF's and the DOCX's metadata, one per
    /// line, e.g. `- IoT security`.
    #[serde(default)]
    keywords: Vec<String>,
}

/// The process the series reports on.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ProcessFile {
    /// The process's name, e.g. `Canadian Multistakeholder Process`.
    name: String,
    /// What the process is about, e.g. `Enhancing IoT Security`; the title
    /// page prints it after the name.
    theme: String,
}

/// The facts of the meeting a report is about (`meeting.yaml`): its
/// number, where and when it took place, attendance and the livestream.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct MeetingFile {
    /// The meeting's number in the series, a whole number: `6` for the
    /// sixth meeting.
    number: u32,
    /// How the title names the meeting: `Sixth and Final` gives "Report on
    /// Sixth and Final Multistakeholder Meeting". The agenda's title uses
    /// it too.
    #[serde(default)]
    ordinal: Option<String>,
    /// Where the meeting took place, e.g. `Ottawa, Ontario Canada`. Leave
    /// it empty while it is not known: the report flags it.
    #[serde(default)]
    location: Option<String>,
    /// The day of the meeting as year-month-day, e.g. `2019-04-18`; the
    /// report prints it as April 18, 2019.
    #[serde(default)]
    #[schemars(schema_with = "facts::date_schema")]
    date: Option<String>,
    /// How many people attended. A figure left empty is flagged until it
    /// is given.
    #[serde(default)]
    attendance: AttendanceFile,
    /// The web address of the recording, starting with https://, e.g.
    /// `https://livestream.com/internetsociety/iotsecurity2018-6`. Leave it
    /// empty, or write a note in brackets, while it is not known.
    #[serde(default)]
    #[schemars(schema_with = "facts::web_address_schema")]
    livestream: Option<String>,
    /// This meeting's partners, when they differ from those in
    /// `series.yaml` (the first meeting's were CIRA, CANARIE, ISED and
    /// CIPPIC): they replace the series' list in this report's partnership
    /// sentence and metadata.
    #[serde(default)]
    #[schemars(with = "Option<Vec<Organisation>>")]
    partners: Option<Vec<serde_yaml::Value>>,
    /// This meeting's assisting organisations, replacing those of
    /// `series.yaml` in this report.
    #[serde(default)]
    #[schemars(with = "Option<Vec<Organisation>>")]
    assisting: Option<Vec<serde_yaml::Value>>,
}

/// Attendance figures: a whole number, with `~` in front when approximate.
#[derive(Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AttendanceFile {
    /// People in the room, e.g. `~40`.
    #[serde(default)]
    #[schemars(schema_with = "facts::figure_schema")]
    in_person: Option<serde_yaml::Value>,
    /// People who followed remotely, e.g. `~15`.
    #[serde(default)]
    #[schemars(schema_with = "facts::figure_schema")]
    remote: Option<serde_yaml::Value>,
    /// Everyone, in-person plus remote, e.g. `~55`; the check fails when
    /// the sum differs.
    #[serde(default)]
    #[schemars(schema_with = "facts::figure_schema")]
    total: Option<serde_yaml::Value>,
}

/// The overview section (`overview.yaml`). The report places the
/// partnership paragraph, made from series.yaml, between `introduction`
/// and `paragraphs`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct OverviewFile {
    /// What the process is, in Markdown; it stands before the partnership
    /// paragraph. Leave it empty while it is to be written: the report
    /// flags it.
    #[serde(default)]
    introduction: Option<String>,
    /// What this meeting did, in Markdown: a blank line between
    /// paragraphs, `*italic*`, `**bold**`, `[text](https://...)`, lists
    /// with `- `.
    #[serde(default)]
    paragraphs: Option<String>,
}

/// The stakeholders represented at the meeting (`stakeholders.yaml`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct StakeholdersFile {
    /// The sentence introducing the list, e.g. `At this meeting, the
    /// following stakeholders were represented (by registration):`.
    lead_in: String,
    /// The organisations from the registration list, one per line, e.g.
    /// `- Internet Society`. When given, it is the list printed, in this
    /// order; when empty and no `registrations` export is named, it is
    /// flagged until it is given.
    #[serde(default)]
    organisations: Option<Vec<String>>,
    /// The event platform's export of the registrations, a CSV file in
    /// this report's folder, e.g. `registrations.csv`. The report lists
    /// each organisation once, charts them by sector, and takes the
    /// attendance from it when meeting.yaml gives none. Only the
    /// organisation, sector and ticket type columns are read: names and
    /// e-mail addresses never reach the documents.
    #[serde(default)]
    registrations: Option<String>,
    /// The headers of the export's columns, when the usual ones
    /// (`Organization`, `Company`; `Sector`, `Stakeholder group`; `Ticket
    /// Type`, `Attendance`) are not found.
    // Decoded so that a misspelt key or a wrong type is reported where it
    // stands; the sources stage, which reads the export, reads the headers.
    #[allow(dead_code)]
    #[serde(default)]
    columns: Option<ColumnsFile>,
    /// Other names of an organisation, each mapped to the name it is listed
    /// under, e.g. `CIRA: Canadian Internet Registration Authority`. Case,
    /// spacing and accents are set aside when names are compared.
    #[serde(default)]
    aliases: BTreeMap<String, String>,
}

/// The headers of the registration export's columns the report reads.
// Read by the sources stage from the YAML itself; see `columns` above.
#[allow(dead_code)]
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ColumnsFile {
    /// The header of the organisations' column, e.g. `Company`.
    #[serde(default)]
    organisation: Option<String>,
    /// The header of the sectors' or stakeholder groups' column, e.g.
    /// `Stakeholder Group`.
    #[serde(default)]
    sector: Option<String>,
    /// The header of the column saying how each person attended (in person,
    /// livestream), e.g. `Ticket Type`.
    #[serde(default)]
    attendance: Option<String>,
}

/// The panel updates (`panel-updates.yaml`): one entry per working group,
/// in the order the report shows them.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PanelUpdatesFile {
    /// The working groups, each starting with `- name:`. An empty list is
    /// flagged until a group is listed.
    #[schemars(with = "Vec<WorkingGroupFile>")]
    groups: Vec<serde_yaml::Value>,
}

/// One working group's update. Each part is Markdown; a part left empty
/// is flagged in both documents until it is written.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct WorkingGroupFile {
    /// The group's name, e.g. `Consumer Education`.
    name: String,
    /// The mandate given at the previous meeting, in Markdown, e.g. a
    /// link to the last report: `[Fifth report](https://...), pages 4-6`.
    #[serde(default)]
    previous_mandate: Option<String>,
    /// The group's introduction, in Markdown.
    #[serde(default)]
    introduction: Option<String>,
    /// What the group discussed at this meeting, in Markdown.
    #[serde(default)]
    discussion: Option<String>,
}

/// Appendix A, the agenda (`agenda.yaml`). Its title and date come from
/// meeting.yaml.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AgendaFile {
    /// The agenda's rows in time order, each starting with `- time:`. An
    /// empty list is flagged until an item is given.
    #[schemars(with = "Vec<AgendaRowFile>")]
    items: Vec<serde_yaml::Value>,
}

/// One row of the agenda.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AgendaRowFile {
    /// When the item starts: `9:40 am`, `12:15 pm`, or on a 24-hour clock
    /// `13:00`.
    #[schemars(schema_with = "facts::time_schema")]
    time: String,
    /// What happens, e.g. `Welcome and introduction`.
    item: String,
    /// Who speaks, each with `- name:` and, if wanted, `title:` and
    /// `organisation:`.
    #[serde(default)]
    speakers: Vec<Speaker>,
    /// Sub-items, notes and questions, in Markdown: sub-items as `- `
    /// lists, notes in `*italics*`.
    #[serde(default)]
    details: Option<String>,
}

/// The shape of the file of a section of `kind`, as a JSON Schema made by
/// `generator` from the very types the file is decoded into, so that the
/// schema and the model cannot disagree on a key.
///
/// A table's rows are left open here: their keys are the columns the
/// layout declares, which [`crate::schema`] puts in.
pub fn file_schema(kind: SectionKind, generator: SchemaGenerator) -> Schema {
    match kind {
        SectionKind::Meeting => generator.into_root_schema_for::<MeetingFile>(),
        SectionKind::Overview => generator.into_root_schema_for::<OverviewFile>(),
        SectionKind::Stakeholders => generator.into_root_schema_for::<StakeholdersFile>(),
        SectionKind::PanelUpdates => generator.into_root_schema_for::<PanelUpdatesFile>(),
        SectionKind::Agenda => generator.into_root_schema_for::<AgendaFile>(),
        SectionKind::Prose | SectionKind::Table | SectionKind::List => {
            sections::file_schema(kind, generator)
        }
    }
}

/// The shape of the series file, as a JSON Schema; see [`file_schema`].
pub fn series_file_schema(generator: SchemaGenerator) -> Schema {
    generator.into_root_schema_for::<SeriesFile>()
}

// ---------------------------------------------------------------------------
// From files to the model.

/// What the report's fonts can show, as the model asks it of every
/// character of the sources.
pub trait GlyphCoverage {
    /// Whether some font has a glyph for `c`.
    fn has_glyph(&self, c: char) -> bool;

    /// Whether every character of `text` but whitespace has a glyph in
    /// some font: the question asked of most texts, answered in one call.
    fn shows_every(&self, text: &str) -> bool {
        text.chars().all(|c| c.is_whitespace() || self.has_glyph(c))
    }
}

impl<F: Fn(char) -> bool> GlyphCoverage for F {
    fn has_glyph(&self, c: char) -> bool {
        self(c)
    }
}

/// Builds the report from its parsed files, reporting every problem found.
///
/// Returns `None` only when the series file, which every section depends
/// on, is missing or unusable; a missing section is left as `None` for the
/// check stage to judge against the layout.
///
/// `glyphs` says whether the report's fonts can show a character; text
/// they cannot is reported, never printed as empty boxes.
///
/// The sources are read in one language (see
/// [`crate::sources::localize`]); `translating` is that language when it
/// is not the primary one, in which a plain string is written: a plain
/// text that is to be translated is then flagged as missing in it.
pub fn build_report(
    sources: &ReportSources,
    added: &[SectionShape],
    glyphs: &dyn GlyphCoverage,
    translating: Option<&Language>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Report> {
    let mut untranslated = Vec::new();
    let series = sources
        .series
        .as_ref()
        .and_then(|doc| build_series(doc, translating, &mut untranslated, problems));
    let section = |kind: SectionKind| sources.sections.get(kind.name());
    let mut cx = Context {
        problems,
        glyphs,
        translating,
        untranslated,
    };
    let mut meeting = section(SectionKind::Meeting).and_then(|d| cx.meeting(d));
    let overview = section(SectionKind::Overview).and_then(|d| cx.overview(d));
    let stakeholders = section(SectionKind::Stakeholders)
        .and_then(|d| cx.stakeholders(d, sources.registrations.as_ref()));
    if let (Some(m), Some(registered), Some(doc)) = (
        &mut meeting,
        stakeholders.as_ref().and_then(|s| s.registered.as_ref()),
        section(SectionKind::Meeting),
    ) {
        registrations::reconcile(
            [&mut m.in_person, &mut m.remote, &mut m.total],
            registered,
            doc,
            cx.problems,
        );
    }
    let panel_updates = section(SectionKind::PanelUpdates).and_then(|d| cx.panel_updates(d));
    let agenda = section(SectionKind::Agenda).and_then(|d| cx.agenda(d));
    let added = added
        .iter()
        .filter_map(|shape| {
            let doc = sources.sections.get(&shape.id)?;
            Some((shape.id.clone(), cx.added_section(shape, doc)?))
        })
        .collect();
    Some(Report {
        series: series?,
        meeting,
        overview,
        stakeholders,
        panel_updates,
        agenda,
        added,
        untranslated: cx.untranslated,
        references: Vec::new(),
    })
    .map(|mut report| {
        report.references = report.collect_references();
        report
    })
}

fn build_series(
    doc: &YamlDocument,
    translating: Option<&Language>,
    untranslated: &mut Vec<Placeholder>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Series> {
    let file: SeriesFile = decode(doc, "", &doc.value, "the series file", problems)?;
    for (path, text) in [
        ("process.name", Some(file.process.name.as_str())),
        ("process.theme", Some(file.process.theme.as_str())),
    ] {
        untranslated.extend(untranslated_placeholder(doc, path, text, translating));
    }
    for (key, values) in [("partners", &file.partners), ("assisting", &file.assisting)] {
        for (i, value) in values.iter().enumerate() {
            let path = format!("{key}[{i}].article");
            let article = value.get("article").and_then(serde_yaml::Value::as_str);
            untranslated.extend(untranslated_placeholder(doc, &path, article, translating));
        }
    }
    let mut organisations = |values: &[serde_yaml::Value], key: &str| -> Vec<Organisation> {
        values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                decode::<Organisation>(doc, &format!("{key}[{i}]"), v, "an organisation", problems)
            })
            .collect()
    };
    let partners = organisations(&file.partners, "partners");
    let assisting = organisations(&file.assisting, "assisting");
    if file.partners.is_empty() {
        problems.push(
            Diagnostic::error("the series names no partner organisations")
                .at(doc.location("partners"))
                .with_hint(
                    "list the partners under `partners:`, one `- name: ...` per organisation",
                ),
        );
    }
    Some(Series {
        process: file.process.name.trim().to_string(),
        theme: file.process.theme.trim().to_string(),
        partners,
        assisting,
        keywords: file.keywords,
    })
}

struct Context<'a> {
    problems: &'a mut Vec<Diagnostic>,
    glyphs: &'a dyn GlyphCoverage,
    translating: Option<&'a Language>,
    untranslated: Vec<Placeholder>,
}

/// The flag of a field to translate that has no text in the document's
/// language: a map by language without its entry, or, in a language other
/// than the primary one (`translating`), plain text, which is the
/// primary's. A field empty in the primary language too is simply
/// missing, and flagged as such.
fn untranslated_placeholder(
    doc: &YamlDocument,
    path: &str,
    text: Option<&str>,
    translating: Option<&Language>,
) -> Option<Placeholder> {
    let (language, primary) = match doc.translation(path) {
        Some(Translation::Given { .. }) => return None,
        Some(Translation::Missing { primary }) => {
            let language = doc.language()?;
            match primary {
                Some(p) if !p.trim().is_empty() => (language, Some(p.clone())),
                // Empty in the primary language too: the text itself is
                // still to be written, and flagged as such.
                _ => return None,
            }
        }
        None => {
            let text = text?.trim();
            if text.is_empty() || is_marker(text) || !has_words(text) {
                return None;
            }
            (translating?, Some(text.to_string()))
        }
    };
    let quoted = primary
        .as_deref()
        .map(|p| format!(": \"{}\"", excerpt(p, 80)))
        .unwrap_or_default();
    Some(Placeholder {
        note: format!(
            "{} translation missing for `{path}`{quoted}",
            language.name()
        ),
        location: doc.location(path),
        origin: PlaceholderOrigin::Translation {
            language: language.name(),
            primary,
        },
    })
}

/// Whether a text has words to translate: a text made only of references
/// (`<report:05-fifth-meeting#labeling>`), web addresses and figures reads
/// the same in every language.
fn has_words(text: &str) -> bool {
    let mut rest = text;
    let mut words = String::new();
    while let Some(open) = rest.find('<') {
        words.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    words.push_str(rest);
    words
        .split_whitespace()
        .filter(|w| !w.contains("://"))
        .any(|w| w.chars().any(char::is_alphabetic))
}

/// The start of a text on one line, at most `max_chars` long and cut
/// between words, for a message or a flag: Markdown's marks (emphasis,
/// list bullets, links' addresses) left out, since the flag quotes words
/// to translate, not markup.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    // What a reader sees of the Markdown: its words, not its marks.
    let mut plain = String::new();
    for event in Parser::new(text) {
        match event {
            Event::Text(words) | Event::Code(words) => plain.push_str(&words),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => plain.push(' '),
            _ => {}
        }
    }
    let words: Vec<&str> = plain.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() <= max_chars {
        return line;
    }
    // Whole words only, unless the first is already too long.
    let mut cut = String::new();
    for word in words {
        let length = cut.chars().count() + usize::from(!cut.is_empty()) + word.chars().count();
        if length > max_chars {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        cut = line.chars().take(max_chars).collect();
    }
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

impl Context<'_> {
    /// Where the text of the field at `path` is written in the document's
    /// language, with the fingerprint of that text: the field's own
    /// entry of its map by language (`introduction.fr`), also when it is
    /// still to be written, so that `report pull` never writes a
    /// translation over the primary text.
    fn source_field(
        &self,
        doc: &YamlDocument,
        path: &str,
        text: Option<&str>,
    ) -> field::SourceField {
        let own_entry = |language: &Language| format!("{path}.{}", language.code);
        let (path, text) = match (doc.translation(path), self.translating) {
            (Some(Translation::Given { source_path, .. }), _) => (source_path.clone(), text),
            (Some(Translation::Missing { .. }), _) => match doc.language() {
                Some(language) => (own_entry(language), None),
                None => (path.to_string(), None),
            },
            (None, Some(language)) => (own_entry(language), None),
            (None, None) => (path.to_string(), text),
        };
        field::SourceField {
            file: doc.file.display_path.clone(),
            path,
            fingerprint: field::fingerprint(text.unwrap_or_default()),
            plain: false,
        }
    }

    /// [`Context::source_field`] of a plain, one-line value.
    fn plain_field(
        &self,
        doc: &YamlDocument,
        path: &str,
        text: Option<&str>,
    ) -> field::SourceField {
        field::SourceField {
            plain: true,
            ..self.source_field(doc, path, text)
        }
    }

    /// A one-line text to translate (a group's name, an agenda item): when
    /// it has no text in the document's language, the primary language's
    /// is printed and its section flags it.
    fn translated_line(&mut self, text: &str, doc: &YamlDocument, path: &str) -> String {
        if let Some(flag) = untranslated_placeholder(doc, path, Some(text), self.translating) {
            self.untranslated.push(flag);
        }
        self.line(text, doc, path)
    }

    /// Removes control characters, which would make `document.xml`
    /// unreadable and are never meant, and says where they were.
    fn clean(&mut self, text: &str, doc: &YamlDocument, path: &str) -> String {
        let cleaned: String = text
            .chars()
            .filter_map(|c| match c {
                '\n' => Some('\n'),
                '\t' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect();
        if cleaned.chars().count() != text.chars().count() {
            self.problems.push(
                Diagnostic::warning(format!("`{path}` contains control characters; they were removed"))
                    .at(doc.location(path))
                    .with_hint("such characters come from pasting; retype the text around them if it looks wrong"),
            );
        }
        self.without_missing_glyphs(cleaned, doc, path)
    }

    /// Replaces characters no font can show by their code point, with a
    /// warning: PDF/A forbids empty boxes, and the editor must know.
    fn without_missing_glyphs(&mut self, text: String, doc: &YamlDocument, path: &str) -> String {
        let invisible = |c: char| {
            c.is_whitespace()
                || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}')
                || is_combining(c)
        };
        if self.glyphs.shows_every(&text) {
            return text;
        }
        let (replaced, missing) =
            code_points_for_missing(text, &|c| self.glyphs.has_glyph(c) || invisible(c));
        if missing.is_empty() {
            return replaced;
        }
        let shown: Vec<String> = missing
            .iter()
            .map(|c| format!("'{c}' (U+{:04X})", u32::from(*c)))
            .collect();
        self.problems.push(
            Diagnostic::warning(format!(
                "`{path}` has characters none of the report's fonts can show: {}; they are printed as their code",
                shown.join(", ")
            ))
            .at(doc.location(path))
            .with_hint("add a font that has them to fonts/ and to `fallback` in layouts/report.yaml, or write the text another way"),
        );
        replaced
    }

    /// A one-line text value, cleaned and trimmed.
    fn line(&mut self, text: &str, doc: &YamlDocument, path: &str) -> String {
        self.clean(text, doc, path)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A prose field: Markdown when written, a placeholder when empty.
    fn prose(
        &mut self,
        text: Option<&str>,
        doc: &YamlDocument,
        path: &str,
        what: &str,
    ) -> RichText {
        if let Some(flag) = untranslated_placeholder(doc, path, text, self.translating) {
            return RichText {
                blocks: vec![rich::Block::Paragraph {
                    content: vec![Inline::Placeholder(flag)],
                }],
            };
        }
        let text = text.map(|t| self.clean(t, doc, path)).unwrap_or_default();
        if text.trim().is_empty() {
            return RichText::placeholder(
                format!("{what} is still to be written"),
                self.where_missing(doc, path),
            );
        }
        let locate = |line: usize| doc.text_line_location(path, line);
        let parsed = parse_markdown(&text, &format!("`{path}`"), &locate, self.problems);
        if parsed.blocks.is_empty() {
            return RichText::placeholder(
                format!("{what} is still to be written"),
                doc.location(path),
            );
        }
        parsed
    }

    fn fact(
        &mut self,
        text: Option<&str>,
        doc: &YamlDocument,
        path: &str,
        what: &str,
    ) -> Fact<String> {
        match text.map(|t| self.line(t, doc, path)) {
            Some(t) if !t.is_empty() && !is_marker(&t) => Fact::Given(t),
            _ => Fact::Missing(Placeholder {
                origin: Default::default(),
                note: format!("{what} is still to be given"),
                location: self.where_missing(doc, path),
            }),
        }
    }

    /// Where the editor fills in a missing value: its key when written
    /// empty, else the mapping it belongs in.
    fn where_missing(&self, doc: &YamlDocument, path: &str) -> Location {
        doc.key_location(path)
    }

    fn meeting(&mut self, doc: &YamlDocument) -> Option<Meeting> {
        let file: MeetingFile = decode(doc, "", &doc.value, "the meeting facts", self.problems)?;
        let date = match file.date.as_deref().map(str::trim) {
            None | Some("") => Some(Fact::Missing(Placeholder {
                origin: Default::default(),
                note: "The meeting's date is still to be given".into(),
                location: self.where_missing(doc, "date"),
            })),
            Some(text) => match Date::parse(text) {
                Ok(date) => Some(Fact::Given(date)),
                Err(reason) => {
                    self.problems.push(
                        Diagnostic::error(format!("`date` is not a date: {reason}"))
                            .at(doc.location("date"))
                            .with_hint("write the date as year-month-day, e.g. 2019-04-18"),
                    );
                    None
                }
            },
        };
        let in_person = self.figure(
            file.attendance.in_person.as_ref(),
            doc,
            "attendance.in_person",
            "In-person attendance",
        );
        let remote = self.figure(
            file.attendance.remote.as_ref(),
            doc,
            "attendance.remote",
            "Remote attendance",
        );
        let total = self.figure(
            file.attendance.total.as_ref(),
            doc,
            "attendance.total",
            "Total attendance",
        );
        if let (Fact::Given(a), Fact::Given(b), Fact::Given(t)) = (&in_person, &remote, &total)
            && a.value + b.value != t.value
        {
            self.problems.push(
                Diagnostic::error(format!(
                    "total attendance {t} is not in-person {a} plus remote {b} ({})",
                    a.value + b.value
                ))
                .at(doc.location("attendance.total"))
                .with_hint("correct whichever figure is wrong; approximate figures keep their ~"),
            );
        }
        let livestream = self.fact(
            file.livestream.as_deref(),
            doc,
            "livestream",
            "The livestream link",
        );
        if let Fact::Given(url) = &livestream
            && let Err(reason) = facts::check_url(url)
        {
            self.problems.push(
                Diagnostic::error(format!("`livestream` is not a web address: {reason}"))
                    .at(doc.location("livestream"))
                    .with_hint("write the full address, starting with https://"),
            );
        }
        // The title is made from the ordinal: while it is missing, the
        // report is flagged and the title shows where it goes.
        let ordinal = match untranslated_placeholder(
            doc,
            "ordinal",
            file.ordinal.as_deref(),
            self.translating,
        ) {
            Some(flag) => Fact::Missing(flag),
            None => self.fact(
                file.ordinal.as_deref(),
                doc,
                "ordinal",
                "How the title names the meeting (its ordinal)",
            ),
        };
        let mut organisations = |values: &Option<Vec<serde_yaml::Value>>, key: &str| {
            values.as_ref().map(|values| {
                values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        decode::<Organisation>(
                            doc,
                            &format!("{key}[{i}]"),
                            v,
                            "an organisation",
                            self.problems,
                        )
                    })
                    .collect::<Vec<_>>()
            })
        };
        let partners = organisations(&file.partners, "partners");
        let assisting = organisations(&file.assisting, "assisting");
        if partners.as_ref().is_some_and(Vec::is_empty) {
            self.problems.push(
                Diagnostic::error("the meeting's own `partners:` list is empty")
                    .at(doc.location("partners"))
                    .with_hint("list this meeting's partners, or remove `partners:` to use those of series.yaml"),
            );
        }
        let location = self.fact(
            file.location.as_deref(),
            doc,
            "location",
            "The meeting's location",
        );
        Some(Meeting {
            number: file.number,
            ordinal,
            location,
            date: date?,
            in_person,
            remote,
            total,
            livestream,
            partners,
            assisting,
            location_field: self.plain_field(doc, "location", file.location.as_deref()),
        })
    }

    fn figure(
        &mut self,
        value: Option<&serde_yaml::Value>,
        doc: &YamlDocument,
        path: &str,
        what: &str,
    ) -> Fact<Figure> {
        let text = match value {
            None | Some(serde_yaml::Value::Null) => None,
            Some(serde_yaml::Value::Number(n)) => Some(n.to_string()),
            Some(serde_yaml::Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.problems.push(
                    Diagnostic::error(format!("`{path}` must be a number such as 40 or ~40"))
                        .at(doc.location(path)),
                );
                return Fact::Missing(Placeholder {
                    origin: Default::default(),
                    note: format!("{what} is still to be given"),
                    location: doc.location(path),
                });
            }
        };
        match text.as_deref().map(str::trim) {
            None | Some("") => Fact::Missing(Placeholder {
                origin: Default::default(),
                note: format!("{what} is still to be given"),
                location: self.where_missing(doc, path),
            }),
            Some(text) => match Figure::parse(text) {
                Ok(figure) => Fact::Given(figure),
                Err(reason) => {
                    self.problems.push(
                        Diagnostic::error(format!("`{path}` is not a head count: {reason}"))
                            .at(doc.location(path))
                            .with_hint(
                                "write a whole number, with ~ in front when approximate: ~40",
                            ),
                    );
                    Fact::Missing(Placeholder {
                        origin: Default::default(),
                        note: format!("{what} is still to be given"),
                        location: doc.location(path),
                    })
                }
            },
        }
    }

    fn overview(&mut self, doc: &YamlDocument) -> Option<Overview> {
        let file: OverviewFile = decode(doc, "", &doc.value, "the overview", self.problems)?;
        Some(Overview {
            introduction: self.prose(
                file.introduction.as_deref(),
                doc,
                "introduction",
                "The overview's introduction",
            ),
            paragraphs: self.prose(
                file.paragraphs.as_deref(),
                doc,
                "paragraphs",
                "The overview of this meeting",
            ),
            fields: [
                ("introduction", &file.introduction),
                ("paragraphs", &file.paragraphs),
            ]
            .map(|(key, text)| self.source_field(doc, key, text.as_deref())),
        })
    }

    fn stakeholders(
        &mut self,
        doc: &YamlDocument,
        registrations: Option<&crate::sources::registrations::Registrations>,
    ) -> Option<Stakeholders> {
        let file: StakeholdersFile = decode(
            doc,
            "",
            &doc.value,
            "the stakeholders section",
            self.problems,
        )?;
        let lead_in = self.translated_line(&file.lead_in, doc, "lead_in");
        let names: Vec<String> = file
            .organisations
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, name)| self.line(name, doc, &format!("organisations[{i}]")))
            .filter(|name| !name.is_empty())
            .collect();
        let registered = registrations
            .filter(|_| file.registrations.is_some())
            .map(|r| {
                let glyphs = self.glyphs;
                let mut found = Vec::new();
                let registered = registrations::tally(
                    r,
                    &file.aliases,
                    doc,
                    &mut |text, location| printable(text, glyphs, location, &mut found),
                    self.problems,
                );
                self.problems.extend(found);
                registered
            });
        let from_registrations = names.is_empty()
            && registered
                .as_ref()
                .is_some_and(|r| !r.organisations.is_empty());
        let organisations = if from_registrations {
            Fact::Given(
                registered
                    .iter()
                    .flat_map(|r| r.organisations.iter().map(|o| o.name.clone()))
                    .collect(),
            )
        } else if names.is_empty() {
            Fact::Missing(Placeholder {
                origin: Default::default(),
                note: "The list of stakeholders represented (by registration) is still to be given"
                    .into(),
                location: if doc.has("organisations") {
                    doc.location("organisations")
                } else {
                    doc.location("")
                },
            })
        } else {
            Fact::Given(names)
        };
        Some(Stakeholders {
            lead_in,
            organisations,
            from_registrations,
            registered,
        })
    }

    fn panel_updates(&mut self, doc: &YamlDocument) -> Option<PanelUpdates> {
        let file: PanelUpdatesFile =
            decode(doc, "", &doc.value, "the panel updates", self.problems)?;
        let mut groups = Vec::new();
        // Each group's anchor and the path of its name, to find a second
        // group with the same anchor: references would reach only the first.
        let mut anchors: Vec<(String, String)> = Vec::new();
        for (i, value) in file.groups.iter().enumerate() {
            let path = format!("groups[{i}]");
            let Some(group) =
                decode::<WorkingGroupFile>(doc, &path, value, "a working group", self.problems)
            else {
                continue;
            };
            let name = self.translated_line(&group.name, doc, &format!("{path}.name"));
            let anchor_name = doc.primary_text(&format!("{path}.name")).map_or_else(
                || name.clone(),
                |n| self.line(n, doc, &format!("{path}.name")),
            );
            let anchor = slug(&anchor_name);
            let name_path = format!("{path}.name");
            match anchors.iter().find(|(a, _)| *a == anchor) {
                Some((_, first)) => self.problems.push(
                    Diagnostic::error(format!(
                        "two working groups are named `{anchor_name}`"
                    ))
                    .at(doc.location(&name_path))
                    .with_hint(format!(
                        "the first is at line {}; give each group a name of its own: references \
                         (`#{anchor}`) and `report pull` tell the groups apart by it",
                        doc.location(first).line
                    )),
                ),
                None => anchors.push((anchor, name_path)),
            }
            groups.push(WorkingGroup {
                previous_mandate: self.prose(
                    group.previous_mandate.as_deref(),
                    doc,
                    &format!("{path}.previous_mandate"),
                    &format!("The previous mandate of {name}"),
                ),
                introduction: self.prose(
                    group.introduction.as_deref(),
                    doc,
                    &format!("{path}.introduction"),
                    &format!("The introduction of {name}"),
                ),
                discussion: self.prose(
                    group.discussion.as_deref(),
                    doc,
                    &format!("{path}.discussion"),
                    &format!("The discussion of {name}"),
                ),
                fields: [
                    ("previous_mandate", &group.previous_mandate),
                    ("introduction", &group.introduction),
                    ("discussion", &group.discussion),
                ]
                .map(|(key, text)| {
                    self.source_field(doc, &format!("{path}.{key}"), text.as_deref())
                }),
                name_field: self.plain_field(doc, &format!("{path}.name"), Some(&group.name)),
                name,
                anchor_name,
            });
        }
        let groups = Fact::entries(groups, file.groups.len(), || Placeholder {
            origin: Default::default(),
            note: "The working groups' updates are still to be written: no group is listed".into(),
            location: doc.key_location("groups"),
        });
        Some(PanelUpdates { groups })
    }

    fn agenda(&mut self, doc: &YamlDocument) -> Option<Agenda> {
        let file: AgendaFile = decode(doc, "", &doc.value, "the agenda", self.problems)?;
        let mut rows = Vec::new();
        for (i, value) in file.items.iter().enumerate() {
            let path = format!("items[{i}]");
            let Some(row) =
                decode::<AgendaRowFile>(doc, &path, value, "an agenda item", self.problems)
            else {
                continue;
            };
            let time = match TimeOfDay::parse(row.time.trim()) {
                Ok(time) => time,
                Err(reason) => {
                    self.problems.push(
                        Diagnostic::error(format!("`{path}.time` is not a time of day: {reason}"))
                            .at(doc.location(&format!("{path}.time")))
                            .with_hint("write the time as 9:40 am or 13:00"),
                    );
                    continue;
                }
            };
            let details = match row.details.as_deref() {
                Some(text) if !text.trim().is_empty() => self.prose(
                    Some(text),
                    doc,
                    &format!("{path}.details"),
                    "The item's details",
                ),
                _ => RichText::default(),
            };
            let speakers = row
                .speakers
                .iter()
                .enumerate()
                .map(|(j, s)| {
                    let at = format!("{path}.speakers[{j}]");
                    Speaker {
                        name: self.line(&s.name, doc, &format!("{at}.name")),
                        title: s
                            .title
                            .as_ref()
                            .map(|t| self.translated_line(t, doc, &format!("{at}.title"))),
                        organisation: s
                            .organisation
                            .as_ref()
                            .map(|o| self.line(o, doc, &format!("{at}.organisation"))),
                    }
                })
                .collect();
            rows.push(AgendaRow {
                time,
                item: self.translated_line(&row.item, doc, &format!("{path}.item")),
                speakers,
                details,
                fields: [
                    self.plain_field(doc, &format!("{path}.item"), Some(&row.item)),
                    self.source_field(doc, &format!("{path}.details"), row.details.as_deref()),
                ],
            });
        }
        let rows = Fact::entries(rows, file.items.len(), || Placeholder {
            origin: Default::default(),
            note: "The agenda is still to be given: it lists no item".into(),
            location: doc.key_location("items"),
        });
        Some(Agenda { rows })
    }
}

/// A name read from the registrations, fit to print: control characters
/// removed, and characters none of the fonts has replaced by their code,
/// with a warning at the CSV line (naming the characters, not the row).
fn printable(
    text: &str,
    glyphs: &dyn GlyphCoverage,
    location: Location,
    problems: &mut Vec<Diagnostic>,
) -> String {
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    if glyphs.shows_every(&text) {
        return text;
    }
    let (shown, missing) = code_points_for_missing(text, &|c| {
        c.is_whitespace() || is_combining(c) || glyphs.has_glyph(c)
    });
    if !missing.is_empty() {
        let codes: Vec<String> = missing
            .iter()
            .map(|c| format!("U+{:04X}", u32::from(*c)))
            .collect();
        problems.push(
            Diagnostic::warning(format!(
                "a name in the registrations has characters none of the report's fonts can show ({}); they are printed as their code",
                codes.join(", ")
            ))
            .at(location)
            .with_hint("add a font that has them to fonts/ and to `fallback` in layouts/report.yaml, or name the organisation under `aliases:` in stakeholders.yaml"),
        );
    }
    shown
}

/// `text` with each character `shows` refuses printed as its code point
/// (`U+1F600`), and those characters, each once: PDF/A forbids the empty
/// boxes a font without them would draw.
fn code_points_for_missing(text: String, shows: &dyn Fn(char) -> bool) -> (String, Vec<char>) {
    if text.chars().all(shows) {
        return (text, Vec::new());
    }
    let mut missing = Vec::new();
    let replaced = text
        .chars()
        .map(|c| {
            if shows(c) {
                c.to_string()
            } else {
                if !missing.contains(&c) {
                    missing.push(c);
                }
                format!("U+{:04X}", u32::from(c))
            }
        })
        .collect();
    (replaced, missing)
}

/// Whether `c` is a combining mark, drawn with the character before it.
fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Whether a whole value is only an editor's marker, like `TBD`.
fn is_marker(text: &str) -> bool {
    matches!(rich::split_markers(text).as_slice(), [rich::Piece::Note(_)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_quotes_words_not_markup_and_cuts_between_words() {
        assert_eq!(
            excerpt(
                "Questions for discussion:\n\n- **How** could [each](https://x.org) be done?",
                200
            ),
            "Questions for discussion: How could each be done?"
        );
        assert_eq!(
            excerpt(
                "The goal of the sixth multistakeholder meeting was to give an update",
                30
            ),
            "The goal of the sixth…"
        );
        assert_eq!(excerpt("Questions: one two", 10), "Questions…");
        assert_eq!(excerpt(&"x".repeat(20), 5), "xxxxx…");
    }

    #[test]
    fn anchors_fold_case_accents_and_punctuation() {
        assert_eq!(slug("Consumer Éducation!"), "consumer-education");
    }
}
