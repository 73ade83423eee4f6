//! The report series: references from one report to a section of another,
//! resolved to the target's title and the page its heading stands on.
//!
//! A reference (`<report:05-fifth-meeting#consumer-education>`) names a
//! report folder and an anchor: a section id, or a working group's or
//! sub-section's heading as a [`slug`](crate::model::slug). Pages come
//! from laying the target out as it is built now, from its current
//! sources. Because a target may itself refer to other reports (even back
//! to the one referring to it), pages are worked out to a fixed point, the
//! way LaTeX reruns: every target is laid out with the pages known so far
//! until no page changes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostics::{Diagnostic, Location, closest};
use crate::model::rich::{Block, Inline, ReportRef, RichText};
use crate::view::{ReportView, SectionBody};

/// How many times the targets are laid out before pages must have settled.
pub const MAX_ROUNDS: usize = 5;

/// A place in a report that references can point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The anchor as references write it.
    pub name: String,
    /// The heading it stands for.
    pub heading: String,
    /// 1 for a section, 2 for a working group or sub-section.
    pub level: usize,
    /// The page the heading stands on, once the report has been laid out.
    pub page: Option<usize>,
    /// Whether what stands under the heading is still a placeholder.
    pub incomplete: bool,
}

/// What references need to know of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetReport {
    /// Its title: "Report on Fifth Multistakeholder Meeting".
    pub title: String,
    /// Its anchors, in document order.
    pub anchors: Vec<Anchor>,
}

impl TargetReport {
    /// The anchors of a report's view, before its pages are known.
    pub fn from_view(view: &ReportView) -> TargetReport {
        let mut anchors: Vec<Anchor> = Vec::new();
        let mut add = |name: String, heading: &str, level: usize, incomplete: bool| {
            if !anchors.iter().any(|a| a.name == name) {
                anchors.push(Anchor {
                    name,
                    heading: heading.to_string(),
                    level,
                    page: None,
                    incomplete,
                });
            }
        };
        for section in &view.sections {
            if let Some(heading) = &section.heading {
                add(
                    section.id.clone(),
                    heading,
                    1,
                    body_is_incomplete(&section.body),
                );
            }
            match &section.body {
                SectionBody::Groups { groups } => {
                    for group in groups {
                        let incomplete =
                            group.parts.iter().any(|part| has_placeholder(&part.blocks));
                        add(group.anchor.clone(), &group.name, 2, incomplete);
                    }
                }
                SectionBody::Prose { subsections, .. } => {
                    for sub in subsections {
                        add(
                            sub.anchor.clone(),
                            &sub.heading,
                            2,
                            has_placeholder(&sub.blocks),
                        );
                    }
                }
                _ => {}
            }
        }
        TargetReport {
            title: view.title.clone(),
            anchors,
        }
    }

    /// Sets each anchor's page from the laid-out headings, matched in
    /// document order (two sub-sections may share a name).
    pub fn set_pages(&mut self, headings: &[crate::render::HeadingPage]) {
        let mut next = 0;
        let mut in_order: Vec<&mut Anchor> = self.anchors.iter_mut().collect();
        for anchor in &mut in_order {
            let found = headings[next.min(headings.len())..]
                .iter()
                .position(|h| h.level == anchor.level && h.text == anchor.heading)
                .map(|offset| next + offset);
            anchor.page = found.map(|at| headings[at].page);
            if let Some(at) = found {
                next = at + 1;
            }
        }
    }

    /// The anchor a reference names.
    pub fn anchor(&self, name: &str) -> Option<&Anchor> {
        self.anchors.iter().find(|a| a.name == name)
    }
}

fn body_is_incomplete(body: &SectionBody) -> bool {
    match body {
        SectionBody::Missing { .. } => true,
        SectionBody::Prose { blocks, .. } | SectionBody::Stakeholders { blocks, .. } => {
            has_placeholder(blocks)
        }
        SectionBody::Groups { groups } => groups
            .iter()
            .any(|g| g.parts.iter().any(|p| has_placeholder(&p.blocks))),
        SectionBody::Facts { facts } => facts
            .iter()
            .any(|f| f.value.iter().any(|i| matches!(i, Inline::Placeholder(_)))),
        SectionBody::Agenda { rows, .. } => rows.iter().any(|r| has_placeholder(&r.blocks)),
        SectionBody::Table { rows, .. } => rows
            .iter()
            .flatten()
            .flatten()
            .any(|i| matches!(i, Inline::Placeholder(_))),
        SectionBody::List { items } => items
            .iter()
            .flatten()
            .any(|i| matches!(i, Inline::Placeholder(_))),
    }
}

fn has_placeholder(blocks: &[Block]) -> bool {
    !RichText {
        blocks: blocks.to_vec(),
    }
    .placeholders()
    .is_empty()
}

