//! The DOCX backend, through docx-rs.
//!
//! Reads the same [`ReportView`] as the Typst templates, so headings, labels
//! and composed sentences are the layout's. Word's structure is real: heading
//! styles with outline levels, numbering definitions for lists, a Hyperlink
//! character style, Word footnotes, a table of contents whose entries and
//! page numbers are filled in from the PDF's pagination, and a footer with
//! "Page n of N".
//!
//! docx-rs lacks a few things a finished document needs (the core
//! properties' title, a repeated table header row, the document language,
//! fixed ZIP times); [`package`] adds them when it repacks the archive.
//!
//! Text is set in the layout's fonts as the PDF sets it: a character the
//! body font lacks gets a run in the first fallback font that has it, and
//! [`fonts`] embeds every face the text uses, so the document looks and
//! pages the same wherever it is opened.

/// The stakeholders' chart, a native Word chart, and its table of counts.
mod chart;
/// The editable fields' bookmarks and the properties that name them.
pub mod fields;
/// The faces the document uses, embedded in the package.
pub mod fonts;
/// The PDF template's spacing as Word's line heights and paragraph spacing.
mod geometry;
pub mod package;
/// Puts every WordprocessingML part in the element order of the
/// ISO/IEC 29500 schema, which Word holds a DOCX to; [`package`] runs it
/// on each `word/*.xml` part as it repacks the archive.
pub mod schema_order;
/// The draft's DRAFT across every page, as the PDF has it.
mod watermark;

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, BreakType, Docx, FieldCharType, Footer, Header,
    Hyperlink, HyperlinkType, IndentLevel, InstrText, Level, LevelJc, LevelOverride, LevelText,
    LineSpacing, LineSpacingType, NumPages, NumberFormat, Numbering, NumberingId, PageMargin,
    PageNum, Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, RunFonts,
    Shading, SpecialIndentType, Start, Style, StyleType, Tab, TabLeaderType, TabValueType, Table,
    TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableRow,
    WidthType,
};

use self::geometry::{Block as Kind, Geometry, Line};
use crate::model::field::SourceField;
use crate::model::rich::{Block, Inline};
use crate::render::{FontFace, HeadingPage};
use crate::view::{ReportView, SectionBody};

/// Twentieths of a point per millimetre.
const TWIPS_PER_MM: f64 = 56.692_913;
/// The abstract numberings of bulleted lists, one per marker: •, ◦, ▪, as
/// the PDF picks them by how many bulleted lists enclose the list.
const BULLETS: usize = 10;
/// The abstract numberings of numbered lists, one per format: 1., a., i.,
/// as the PDF's "1.a.i." picks them by how many numbered lists enclose it.
const DECIMALS: usize = 20;
/// How many markers and formats there are before they repeat.
const LIST_STYLES: usize = 3;
/// The style of placeholder flags.
const FLAG_STYLE: &str = "Flag";
/// The style of placeholders standing for blocks.
const FLAG_BLOCK_STYLE: &str = "FlagBlock";
/// The list markers, as the PDF's `list(marker: ...)` picks them.
const BULLET_MARKERS: [&str; LIST_STYLES] = ["•", "◦", "▪"];
/// The agenda's title size, in half-points (12pt, as in the PDF).
const AGENDA_TITLE_SIZE: usize = 24;
/// The fill of the agenda's header row, as in the PDF.
const HEADER_FILL: &str = "E8ECF4";
/// A row height that marks the agenda's header row, so [`package`] can make
/// it repeat on every page (docx-rs has no setter for `w:tblHeader`).
const HEADER_ROW_MARK: f32 = 1.5;

fn twips(mm: f64) -> i32 {
    // Page sizes are a few thousand twips: no overflow.
    #[allow(clippy::cast_possible_truncation)]
    let t = (mm * TWIPS_PER_MM).round() as i32;
    t
}

/// Marks where a page number of the table of contents goes until the PDF's
/// pages are known. No text of the report can hold it: XML has no place
/// for it, so [`clean_xml_text`] removes it from every text written.
const PAGE_MARK: u8 = 0x01;

/// A DOCX whole but for the page numbers of its table of contents, which
/// only the PDF's layout knows: made while Typst lays the pages out, and
/// finished by [`DocxAwaitingPages::finish`] once it has.
pub struct DocxAwaitingPages {
    /// The table of contents' entries in order: text and level.
    contents: Vec<(String, usize)>,
    archive: package::AwaitingPages,
}

impl DocxAwaitingPages {
    /// Fills the table of contents in from `headings`, the PDF's headings
    /// with their pages, so that it reads right on opening, and gives the
    /// finished archive.
    pub fn finish(self, headings: &[HeadingPage]) -> Result<Vec<u8>, String> {
        let mut pages = Vec::with_capacity(self.contents.len());
        // Headings are matched in document order, from where the last one
        // was found: two sub-sections may share a name on different pages.
        let mut next_heading = 0;
        for (text, level) in &self.contents {
            let found = headings[next_heading.min(headings.len())..]
                .iter()
                .position(|h| h.level == *level && h.text == *text)
                .map(|offset| next_heading + offset);
            if let Some(at) = found {
                next_heading = at + 1;
            }
            pages.push(
                found
                    .map(|at| headings[at].page.to_string())
                    .unwrap_or_default(),
            );
        }
        self.archive.finish(&pages).map_err(|e| e.to_string())
    }
}

/// The text that stands for the page of the table of contents' entry
/// `index` until [`DocxAwaitingPages::finish`] writes it.
fn page_mark(index: usize) -> String {
    let mark = char::from(PAGE_MARK);
    format!("{mark}{index}{mark}")
}

