//! The report as both backends see it: every word final, in layout order.
//!
//! Sentences that the reports compose from data (the title from the
//! meeting's ordinal, the partnership sentence from the partner list) are
//! composed here, once, so that the Typst templates and the DOCX writer
//! cannot drift apart. Patterns come from the layout's labels; data is
//! substituted into them as text and never read as a pattern again.

use serde::Serialize;

use crate::language::{Formats, Language, typeset_punctuation};
use crate::layout::{Labels, Manifest, OrganisationOrder, SectionDeclaration, WhenAbsent};
use crate::model::field::SourceField;
use crate::model::rich::{Block, Inline, Placeholder, PlaceholderOrigin, RichText};
use crate::model::{AddedSection, Fact, Report, SectionKind};
use crate::series::{Resolution, SeriesIndex};

/// Everything a backend needs to lay the report out.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// The report's folder name, `06-sixth-meeting`.
    pub report: String,
    /// "Report on Sixth and Final Multistakeholder Meeting".
    pub title: String,
    /// The title around its flag, when the meeting's ordinal is still to
    /// be given, so both documents can mark the flag as they mark others.
    pub title_parts: Option<TitleParts>,
    /// "Canadian Multistakeholder Process: Enhancing IoT Security".
    pub process: String,
    /// The running header.
    pub running_title: String,
    /// The partner organisations, as the document's authors.
    pub authors: Vec<String>,
    /// Subject keywords.
    pub keywords: Vec<String>,
    /// One sentence describing the document, for its metadata.
    pub description: String,
    /// The meeting date, when known.
    pub date: Option<ViewDate>,
    /// The date the documents' metadata carry (PDF/A requires one): the
    /// meeting's, else that of `SOURCE_DATE_EPOCH`, the reproducible-builds
    /// convention, else 1970-01-01. Never the clock, so builds repeat.
    pub document_date: ViewDate,
    /// Whether this is a draft build (watermark, flags allowed).
    pub draft: bool,
    /// What every flag starts with: "TO DO: ", « À FAIRE : ».
    pub flag_prefix: String,
    /// What follows a label: ":", and in French a no-break space and ":".
    pub colon: String,
    /// The language, such as `en-CA`.
    pub language: String,
    /// Language part of it, `en`.
    pub lang: String,
    /// Region part of it, `CA`, if any.
    pub region: Option<String>,
    /// The manifest's page, font and label settings.
    pub layout: Manifest,
    /// The sections present, in layout order.
    pub sections: Vec<SectionView>,
}

/// A title whose ordinal is still to be given: the words before the flag,
/// the flag ("[TO DO]") and the words after it.
#[derive(Debug, Clone, Serialize)]
pub struct TitleParts {
    /// The title up to the flag.
    pub before: String,
    /// The flag standing for the ordinal.
    pub flag: String,
    /// The title after the flag.
    pub after: String,
}

/// A date, in the forms the backends need.
#[derive(Debug, Clone, Serialize)]
pub struct ViewDate {
    /// "April 18, 2019".
    pub long: String,
    /// "2019-04-18".
    pub iso: String,
    /// 2019.
    pub year: u16,
    /// 4.
    pub month: u8,
    /// 18.
    pub day: u8,
}

/// One section, ready to lay out.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// Which section.
    pub id: String,
    /// The Typst partial that lays it out.
    pub template: String,
    /// Its heading, if it has one.
    pub heading: Option<String>,
    /// Whether it starts on a new page.
    pub new_page: bool,
    /// What it holds.
    pub body: SectionBody,
    /// The editable fields among the blocks of a prose body, for a backend
    /// whose readers edit them.
    pub fields: Vec<BlockField>,
    /// Flags shown under the heading, before the body: plain texts of the
    /// section printed in the primary language for want of a translation.
    pub flags: Vec<Placeholder>,
}