/// What is known of the reports of the series that references point at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeriesIndex {
    /// The reports, by folder name.
    pub reports: BTreeMap<String, TargetReport>,
    /// Reports that references reach but that could not be laid out.
    pub broken: BTreeSet<String>,
    /// What the names of the documents linked to carry after the report's
    /// name: `.fr` for the French documents of a layout in several
    /// languages, else nothing.
    pub suffix: String,
}

/// What a reference resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// The target report's title.
    pub title: String,
    /// The heading of the section it points at, if any.
    pub section: Option<String>,
    /// The page that heading stands on (1 for a whole report), when known.
    pub page: Option<usize>,
    /// The file the link leads to, beside the referring one.
    pub file: String,
}

impl Resolution {
    /// The link's address: the target's PDF, at the page.
    pub fn url(&self) -> String {
        match self.page {
            Some(page) => format!("{}#page={page}", self.file),
            None => self.file.clone(),
        }
    }
}

impl SeriesIndex {
    /// An empty index whose links lead to documents named with `suffix`.
    pub fn with_suffix(suffix: &str) -> SeriesIndex {
        SeriesIndex {
            suffix: suffix.to_string(),
            ..SeriesIndex::default()
        }
    }

    /// What `target` resolves to, when its report and anchor are known.
    pub fn resolve(&self, target: &ReportRef) -> Option<Resolution> {
        let report = self.reports.get(&target.report)?;
        let file = format!("{}{}.pdf", target.report, self.suffix);
        match &target.anchor {
            None => Some(Resolution {
                title: report.title.clone(),
                section: None,
                page: Some(1),
                file,
            }),
            Some(name) => {
                let anchor = report.anchor(name)?;
                Some(Resolution {
                    title: report.title.clone(),
                    section: Some(anchor.heading.clone()),
                    page: anchor.page,
                    file,
                })
            }
        }
    }

    /// The problems of one report's references, and, when `list` is set,
    /// a note per reference saying what it resolves to (for `check`).
    ///
    /// `reports` are the folders of the series, for "did you mean".
    pub fn judge(
        &self,
        references: &[(ReportRef, Location)],
        reports: &[String],
        composed: &dyn Fn(&Resolution) -> String,
        list: bool,
    ) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for (target, location) in references {
            if self.broken.contains(&target.report) {
                problems.push(
                    Diagnostic::error(format!(
                        "the reference `{target}` cannot be resolved: the report `{}` has problems of its own",
                        target.report
                    ))
                    .at(location.clone())
                    .with_hint(format!("run `report check {}` and correct what it lists", target.report)),
                );
                continue;
            }
            let Some(report) = self.reports.get(&target.report) else {
                let diagnostic = Diagnostic::error(format!(
                    "the reference `{target}` names no report of the series"
                ))
                .at(location.clone());
                problems.push(
                    match closest(&target.report, reports.iter().map(String::as_str)) {
                        Some(name) => diagnostic.with_hint(format!("did you mean `{name}`?")),
                        None if reports.is_empty() => diagnostic,
                        None => {
                            diagnostic.with_hint(format!("the reports are: {}", reports.join(", ")))
                        }
                    },
                );
                continue;
            };
            if let Some(name) = &target.anchor {
                let Some(anchor) = report.anchor(name) else {
                    let names: Vec<&str> = report.anchors.iter().map(|a| a.name.as_str()).collect();
                    let diagnostic = Diagnostic::error(format!(
                        "`{}` has no section `{name}` for the reference `{target}`",
                        target.report
                    ))
                    .at(location.clone());
                    problems.push(match closest(name, names.iter().copied()) {
                        Some(found) => diagnostic.with_hint(format!("did you mean `{found}`?")),
                        None => {
                            diagnostic.with_hint(format!("its anchors are: {}", names.join(", ")))
                        }
                    });
                    continue;
                };
                if anchor.incomplete {
                    problems.push(
                        Diagnostic::warning(format!(
                            "the reference `{target}` points at a section of {} that is still a placeholder",
                            target.report
                        ))
                        .at(location.clone())
                        .with_hint("the reference resolves, but its target has text still to be written"),
                    );
                }
            }
            if list && let Some(resolution) = self.resolve(target) {
                problems.push(
                    Diagnostic::note(format!(
                        "`{target}` reads \u{201c}{}\u{201d} and links to {}",
                        composed(&resolution),
                        resolution.url()
                    ))
                    .at(location.clone()),
                );
            }
        }
        problems
    }
}