/// Builds the DOCX of a report, all but the page numbers of its table of
/// contents, which [`DocxAwaitingPages::finish`] fills in.
///
/// `faces` are the font files of `fonts/`: the runs' fallback fonts are
/// chosen by their coverage, and the faces the text uses are embedded.
pub fn render(view: &ReportView, faces: &[FontFace]) -> Result<DocxAwaitingPages, String> {
    let fonts = &view.layout.fonts;
    let coverage_face = |family: &str| {
        faces
            .iter()
            .filter(|f| f.family.eq_ignore_ascii_case(family))
            .min_by_key(|f| (f.italic, f.weight.abs_diff(400)))
    };
    let measure = |family: &str, bold: bool| {
        faces
            .iter()
            .filter(|f| f.family.eq_ignore_ascii_case(family) && !f.italic)
            .min_by_key(|f| f.weight.abs_diff(if bold { 700 } else { 400 }))
            .and_then(fonts::measure)
    };
    let regular = measure(&fonts.body, false);
    let bold = measure(&fonts.body, true);
    // Typst falls back to the ascender without a cap height; 0.7em is a
    // usual one, for a layout whose font cannot be read.
    let cap = regular.as_ref().map_or(0.7, |m| m.cap_height);
    let bold_cap = bold.as_ref().map_or(cap, |m| m.cap_height);
    let geometry = Geometry::new(
        fonts.size_pt,
        cap,
        bold_cap,
        view.layout.page.margin_mm * 72.0 / 25.4,
    );
    let mut writer = Writer {
        view,
        geometry,
        metrics: std::iter::once(Some(regular))
            .chain(std::iter::repeat_n(None, fonts.fallback.len()))
            .collect(),
        bold_metrics: bold,
        list_text: Vec::new(),
        numbering_ids: 2,
        numberings: Vec::new(),
        heading_index: 0,
        contents: Vec::new(),
        bullet_depth: 0,
        enum_depth: 0,
        chain: std::iter::once(&fonts.body)
            .chain(&fonts.fallback)
            .map(|family| (family.clone(), coverage_face(family)))
            .collect(),
        used: fonts::UsedFaces::default(),
        used_fallbacks: vec![false; fonts.fallback.len()],
        fields: Vec::new(),
        footnote_depth: 0,
        footnote_links: Vec::new(),
    };
    let body = writer.body();
    let header = writer.text(&view.running_title, Format::default());
    let footer = writer.page_footer(&view.layout.labels.page);
    let mut named = vec![fonts.body.clone(), fonts.monospace.clone()];
    named.extend(
        fonts
            .fallback
            .iter()
            .zip(&writer.used_fallbacks)
            .filter(|(_, used)| **used)
            .map(|(family, _)| family.clone()),
    );
    named.dedup();
    let embedding = fonts::embed(&named, &fonts.monospace, &writer.used, faces)?;
    let (width_mm, height_mm) = view.layout.page.paper.size_mm();
    let margin = twips(view.layout.page.margin_mm);
    let (top, bottom) = geometry.page_margins();
    let (header_distance, footer_distance) = geometry.header_footer();
    let fonts = RunFonts::new()
        .ascii(&view.layout.fonts.body)
        .hi_ansi(&view.layout.fonts.body)
        .cs(&view.layout.fonts.body)
        .east_asia(&view.layout.fonts.body);
    #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
    let size = (view.layout.fonts.size_pt * 2.0).round() as usize;
    let mut header = with_runs(Paragraph::new().style("Header"), header);
    // The rule under the running title, as the PDF draws it.
    header.property = header.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .val(BorderType::Single)
                .size(4)
                .space(geometry.header_rule().round() as usize)
                .color("B4B4B4"),
        ),
    );
    let mut docx = Docx::new()
        .page_size(
            twips(width_mm).unsigned_abs(),
            twips(height_mm).unsigned_abs(),
        )
        .page_margin(
            PageMargin::new()
                .top(tw(top))
                .bottom(tw(bottom))
                .left(margin)
                .right(margin)
                .header(tw(header_distance))
                .footer(tw(footer_distance)),
        )
        .default_fonts(fonts)
        .default_size(size)
        .default_spacing(0)
        // Normal, which docx-rs writes with no properties: every body
        // paragraph has the PDF's line pitch and paragraph spacing.
        .default_line_spacing(exact(
            &geometry,
            Line::Body,
            Some(geometry.body_before()),
            Some(0.0),
        ))
        .header(Header::new().add_paragraph(header))
        // The first page has no running title, as in the PDF.
        .first_header(Header::new().add_paragraph(Paragraph::new().style("Header")))
        .title_pg()
        .first_footer(footer.clone())
        .footer(footer);
    for style in styles(view, &geometry, size) {
        docx = docx.add_style(style);
    }
    for style in 0..LIST_STYLES {
        docx = docx.add_abstract_numbering(list_definition(BULLETS + style, false, style));
        docx = docx.add_abstract_numbering(list_definition(DECIMALS + style, true, style));
    }
    for numbering in std::mem::take(&mut writer.numberings) {
        docx = docx.add_numbering(numbering);
    }
    for item in body {
        docx = match item {
            BodyItem::Paragraph(p) => docx.add_paragraph(*p),
            BodyItem::Table(t) => docx.add_table(*t),
        };
    }
    let mut buffer = Cursor::new(Vec::new());
    docx.build().pack(&mut buffer).map_err(|e| e.to_string())?;
    let watermark = watermark::Watermark::of(view, writer.bold_metrics.as_ref());
    let archive = package::repack(
        &buffer.into_inner(),
        view,
        embedding,
        &writer.fields,
        &writer.footnote_links,
        watermark.as_ref(),
    )
    .map_err(|e| e.to_string())?;
    Ok(DocxAwaitingPages {
        contents: writer.contents,
        archive,
    })
}

/// Adds runs to a paragraph in order.
fn with_runs(paragraph: Paragraph, runs: Vec<Run>) -> Paragraph {
    runs.into_iter().fold(paragraph, Paragraph::add_run)
}

/// A length in points as twips, for docx-rs's signed measures.
fn tw(points: f64) -> i32 {
    i32::try_from(geometry::twips(points)).unwrap_or(i32::MAX)
}

/// Spacing with `line`'s exact height, and space before and after where
/// given (else the style's).
fn exact(geometry: &Geometry, line: Line, before: Option<f64>, after: Option<f64>) -> LineSpacing {
    let mut spacing = LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(tw(geometry.line(line)));
    if let Some(before) = before {
        spacing = spacing.before(geometry::twips(before));
    }
    if let Some(after) = after {
        spacing = spacing.after(geometry::twips(after));
    }
    spacing
}

/// Space before and after, the line height left to the style.
fn spaced(before: Option<f64>, after: Option<f64>) -> LineSpacing {
    let mut spacing = LineSpacing::new();
    if let Some(before) = before {
        spacing = spacing.before(geometry::twips(before));
    }
    if let Some(after) = after {
        spacing = spacing.after(geometry::twips(after));
    }
    spacing
}

