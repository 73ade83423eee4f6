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

use std::io::{Cursor, Read, Write};

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, FieldCharType, Footer, Header, Hyperlink,
    HyperlinkType, IndentLevel, InstrText, Level, LevelJc, LevelOverride, LevelText, LineSpacing,
    NumPages, NumberFormat, Numbering, NumberingId, PageMargin, PageNum, Paragraph, Run, RunFonts,
    SpecialIndentType, Start, Style, StyleType, Tab, TabLeaderType, TabValueType, Table, TableCell,
    TableRow, WidthType,
};

use crate::model::rich::{Block, Inline};
use crate::render::pdf::HeadingPage;
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
/// A row height that marks the agenda's header row, so [`package`] can make
/// it repeat on every page (docx-rs has no setter for `w:tblHeader`).
const HEADER_ROW_MARK: f32 = 1.5;

fn twips(mm: f64) -> i32 {
    // Page sizes are a few thousand twips: no overflow.
    #[allow(clippy::cast_possible_truncation)]
    let t = (mm * TWIPS_PER_MM).round() as i32;
    t
}

/// Builds the DOCX of a report.
///
/// `headings` are the PDF's headings with their pages, used to fill in the
/// table of contents so that it reads right on opening.
pub fn render(view: &ReportView, headings: &[HeadingPage]) -> Result<Vec<u8>, String> {
    let mut writer = Writer {
        view,
        numbering_ids: 2,
        numberings: Vec::new(),
        heading_index: 0,
        headings,
        bullet_depth: 0,
        enum_depth: 0,
    };
    let body = writer.body();
    let (width_mm, height_mm) = view.layout.page.paper.size_mm();
    let margin = twips(view.layout.page.margin_mm);
    let fonts = RunFonts::new()
        .ascii(&view.layout.fonts.body)
        .hi_ansi(&view.layout.fonts.body)
        .cs(&view.layout.fonts.body)
        .east_asia(&view.layout.fonts.body);
    #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
    let size = (view.layout.fonts.size_pt * 2.0).round() as usize;
    let mut docx = Docx::new()
        .page_size(
            twips(width_mm).unsigned_abs(),
            twips(height_mm).unsigned_abs(),
        )
        .page_margin(
            PageMargin::new()
                .top(margin)
                .bottom(margin)
                .left(margin)
                .right(margin)
                .header(twips(view.layout.page.margin_mm / 2.0))
                .footer(twips(view.layout.page.margin_mm / 2.0)),
        )
        .default_fonts(fonts)
        .default_size(size)
        .default_spacing(0)
        .header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .style("Header")
                    .add_run(Run::new().add_text(&view.running_title)),
            ),
        )
        .footer(page_footer(&view.layout.labels.page));
    for style in styles(view, size) {
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
    package::repack(&buffer.into_inner(), view).map_err(|e| e.to_string())
}

/// "Page {page} of {pages}" with live fields.
fn page_footer(pattern: &str) -> Footer {
    let mut paragraph = Paragraph::new()
        .style("Footer")
        .align(AlignmentType::Center);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        if !before.is_empty() {
            paragraph = paragraph.add_run(Run::new().add_text(before));
        }
        if let Some(tail) = after.strip_prefix("{page}") {
            paragraph = paragraph.add_page_num(PageNum::new());
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("{pages}") {
            paragraph = paragraph.add_num_pages(NumPages::new());
            rest = tail;
        } else {
            paragraph = paragraph.add_run(Run::new().add_text("{"));
            rest = &after[1..];
        }
    }
    if !rest.is_empty() {
        paragraph = paragraph.add_run(Run::new().add_text(rest));
    }
    Footer::new().add_paragraph(paragraph)
}

