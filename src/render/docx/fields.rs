//! The editable fields of the DOCX: a hidden bookmark around each prose
//! field, and custom document properties naming the field's source.
//!
//! Bookmarks, not content controls, delimit the fields because they are
//! what both Word and LibreOffice keep, across paragraphs and through a
//! save, while someone types inside them (LibreOffice 7 turns a
//! block-level `w:sdt` into an inline one and drops its tag). Their names
//! start with `_`, so Word lists them as hidden. Custom properties survive
//! both word processors too; Word shortens values past 255 characters, so
//! each value stays short.

use docx_rs::{BookmarkEnd, BookmarkStart, ParagraphChild};

use super::Para;
use crate::model::field::{SourceField, fingerprint};
use crate::pull::docx::{DocxParts, FIELD_BOOKMARK_PREFIX, read};
use crate::pull::entries::{self, split_entry};
use crate::view::ReportView;

/// Bookmark ids of fields start here, far from the contents' `_Toc` ids.
const FIRST_ID: usize = 100_000;

/// The property that says the DOCX was made by this tool for a report.
pub const REPORT_PROPERTY: &str = "ReportName";
/// The property holding the layout's flag word, whose flags are not text.
pub const FLAG_PROPERTY: &str = "ReportFlag";
/// The prefix of the properties holding the fingerprints of the text
/// outside the fields.
pub const OUTSIDE_PROPERTY: &str = "ReportOutside";
/// How many outside-text fingerprints one property holds (8 hex digits
/// each, under Word's 255 characters).
const OUTSIDE_PER_PROPERTY: usize = 30;

/// The prefix of the properties recording, for each list entry with
/// fields (a working group, a sub-section, an agenda item), the entry's
/// identity as built: its fields' paths count by position, and pull finds
/// the entry by this identity instead when the YAML's entries were
/// reordered ([`crate::pull::entries`]).
pub const ENTRY_PROPERTY: &str = "ReportEntry";
/// The prefix of the properties holding each entry's name as built, for
/// messages; the same number follows it as follows [`ENTRY_PROPERTY`].
pub const ENTRY_NAME_PROPERTY: &str = "ReportEntryName";

/// What starts the property of a plain field (a name, a place, an agenda
/// item), whose text goes back as it reads, not as Markdown.
pub const PLAIN_FIELD_PREFIX: &str = "plain:";

/// A field marked in the document.
#[derive(Debug, Clone)]
pub struct FieldMark {
    /// The bookmark around it, `_ReportField001`.
    pub bookmark: String,
    /// Where its text comes from.
    pub field: SourceField,
}

/// Marks `paragraphs` (a labelled part whose first `label_runs` runs are
/// its run-in label) as the field `field`: the bookmark starts after the
/// label, so the label is never part of the field.
pub(super) fn mark(
    marks: &mut Vec<FieldMark>,
    field: &SourceField,
    paragraphs: &mut [Para],
    label_runs: usize,
) {
    if paragraphs.is_empty() {
        return;
    }
    let number = marks.len() + 1;
    let id = FIRST_ID + number;
    let bookmark = format!("{FIELD_BOOKMARK_PREFIX}{number:03}");
    // A label standing alone in its paragraph (before a list or a flag
    // block) leaves the field to start with the next paragraph.
    let (at, index) =
        if paragraphs[0].paragraph.children.len() <= label_runs && paragraphs.len() > 1 {
            (1, 0)
        } else {
            (0, label_runs.min(paragraphs[0].paragraph.children.len()))
        };
    paragraphs[at].paragraph.children.insert(
        index,
        ParagraphChild::BookmarkStart(BookmarkStart::new(id, bookmark.clone())),
    );
    if let Some(last) = paragraphs.last_mut() {
        last.paragraph
            .children
            .push(ParagraphChild::BookmarkEnd(BookmarkEnd::new(id)));
    }
    marks.push(FieldMark {
        bookmark,
        field: field.clone(),
    });
}

/// Marks children `start..end` of one paragraph (the runs of a plain
/// value after its label, a heading's text) as the field `field`.
pub(super) fn mark_within(
    marks: &mut Vec<FieldMark>,
    field: &SourceField,
    paragraph: &mut docx_rs::Paragraph,
    start: usize,
    end: usize,
) {
    let number = marks.len() + 1;
    let id = FIRST_ID + number;
    let bookmark = format!("{FIELD_BOOKMARK_PREFIX}{number:03}");
    let end = end.min(paragraph.children.len());
    let start = start.min(end);
    paragraph
        .children
        .insert(end, ParagraphChild::BookmarkEnd(BookmarkEnd::new(id)));
    paragraph.children.insert(
        start,
        ParagraphChild::BookmarkStart(BookmarkStart::new(id, bookmark.clone())),
    );
    marks.push(FieldMark {
        bookmark,
        field: field.clone(),
    });
}

/// The value of a field's property: `file#path@source.built`, the
/// fingerprints of the YAML text and of the field's text as this DOCX
/// holds it.
///
/// A plain field's value starts with [`PLAIN_FIELD_PREFIX`].
pub fn field_value(field: &SourceField, built: u64) -> String {
    format!(
        "{}{}#{}@{:016x}.{built:016x}",
        if field.plain { PLAIN_FIELD_PREFIX } else { "" },
        field.file.to_string_lossy().replace('\\', "/"),
        field.path,
        field.fingerprint
    )
}