/// Blocks `start..end` of a prose body are the text of `field`.
#[derive(Debug, Clone, Serialize)]
pub struct BlockField {
    /// The first block.
    pub start: usize,
    /// One past the last block.
    pub end: usize,
    /// Where the text is written.
    pub field: SourceField,
}

/// The fields of the overview's blocks: its introduction, the composed
/// partnership sentence (not a field), then its paragraphs.
fn overview_fields(report: &Report) -> Vec<BlockField> {
    let Some(o) = &report.overview else {
        return Vec::new();
    };
    let intro = o.introduction.blocks.len();
    vec![
        BlockField {
            start: 0,
            end: intro,
            field: o.fields[0].clone(),
        },
        BlockField {
            start: intro + 1,
            end: intro + 1 + o.paragraphs.blocks.len(),
            field: o.fields[1].clone(),
        },
    ]
}

/// The content of a section.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SectionBody {
    /// The whole section is missing from the sources.
    Missing {
        /// The flag to show in its place.
        placeholder: Placeholder,
    },
    /// The meeting facts, as label and value pairs.
    Facts {
        /// The facts in order.
        facts: Vec<FactView>,
    },
    /// Flowing rich text, and sub-sections under headings of their own.
    Prose {
        /// The blocks.
        blocks: Vec<Block>,
        /// The sub-sections, in order.
        subsections: Vec<SubsectionView>,
    },
    /// A table with a header row.
    Table {
        /// The columns.
        columns: Vec<ColumnView>,
        /// The rows, each a cell per column of inline rich text.
        rows: Vec<Vec<Vec<Inline>>>,
    },
    /// A bulleted list.
    List {
        /// The items, each inline rich text.
        items: Vec<Vec<Inline>>,
    },
    /// The stakeholders: the lead-in and list, and, when registrations
    /// were read, the chart of organisations by sector.
    Stakeholders {
        /// The lead-in, the list (or its flag), and the count of
        /// registrants who gave no organisation.
        blocks: Vec<Block>,
        /// The chart and its table of counts.
        chart: Option<ChartView>,
    },
    /// One sub-section per working group.
    Groups {
        /// The groups.
        groups: Vec<GroupView>,
    },
    /// The agenda table.
    Agenda {
        /// Its title line.
        title: String,
        /// Its date line.
        date: Option<String>,
        /// The rows.
        rows: Vec<AgendaRowView>,
    },
}

/// A bar chart of organisations by sector, drawn by both backends from the
/// same figures and words, with a table of the same counts.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// What the chart shows, and that it counts organisations.
    pub caption: String,
    /// The alternative text, stating every figure.
    pub alt: String,
    /// The heading of the table's sectors column.
    pub sector_label: String,
    /// The heading of the table's counts column.
    pub count_label: String,
    /// One bar per sector, largest first.
    pub bars: Vec<BarView>,
    /// The height of the chart's drawing, in points: one row per bar.
    pub height_pt: f64,
    /// The height of one bar's row, in points.
    pub row_pt: f64,
    /// The room above and below the bars, in points.
    pub padding_pt: f64,
}

/// One bar of a chart.
#[derive(Debug, Clone, Serialize)]
pub struct BarView {
    /// The sector.
    pub label: String,
    /// How many organisations.
    pub count: usize,
    /// Its length as a share of the longest bar's, from 0 to 1.
    pub share: f64,
    /// Its colour, `#RRGGBB`.
    pub colour: String,
}

/// The height of a bar's row in both documents' charts, in points.
const CHART_ROW_PT: f64 = 20.0;
/// Room above and below a chart's bars, in points.
const CHART_PADDING_PT: f64 = 6.0;

