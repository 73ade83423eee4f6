//! The report as both backends see it: every word final, in layout order.
//!
//! Sentences that the reports compose from data (the title from the
//! meeting's ordinal, the partnership sentence from the partner list) are
//! composed here, once, so that the Typst templates and the DOCX writer
//! cannot drift apart. Patterns come from the layout's labels; data is
//! substituted into them as text and never read as a pattern again.

use serde::Serialize;

use crate::layout::{Labels, Manifest};
use crate::model::rich::{Block, Inline, Placeholder, RichText};
use crate::model::{Fact, Report, SectionId};

/// Everything a backend needs to lay the report out.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// "Report on Sixth and Final Multistakeholder Meeting".
    pub title: String,
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
    /// Whether this is a draft build (watermark, flags allowed).
    pub draft: bool,
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
    /// Which section; also the name of its Typst partial.
    pub id: &'static str,
    /// Its heading, if it has one.
    pub heading: Option<String>,
    /// Whether it starts on a new page.
    pub new_page: bool,
    /// What it holds.
    pub body: SectionBody,
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
    /// Flowing rich text.
    Prose {
        /// The blocks.
        blocks: Vec<Block>,
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

/// A label and its value.
#[derive(Debug, Clone, Serialize)]
pub struct FactView {
    /// "Location".
    pub label: String,
    /// "Ottawa, Ontario Canada", as rich inline content.
    pub value: Vec<Inline>,
}

/// A working group's part of the panel updates.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    /// The group's name, its sub-heading.
    pub name: String,
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
}