/// The fingerprint recorded for a paragraph of text outside the fields.
pub fn outside_fingerprint(text: &str) -> String {
    format!("{:08x}", fingerprint(text) as u32)
}

/// `docProps/custom.xml` for the DOCX `docx` (docx-rs's archive), naming
/// the report, each field with its fingerprints, and the text outside.
/// `footnote_links` are the footnotes' link addresses in document order,
/// which docx-rs does not relate: the fields are read as the finished
/// document will be, where they are.
pub fn custom_properties(
    docx: &[u8],
    view: &ReportView,
    marks: &[FieldMark],
    footnote_links: &[String],
) -> String {
    let flag = &view.flag_prefix.trim_end().to_string();
    let reading = DocxParts::from_zip(docx).and_then(|mut parts| {
        parts.footnote_rels = parts.footnotes.as_deref().and_then(|footnotes| {
            super::package::footnote_relationships(footnotes.as_bytes(), footnote_links)
        });
        read(&parts, flag).ok()
    });
    let mut properties = vec![
        (REPORT_PROPERTY.to_string(), view.report.clone()),
        (FLAG_PROPERTY.to_string(), flag.clone()),
    ];
    for mark in marks {
        let built = reading
            .as_ref()
            .and_then(|r| r.fields.get(&mark.bookmark))
            .map_or(0, |f| {
                fingerprint(if mark.field.plain {
                    &f.plain
                } else {
                    &f.markdown
                })
            });
        properties.push((mark.bookmark.clone(), field_value(&mark.field, built)));
    }
    let mut outside: Vec<String> = reading
        .iter()
        .flat_map(|r| r.outside.iter().map(|o| outside_fingerprint(&o.text)))
        .collect();
    outside.sort();
    outside.dedup();
    for (i, chunk) in outside.chunks(OUTSIDE_PER_PROPERTY).enumerate() {
        properties.push((format!("{OUTSIDE_PROPERTY}{:02}", i + 1), chunk.concat()));
    }
    // Each list entry is named by its plain field (a group's name, a
    // sub-section's heading, an agenda item), read as the DOCX shows it.
    let mut named: Vec<(&std::path::Path, &str, &str)> = Vec::new();
    for mark in marks.iter().filter(|m| m.field.plain) {
        let Some((list, index, _)) = split_entry(&mark.field.path) else {
            continue;
        };
        let Some(text) = reading.as_ref().and_then(|r| r.fields.get(&mark.bookmark)) else {
            continue;
        };
        let same_entry = |(file, path, _): &&(&std::path::Path, &str, &str)| {
            *file == mark.field.file.as_path()
                && split_entry(path).is_some_and(|(l, i, _)| (l, i) == (list, index))
        };
        if !named.iter().any(|n| same_entry(&n)) {
            named.push((&mark.field.file, &mark.field.path, &text.plain));
        }
    }
    for (i, (record, name)) in entries::records(&named).into_iter().enumerate() {
        properties.push((format!("{ENTRY_PROPERTY}{:03}", i + 1), record.value()));
        properties.push((format!("{ENTRY_NAME_PROPERTY}{:03}", i + 1), name));
    }
    let mut xml = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#
    ));
    for (pid, (name, value)) in properties.iter().enumerate() {
        xml.push_str(&format!(
            r#"<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{}" name="{}"><vt:lpwstr>{}</vt:lpwstr></property>"#,
            pid + 2,
            super::package::xml_escape(name),
            super::package::xml_escape(value)
        ));
    }
    xml.push_str("</Properties>");
    xml
}

impl super::Writer<'_> {
    /// A prose body's blocks as paragraphs, each field among them marked.
    /// Laid out range by range, with the one spacing rule that looks across
    /// blocks (a list after other blocks is a paragraph apart) kept.
    pub(super) fn blocks_with_fields(
        &mut self,
        blocks: &[crate::model::rich::Block],
        fields: &[crate::view::BlockField],
    ) -> Vec<Para> {
        let mut out = Vec::new();
        let mut at = 0;
        let mut ranges: Vec<(usize, usize, Option<&SourceField>)> = Vec::new();
        for f in fields {
            let (start, end) = (f.start.min(blocks.len()), f.end.min(blocks.len()));
            if start < at || start > end {
                continue;
            }
            if at < start {
                ranges.push((at, start, None));
            }
            ranges.push((start, end, Some(&f.field)));
            at = end;
        }
        if at < blocks.len() {
            ranges.push((at, blocks.len(), None));
        }
        for (start, end, field) in ranges {
            let mut paragraphs = self.blocks(&blocks[start..end], 0);
            if start > 0
                && matches!(blocks[start], crate::model::rich::Block::List { .. })
                && let Some(first) = paragraphs.first_mut()
            {
                first.before = Some(self.geometry.body_before());
            }
            if let Some(field) = field {
                mark(&mut self.fields, field, &mut paragraphs, 0);
            }
            out.extend(paragraphs);
        }
        out
    }
}