/// The chart of the organisations of `registered` by sector, with the
/// layout's colours and words; `None` when no organisation registered.
fn stakeholders_chart(
    registered: &crate::model::registrations::Registered,
    manifest: &Manifest,
) -> Option<ChartView> {
    let labels = &manifest.labels;
    let sectors = registered.sectors();
    let largest = sectors.iter().map(|(_, n)| *n).max()?;
    let colours = &manifest.stakeholders.colours;
    let bars: Vec<BarView> = sectors
        .into_iter()
        .enumerate()
        .map(|(i, (sector, count))| BarView {
            label: sector.unwrap_or_else(|| labels.no_sector.clone()),
            count,
            share: count as f64 / largest as f64,
            colour: colours
                .get(i % colours.len().max(1))
                .cloned()
                .unwrap_or_else(|| "#1F3864".to_string())
                .to_uppercase(),
        })
        .collect();
    let counts: Vec<String> = bars
        .iter()
        .map(|b| format!("{} {}", b.label, b.count))
        .collect();
    let caption = labels.chart_caption.clone();
    let height_pt = bars.len() as f64 * CHART_ROW_PT + 2.0 * CHART_PADDING_PT;
    Some(ChartView {
        alt: fill(
            &labels.chart_alt,
            &[("caption", &caption), ("counts", &counts.join(", "))],
        ),
        caption,
        sector_label: labels.chart_sector.clone(),
        count_label: labels.chart_count.clone(),
        bars,
        height_pt,
        row_pt: CHART_ROW_PT,
        padding_pt: CHART_PADDING_PT,
    })
}

/// The organisations of the list, ordered as the layout says when they
/// come from the registrations.
fn listed_organisations(
    stakeholders: &crate::model::Stakeholders,
    order: OrganisationOrder,
) -> Vec<String> {
    match (&stakeholders.registered, stakeholders.from_registrations) {
        (Some(registered), true) => {
            let mut organisations: Vec<_> = registered.organisations.iter().collect();
            organisations.sort_by(|a, b| {
                let by_name = a.key.cmp(&b.key).then_with(|| a.name.cmp(&b.name));
                match order {
                    OrganisationOrder::Alphabetical => by_name,
                    OrganisationOrder::Registrations => {
                        b.registrants.cmp(&a.registrants).then(by_name)
                    }
                }
            });
            organisations.into_iter().map(|o| o.name.clone()).collect()
        }
        _ => stakeholders.organisations.given().to_vec(),
    }
}

/// A sub-section of a prose section.
#[derive(Debug, Clone, Serialize)]
pub struct SubsectionView {
    /// Its heading, one level below the section's.
    pub heading: String,
    /// What references to it name it by: the same in every language.
    pub anchor: String,
    /// Where its heading is written.
    pub heading_field: Option<SourceField>,
    /// Where its text is written.
    pub field: Option<SourceField>,
    /// Its text.
    pub blocks: Vec<Block>,
}

/// A column of a table section.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnView {
    /// Its heading.
    pub label: String,
    /// Its share of the table's width, from 0 to 1.
    pub share: f64,
}

/// A label and its value.
#[derive(Debug, Clone, Serialize)]
pub struct FactView {
    /// "Location".
    pub label: String,
    /// "Ottawa, Ontario Canada", as rich inline content.
    pub value: Vec<Inline>,
    /// Where the value is written, when readers may edit it.
    pub field: Option<SourceField>,
}

/// A working group's part of the panel updates.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    /// The group's name, its sub-heading.
    pub name: String,
    /// What references to the group name it by, `consumer-education`: the
    /// same in every language.
    pub anchor: String,
    /// Where the name is written.
    pub name_field: Option<SourceField>,
    /// Labelled parts: previous mandate, introduction, discussion.
    pub parts: Vec<LabelledBlocks>,
}

/// A run-in label followed by rich text.
#[derive(Debug, Clone, Serialize)]
pub struct LabelledBlocks {
    /// "Introduction".
    pub label: String,
    /// What follows it.
    pub blocks: Vec<Block>,
    /// Where the text is written, for a backend whose readers edit it
    /// (the DOCX marks the field so `report pull` can bring it back).
    pub field: Option<SourceField>,
}

