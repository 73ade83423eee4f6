//! Stage 5: rendering the view into documents.
//!
//! [`typst_source`] runs the layout's Handlebars templates to make the
//! report's Typst source; [`pdf`] compiles it in-process; [`docx`] writes
//! the Word document from the same view.

pub mod docx;
pub mod font_scan;
pub mod pdf;
pub mod typst_markup;

use crate::diagnostics::{Diagnostic, Location};
use crate::layout::{Layout, MAIN_TEMPLATE, ORIGIN_DELIMITER};
use crate::view::ReportView;

/// A heading of the laid-out document and the page it starts on: a fact
/// the PDF's pagination gives and the DOCX's table of contents reads, kept
/// here so that neither backend imports the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingPage {
    /// The heading's text.
    pub text: String,
    /// 1 for a section, 2 for a sub-section.
    pub level: usize,
    /// The page number, from 1.
    pub page: usize,
}

/// One face of a font file in `fonts/`: what the DOCX embeds. Found by the
/// same scan that gives the PDF its fonts, so both documents are set in the
/// same files; kept here so that neither backend imports the other.
#[derive(Debug, Clone)]
pub struct FontFace {
    /// The typographic family name, as the layout names it.
    pub family: String,
    /// The weight, 100 to 900 (400 is regular, 700 bold).
    pub weight: u16,
    /// Italic or oblique.
    pub italic: bool,
    /// The font file, its bytes read once for both documents.
    pub data: FontData,
    /// The face's index in the file: 0 unless the file is a collection.
    pub index: u32,
    /// The code points the face has glyphs for, as sorted, disjoint,
    /// inclusive ranges.
    pub coverage: Vec<(u32, u32)>,
}

impl FontFace {
    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        ranges_contain(&self.coverage, c)
    }
}

/// A font file's bytes, read when first needed and then shared: Typst sets
/// the PDF in them and the DOCX measures and embeds the very same bytes,
/// so no font file is read twice in a build.
#[derive(Debug, Clone)]
pub struct FontData {
    path: std::path::PathBuf,
    bytes: std::sync::Arc<std::sync::OnceLock<Option<typst::foundations::Bytes>>>,
}

impl FontData {
    /// The bytes of the file at `path`, not read yet.
    pub fn new(path: std::path::PathBuf) -> Self {
        Self {
            path,
            bytes: std::sync::Arc::default(),
        }
    }

    /// The file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The file's bytes, read on first use; None when it cannot be read.
    pub fn get(&self) -> Option<&typst::foundations::Bytes> {
        self.bytes
            .get_or_init(|| {
                std::fs::read(&self.path)
                    .ok()
                    .map(typst::foundations::Bytes::new)
            })
            .as_ref()
    }
}

/// Whether sorted, disjoint, inclusive `ranges` hold `c`.
pub fn ranges_contain(ranges: &[(u32, u32)], c: char) -> bool {
    let c = u32::from(c);
    let at = ranges.partition_point(|&(_, end)| end < c);
    ranges.get(at).is_some_and(|&(start, _)| start <= c)
}

/// The union of inclusive ranges, as sorted, disjoint ranges.
pub fn merged_ranges(ranges: impl IntoIterator<Item = (u32, u32)>) -> Vec<(u32, u32)> {
    let mut ranges: Vec<(u32, u32)> = ranges.into_iter().collect();
    ranges.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some((_, last)) if start <= last.saturating_add(1) => *last = (*last).max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Turns sorted code points into the ranges [`FontFace::coverage`] holds.
pub fn coverage_ranges(code_points: impl IntoIterator<Item = u32>) -> Vec<(u32, u32)> {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for c in code_points {
        match ranges.last_mut() {
            Some((_, end)) if c <= end.saturating_add(1) => *end = (*end).max(c),
            _ => ranges.push((c, c)),
        }
    }
    ranges
}

/// The generated Typst source, and where each of its lines came from.
pub struct TypstSource {
    /// The source text.
    pub text: String,
    /// For each line of `text` (0-based), the template line that wrote it.
    pub origins: Vec<Location>,
}

impl TypstSource {
    /// The template location behind a 1-based line of the generated source.
    pub fn origin(&self, line: usize) -> Location {
        self.origins
            .get(line.saturating_sub(1))
            .cloned()
            .unwrap_or_else(|| Location::file("layouts/typst"))
    }
}

/// Runs the templates over the view.
pub fn typst_source(layout: &Layout, view: &ReportView) -> Result<TypstSource, Diagnostic> {
    let raw =
        layout
            .registry
            .render(MAIN_TEMPLATE, view)
            .map_err(|error| {
                let template = error
                    .template_name
                    .clone()
                    .unwrap_or_else(|| MAIN_TEMPLATE.to_string());
                let file = layout
                    .template_files
                    .iter()
                    .find(|(name, _)| *name == template)
                    .map_or_else(|| layout.dir.join("typst"), |(_, path)| path.clone());
                let location = match (error.line_no, error.column_no) {
                    (Some(line), Some(column)) => Location::at(file, line, column),
                    _ => Location::file(file),
                };
                Diagnostic::error(format!("the layout's template failed: {}", error.reason()))
            .at(location)
            .with_hint("a template can only use the fields of the report view; see ARCHITECTURE.md")
            })?;
    Ok(trace_origins(&raw, layout))
}

/// Strips origin marks, noting for every generated line the template line
/// that wrote it (or, for lines a helper wrote, the line that called it).
fn trace_origins(raw: &str, layout: &Layout) -> TypstSource {
    let mut text = String::with_capacity(raw.len());
    let mut origins = Vec::new();
    let mut current = Location::file(layout.dir.join("typst"));
    for line in raw.split('\n') {
        let mut pieces = line.split(ORIGIN_DELIMITER);
        let mut kept = String::from(pieces.next().unwrap_or_default());
        while let (Some(mark), Some(after)) = (pieces.next(), pieces.next()) {
            if let Some((name, number)) = mark.rsplit_once(':') {
                let file = layout
                    .template_files
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or_else(|| layout.dir.join("typst"), |(_, p)| p.clone());
                current = Location::at(file, number.parse().unwrap_or(1), 1);
            }
            kept.push_str(after);
        }
        origins.push(current.clone());
        text.push_str(&kept);
        text.push('\n');
    }
    TypstSource { text, origins }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_where_they_overlap_or_touch() {
        let merged = merged_ranges([(10, 20), (0, 3), (4, 5), (15, 30), (40, 40)]);
        assert_eq!(merged, [(0, 5), (10, 30), (40, 40)]);
        for (c, held) in [
            ('\u{0}', true),
            ('\u{6}', false),
            ('\u{1e}', true),
            ('(', true),
        ] {
            assert_eq!(ranges_contain(&merged, c), held, "{c:?}");
        }
    }

    #[test]
    fn the_fonts_cover_what_typst_says_their_faces_cover() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let scanned = font_scan::scan(&dir);
        let fonts = pdf::Fonts::scan(&dir).unwrap();
        // Every ASCII character (answered from a bitmap), then a sample.
        for c in (0..128)
            .chain((128..0x3_0000).step_by(13))
            .filter_map(char::from_u32)
        {
            let typst = scanned
                .iter()
                .any(|(_, info)| info.coverage.contains(u32::from(c)));
            assert_eq!(fonts.covers(c), typst, "{c:?}");
        }
    }
}