/// The paragraph and character styles. Every paragraph style sets an exact
/// line height and the spacing [`geometry`] derives from the PDF's.
fn styles(view: &ReportView, geometry: &Geometry, size: usize) -> Vec<Style> {
    let body = &view.layout.fonts.body;
    let fonts = || {
        RunFonts::new()
            .ascii(body)
            .hi_ansi(body)
            .cs(body)
            .east_asia(body)
    };
    let paragraph = |id: &str, name: &str, line: Line, before: f64, after: f64| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .line_spacing(exact(geometry, line, Some(before), Some(after)))
    };
    let heading = |id: &str, name: &str, level: usize, line: Line, size: usize| {
        let mut style = paragraph(id, name, line, geometry.heading_before(level + 1), 0.0)
            .next("Normal")
            .q_format(true)
            .outline_lvl(level)
            .bold()
            .size(size)
            .color("1F3864")
            .fonts(fonts());
        // Headings stay with what follows, as Typst keeps them.
        style.paragraph_property = style.paragraph_property.keep_next(true);
        style
    };
    let quote_indent = geometry.quote_indent();
    let code = &view.layout.fonts.monospace;
    vec![
        paragraph("Title", "Title", Line::Title, geometry.title_before(), 0.0)
            .next("Normal")
            .q_format(true)
            .bold()
            .size(44)
            .color("1F3864"),
        paragraph("Subtitle", "Subtitle", Line::Subtitle, 0.0, 0.0)
            .next("Normal")
            .q_format(true)
            .size(24)
            .color("5A5A5A"),
        heading("Heading1", "heading 1", 0, Line::Heading1, 32),
        heading("Heading2", "heading 2", 1, Line::Heading2, 26),
        // For editors who add a level; the PDF has none.
        heading("Heading3", "heading 3", 2, Line::Body, 22),
        Style::new("Hyperlink", StyleType::Character)
            .name("Hyperlink")
            .color("0B4F9C")
            .underline("single"),
        Style::new(FLAG_STYLE, StyleType::Character)
            .name("Placeholder flag")
            .bold()
            .highlight("yellow")
            .color("6B4300"),
        // Typst sets code at 0.92em.
        Style::new("Code", StyleType::Character)
            .name("Code")
            .size(((size as f64) * 0.92).round() as usize)
            .fonts(RunFonts::new().ascii(code).hi_ansi(code)),
        paragraph(
            "Quote",
            "Quote",
            Line::Body,
            geometry.before(Kind::Body, Kind::Quote),
            0.0,
        )
        .indent(Some(tw(quote_indent)), None, Some(tw(quote_indent)), None),
        // Items of a list are as close as lines; the list as a whole is
        // spaced like a paragraph (see `Writer::blocks`).
        paragraph("ListParagraph", "List Paragraph", Line::Body, 0.0, 0.0).q_format(true),
        paragraph("Header", "header", Line::Small, 0.0, 0.0)
            .size(18)
            .color("5A5A5A"),
        paragraph("Footer", "footer", Line::Small, 0.0, 0.0)
            .size(18)
            .color("5A5A5A"),
        Style::new("TOCHeading", StyleType::Paragraph)
            .name("TOC Heading")
            .based_on("Heading1")
            .next("Normal"),
        paragraph("TOC1", "toc 1", Line::Body, 0.0, 0.0).next("Normal"),
        paragraph("TOC2", "toc 2", Line::Body, 0.0, 0.0)
            .next("Normal")
            .indent(Some(tw(geometry.contents_indent())), None, None, None),
        flag_block_style(geometry),
        Style::new("TableHeader", StyleType::Paragraph)
            .name("Table Header")
            .based_on("Normal")
            .bold()
            .color("1F3864"),
        paragraph("FootnoteText", "footnote text", Line::Footnote, 0.0, 0.0)
            .size(((size as f64) * 0.85).round() as usize),
    ]
}

/// The PDF's `flag-block`: a yellow box, framed with a thick left rule,
/// its bold text inset on every side.
fn flag_block_style(geometry: &Geometry) -> Style {
    let (inset, stroke, left_stroke, space) = geometry.flag_block();
    let border = |position, width: f64, space: f64, color: &str| {
        // Border widths are in eighths of a point, distances in points.
        ParagraphBorder::new(position)
            .val(BorderType::Single)
            .size((width * 8.0).round() as usize)
            .space(space.max(0.0).floor() as usize)
            .color(color)
    };
    let mut style = Style::new(FLAG_BLOCK_STYLE, StyleType::Paragraph)
        .name("Placeholder block")
        .based_on("Normal")
        .line_spacing(spaced(Some(geometry.before(Kind::Body, Kind::Flag)), None))
        .indent(Some(tw(inset)), None, Some(tw(inset)), None)
        .bold()
        .color("4D3800");
    style.paragraph_property = style
        .paragraph_property
        .set_borders(
            ParagraphBorders::with_empty()
                .set(border(
                    ParagraphBorderPosition::Top,
                    stroke,
                    space,
                    "A67C00",
                ))
                .set(border(
                    ParagraphBorderPosition::Bottom,
                    stroke,
                    space,
                    "A67C00",
                ))
                .set(border(
                    ParagraphBorderPosition::Right,
                    stroke,
                    inset - stroke,
                    "A67C00",
                ))
                .set(border(
                    ParagraphBorderPosition::Left,
                    left_stroke,
                    inset - left_stroke,
                    "E0A800",
                )),
        )
        .shading(Shading::new().fill("FFF3A8"));
    style
}