/// One agenda row.
#[derive(Debug, Clone, Serialize)]
pub struct AgendaRowView {
    /// "9:00 am".
    pub time: String,
    /// The item, with speakers, notes and sub-items.
    pub blocks: Vec<Block>,
    /// The item alone, the start of the first block.
    pub item: String,
    /// Where the item is written.
    pub item_field: Option<SourceField>,
    /// Where the details, the blocks after the first, are written.
    pub details_field: Option<SourceField>,
}

/// The body of a section of a generic kind.
fn added_section_body(section: &AddedSection, declaration: &SectionDeclaration) -> SectionBody {
    let missing = |placeholder: &Placeholder| SectionBody::Missing {
        placeholder: placeholder.clone(),
    };
    match section {
        AddedSection::Prose {
            body, subsections, ..
        } => SectionBody::Prose {
            blocks: body.blocks.clone(),
            subsections: subsections
                .iter()
                .map(|s| SubsectionView {
                    heading: s.heading.clone(),
                    anchor: crate::model::slug(&s.anchor_name),
                    blocks: s.body.blocks.clone(),
                    heading_field: Some(s.fields[0].clone()),
                    field: Some(s.fields[1].clone()),
                })
                .collect(),
        },
        AddedSection::Table { rows } => match rows {
            Fact::Missing(p) => missing(p),
            Fact::Given(rows) => {
                let total: f64 = declaration.columns.iter().map(|c| c.width).sum();
                SectionBody::Table {
                    columns: declaration
                        .columns
                        .iter()
                        .map(|c| ColumnView {
                            label: c.label.clone(),
                            share: c.width / total,
                        })
                        .collect(),
                    rows: rows.clone(),
                }
            }
        },
        AddedSection::List { items } => match items {
            Fact::Missing(p) => missing(p),
            Fact::Given(items) => SectionBody::List {
                items: items.clone(),
            },
        },
    }
}

/// The text of a reference whose words the layout composes: "Report on
/// Fifth Multistakeholder Meeting, Consumer Education, p. 3".
pub fn reference_text(labels: &Labels, resolution: &Resolution) -> String {
    // A page still being worked out (the first layout of a series) reads
    // as a question mark; it is never printed in a finished build.
    let page = resolution
        .page
        .map_or_else(|| "?".to_string(), |p| p.to_string());
    match &resolution.section {
        Some(section) => fill(
            &labels.reference,
            &[
                ("title", &resolution.title),
                ("section", section),
                ("page", &page),
            ],
        ),
        None => fill(&labels.reference_report, &[("title", &resolution.title)]),
    }
}