fn styles(view: &ReportView, size: usize) -> Vec<Style> {
    let body = &view.layout.fonts.body;
    let fonts = || {
        RunFonts::new()
            .ascii(body)
            .hi_ansi(body)
            .cs(body)
            .east_asia(body)
    };
    let spaced = |style: Style, before: u32, after: u32| {
        style.line_spacing(LineSpacing::new().before(before).after(after))
    };
    let heading = |id: &str, name: &str, level: usize, size: usize| {
        spaced(
            Style::new(id, StyleType::Paragraph)
                .name(name)
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .outline_lvl(level)
                .bold()
                .size(size)
                .color("1F3864")
                .fonts(fonts()),
            if level == 0 { 360 } else { 240 },
            120,
        )
    };
    let code = &view.layout.fonts.monospace;
    vec![
        spaced(
            Style::new("Normal", StyleType::Paragraph)
                .name("Normal")
                .q_format(true)
                .fonts(fonts()),
            0,
            160,
        ),
        spaced(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .bold()
                .size(44)
                .color("1F3864"),
            120,
            240,
        ),
        spaced(
            Style::new("Subtitle", StyleType::Paragraph)
                .name("Subtitle")
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .size(28)
                .color("404040"),
            0,
            120,
        ),
        heading("Heading1", "heading 1", 0, 32),
        heading("Heading2", "heading 2", 1, 26),
        heading("Heading3", "heading 3", 2, 22),
        Style::new("Hyperlink", StyleType::Character)
            .name("Hyperlink")
            .color("0B4F9C")
            .underline("single"),
        Style::new(FLAG_STYLE, StyleType::Character)
            .name("Placeholder flag")
            .bold()
            .highlight("yellow")
            .color("6B4300"),
        Style::new("Code", StyleType::Character)
            .name("Code")
            .size(size.saturating_sub(2))
            .fonts(RunFonts::new().ascii(code).hi_ansi(code)),
        Style::new("Quote", StyleType::Paragraph)
            .name("Quote")
            .based_on("Normal")
            .indent(Some(720), None, Some(720), None),
        spaced(
            Style::new("ListParagraph", StyleType::Paragraph)
                .name("List Paragraph")
                .based_on("Normal")
                .q_format(true),
            0,
            60,
        ),
        Style::new("Header", StyleType::Paragraph)
            .name("header")
            .based_on("Normal")
            .size(18)
            .color("595959"),
        Style::new("Footer", StyleType::Paragraph)
            .name("footer")
            .based_on("Normal")
            .size(18)
            .color("595959"),
        spaced(
            Style::new("TOCHeading", StyleType::Paragraph)
                .name("TOC Heading")
                .based_on("Heading1")
                .next("Normal"),
            240,
            120,
        ),
        spaced(
            Style::new("TOC1", StyleType::Paragraph)
                .name("toc 1")
                .based_on("Normal")
                .next("Normal"),
            60,
            60,
        ),
        spaced(
            Style::new("TOC2", StyleType::Paragraph)
                .name("toc 2")
                .based_on("Normal")
                .next("Normal")
                .indent(Some(440), None, None, None),
            0,
            40,
        ),
        Style::new("TableHeader", StyleType::Paragraph)
            .name("Table Header")
            .based_on("Normal")
            .bold(),
        Style::new("FootnoteText", StyleType::Paragraph)
            .name("footnote text")
            .based_on("Normal")
            .size(18),
    ]
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

struct Writer<'a> {
    view: &'a ReportView,
    numbering_ids: usize,
    numberings: Vec<Numbering>,
    heading_index: usize,
    headings: &'a [HeadingPage],
    /// How many bulleted lists enclose the list being written.
    bullet_depth: usize,
    /// How many numbered lists enclose the list being written.
    enum_depth: usize,
}