/// A list definition whose every level has the same marker or format,
/// indented by level.
fn list_definition(id: usize, numbered: bool, style: usize) -> AbstractNumbering {
    let (format, text) = match (numbered, style) {
        (true, 0) => ("decimal", "%1."),
        (true, 1) => ("lowerLetter", "%1."),
        (true, _) => ("lowerRoman", "%1."),
        (false, 0) => ("bullet", "•"),
        (false, 1) => ("bullet", "◦"),
        (false, _) => ("bullet", "▪"),
    };
    let mut definition = AbstractNumbering::new(id);
    for level in 0..LIST_STYLES {
        #[allow(clippy::cast_possible_wrap, clippy::cast_possible_truncation)]
        let indent = 720 * (level as i32 + 1);
        definition = definition.add_level(
            Level::new(
                level,
                Start::new(1),
                NumberFormat::new(format),
                LevelText::new(text.replace('1', &(level + 1).to_string())),
                LevelJc::new("left"),
            )
            .indent(
                Some(indent),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
        );
    }
    definition
}

enum BodyItem {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

/// A paragraph with the space before it needs beyond its style's, which
/// is known only once its neighbours are.
struct Para {
    paragraph: Paragraph,
    before: Option<f64>,
}

impl Para {
    fn new(paragraph: Paragraph) -> Self {
        Self {
            paragraph,
            before: None,
        }
    }

    fn map(self, f: impl FnOnce(Paragraph) -> Paragraph) -> Self {
        Self {
            paragraph: f(self.paragraph),
            ..self
        }
    }

    /// The paragraph, with its own spacing where it differs from its
    /// style's.
    fn finish(self) -> Paragraph {
        match self.before {
            Some(before) => self.paragraph.line_spacing(spaced(Some(before), None)),
            None => self.paragraph,
        }
    }
}

struct Writer<'a> {
    view: &'a ReportView,
    /// The PDF's spacing in Word's terms.
    geometry: Geometry,
    /// The metrics of the faces of `chain`, read when first needed.
    metrics: Vec<Option<Option<fonts::FaceMetrics>>>,
    /// The metrics of the body font's bold face.
    bold_metrics: Option<fonts::FaceMetrics>,
    /// Where the text of each enclosing list's items starts, in points
    /// from the text's left edge.
    list_text: Vec<f64>,
    numbering_ids: usize,
    numberings: Vec<Numbering>,
    heading_index: usize,
    /// The table of contents' entries, text and level, as written.
    contents: Vec<(String, usize)>,
    /// How many bulleted lists enclose the list being written.
    bullet_depth: usize,
    /// How many numbered lists enclose the list being written.
    enum_depth: usize,
    /// The body font, then the fallback fonts, each with the face whose
    /// coverage decides which characters it sets.
    chain: Vec<(String, Option<&'a FontFace>)>,
    /// The faces the text is set in, to embed.
    used: fonts::UsedFaces,
    /// Which fallback fonts some run names.
    used_fallbacks: Vec<bool>,
    /// The editable fields marked so far, in document order.
    fields: Vec<fields::FieldMark>,
    /// How deep in footnotes the text being written is.
    footnote_depth: usize,
    /// The addresses of the links inside footnotes, in document order:
    /// docx-rs relates only the body's links, so [`package`] relates these.
    footnote_links: Vec<String>,
}

impl Writer<'_> {
    /// "Page {page} of {pages}" with live fields.
    fn page_footer(&mut self, pattern: &str) -> Footer {
        let mut paragraph = Paragraph::new()
            .style("Footer")
            .align(AlignmentType::Center);
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            let (before, after) = rest.split_at(open);
            if !before.is_empty() {
                paragraph = with_runs(paragraph, self.text(before, Format::default()));
            }
            if let Some(tail) = after.strip_prefix("{page}") {
                paragraph = paragraph.add_page_num(PageNum::new());
                rest = tail;
            } else if let Some(tail) = after.strip_prefix("{pages}") {
                paragraph = paragraph.add_num_pages(NumPages::new());
                rest = tail;
            } else {
                paragraph = with_runs(paragraph, self.text("{", Format::default()));
                rest = &after[1..];
            }
        }
        if !rest.is_empty() {
            paragraph = with_runs(paragraph, self.text(rest, Format::default()));
        }
        Footer::new().add_paragraph(paragraph)
    }

    /// Text as runs in `format`, each set in the first font of the layout's
    /// list that has its characters, as Typst chooses them for the PDF.
    /// Notes the faces used, for embedding.
    fn text(&mut self, text: &str, format: Format) -> Vec<Run> {
        let text = clean_xml_text(text);
        let mut runs = Vec::new();
        let mut segment = String::new();
        let mut current = 0;
        for c in text.chars() {
            let probe = as_shaped(c);
            let font = if joins_previous(c) && !segment.is_empty() {
                current
            } else {
                self.chain
                    .iter()
                    .position(|(_, face)| face.is_some_and(|f| f.covers(probe)))
                    .unwrap_or(0)
            };
            if font != current && !segment.is_empty() {
                runs.push(self.run(&std::mem::take(&mut segment), current, format));
            }
            current = font;
            segment.push(c);
        }
        if !segment.is_empty() || runs.is_empty() {
            runs.push(self.run(&segment, current, format));
        }
        runs
    }

    /// The width of `text` in points at the body size, as Typst measures
    /// it in the fonts that set it (ignoring kerning).
    fn text_width(&mut self, text: &str, bold: bool) -> f64 {
        let size = self.geometry.size();
        let mut width = 0.0;
        for c in text.chars().map(as_shaped) {
            let font = self
                .chain
                .iter()
                .position(|(_, face)| face.is_some_and(|f| f.covers(c)))
                .unwrap_or(0);
            if self.metrics[font].is_none() {
                self.metrics[font] = Some(self.chain[font].1.and_then(fonts::measure));
            }
            let metrics = match (font, bold) {
                (0, true) => self.bold_metrics.as_ref(),
                _ => self.metrics[font].as_ref().and_then(Option::as_ref),
            };
            let advance = metrics.and_then(|m| m.advance(c)).unwrap_or(0.5);
            width += advance * size;
        }
        width
    }

    /// One run in the `font`-th font of the list.
    fn run(&mut self, text: &str, font: usize, format: Format) -> Run {
        let family = &self.chain[font].0;
        self.used
            .note(family, format.bold || format.bold_style, format.italic);
        let mut run = format.run(text);
        if font > 0 {
            self.used_fallbacks[font - 1] = true;
            run = run.fonts(
                RunFonts::new()
                    .ascii(family)
                    .hi_ansi(family)
                    .cs(family)
                    .east_asia(family),
            );
        }
        run
    }

    fn body(&mut self) -> Vec<BodyItem> {
        let view = self.view;
        let bold_style = Format {
            bold_style: true,
            ..Format::default()
        };
        let subtitle = self.text(&view.process, Format::default());
        let title = match &view.title_parts {
            // The ordinal's flag, marked as the others are.
            Some(parts) => {
                let mut runs = self.text(&parts.before, bold_style);
                runs.extend(flagged(self.text(&parts.flag, bold_style)));
                runs.extend(self.text(&parts.after, bold_style));
                runs
            }
            None => self.text(&view.title, bold_style),
        };
        let mut items = vec![
            BodyItem::Paragraph(Box::new(with_runs(
                Paragraph::new().style("Subtitle"),
                subtitle,
            ))),
            BodyItem::Paragraph(Box::new(with_runs(Paragraph::new().style("Title"), title))),
        ];
        for section in &view.sections {
            if let Some(heading) = &section.heading {
                items.push(self.heading(heading, 1, section.new_page));
            }
            for flag in &section.flags {
                let flag = self.flag_block(&flag.note);
                items.push(BodyItem::Paragraph(Box::new(flag)));
            }
            match &section.body {
                SectionBody::Missing { placeholder } => {
                    let flag = self.flag_block(&placeholder.note);
                    items.push(BodyItem::Paragraph(Box::new(flag)));
                }
                SectionBody::Facts { facts } => {
                    // The value starts where the label's box ends, and wraps
                    // under itself, as in the PDF: a hanging indent, which
                    // Word also takes for the first line's tab stop.
                    let tab = geometry::twips(self.geometry.fact_tab());
                    for (index, fact) in facts.iter().enumerate() {
                        let label =
                            self.text(&format!("{}{}", fact.label, self.view.colon), Format::BOLD);
                        let before = if index == 0 {
                            self.geometry.first_fact_before()
                        } else {
                            self.geometry.fact_before()
                        };
                        let p = with_runs(
                            Paragraph::new()
                                .line_spacing(spaced(Some(before), None))
                                .indent(
                                    Some(i32::try_from(tab).unwrap_or(i32::MAX)),
                                    Some(SpecialIndentType::Hanging(
                                        i32::try_from(tab).unwrap_or(i32::MAX),
                                    )),
                                    None,
                                    None,
                                )
                                .add_tab(Tab::new().val(TabValueType::Left).pos(tab as usize)),
                            label,
                        )
                        .add_run(Run::new().add_tab());
                        let value_from = p.children.len();
                        let mut p = self.inlines(p, &fact.value, Format::default());
                        if let Some(field) = &fact.field {
                            let end = p.children.len();
                            fields::mark_within(&mut self.fields, field, &mut p, value_from, end);
                        }
                        items.push(BodyItem::Paragraph(Box::new(p)));
                    }
                }
                SectionBody::Prose {
                    blocks,
                    subsections,
                } => {
                    let paragraphs = if section.fields.is_empty() {
                        self.blocks(blocks, 0)
                    } else {
                        self.blocks_with_fields(blocks, &section.fields)
                    };
                    items.extend(
                        paragraphs
                            .into_iter()
                            .map(|p| BodyItem::Paragraph(Box::new(p.finish()))),
                    );
                    for subsection in subsections {
                        items.push(
                            self.field_heading(
                                &subsection.heading,
                                subsection.heading_field.as_ref(),
                            ),
                        );
                        let mut paragraphs = self.blocks(&subsection.blocks, 0);
                        if let Some(field) = &subsection.field {
                            fields::mark(&mut self.fields, field, &mut paragraphs, 0);
                        }
                        items.extend(
                            paragraphs
                                .into_iter()
                                .map(|p| BodyItem::Paragraph(Box::new(p.finish()))),
                        );
                    }
                }
                SectionBody::Table { columns, rows } => {
                    items.push(BodyItem::Table(Box::new(self.grid_table(columns, rows))));
                }
                SectionBody::Stakeholders { blocks, chart } => {
                    items.extend(
                        self.blocks(blocks, 0)
                            .into_iter()
                            .map(|p| BodyItem::Paragraph(Box::new(p.finish()))),
                    );
                    if let Some(chart) = chart {
                        items.extend(self.chart(chart));
                    }
                }
                SectionBody::List { items: entries } => {
                    let list = Block::List {
                        start: None,
                        items: entries
                            .iter()
                            .map(|content| {
                                vec![Block::Paragraph {
                                    content: content.clone(),
                                }]
                            })
                            .collect(),
                    };
                    items.extend(
                        self.blocks(std::slice::from_ref(&list), 0)
                            .into_iter()
                            .map(|p| BodyItem::Paragraph(Box::new(p.finish()))),
                    );
                }
                SectionBody::Groups { groups } => {
                    for group in groups {
                        items.push(self.field_heading(&group.name, group.name_field.as_ref()));
                        for part in &group.parts {
                            let mut paragraphs = self.blocks(&part.blocks, 0);
                            let label = self
                                .text(&format!("{}{} ", part.label, self.view.colon), Format::BOLD);
                            let label_runs = label.len();
                            // The label runs into the first paragraph, as in the PDF.
                            match paragraphs.first_mut() {
                                Some(first)
                                    if first.paragraph.property.numbering_property.is_none()
                                        && first
                                            .paragraph
                                            .property
                                            .style
                                            .as_ref()
                                            .is_none_or(|s| s.val != FLAG_BLOCK_STYLE) =>
                                {
                                    for run in label.into_iter().rev() {
                                        first
                                            .paragraph
                                            .children
                                            .insert(0, docx_rs::ParagraphChild::Run(Box::new(run)));
                                    }
                                }
                                _ => paragraphs
                                    .insert(0, Para::new(with_runs(Paragraph::new(), label))),
                            }
                            if let Some(field) = &part.field {
                                fields::mark(&mut self.fields, field, &mut paragraphs, label_runs);
                            }
                            items.extend(
                                paragraphs
                                    .into_iter()
                                    .map(|p| BodyItem::Paragraph(Box::new(p.finish()))),
                            );
                        }
                    }
                }
                SectionBody::Agenda { title, date, rows } => {
                    let before = self.geometry.agenda_title_before(section.heading.is_some());
                    // Spacing goes before a paragraph; only a table has none.
                    let after = if date.is_some() {
                        0.0
                    } else {
                        self.geometry.agenda_title_after()
                    };
                    let title = self
                        .text(title, Format::BOLD)
                        .into_iter()
                        .map(|run| run.size(AGENDA_TITLE_SIZE))
                        .collect();
                    items.push(BodyItem::Paragraph(Box::new(with_runs(
                        Paragraph::new().keep_next(true).line_spacing(exact(
                            &self.geometry,
                            Line::AgendaTitle,
                            Some(before),
                            Some(after),
                        )),
                        title,
                    ))));
                    if let Some(date) = date {
                        let date = self.text(date, Format::default());
                        items.push(BodyItem::Paragraph(Box::new(with_runs(
                            Paragraph::new().keep_next(true).line_spacing(spaced(
                                Some(self.geometry.agenda_date_before()),
                                Some(self.geometry.agenda_date_after()),
                            )),
                            date,
                        ))));
                    }
                    items.push(BodyItem::Table(Box::new(self.agenda_table(rows))));
                }
            }
            // The contents follow the title block's facts, as in the PDF.
            if section.id == "meeting" {
                let contents = self.text(&view.layout.labels.contents, bold_style);
                items.push(BodyItem::Paragraph(Box::new(with_runs(
                    Paragraph::new().style("TOCHeading"),
                    contents,
                ))));
                items.extend(
                    self.contents()
                        .into_iter()
                        .map(|p| BodyItem::Paragraph(Box::new(p))),
                );
            }
        }
        self.space_around(&mut items);
        items
    }

    /// Spacing that depends on two neighbours: Typst's gap between the two
    /// kinds of block, put before the second where its style gives another
    /// (and, before a table, after the first: Word has no space before a
    /// table). Paragraphs given spacing of their own when made keep it.
    fn space_around(&self, items: &mut [BodyItem]) {
        let kind = |item: &BodyItem| match item {
            BodyItem::Table(_) => Kind::Table,
            BodyItem::Paragraph(p) => match p.property.style.as_ref().map(|s| s.val.as_str()) {
                Some("Heading1" | "TOCHeading") => Kind::Heading1,
                Some("Heading2") => Kind::Heading2,
                Some("ListParagraph") => Kind::ListItem,
                Some("TOC1" | "TOC2") => Kind::ContentsEntry,
                Some("Quote") => Kind::Quote,
                Some(FLAG_BLOCK_STYLE) => Kind::Flag,
                _ => Kind::Body,
            },
        };
        let style_before = |block| match block {
            Kind::Heading1 => self.geometry.heading_before(1),
            Kind::Heading2 => self.geometry.heading_before(2),
            Kind::Quote | Kind::Flag => self.geometry.before(Kind::Body, block),
            Kind::ListItem | Kind::ContentsEntry => 0.0,
            Kind::Body | Kind::Table => self.geometry.body_before(),
        };
        let own = |item: &BodyItem| match item {
            BodyItem::Paragraph(p) => p.property.line_spacing.is_some(),
            BodyItem::Table(_) => true,
        };
        let fixed: Vec<bool> = items.iter().map(own).collect();
        let mut spacing = vec![(None, None); items.len()];
        for i in 1..items.len() {
            let (a, b) = (kind(&items[i - 1]), kind(&items[i]));
            // A list spaces its own items, the contents its entries.
            if a == b && matches!(a, Kind::ListItem | Kind::ContentsEntry) {
                continue;
            }
            let space = self.geometry.before(a, b);
            if b == Kind::Table {
                spacing[i - 1].1 = Some(space);
            } else if (space - style_before(b)).abs() > 0.025 {
                spacing[i].0 = Some(space);
            }
        }
        for ((item, fixed), (before, after)) in items.iter_mut().zip(fixed).zip(spacing) {
            if fixed || (before.is_none() && after.is_none()) {
                continue;
            }
            if let BodyItem::Paragraph(p) = item {
                let paragraph = std::mem::take(p.as_mut());
                **p = paragraph.line_spacing(spaced(before, after));
            }
        }
    }

    /// A second-level heading whose text is the plain field `field`.
    fn field_heading(&mut self, text: &str, field: Option<&SourceField>) -> BodyItem {
        let mut heading = self.heading(text, 2, false);
        if let (Some(field), BodyItem::Paragraph(p)) = (field, &mut heading) {
            // Inside the contents' bookmark, around the text.
            let end = p.children.len().saturating_sub(1);
            fields::mark_within(&mut self.fields, field, p, 1, end);
        }
        heading
    }

    fn heading(&mut self, text: &str, level: usize, new_page: bool) -> BodyItem {
        self.heading_index += 1;
        let id = self.heading_index;
        let runs = self.text(
            text,
            Format {
                bold_style: true,
                ..Format::default()
            },
        );
        let mut paragraph = Paragraph::new()
            .style(&format!("Heading{level}"))
            .keep_next(true)
            .page_break_before(new_page);
        if new_page {
            // Typst drops spacing at the top of a page; word processors
            // drop it there only after a page break of their own making.
            paragraph = paragraph.line_spacing(spaced(Some(0.0), None));
        }
        BodyItem::Paragraph(Box::new(
            with_runs(paragraph.add_bookmark_start(id, toc_key(id)), runs).add_bookmark_end(id),
        ))
    }

    /// The table of contents as Word writes it once updated: a TOC field
    /// whose result is already the entries, each a hyperlink to its heading
    /// with a PAGEREF field showing the page the PDF puts it on. Word and
    /// LibreOffice show it as it is, with no "update fields" prompt.
    fn contents(&mut self) -> Vec<Paragraph> {
        let mut entries = Vec::new();
        for section in &self.view.sections {
            if let Some(heading) = &section.heading {
                entries.push((heading.clone(), 1));
            }
            match &section.body {
                SectionBody::Groups { groups } => {
                    entries.extend(groups.iter().map(|g| (g.name.clone(), 2)));
                }
                SectionBody::Prose { subsections, .. } => {
                    entries.extend(subsections.iter().map(|s| (s.heading.clone(), 2)));
                }
                _ => {}
            }
        }
        let (width_mm, _) = self.view.layout.page.paper.size_mm();
        let text_width =
            twips(width_mm - 2.0 * self.view.layout.page.margin_mm).unsigned_abs() as usize;
        let field = |kind: FieldCharType| Run::new().add_field_char(kind, false);
        let count = entries.len();
        let mut paragraphs = Vec::new();
        for (index, (text, level)) in entries.into_iter().enumerate() {
            let key = toc_key(index + 1);
            let mut paragraph = Paragraph::new().style(&format!("TOC{level}")).add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .leader(TabLeaderType::Dot)
                    .pos(text_width),
            );
            if index == 0 {
                paragraph =
                    paragraph
                        .add_run(field(FieldCharType::Begin))
                        .add_run(Run::new().add_instr_text(InstrText::Unsupported(
                            r#"TOC \o "1-2" \h \z \u"#.into(),
                        )))
                        .add_run(field(FieldCharType::Separate));
            }
            let link = self.text(&text, Format::default()).into_iter().fold(
                Hyperlink::new(&key, HyperlinkType::Anchor),
                Hyperlink::add_run,
            );
            paragraph = paragraph.add_hyperlink(
                link.add_run(Run::new().add_tab())
                    .add_run(field(FieldCharType::Begin))
                    .add_run(
                        Run::new()
                            .add_instr_text(InstrText::Unsupported(format!(r"PAGEREF {key} \h"))),
                    )
                    .add_run(field(FieldCharType::Separate))
                    .add_run(Run::new().add_text(page_mark(index)))
                    .add_run(field(FieldCharType::End)),
            );
            self.contents.push((text, level));
            if index + 1 == count {
                paragraph = paragraph.add_run(field(FieldCharType::End));
            }
            paragraphs.push(paragraph);
        }
        paragraphs
    }

    fn agenda_table(&mut self, rows: &[crate::view::AgendaRowView]) -> Table {
        let (width_mm, _) = self.view.layout.page.paper.size_mm();
        let text_width =
            twips(width_mm - 2.0 * self.view.layout.page.margin_mm).unsigned_abs() as usize;
        // The time column is as wide as its widest entry, as the PDF's
        // `auto` column; a quarter point more, so that no time wraps.
        let view = self.view;
        let labels = &view.layout.labels;
        let mut widest = self.text_width(&labels.agenda_time, true);
        for row in rows {
            widest = widest.max(self.text_width(&row.time, false));
        }
        let time_width = geometry::twips(widest + 2.0 * geometry::CELL_INSET + 0.25) as usize;
        let item_width = text_width.saturating_sub(time_width);
        let cell = |paragraphs: Vec<Para>, width: usize| cell(paragraphs, width);
        let header = Format {
            bold_style: true,
            ..Format::default()
        };
        let time_label = self.text(&labels.agenda_time, header);
        let item_label = self.text(&labels.agenda_item, header);
        let mut table_rows = vec![
            TableRow::new(vec![
                header_cell(cell(
                    vec![Para::new(with_runs(
                        Paragraph::new().style("TableHeader"),
                        time_label,
                    ))],
                    time_width,
                )),
                header_cell(cell(
                    vec![Para::new(with_runs(
                        Paragraph::new().style("TableHeader"),
                        item_label,
                    ))],
                    item_width,
                )),
            ])
            .row_height(HEADER_ROW_MARK)
            .cant_split(),
        ];
        for row in rows {
            let mut content = self.blocks(&row.blocks, 0);
            // The item is the first runs of the first paragraph; the
            // details, when there are any, the paragraphs after it.
            if let Some(field) = &row.item_field
                && let Some(first) = content.first_mut()
            {
                let item_runs = self.text(&row.item, Format::default()).len();
                fields::mark_within(&mut self.fields, field, &mut first.paragraph, 0, item_runs);
            }
            if let Some(field) = &row.details_field
                && content.len() > 1
            {
                fields::mark(&mut self.fields, field, &mut content[1..], 0);
            }
            let time = self.text(&row.time, Format::default());
            table_rows.push(
                TableRow::new(vec![
                    cell(
                        vec![Para::new(with_runs(Paragraph::new(), time))],
                        time_width,
                    ),
                    cell(content, item_width),
                ])
                .cant_split(),
            );
        }
        self.table_style(
            Table::new(table_rows)
                .set_grid(vec![time_width, item_width])
                .width(text_width, WidthType::Dxa)
                .layout(docx_rs::TableLayoutType::Fixed),
        )
    }

    /// The PDF's table look: cells inset by the PDF's 6pt (less what the
    /// lines' boxes hold), a thin rule under every row.
    fn table_style(&self, table: Table) -> Table {
        let (top, bottom, side) = self.geometry.cell_margins();
        let points = |p: f64| geometry::twips(p) as usize;
        let rule = |position| {
            TableBorder::new(position)
                .border_type(BorderType::Single)
                .size(4)
                .color("AAAAAA")
        };
        table
            .margins(
                TableCellMargins::new()
                    .margin_top(points(top), WidthType::Dxa)
                    .margin_bottom(points(bottom), WidthType::Dxa)
                    .margin_left(points(side), WidthType::Dxa)
                    .margin_right(points(side), WidthType::Dxa),
            )
            .set_borders(
                TableBorders::with_empty()
                    .set(rule(TableBorderPosition::InsideH))
                    .set(rule(TableBorderPosition::Bottom)),
            )
    }

    /// A table section: a repeated header row of the column labels, and
    /// fixed column widths in the layout's proportions.
    fn grid_table(
        &mut self,
        columns: &[crate::view::ColumnView],
        rows: &[Vec<Vec<Inline>>],
    ) -> Table {
        let (width_mm, _) = self.view.layout.page.paper.size_mm();
        let text_width =
            twips(width_mm - 2.0 * self.view.layout.page.margin_mm).unsigned_abs() as usize;
        // Shares are fractions of one; the widths are whole twips.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let widths: Vec<usize> = columns
            .iter()
            .map(|c| (c.share * text_width as f64).round() as usize)
            .collect();
        let header = Format {
            bold_style: true,
            ..Format::default()
        };
        let mut header_cells = Vec::new();
        for (column, width) in columns.iter().zip(&widths) {
            let label = self.text(&column.label, header);
            header_cells.push(header_cell(cell(
                vec![Para::new(with_runs(
                    Paragraph::new().style("TableHeader"),
                    label,
                ))],
                *width,
            )));
        }
        let mut table_rows = vec![
            TableRow::new(header_cells)
                .row_height(HEADER_ROW_MARK)
                .cant_split(),
        ];
        for row in rows {
            let cells = row
                .iter()
                .zip(&widths)
                .map(|(content, width)| {
                    let paragraph = self.inlines(Paragraph::new(), content, Format::default());
                    cell(vec![Para::new(paragraph)], *width)
                })
                .collect();
            table_rows.push(TableRow::new(cells).cant_split());
        }
        self.table_style(Table::new(table_rows))
            .set_grid(widths)
            .width(text_width, WidthType::Dxa)
            .layout(docx_rs::TableLayoutType::Fixed)
    }

    /// Rich text blocks as paragraphs, spaced as Typst spaces them.
    fn blocks(&mut self, blocks: &[Block], depth: usize) -> Vec<Para> {
        let mut out = Vec::new();
        for block in blocks {
            match block {
                Block::Paragraph { content } => out.push(Para::new(self.inlines(
                    Paragraph::new(),
                    content,
                    Format::default(),
                ))),
                Block::Quote { content } => {
                    out.extend(
                        self.blocks(content, depth)
                            .into_iter()
                            .map(|p| p.map(|p| p.style("Quote"))),
                    );
                }
                Block::Placeholder(p) => out.push(Para::new(self.flag_block(&p.note))),
                Block::List { start, items } => {
                    let first = out.len();
                    self.list(*start, items, depth, &mut out);
                    // A list after other blocks is a paragraph apart from them.
                    if first > 0
                        && let Some(para) = out.get_mut(first)
                    {
                        para.before = Some(self.geometry.body_before());
                    }
                }
            }
        }
        out
    }

    /// A list, its items as close as lines and indented as Typst indents
    /// them: the marker 0.6em in from the text around the list, the item's
    /// text 0.5em after the widest marker.
    fn list(
        &mut self,
        start: Option<u64>,
        items: &[Vec<Block>],
        depth: usize,
        out: &mut Vec<Para>,
    ) {
        let id = self.numbering_ids;
        self.numbering_ids += 1;
        let numbering = match start {
            Some(n) => Numbering::new(id, DECIMALS + self.enum_depth % LIST_STYLES).add_override(
                LevelOverride::new(depth.min(2)).start(usize::try_from(n).unwrap_or(1)),
            ),
            None => Numbering::new(id, BULLETS + self.bullet_depth % LIST_STYLES),
        };
        self.numberings.push(numbering);
        let markers: Vec<String> = match start {
            Some(n) => (0..items.len() as u64)
                .map(|i| enum_label(n.saturating_add(i), self.enum_depth % LIST_STYLES))
                .collect(),
            None => vec![BULLET_MARKERS[self.bullet_depth % LIST_STYLES].to_string()],
        };
        let marker_width = markers
            .iter()
            .map(|m| self.text_width(m, false))
            .fold(0.0, f64::max);
        let (indent, body_indent) = self.geometry.list_indents();
        let marker_x = self.list_text.last().copied().unwrap_or(0.0) + indent;
        let text_x = marker_x + marker_width + body_indent;
        self.list_text.push(text_x);
        if start.is_some() {
            self.enum_depth += 1;
        } else {
            self.bullet_depth += 1;
        }
        for item in items {
            let mut first = true;
            for (index, block) in item.iter().enumerate() {
                let from = out.len();
                if let Block::List { start, items } = block {
                    self.list(*start, items, depth + 1, out);
                } else {
                    for para in self.blocks(std::slice::from_ref(block), depth) {
                        let para = para.map(|p| p.style("ListParagraph"));
                        out.push(if first {
                            first = false;
                            para.map(|p| {
                                p.numbering(NumberingId::new(id), IndentLevel::new(depth.min(2)))
                                    .indent(
                                        Some(tw(text_x)),
                                        Some(SpecialIndentType::Hanging(tw(text_x - marker_x))),
                                        None,
                                        None,
                                    )
                            })
                        } else {
                            para.map(|p| p.indent(Some(tw(text_x)), None, None, None))
                        });
                    }
                }
                // A block after the item's first is a paragraph apart.
                if index > 0
                    && let Some(para) = out.get_mut(from)
                {
                    para.before = Some(self.geometry.body_before());
                }
            }
        }
        if start.is_some() {
            self.enum_depth -= 1;
        } else {
            self.bullet_depth -= 1;
        }
        self.list_text.pop();
    }

    fn inlines(
        &mut self,
        mut paragraph: Paragraph,
        inlines: &[Inline],
        format: Format,
    ) -> Paragraph {
        for inline in inlines {
            paragraph = match inline {
                Inline::Text { text } => with_runs(paragraph, self.text(text, format)),
                Inline::Emphasis { content } => self.inlines(
                    paragraph,
                    content,
                    Format {
                        italic: true,
                        ..format
                    },
                ),
                Inline::Strong { content } => self.inlines(
                    paragraph,
                    content,
                    Format {
                        bold: true,
                        ..format
                    },
                ),
                Inline::Code { text } => {
                    // Code is set in the monospace font alone, as in the PDF.
                    let bold = format.bold || format.bold_style;
                    self.used
                        .note(&self.view.layout.fonts.monospace, bold, format.italic);
                    paragraph.add_run(format.run(&clean_xml_text(text)).style("Code"))
                }
                Inline::LineBreak => {
                    paragraph.add_run(Run::new().add_break(BreakType::TextWrapping))
                }
                Inline::Link { url, content } => {
                    if self.footnote_depth > 0 {
                        self.footnote_links.push(url.clone());
                    }
                    let mut text = String::new();
                    crate::model::rich::inlines_plain_text(content, &mut text);
                    let link = self
                        .text(&text, format)
                        .into_iter()
                        .map(|run| run.style("Hyperlink"))
                        .fold(
                            Hyperlink::new(url, HyperlinkType::External),
                            Hyperlink::add_run,
                        );
                    paragraph.add_hyperlink(link)
                }
                Inline::Reference { .. } => {
                    // Resolved into links by the view; printed as written if not.
                    let mut text = String::new();
                    crate::model::rich::inlines_plain_text(std::slice::from_ref(inline), &mut text);
                    self.text(&text, format)
                        .into_iter()
                        .fold(paragraph, Paragraph::add_run)
                }
                Inline::Footnote { content } => {
                    let mut footnote = docx_rs::Footnote::new();
                    self.footnote_depth += 1;
                    let blocks = self.blocks(content, 0);
                    self.footnote_depth -= 1;
                    for p in blocks {
                        footnote = footnote.add_content(p.finish().style("FootnoteText"));
                    }
                    paragraph.add_run(Run::new().add_footnote_reference(footnote))
                }
                Inline::Placeholder(p) => {
                    let flag = self.flag(&p.note);
                    with_runs(paragraph, flag)
                }
            };
        }
        paragraph
    }
}