/// The day of `SOURCE_DATE_EPOCH`, or 1970-01-01 without it.
fn source_date_epoch() -> ViewDate {
    let seconds: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let date = crate::model::Date {
        year: u16::try_from(year).unwrap_or(1970),
        month: u8::try_from(month).unwrap_or(1),
        day: u8::try_from(day).unwrap_or(1),
    };
    ViewDate {
        long: date.long(),
        iso: date.iso(),
        year: date.year,
        month: date.month,
        day: date.day,
    }
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Fills `{name}` slots of a label pattern with text.
pub fn fill(pattern: &str, slots: &[(&str, &str)]) -> String {
    // One pass over the pattern, so a value that itself contains `{name}`
    // is never filled again.
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| {
            let name = &after[..close];
            slots
                .iter()
                .find(|(slot, _)| *slot == name)
                .map(|(_, value)| (close, *value))
        }) {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A time of day by the layout's `labels.time` pattern: `{h12}` (1–12),
/// `{h24}` (0–23), `{mm}` (two-digit minutes), `{period}` (`am` or `pm`).
/// The series' house style ("9:40 am", "9 h 40") is not CLDR's, so the
/// layout says it rather than ICU4X.
fn time_of_day(time: crate::model::TimeOfDay, pattern: &str, am: &str, pm: &str) -> String {
    let h12 = match time.hour % 12 {
        0 => 12,
        h => h,
    };
    let period = if time.hour < 12 { am } else { pm };
    fill(
        pattern,
        &[
            ("h12", &h12.to_string()),
            ("h24", &time.hour.to_string()),
            ("mm", &format!("{:02}", time.minute)),
            ("period", period),
        ],
    )
}

/// What a flag says in the documents. The tool's own notes are English:
/// a document in another language says the layout's `missing` instead. A
/// missing translation quotes the primary language's text, for the
/// translator.
fn shown_note(placeholder: &Placeholder, labels: &Labels, language: &Language) -> String {
    match &placeholder.origin {
        PlaceholderOrigin::Translation {
            primary: Some(text),
            ..
        } => fill(
            &labels.untranslated,
            &[("text", &crate::model::excerpt(text, 80))],
        ),
        PlaceholderOrigin::Translation { primary: None, .. } => labels.missing.clone(),
        PlaceholderOrigin::Missing if language.code != "en" => labels.missing.clone(),
        _ => placeholder.note.clone(),
    }
}

/// Calls `f` on every placeholder of a section.
fn for_each_placeholder(section: &mut SectionView, f: &mut dyn FnMut(&mut Placeholder)) {
    use crate::model::rich::{
        for_each_placeholder_in_blocks as blocks, for_each_placeholder_in_inlines as inlines,
    };
    section.flags.iter_mut().for_each(&mut *f);
    match &mut section.body {
        SectionBody::Missing { placeholder } => f(placeholder),
        SectionBody::Facts { facts } => facts.iter_mut().for_each(|x| inlines(&mut x.value, f)),
        SectionBody::Prose {
            blocks: list,
            subsections,
        } => {
            blocks(list, f);
            subsections
                .iter_mut()
                .for_each(|s| blocks(&mut s.blocks, f));
        }
        SectionBody::Table { rows, .. } => {
            rows.iter_mut().flatten().for_each(|cell| inlines(cell, f))
        }
        SectionBody::List { items } => items.iter_mut().for_each(|item| inlines(item, f)),
        SectionBody::Stakeholders { blocks: list, .. } => blocks(list, f),
        SectionBody::Groups { groups } => groups
            .iter_mut()
            .flat_map(|g| g.parts.iter_mut())
            .for_each(|part| blocks(&mut part.blocks, f)),
        SectionBody::Agenda { rows, .. } => rows.iter_mut().for_each(|r| blocks(&mut r.blocks, f)),
    }
}

fn text(s: impl Into<String>) -> Inline {
    Inline::Text { text: s.into() }
}

fn paragraph(content: Vec<Inline>) -> Block {
    Block::Paragraph { content }
}

fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Builds the view of a report under a layout.
///
/// Sections absent from the sources appear as flags; whether their absence
/// is an error is the check stage's business.
///
/// References to other reports become links whose text the layout composes
/// from what `index` knows of their targets.
pub fn build(
    report: &Report,
    manifest: &Manifest,
    draft: bool,
    report_dir: &std::path::Path,
    index: &SeriesIndex,
) -> ReportView {
    let labels = &manifest.labels;
    let language = Language::parse(&manifest.language)
        .or_else(|_| Language::parse("en"))
        .expect("`en` is a language tag");
    let formats = Formats::new(&language);
    let resolved;
    let report = if report.references().is_empty() {
        report
    } else {
        let mut copy = report.clone();
        copy.map_references(&mut |target, content| match index.resolve(target) {
            Some(resolution) => Inline::Link {
                url: resolution.url(),
                content: if content.is_empty() {
                    vec![text(reference_text(labels, &resolution))]
                } else {
                    content
                },
            },
            // Unresolved references are errors the check stage reports;
            // until then they print as written.
            None if content.is_empty() => text(target.to_string()),
            None => Inline::Emphasis { content },
        });
        resolved = copy;
        &resolved
    };
    // A missing ordinal is flagged where it stands in the title.
    let missing_ordinal = format!("[{}]", labels.flag);
    let ordinal_missing = matches!(
        report.meeting.as_ref().map(|m| &m.ordinal),
        Some(Fact::Missing(_))
    );
    let ordinal = match report.meeting.as_ref().map(|m| &m.ordinal) {
        Some(Fact::Given(ordinal)) => ordinal.as_str(),
        Some(Fact::Missing(_)) => &missing_ordinal,
        None => "",
    };
    let slots = [
        ("ordinal", ordinal),
        ("process", report.series.process.as_str()),
        ("theme", report.series.theme.as_str()),
    ];
    // A title starts with a capital, also when it starts with the ordinal
    // ("sixième et dernière réunion").
    let title = capitalise_first(&fill(&manifest.titles.title, &slots));
    let date = report.meeting.as_ref().and_then(|m| match &m.date {
        Fact::Given(date) => Some(ViewDate {
            long: formats.long_date(*date),
            iso: date.iso(),
            year: date.year,
            month: date.month,
            day: date.day,
        }),
        Fact::Missing(_) => None,
    });
    let document_date = date.clone().unwrap_or_else(source_date_epoch);
    let mut sections = Vec::new();
    for declaration in &manifest.sections {
        let body = section_body(
            report,
            declaration,
            manifest,
            &formats,
            &slots,
            date.as_ref(),
        );
        if body.is_none() && declaration.when_absent == WhenAbsent::Omit {
            continue;
        }
        let body = body.unwrap_or_else(|| SectionBody::Missing {
            placeholder: Placeholder {
                origin: Default::default(),
                note: format!(
                    "The {} section is still to be written ({})",
                    declaration.heading.as_deref().unwrap_or(&declaration.id),
                    declaration.file
                ),
                location: crate::diagnostics::Location::file(report_dir.join(&declaration.file)),
            },
        });
        sections.push(SectionView {
            id: declaration.id.clone(),
            template: declaration.template.clone(),
            heading: declaration.heading.clone(),
            new_page: declaration.new_page,
            fields: match (declaration.kind(), report.added.get(&declaration.id)) {
                (SectionKind::Overview, _) => overview_fields(report),
                (
                    _,
                    Some(AddedSection::Prose {
                        body, body_field, ..
                    }),
                ) if !body.blocks.is_empty() => vec![BlockField {
                    start: 0,
                    end: body.blocks.len(),
                    field: body_field.clone(),
                }],
                _ => Vec::new(),
            },
            flags: Vec::new(),
            body,
        });
    }
    // Plain texts still to translate are flagged at the start of the
    // section of the file they are written in; the series file's (the
    // process, the partners' articles) at the start of the first.
    for flag in &report.untranslated {
        let file = flag.location.file.file_name();
        let declared = manifest
            .sections
            .iter()
            .find(|d| Some(std::ffi::OsStr::new(&d.file)) == file)
            .and_then(|d| sections.iter().position(|s| s.id == d.id));
        if let Some(section) = declared.or((!sections.is_empty()).then_some(0)) {
            sections[section].flags.push(flag.clone());
        }
    }
    for section in &mut sections {
        for_each_placeholder(section, &mut |p| {
            p.note = shown_note(p, labels, &language);
        });
    }
    let process = capitalise_first(&fill(&manifest.titles.process, &slots));
    ReportView {
        report: report_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        description: format!("{title}, {process}"),
        running_title: capitalise_first(&fill(&manifest.titles.running, &slots)),
        title_parts: title
            .split_once(&missing_ordinal)
            .filter(|_| ordinal_missing)
            .map(|(before, after)| TitleParts {
                before: before.to_string(),
                flag: missing_ordinal.clone(),
                after: after.to_string(),
            }),
        title,
        process,
        authors: report.partners().iter().map(|p| p.name.clone()).collect(),
        keywords: report.series.keywords.clone(),
        date,
        document_date,
        draft,
        flag_prefix: typeset_punctuation(&format!("{}: ", labels.flag), &language),
        // A colon is spaced only after a word: typeset one, keep the rest.
        colon: typeset_punctuation("a:", &language)[1..].to_string(),
        lang: language.code.clone(),
        region: language.region.clone(),
        language: manifest.language.clone(),
        layout: manifest.clone(),
        sections,
    }
}

fn section_body(
    report: &Report,
    declaration: &SectionDeclaration,
    manifest: &Manifest,
    formats: &Formats,
    slots: &[(&str, &str)],
    date: Option<&ViewDate>,
) -> Option<SectionBody> {
    let labels = &manifest.labels;
    Some(match declaration.kind() {
        SectionKind::Prose | SectionKind::Table | SectionKind::List => {
            added_section_body(report.added.get(&declaration.id)?, declaration)
        }
        SectionKind::Meeting => {
            let m = report.meeting.as_ref()?;
            let fact = |label: &str, value: Vec<Inline>| FactView {
                label: label.to_string(),
                value,
                field: None,
            };
            let given = |f: &Fact<String>| match f {
                Fact::Given(s) => vec![text(s.clone())],
                Fact::Missing(p) => vec![Inline::Placeholder(p.clone())],
            };
            let figure = |f: &Fact<crate::model::Figure>| match f {
                Fact::Given(n) => {
                    let number = formats.number(u64::from(n.value));
                    vec![text(if n.approximate {
                        format!("~{number}")
                    } else {
                        number
                    })]
                }
                Fact::Missing(p) => vec![Inline::Placeholder(p.clone())],
            };
            let link = match &m.livestream {
                Fact::Given(url) => vec![Inline::Link {
                    url: url.clone(),
                    content: vec![text(url.clone())],
                }],
                Fact::Missing(p) => vec![Inline::Placeholder(p.clone())],
            };
            SectionBody::Facts {
                facts: vec![
                    FactView {
                        field: Some(m.location_field.clone()),
                        ..fact(&labels.location, given(&m.location))
                    },
                    fact(
                        &labels.date,
                        match &m.date {
                            Fact::Given(date) => vec![text(formats.long_date(*date))],
                            Fact::Missing(p) => vec![Inline::Placeholder(p.clone())],
                        },
                    ),
                    fact(&labels.in_person, figure(&m.in_person)),
                    fact(&labels.remote, figure(&m.remote)),
                    fact(&labels.total, figure(&m.total)),
                    fact(&labels.livestream, link),
                ],
            }
        }
        SectionKind::Overview => {
            let o = report.overview.as_ref()?;
            let mut blocks = o.introduction.blocks.clone();
            let names = |organisations: &[crate::model::Organisation]| {
                formats.join(
                    &organisations
                        .iter()
                        .map(|o| o.in_sentence())
                        .collect::<Vec<_>>(),
                )
            };
            let mut sentence = fill(
                &labels.partnership,
                &[("partners", &names(report.partners()))],
            );
            if !report.assisting().is_empty() {
                let assisting = names(report.assisting());
                sentence.push(' ');
                sentence.push_str(&capitalise_first(&fill(
                    &labels.assisting,
                    &[("assisting", &assisting)],
                )));
            }
            blocks.push(paragraph(vec![text(sentence)]));
            blocks.extend(o.paragraphs.blocks.iter().cloned());
            SectionBody::Prose {
                blocks,
                subsections: Vec::new(),
            }
        }
        SectionKind::Stakeholders => {
            let s = report.stakeholders.as_ref()?;
            let mut blocks = vec![paragraph(vec![text(s.lead_in.clone())])];
            match &s.organisations {
                Fact::Given(_) => blocks.push(Block::List {
                    start: None,
                    items: listed_organisations(s, manifest.stakeholders.sort)
                        .into_iter()
                        .map(|n| vec![paragraph(vec![text(n)])])
                        .collect(),
                }),
                Fact::Missing(p) => blocks.push(Block::Placeholder(p.clone())),
            }
            if let Some(registered) = &s.registered
                && registered.without_organisation > 0
                && !labels.unaffiliated.is_empty()
            {
                blocks.push(paragraph(vec![text(fill(
                    &labels.unaffiliated,
                    &[(
                        "count",
                        &formats.number(registered.without_organisation as u64),
                    )],
                ))]));
            }
            SectionBody::Stakeholders {
                blocks,
                chart: s
                    .registered
                    .as_ref()
                    .and_then(|r| stakeholders_chart(r, manifest)),
            }
        }
        SectionKind::PanelUpdates => {
            let p = report.panel_updates.as_ref()?;
            if let Fact::Missing(placeholder) = &p.groups {
                return Some(SectionBody::Missing {
                    placeholder: placeholder.clone(),
                });
            }
            let part = |label: &str, text: &RichText, field: &SourceField| LabelledBlocks {
                label: label.to_string(),
                blocks: text.blocks.clone(),
                field: Some(field.clone()),
            };
            SectionBody::Groups {
                groups: p
                    .groups
                    .given()
                    .iter()
                    .map(|g| GroupView {
                        name: g.name.clone(),
                        anchor: crate::model::slug(&g.anchor_name),
                        name_field: Some(g.name_field.clone()),
                        parts: vec![
                            part(&labels.previous_mandate, &g.previous_mandate, &g.fields[0]),
                            part(&labels.introduction, &g.introduction, &g.fields[1]),
                            part(&labels.discussion, &g.discussion, &g.fields[2]),
                        ],
                    })
                    .collect(),
            }
        }
        SectionKind::Agenda => {
            let a = report.agenda.as_ref()?;
            if let Fact::Missing(placeholder) = &a.rows {
                return Some(SectionBody::Missing {
                    placeholder: placeholder.clone(),
                });
            }
            SectionBody::Agenda {
                title: capitalise_first(&fill(&manifest.titles.agenda, slots)),
                date: date.map(|d| d.long.clone()),
                rows: a
                    .rows
                    .given()
                    .iter()
                    .map(|row| {
                        let mut first = vec![text(row.item.clone())];
                        for speaker in &row.speakers {
                            first.push(Inline::LineBreak);
                            first.push(Inline::Emphasis {
                                content: vec![text(speaker.credit())],
                            });
                        }
                        let mut blocks = vec![paragraph(first)];
                        blocks.extend(row.details.blocks.iter().cloned());
                        AgendaRowView {
                            time: time_of_day(row.time, &labels.time, &labels.am, &labels.pm),
                            blocks,
                            item: row.item.clone(),
                            item_field: Some(row.fields[0].clone()),
                            details_field: Some(row.fields[1].clone()),
                        }
                    })
                    .collect(),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_epoch() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(17_999), (2019, 4, 13));
    }

    #[test]
    fn times_follow_the_layouts_pattern() {
        let time = |hour, minute| crate::model::TimeOfDay { hour, minute };
        let english = |t| time_of_day(t, "{h12}:{mm} {period}", "am", "pm");
        assert_eq!(english(time(9, 40)), "9:40 am");
        assert_eq!(english(time(0, 5)), "12:05 am");
        assert_eq!(english(time(13, 0)), "1:00 pm");
        assert_eq!(time_of_day(time(9, 40), "{h24} h {mm}", "", ""), "9 h 40");
    }

    #[test]
    fn fills_slots_once() {
        assert_eq!(
            fill("Report on {ordinal} Meeting", &[("ordinal", "{ordinal}")]),
            "Report on {ordinal} Meeting"
        );
        assert_eq!(fill("{a} and {b}", &[("a", "1")]), "1 and {b}");
    }
}