impl Writer<'_> {
    fn body(&mut self) -> Vec<BodyItem> {
        let view = self.view;
        let mut items = vec![
            BodyItem::Paragraph(Box::new(
                Paragraph::new()
                    .style("Subtitle")
                    .add_run(Run::new().add_text(&view.process)),
            )),
            BodyItem::Paragraph(Box::new(
                Paragraph::new()
                    .style("Title")
                    .add_run(Run::new().add_text(&view.title)),
            )),
        ];
        for section in &view.sections {
            if let Some(heading) = &section.heading {
                items.push(self.heading(heading, 1, section.new_page));
            }
            match &section.body {
                SectionBody::Missing { placeholder } => {
                    items
                        .push(BodyItem::Paragraph(Box::new(Paragraph::new().add_run(
                            flag_run(&view.layout.labels.flag, &placeholder.note),
                        ))));
                }
                SectionBody::Facts { facts } => {
                    for fact in facts {
                        let p = Paragraph::new()
                            .line_spacing(LineSpacing::new().after(40))
                            .add_run(Run::new().bold().add_text(format!("{}: ", fact.label)));
                        let p = self.inlines(p, &fact.value, Format::default());
                        items.push(BodyItem::Paragraph(Box::new(p)));
                    }
                }
                SectionBody::Prose { blocks } => {
                    items.extend(
                        self.blocks(blocks, 0)
                            .into_iter()
                            .map(|p| BodyItem::Paragraph(Box::new(p))),
                    );
                }
                SectionBody::Groups { groups } => {
                    for group in groups {
                        items.push(self.heading(&group.name, 2, false));
                        for part in &group.parts {
                            let mut paragraphs = self.blocks(&part.blocks, 0);
                            let label = Run::new().bold().add_text(format!("{}: ", part.label));
                            // The label runs into the first paragraph, as in the PDF.
                            match paragraphs.first_mut() {
                                Some(first) if first.property.numbering_property.is_none() => {
                                    first
                                        .children
                                        .insert(0, docx_rs::ParagraphChild::Run(Box::new(label)));
                                }
                                _ => paragraphs.insert(0, Paragraph::new().add_run(label)),
                            }
                            items.extend(
                                paragraphs
                                    .into_iter()
                                    .map(|p| BodyItem::Paragraph(Box::new(p))),
                            );
                        }
                    }
                }
                SectionBody::Agenda { title, date, rows } => {
                    items.push(BodyItem::Paragraph(Box::new(
                        Paragraph::new()
                            .keep_next(true)
                            .add_run(Run::new().bold().add_text(title)),
                    )));
                    if let Some(date) = date {
                        items.push(BodyItem::Paragraph(Box::new(
                            Paragraph::new()
                                .keep_next(true)
                                .add_run(Run::new().add_text(date)),
                        )));
                    }
                    items.push(BodyItem::Table(Box::new(self.agenda_table(rows))));
                }
            }
            // The contents follow the title block's facts, as in the PDF.
            if section.id == "meeting" {
                items.push(BodyItem::Paragraph(Box::new(
                    Paragraph::new()
                        .style("TOCHeading")
                        .add_run(Run::new().add_text(&view.layout.labels.contents)),
                )));
                items.extend(
                    self.contents()
                        .into_iter()
                        .map(|p| BodyItem::Paragraph(Box::new(p))),
                );
            }
        }
        items
    }

    fn heading(&mut self, text: &str, level: usize, new_page: bool) -> BodyItem {
        self.heading_index += 1;
        let id = self.heading_index;
        BodyItem::Paragraph(Box::new(
            Paragraph::new()
                .style(&format!("Heading{level}"))
                .keep_next(true)
                .page_break_before(new_page)
                .add_bookmark_start(id, toc_key(id))
                .add_run(Run::new().add_text(text))
                .add_bookmark_end(id),
        ))
    }

    /// The table of contents as Word writes it once updated: a TOC field
    /// whose result is already the entries, each a hyperlink to its heading
    /// with a PAGEREF field showing the page the PDF puts it on. Word and
    /// LibreOffice show it as it is, with no "update fields" prompt.
    fn contents(&self) -> Vec<Paragraph> {
        let mut entries = Vec::new();
        for section in &self.view.sections {
            if let Some(heading) = &section.heading {
                entries.push((heading.clone(), 1));
            }
            if let SectionBody::Groups { groups } = &section.body {
                entries.extend(groups.iter().map(|g| (g.name.clone(), 2)));
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
            let page = self
                .headings
                .iter()
                .find(|h| h.level == level && h.text == text)
                .map(|h| h.page.to_string())
                .unwrap_or_default();
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
            paragraph = paragraph.add_hyperlink(
                Hyperlink::new(&key, HyperlinkType::Anchor)
                    .add_run(Run::new().add_text(&text))
                    .add_run(Run::new().add_tab())
                    .add_run(field(FieldCharType::Begin))
                    .add_run(
                        Run::new()
                            .add_instr_text(InstrText::Unsupported(format!(r"PAGEREF {key} \h"))),
                    )
                    .add_run(field(FieldCharType::Separate))
                    .add_run(Run::new().add_text(page))
                    .add_run(field(FieldCharType::End)),
            );
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
        let time_width = text_width / 6;
        let item_width = text_width - time_width;
        let cell = |paragraphs: Vec<Paragraph>, width: usize| {
            paragraphs.into_iter().fold(
                TableCell::new().width(width, WidthType::Dxa),
                TableCell::add_paragraph,
            )
        };
        let labels = &self.view.layout.labels;
        let mut table_rows = vec![
            TableRow::new(vec![
                cell(
                    vec![
                        Paragraph::new()
                            .style("TableHeader")
                            .add_run(Run::new().add_text(&labels.agenda_time)),
                    ],
                    time_width,
                ),
                cell(
                    vec![
                        Paragraph::new()
                            .style("TableHeader")
                            .add_run(Run::new().add_text(&labels.agenda_item)),
                    ],
                    item_width,
                ),
            ])
            .row_height(HEADER_ROW_MARK)
            .cant_split(),
        ];
        for row in rows {
            let content = self.blocks(&row.blocks, 0);
            table_rows.push(
                TableRow::new(vec![
                    cell(
                        vec![Paragraph::new().add_run(Run::new().add_text(&row.time))],
                        time_width,
                    ),
                    cell(content, item_width),
                ])
                .cant_split(),
            );
        }
        Table::new(table_rows)
            .set_grid(vec![time_width, item_width])
            .width(text_width, WidthType::Dxa)
            .layout(docx_rs::TableLayoutType::Fixed)
    }

    fn blocks(&mut self, blocks: &[Block], depth: usize) -> Vec<Paragraph> {
        let mut out = Vec::new();
        for block in blocks {
            match block {
                Block::Paragraph { content } => {
                    out.push(self.inlines(Paragraph::new(), content, Format::default()))
                }
                Block::Quote { content } => {
                    out.extend(
                        self.blocks(content, depth)
                            .into_iter()
                            .map(|p| p.style("Quote")),
                    );
                }
                Block::Placeholder(p) => {
                    out.push(
                        Paragraph::new().add_run(flag_run(&self.view.layout.labels.flag, &p.note)),
                    );
                }
                Block::List { start, items } => {
                    let id = self.numbering_ids;
                    self.numbering_ids += 1;
                    let numbering = match start {
                        Some(n) => Numbering::new(id, DECIMALS + self.enum_depth % LIST_STYLES)
                            .add_override(
                                LevelOverride::new(depth.min(2))
                                    .start(usize::try_from(*n).unwrap_or(1)),
                            ),
                        None => Numbering::new(id, BULLETS + self.bullet_depth % LIST_STYLES),
                    };
                    self.numberings.push(numbering);
                    let depth_counter = if start.is_some() {
                        &mut self.enum_depth
                    } else {
                        &mut self.bullet_depth
                    };
                    *depth_counter += 1;
                    for item in items {
                        let mut first = true;
                        for block in item {
                            match block {
                                Block::List { .. } => {
                                    out.extend(self.blocks(std::slice::from_ref(block), depth + 1))
                                }
                                _ => {
                                    for paragraph in self.blocks(std::slice::from_ref(block), depth)
                                    {
                                        let paragraph = paragraph.style("ListParagraph");
                                        #[allow(
                                            clippy::cast_possible_wrap,
                                            clippy::cast_possible_truncation
                                        )]
                                        let indent = 720 * (depth.min(2) as i32 + 1);
                                        out.push(if first {
                                            first = false;
                                            paragraph.numbering(
                                                NumberingId::new(id),
                                                IndentLevel::new(depth.min(2)),
                                            )
                                        } else {
                                            paragraph.indent(Some(indent), None, None, None)
                                        });
                                    }
                                }
                            }
                        }
                    }
                    if start.is_some() {
                        self.enum_depth -= 1;
                    } else {
                        self.bullet_depth -= 1;
                    }
                }
            }
        }
        out
    }

    fn inlines(
        &mut self,
        mut paragraph: Paragraph,
        inlines: &[Inline],
        format: Format,
    ) -> Paragraph {
        for inline in inlines {
            paragraph = match inline {
                Inline::Text { text } => paragraph.add_run(format.run(text)),
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
                Inline::Code { text } => paragraph.add_run(format.run(text).style("Code")),
                Inline::LineBreak => {
                    paragraph.add_run(Run::new().add_break(BreakType::TextWrapping))
                }
                Inline::Link { url, content } => {
                    let mut text = String::new();
                    crate::model::rich::inlines_plain_text(content, &mut text);
                    paragraph.add_hyperlink(
                        Hyperlink::new(url, HyperlinkType::External)
                            .add_run(format.run(&text).style("Hyperlink")),
                    )
                }
                Inline::Footnote { content } => {
                    let mut footnote = docx_rs::Footnote::new();
                    for p in self.blocks(content, 0) {
                        footnote = footnote.add_content(p.style("FootnoteText"));
                    }
                    paragraph.add_run(Run::new().add_footnote_reference(footnote))
                }
                Inline::Placeholder(p) => {
                    paragraph.add_run(flag_run(&self.view.layout.labels.flag, &p.note))
                }
            };
        }
        paragraph
    }
}