/// Works out the pages of every report that `start`'s references reach,
/// directly or through other reports, laying each out with
/// `lay_out(name, index so far)` until no page changes.
///
/// `references_of(name)` gives a report's own references (`None` when the
/// report cannot be read; references to it are then reported as unknown).
pub fn resolve_pages(
    start: &[(String, Vec<ReportRef>)],
    references_of: &mut dyn FnMut(&str) -> Option<Vec<ReportRef>>,
    lay_out: &mut dyn FnMut(&str, &SeriesIndex) -> Option<TargetReport>,
) -> Result<SeriesIndex, Diagnostic> {
    // The reports the references reach, with their own references.
    let mut reached: BTreeMap<String, Vec<ReportRef>> = BTreeMap::new();
    let mut queue: Vec<String> = start
        .iter()
        .flat_map(|(_, refs)| refs.iter().map(|r| r.report.clone()))
        .collect();
    let known: HashMap<&str, &Vec<ReportRef>> =
        start.iter().map(|(n, r)| (n.as_str(), r)).collect();
    while let Some(name) = queue.pop() {
        if reached.contains_key(&name) {
            continue;
        }
        let refs = match known.get(name.as_str()) {
            Some(refs) => Some((*refs).clone()),
            None => references_of(&name),
        };
        let Some(refs) = refs else { continue };
        queue.extend(refs.iter().map(|r| r.report.clone()));
        reached.insert(name, refs);
    }
    let mut index = SeriesIndex::default();
    // A report without references of its own lays out the same whatever
    // the index holds: it needs laying out once.
    let settled_once: BTreeSet<&String> = reached
        .iter()
        .filter(|(_, refs)| refs.is_empty())
        .map(|(name, _)| name)
        .collect();
    for round in 0..MAX_ROUNDS {
        let mut next = index.clone();
        for name in reached.keys() {
            if round > 0 && settled_once.contains(name) {
                continue;
            }
            match lay_out(name, &index) {
                Some(target) => {
                    next.reports.insert(name.clone(), target);
                }
                None => {
                    next.reports.remove(name);
                    next.broken.insert(name.clone());
                }
            }
        }
        if next == index {
            return Ok(index);
        }
        index = next;
    }
    Err(Diagnostic::error(format!(
        "the page numbers of references between {} do not settle after {MAX_ROUNDS} layouts",
        reached.keys().cloned().collect::<Vec<_>>().join(", ")
    ))
    .with_hint("references that change a report's length can move the pages they point at; shorten one of them, or refer to the whole report instead of a section"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_case_accents_and_punctuation() {
        use crate::model::slug;
        assert_eq!(slug("Consumer Education"), "consumer-education");
        assert_eq!(
            slug("  Réseau: résilience & sécurité "),
            "reseau-resilience-securite"
        );
        assert_eq!(slug("IoT-Labeling (2019)"), "iot-labeling-2019");
    }

    fn target(page: usize) -> TargetReport {
        TargetReport {
            title: "T".into(),
            anchors: vec![Anchor {
                name: "a".into(),
                heading: "A".into(),
                level: 1,
                page: Some(page),
                incomplete: false,
            }],
        }
    }

    fn reference(report: &str) -> ReportRef {
        ReportRef {
            report: report.into(),
            anchor: Some("a".into()),
        }
    }

    #[test]
    fn pages_are_laid_out_until_they_settle_or_refused_when_they_never_do() {
        // 05 and 06 refer to each other; 06 grows by a page until 07, which
        // it does not refer to, is known.
        let start = vec![("05".to_string(), vec![reference("06")])];
        let mut refs = |name: &str| match name {
            "06" => Some(vec![reference("05")]),
            _ => None,
        };
        let mut layouts = 0;
        let mut settling = |name: &str, index: &SeriesIndex| {
            layouts += 1;
            let known = index.reports.len();
            Some(target(if name == "06" { 2 + known.min(1) } else { 1 }))
        };
        let index = resolve_pages(&start, &mut refs, &mut settling).unwrap();
        assert_eq!(index.reports["06"].anchors[0].page, Some(3));
        assert!(layouts <= 6, "{layouts} layouts");

        // Each layout moves the page its last one gave: it never settles.
        let mut oscillating = |name: &str, index: &SeriesIndex| {
            let last = index.reports.get(name).and_then(|t| t.anchors[0].page);
            Some(target(if last == Some(1) { 2 } else { 1 }))
        };
        let refused = resolve_pages(&start, &mut refs, &mut oscillating).unwrap_err();
        assert!(
            refused.message.contains("do not settle"),
            "{}",
            refused.message
        );
    }

    #[test]
    fn reference_urls_point_at_the_page() {
        let resolution = Resolution {
            title: "T".into(),
            section: Some("S".into()),
            page: Some(3),
            file: "05-fifth-meeting.pdf".into(),
        };
        assert_eq!(resolution.url(), "05-fifth-meeting.pdf#page=3");
    }
}