/// A table cell of paragraphs; the first starts at the cell's margin, as
/// Typst starts a cell at its inset.
fn cell(mut paragraphs: Vec<Para>, width: usize) -> TableCell {
    if let Some(first) = paragraphs.first_mut() {
        first.before = Some(0.0);
    }
    paragraphs.into_iter().map(Para::finish).fold(
        TableCell::new().width(width, WidthType::Dxa),
        TableCell::add_paragraph,
    )
}

/// A header row's cell: the PDF's fill, and the full inset above, since
/// the paragraph before a table already leaves room for a line's box.
fn header_cell(mut cell: TableCell) -> TableCell {
    cell.property = cell.property.margin_top(
        geometry::twips(geometry::CELL_INSET) as usize,
        WidthType::Dxa,
    );
    cell.shading(Shading::new().fill(HEADER_FILL))
}

/// An item's number as the PDF's `enum(numbering: "1.a.i.")` writes it at
/// `style` (0, 1, 2: decimal, letter, roman).
fn enum_label(n: u64, style: usize) -> String {
    match style {
        0 => format!("{n}."),
        1 => {
            // a … z, aa … zz, as Typst counts letters.
            let mut n = n.max(1);
            let mut letters = Vec::new();
            while n > 0 {
                n -= 1;
                letters.push(char::from(b'a' + (n % 26) as u8));
                n /= 26;
            }
            letters.iter().rev().collect::<String>() + "."
        }
        _ => {
            const NUMERALS: [(u64, &str); 13] = [
                (1000, "m"),
                (900, "cm"),
                (500, "d"),
                (400, "cd"),
                (100, "c"),
                (90, "xc"),
                (50, "l"),
                (40, "xl"),
                (10, "x"),
                (9, "ix"),
                (5, "v"),
                (4, "iv"),
                (1, "i"),
            ];
            let mut n = n.max(1);
            let mut roman = String::new();
            for (value, numeral) in NUMERALS {
                while n >= value {
                    roman.push_str(numeral);
                    n -= value;
                }
            }
            roman + "."
        }
    }
}