fn toc_key(index: usize) -> String {
    format!("_Toc{:08}", index)
}

fn flag_run(label: &str, note: &str) -> Run {
    // Highlighted on the run as well as by style: LibreOffice ignores a
    // character style's highlight.
    Run::new()
        .style(FLAG_STYLE)
        .bold()
        .highlight("yellow")
        .add_text(clean_xml_text(&format!("{label}: {note}")))
}

/// Bold and italic, as inherited by nested inline content.
#[derive(Clone, Copy, Default)]
struct Format {
    bold: bool,
    italic: bool,
}

impl Format {
    fn run(self, text: &str) -> Run {
        let mut run = Run::new().add_text(clean_xml_text(text));
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

/// Repacks docx-rs's archive: fixed entry times and order, the core and app
/// properties from the report's data, the document language, and the
/// agenda's repeated header row.
pub mod package {
    use super::*;
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

    /// Parts smaller than this are stored uncompressed.
    const SMALL_PART_BYTES: usize = 16 * 1024;

    /// Rewrites the archive `docx` for `view`.
    pub fn repack(docx: &[u8], view: &ReportView) -> zip::result::ZipResult<Vec<u8>> {
        let mut archive = ZipArchive::new(Cursor::new(docx))?;
        let mut output = ZipWriter::new(Cursor::new(Vec::new()));
        // 1980-01-01 is the earliest time a ZIP entry can carry.
        let stored = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        // The fastest level: XML compresses well at any level, and the DOCX
        // is written on every build. Small parts are stored, since setting up
        // a compressor costs more than their bytes.
        let deflated = stored
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1));
        let mut names: Vec<String> = archive.file_names().map(str::to_string).collect();
        names.sort_by_key(|name| (name != "[Content_Types].xml", name.clone()));
        for name in names {
            let mut entry = archive.by_name(&name)?;
            if entry.is_dir() {
                continue;
            }
            let mut content = Vec::new();
            entry.read_to_end(&mut content)?;
            drop(entry);
            let content = match name.as_str() {
                "docProps/core.xml" => core_properties(view).into_bytes(),
                "docProps/app.xml" => app_properties(view).into_bytes(),
                "word/document.xml" => {
                    mark_header_rows(&String::from_utf8_lossy(&content)).into_bytes()
                }
                "word/styles.xml" => {
                    set_language(&String::from_utf8_lossy(&content), &view.language).into_bytes()
                }
                "word/footnotes.xml" => {
                    number_footnotes(&String::from_utf8_lossy(&content)).into_bytes()
                }
                "word/settings.xml" => {
                    set_language_settings(&String::from_utf8_lossy(&content)).into_bytes()
                }
                _ => content,
            };
            let options = if content.len() < SMALL_PART_BYTES {
                stored
            } else {
                deflated
            };
            output.start_file(name, options)?;
            output.write_all(&content)?;
        }
        Ok(output.finish()?.into_inner())
    }