/// One agenda row.
#[derive(Debug, Clone, Serialize)]
pub struct AgendaRowView {
    /// "9:00 am".
    pub time: String,
    /// The item, with speakers, notes and sub-items.
    pub blocks: Vec<Block>,
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

/// Joins names as running text: "A, B, and C".
pub fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
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
pub fn build(
    report: &Report,
    manifest: &Manifest,
    draft: bool,
    report_dir: &std::path::Path,
) -> ReportView {
    let labels = &manifest.labels;
    let ordinal = report.meeting.as_ref().map_or("", |m| m.ordinal.as_str());
    let slots = [
        ("ordinal", ordinal),
        ("process", report.series.process.as_str()),
        ("theme", report.series.theme.as_str()),
    ];
    let title = fill(&manifest.titles.title, &slots);
    let date = report.meeting.as_ref().map(|m| ViewDate {
        long: m.date.long(),
        iso: m.date.iso(),
        year: m.date.year,
        month: m.date.month,
        day: m.date.day,
    });
    let mut sections = Vec::new();
    for declaration in &manifest.sections {
        let body = section_body(
            report,
            declaration.id,
            labels,
            manifest,
            &slots,
            date.as_ref(),
        );
        let body = body.unwrap_or_else(|| SectionBody::Missing {
            placeholder: Placeholder {
                note: format!(
                    "The {} section is still to be written ({})",
                    declaration
                        .heading
                        .as_deref()
                        .unwrap_or(declaration.id.name()),
                    declaration.file
                ),
                location: crate::diagnostics::Location::file(report_dir.join(&declaration.file)),
            },
        });
        sections.push(SectionView {
            id: declaration.id.name(),
            heading: declaration.heading.clone(),
            new_page: declaration.new_page,
            body,
        });
    }
    let mut language = manifest.language.split('-');
    let process = fill(&manifest.titles.process, &slots);
    ReportView {
        description: format!("{title}, {process}"),
        running_title: fill(&manifest.titles.running, &slots),
        title,
        process,
        authors: report
            .series
            .partners
            .iter()
            .map(|p| p.name.clone())
            .collect(),
        keywords: report.series.keywords.clone(),
        date,
        draft,
        lang: language.next().unwrap_or("en").to_string(),
        region: language.next().map(str::to_string),
        language: manifest.language.clone(),
        layout: manifest.clone(),
        sections,
    }
}

fn section_body(
    report: &Report,
    id: SectionId,
    labels: &Labels,
    manifest: &Manifest,
    slots: &[(&str, &str)],
    date: Option<&ViewDate>,
) -> Option<SectionBody> {
    Some(match id {
        SectionId::Meeting => {
            let m = report.meeting.as_ref()?;
            let fact = |label: &str, value: Vec<Inline>| FactView {
                label: label.to_string(),
                value,
            };
            let given = |f: &Fact<String>| match f {
                Fact::Given(s) => vec![text(s.clone())],
                Fact::Missing(p) => vec![Inline::Placeholder(p.clone())],
            };
            let figure = |f: &Fact<crate::model::Figure>| match f {
                Fact::Given(n) => vec![text(n.to_string())],
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
                    fact(&labels.location, given(&m.location)),
                    fact(&labels.date, vec![text(m.date.long())]),
                    fact(&labels.in_person, figure(&m.in_person)),
                    fact(&labels.remote, figure(&m.remote)),
                    fact(&labels.total, figure(&m.total)),
                    fact(&labels.livestream, link),
                ],
            }
        }
        SectionId::Overview => {
            let o = report.overview.as_ref()?;
            let mut blocks = o.introduction.blocks.clone();
            let names = |organisations: &[crate::model::Organisation]| {
                join_names(
                    &organisations
                        .iter()
                        .map(|o| o.in_sentence())
                        .collect::<Vec<_>>(),
                )
            };
            let mut sentence = fill(
                &labels.partnership,
                &[("partners", &names(&report.series.partners))],
            );
            if !report.series.assisting.is_empty() {
                let assisting = names(&report.series.assisting);
                sentence.push(' ');
                sentence.push_str(&capitalise_first(&fill(
                    &labels.assisting,
                    &[("assisting", &assisting)],
                )));
            }
            blocks.push(paragraph(vec![text(sentence)]));
            blocks.extend(o.paragraphs.blocks.iter().cloned());
            SectionBody::Prose { blocks }
        }
        SectionId::Stakeholders => {
            let s = report.stakeholders.as_ref()?;
            let mut blocks = vec![paragraph(vec![text(s.lead_in.clone())])];
            match &s.organisations {
                Fact::Given(names) => blocks.push(Block::List {
                    start: None,
                    items: names
                        .iter()
                        .map(|n| vec![paragraph(vec![text(n.clone())])])
                        .collect(),
                }),
                Fact::Missing(p) => blocks.push(Block::Placeholder(p.clone())),
            }
            SectionBody::Prose { blocks }
        }
        SectionId::PanelUpdates => {
            let p = report.panel_updates.as_ref()?;
            if let Fact::Missing(placeholder) = &p.groups {
                return Some(SectionBody::Missing {
                    placeholder: placeholder.clone(),
                });
            }
            let part = |label: &str, text: &RichText| LabelledBlocks {
                label: label.to_string(),
                blocks: text.blocks.clone(),
            };
            SectionBody::Groups {
                groups: p
                    .groups
                    .given()
                    .iter()
                    .map(|g| GroupView {
                        name: g.name.clone(),
                        parts: vec![
                            part(&labels.previous_mandate, &g.previous_mandate),
                            part(&labels.introduction, &g.introduction),
                            part(&labels.discussion, &g.discussion),
                        ],
                    })
                    .collect(),
            }
        }
        SectionId::Agenda => {
            let a = report.agenda.as_ref()?;
            if let Fact::Missing(placeholder) = &a.rows {
                return Some(SectionBody::Missing {
                    placeholder: placeholder.clone(),
                });
            }
            SectionBody::Agenda {
                title: fill(&manifest.titles.agenda, slots),
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
                            time: row.time.to_string(),
                            blocks,
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
    fn fills_slots_once() {
        assert_eq!(
            fill("Report on {ordinal} Meeting", &[("ordinal", "{ordinal}")]),
            "Report on {ordinal} Meeting"
        );
        assert_eq!(fill("{a} and {b}", &[("a", "1")]), "1 and {b}");
    }

    #[test]
    fn joins_with_oxford_comma() {
        let names: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
        assert_eq!(join_names(&names), "A, B, and C");
        assert_eq!(join_names(&names[..2]), "A and B");
    }
}