/// The character whose glyph sets `c`: a no-break space, which fonts such
/// as Carlito do not map, is set with the space's glyph, as Typst's shaper
/// sets it in the PDF, rather than in a fallback font.
fn as_shaped(c: char) -> char {
    if c == '\u{A0}' { ' ' } else { c }
}

fn toc_key(index: usize) -> String {
    format!("_Toc{:08}", index)
}

impl Writer<'_> {
    /// A placeholder's flag.
    /// A placeholder's flag in running text.
    fn flag(&mut self, note: &str) -> Vec<Run> {
        let text = format!("{}{note}", self.view.flag_prefix);
        flagged(self.text(&text, Format::BOLD))
    }

    /// A placeholder standing for a block: the PDF's framed box.
    fn flag_block(&mut self, note: &str) -> Paragraph {
        let text = format!("{}{note}", self.view.flag_prefix);
        let format = Format {
            bold_style: true,
            ..Format::default()
        };
        with_runs(
            Paragraph::new().style(FLAG_BLOCK_STYLE),
            self.text(&text, format),
        )
    }
}

/// `runs` marked as a flag: highlighted on the run as well as by style,
/// since LibreOffice ignores a character style's highlight.
fn flagged(runs: Vec<Run>) -> Vec<Run> {
    runs.into_iter()
        .map(|run| run.style(FLAG_STYLE).highlight("yellow"))
        .collect()
}

/// Whether a character belongs with the one before it whatever font has
/// it: combining marks, joiners, variation selectors, emoji modifiers.
fn joins_previous(c: char) -> bool {
    matches!(c,
        '\u{300}'..='\u{36F}'
        | '\u{200C}'..='\u{200D}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{1F3FB}'..='\u{1F3FF}'
        | '\u{E0020}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}')
}

/// Bold and italic, as inherited by nested inline content.
#[derive(Clone, Copy, Default)]
struct Format {
    bold: bool,
    italic: bool,
    /// Bold by the paragraph's style (headings, the title), not by the run.
    bold_style: bool,
}

impl Format {
    const BOLD: Format = Format {
        bold: true,
        italic: false,
        bold_style: false,
    };

    fn run(self, text: &str) -> Run {
        let mut run = Run::new().add_text(text);
        if self.bold {
            run = run.bold();
        }
        if self.italic {
            run = run.italic();
        }
        run
    }
}

/// Removes characters XML 1.0 cannot hold, which would make `document.xml`
/// unreadable. The model already removed control characters; this guards
/// the backend on its own.
pub fn clean_xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}'))
        .collect()
}