    fn xml_escape(text: &str) -> String {
        clean_xml_text(text)
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    fn core_properties(view: &ReportView) -> String {
        let date = view
            .date
            .as_ref()
            .map_or_else(source_date, |d| format!("{}T00:00:00Z", d.iso));
        format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
                "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{creator}</dc:creator>",
                "<cp:keywords>{keywords}</cp:keywords><dc:description>{description}</dc:description><dc:language>{language}</dc:language>",
                "<cp:lastModifiedBy>{creator}</cp:lastModifiedBy><cp:revision>1</cp:revision>",
                r#"<dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified>"#,
                "</cp:coreProperties>"
            ),
            title = xml_escape(&view.title),
            subject = xml_escape(&view.process),
            creator = xml_escape(&view.authors.join("; ")),
            keywords = xml_escape(&view.keywords.join(", ")),
            description = xml_escape(&view.description),
            language = xml_escape(&view.language),
            date = date,
        )
    }

    /// The date of `SOURCE_DATE_EPOCH`, for reports whose data gives none.
    fn source_date() -> String {
        let seconds: i64 = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let days = seconds.div_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let rest = seconds.rem_euclid(86_400);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rest / 3600,
            rest % 3600 / 60,
            rest % 60
        )
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

    fn app_properties(view: &ReportView) -> String {
        format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
                "<Application>report {version}</Application><Company>{company}</Company><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>",
                "<LinksUpToDate>true</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>1.0000</AppVersion>",
                "</Properties>"
            ),
            version = env!("CARGO_PKG_VERSION"),
            company = xml_escape(&view.process),
        )
    }

    /// Turns the marked header row's height into `w:tblHeader`.
    fn mark_header_rows(document: &str) -> String {
        // docx-rs writes the row height in twips as given.
        let marker = format!(r#"<w:trHeight w:val="{}""#, super::HEADER_ROW_MARK);
        let mut out = String::with_capacity(document.len());
        let mut rest = document;
        while let Some(start) = rest.find(&marker) {
            out.push_str(&rest[..start]);
            let after = &rest[start..];
            let end = after.find("/>").map_or(after.len(), |e| e + 2);
            out.push_str("<w:tblHeader />");
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    }

    /// Puts the footnote's number in front of its text: Word shows a
    /// footnote's mark only where a `w:footnoteRef` run stands.
    fn number_footnotes(footnotes: &str) -> String {
        const MARK: &str = concat!(
            r#"<w:r><w:rPr><w:vertAlign w:val="superscript" /></w:rPr><w:footnoteRef /></w:r>"#,
            r#"<w:r><w:t xml:space="preserve"> </w:t></w:r>"#
        );
        let mut out = String::with_capacity(footnotes.len() + 256);
        let mut rest = footnotes;
        while let Some(start) = rest.find("<w:footnote w:id=") {
            let Some(props_end) = rest[start..].find("</w:pPr>") else {
                break;
            };
            let insert = start + props_end + "</w:pPr>".len();
            out.push_str(&rest[..insert]);
            out.push_str(MARK);
            rest = &rest[insert..];
        }
        out.push_str(rest);
        out
    }

    /// Sets the language of the default run properties.
    fn set_language(styles: &str, language: &str) -> String {
        let lang = format!(
            r#"<w:lang w:val="{0}" w:eastAsia="{0}" w:bidi="{0}" />"#,
            xml_escape(language)
        );
        match styles.find("<w:rPrDefault><w:rPr>") {
            Some(at) => {
                let insert = at + "<w:rPrDefault><w:rPr>".len();
                format!("{}{}{}", &styles[..insert], lang, &styles[insert..])
            }
            None => styles.to_string(),
        }
    }

    /// Makes sure no "update fields" prompt appears on opening: the table of
    /// contents is already filled in.
    fn set_language_settings(settings: &str) -> String {
        settings.replace("<w:updateFields w:val=\"true\" />", "")
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn dates_from_epoch() {
            assert_eq!(civil_from_days(0), (1970, 1, 1));
            assert_eq!(civil_from_days(17_999), (2019, 4, 13));
        }
    }
}
