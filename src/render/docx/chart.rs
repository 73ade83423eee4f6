//! The stakeholders' chart as a native Word chart, and its table of counts.
//!
//! docx-rs writes no charts. The writer leaves a bookmark where the chart
//! goes ([`CHART_MARK`]: bookmark names are the writer's own, never data),
//! and [`super::package`] puts the chart there as it repacks the archive:
//! a `w:drawing` holding the chart inline, with the alternative text as its
//! description, the `word/charts/chart1.xml` part (a bar chart whose
//! categories and values are cached in the part, so that it shows as it is
//! without a spreadsheet), and the small workbook of the same figures that
//! Word's "Edit Data" opens.

use std::io::{Cursor, Write as _};

use docx_rs::{AlignmentType, LineSpacing, LineSpacingType, Paragraph, Table, TableRow, WidthType};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{BodyItem, Format, HEADER_ROW_MARK, Para, Writer, cell, geometry, header_cell};
use super::{spaced, with_runs};
use crate::view::{ChartView, ReportView, SectionBody};

/// The bookmark marking the paragraph the chart goes in.
pub(crate) const CHART_MARK: &str = "_ReportChart1";
/// The marking bookmark's id, far above the headings' (one per heading).
pub(crate) const CHART_MARK_ID: usize = 1_000_001;
/// The chart part.
pub(crate) const CHART_PART: &str = "word/charts/chart1.xml";
/// The chart part's relationships: its workbook.
pub(crate) const CHART_RELS_PART: &str = "word/charts/_rels/chart1.xml.rels";
/// The workbook of the chart's figures.
pub(crate) const WORKBOOK_PART: &str = "word/embeddings/Microsoft_Excel_Worksheet1.xlsx";
/// The relationship from the document to the chart; docx-rs numbers its
/// own `rId1`, `rId2`, … or names them `rIdHeader1`, never like this.
const CHART_RELATIONSHIP: &str = "rIdReportChart1";
/// The DrawingML namespace of charts.
const CHART_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";
/// The DrawingML main namespace.
const DRAWING_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
/// The relationships namespace of attributes.
const RELATIONSHIPS_NS: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
/// English Metric Units per point.
const EMU_PER_POINT: f64 = 12_700.0;
/// English Metric Units per millimetre.
const EMU_PER_MM: f64 = 36_000.0;
/// The gap between a figure and its caption, in ems: Typst's default.
const CAPTION_GAP_EM: f64 = 0.65;
/// A generous average width of a character of a label, in ems, to leave
/// the labels room on one line (Carlito's letters average under 0.5em).
const LABEL_CHARACTER_EM: f64 = 0.55;
/// The gap between the labels and the bars, in points, as in the PDF.
const LABEL_GAP_PT: f64 = 8.0;
/// The longest bar's share of the room right of the labels, as in the PDF,
/// which leaves the rest for its count.
const LONGEST_BAR: f64 = 0.88;

/// The chart of the stakeholders section, if the report has one.
pub(crate) fn chart_of(view: &ReportView) -> Option<&ChartView> {
    view.sections
        .iter()
        .find_map(|section| match &section.body {
            SectionBody::Stakeholders {
                chart: Some(chart), ..
            } => Some(chart),
            _ => None,
        })
}

impl Writer<'_> {
    /// The chart's paragraph (marked for [`super::package`]), its caption,
    /// and the table of its counts.
    pub(super) fn chart(&mut self, chart: &ChartView) -> Vec<BodyItem> {
        // An exact line height would clip the drawing to one line.
        let drawing = Paragraph::new()
            .align(AlignmentType::Center)
            .keep_next(true)
            .line_spacing(
                LineSpacing::new()
                    .line_rule(LineSpacingType::Auto)
                    .line(240)
                    .before(geometry::twips(self.geometry.body_before()))
                    .after(0),
            )
            .add_bookmark_start(CHART_MARK_ID, CHART_MARK)
            .add_bookmark_end(CHART_MARK_ID);
        let caption_runs = self.text(&chart.caption, Format::default());
        let caption = with_runs(
            Paragraph::new()
                .align(AlignmentType::Center)
                .keep_next(true)
                .line_spacing(spaced(Some(CAPTION_GAP_EM * self.geometry.size()), None)),
            caption_runs,
        );
        vec![
            BodyItem::Paragraph(Box::new(drawing)),
            BodyItem::Paragraph(Box::new(caption)),
            BodyItem::Table(Box::new(self.counts_table(chart))),
        ]
    }

    /// The table of the chart's counts: as wide as its contents, like the
    /// PDF's `auto` columns, with the header row the other tables have.
    fn counts_table(&mut self, chart: &ChartView) -> Table {
        let inset = 2.0 * geometry::CELL_INSET + 0.25;
        let mut label_width = self.text_width(&chart.sector_label, true);
        let mut count_width = self.text_width(&chart.count_label, true);
        for bar in &chart.bars {
            label_width = label_width.max(self.text_width(&bar.label, false));
            count_width = count_width.max(self.text_width(&bar.count.to_string(), false));
        }
        let widths = [
            geometry::twips(label_width + inset) as usize,
            geometry::twips(count_width + inset) as usize,
        ];
        let header = Format {
            bold_style: true,
            ..Format::default()
        };
        let mut header_cells = Vec::new();
        for (label, width) in [&chart.sector_label, &chart.count_label]
            .into_iter()
            .zip(widths)
        {
            let runs = self.text(label, header);
            header_cells.push(header_cell(cell(
                vec![Para::new(with_runs(
                    Paragraph::new().style("TableHeader"),
                    runs,
                ))],
                width,
            )));
        }
        let mut rows = vec![
            TableRow::new(header_cells)
                .row_height(HEADER_ROW_MARK)
                .cant_split(),
        ];
        for bar in &chart.bars {
            let label = self.text(&bar.label, Format::default());
            let count = self.text(&bar.count.to_string(), Format::default());
            rows.push(
                TableRow::new(vec![
                    cell(
                        vec![Para::new(with_runs(Paragraph::new(), label))],
                        widths[0],
                    ),
                    cell(
                        vec![Para::new(with_runs(
                            Paragraph::new().align(AlignmentType::Right),
                            count,
                        ))],
                        widths[1],
                    ),
                ])
                .cant_split(),
            );
        }
        self.table_style(Table::new(rows))
            .set_grid(widths.to_vec())
            .width(widths.iter().sum(), WidthType::Dxa)
            .layout(docx_rs::TableLayoutType::Fixed)
    }
}

/// Escapes text for XML, removing what XML cannot hold.
fn escape(text: &str) -> String {
    super::clean_xml_text(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `document.xml` with the marked paragraph holding the chart, drawn
/// `width_mm` wide; unchanged when no paragraph is marked.
pub(crate) fn place(document: &str, chart: &ChartView, width_mm: f64) -> String {
    let name = format!(r#"w:name="{CHART_MARK}""#);
    let Some(named) = document.find(&name) else {
        return document.to_string();
    };
    let Some(start) = document[..named].rfind("<w:bookmarkStart") else {
        return document.to_string();
    };
    let end_tag = format!(r#"<w:bookmarkEnd w:id="{CHART_MARK_ID}""#);
    let Some(end) = document[named..].find(&end_tag).map(|e| named + e) else {
        return document.to_string();
    };
    let Some(close) = document[end..].find("/>").map(|c| end + c + 2) else {
        return document.to_string();
    };
    format!(
        "{}{}{}",
        &document[..start],
        drawing(chart, width_mm),
        &document[close..]
    )
}

/// The run holding the chart inline, `width_mm` wide and as high as the
/// PDF's, described by the alternative text.
fn drawing(chart: &ChartView, width_mm: f64) -> String {
    // Sizes of a page are far below i64's range.
    #[allow(clippy::cast_possible_truncation)]
    let (cx, cy) = (
        (width_mm * EMU_PER_MM).round() as i64,
        (chart.height_pt * EMU_PER_POINT).round() as i64,
    );
    format!(
        concat!(
            r#"<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">"#,
            r#"<wp:extent cx="{cx}" cy="{cy}" /><wp:effectExtent l="0" t="0" r="0" b="0" />"#,
            r#"<wp:docPr id="1" name="Chart 1" descr="{alt}" /><wp:cNvGraphicFramePr />"#,
            r#"<a:graphic xmlns:a="{a}"><a:graphicData uri="{c}">"#,
            r#"<c:chart xmlns:c="{c}" xmlns:r="{r}" r:id="{id}" />"#,
            r#"</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#
        ),
        cx = cx,
        cy = cy,
        alt = escape(&chart.alt),
        a = DRAWING_NS,
        c = CHART_NS,
        r = RELATIONSHIPS_NS,
        id = CHART_RELATIONSHIP,
    )
}

/// `document.xml.rels` with the relationship to the chart.
pub(crate) fn relate(relationships: &str) -> String {
    let relationship = format!(
        r#"<Relationship Id="{CHART_RELATIONSHIP}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" Target="charts/chart1.xml" />"#
    );
    match relationships.rfind("</Relationships>") {
        Some(at) => format!(
            "{}{relationship}{}",
            &relationships[..at],
            &relationships[at..]
        ),
        None => relationships.to_string(),
    }
}

/// `[Content_Types].xml` with the chart's and the workbook's types.
pub(crate) fn content_types(types: &str) -> String {
    let mut types = types.to_string();
    if !types.contains(r#"Extension="xlsx""#)
        && let Some(at) = types.find("<Default ")
    {
        types.insert_str(
            at,
            r#"<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />"#,
        );
    }
    if let Some(at) = types.rfind("</Types>") {
        types.insert_str(
            at,
            &format!(
                r#"<Override PartName="/{CHART_PART}" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml" />"#
            ),
        );
    }
    types
}

/// The chart part: horizontal bars in the layout's colours, one per
/// sector from the top, each labelled with its count; no value axis, as in
/// the PDF. Text in the layout's body font.
pub(crate) fn chart_xml(
    chart: &ChartView,
    width_mm: f64,
    font: &str,
    size_pt: f64,
    language: &str,
) -> String {
    let n = chart.bars.len();
    // The plot area is placed by hand, as the PDF places its bars: word
    // processors would otherwise break a long label over two lines.
    let width_pt = width_mm * EMU_PER_MM / EMU_PER_POINT;
    let widest = chart
        .bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0);
    #[allow(clippy::cast_precision_loss)]
    let labels_pt = widest as f64 * LABEL_CHARACTER_EM * size_pt + LABEL_GAP_PT;
    let x = (labels_pt / width_pt).clamp(0.05, 0.6);
    let y = chart.padding_pt / chart.height_pt;
    let layout = format!(
        concat!(
            r#"<c:layout><c:manualLayout><c:layoutTarget val="inner" /><c:xMode val="edge" /><c:yMode val="edge" />"#,
            r#"<c:x val="{x:.4}" /><c:y val="{y:.4}" /><c:w val="{w:.4}" /><c:h val="{h:.4}" /></c:manualLayout></c:layout>"#
        ),
        x = x,
        y = y,
        w = (1.0 - x) * LONGEST_BAR,
        h = 1.0 - 2.0 * y,
    );
    let last_row = n + 1;
    let categories: String = chart
        .bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            format!(
                r#"<c:pt idx="{i}"><c:v>{}</c:v></c:pt>"#,
                escape(&bar.label)
            )
        })
        .collect();
    let values: String = chart
        .bars
        .iter()
        .enumerate()
        .map(|(i, bar)| format!(r#"<c:pt idx="{i}"><c:v>{}</c:v></c:pt>"#, bar.count))
        .collect();
    let points: String = chart
        .bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            format!(
                concat!(
                    r#"<c:dPt><c:idx val="{}" /><c:invertIfNegative val="0" /><c:bubble3D val="0" />"#,
                    r#"<c:spPr><a:solidFill><a:srgbClr val="{}" /></a:solidFill></c:spPr></c:dPt>"#
                ),
                i,
                hex(&bar.colour)
            )
        })
        .collect();
    let first = chart
        .bars
        .first()
        .map_or("1F3864".to_string(), |b| hex(&b.colour));
    // Hundredths of a point.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let size = (size_pt * 100.0).round() as u32;
    let text = format!(
        concat!(
            r#"<c:txPr><a:bodyPr /><a:lstStyle /><a:p><a:pPr><a:defRPr sz="{size}">"#,
            r#"<a:solidFill><a:srgbClr val="000000" /></a:solidFill>"#,
            r#"<a:latin typeface="{font}" /><a:cs typeface="{font}" /></a:defRPr></a:pPr>"#,
            r#"<a:endParaRPr lang="{lang}" /></a:p></c:txPr>"#
        ),
        size = size,
        font = escape(font),
        lang = escape(language),
    );
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<c:chartSpace xmlns:c="{c}" xmlns:a="{a}" xmlns:r="{r}">"#,
            r#"<c:date1904 val="0" /><c:lang val="{lang}" /><c:roundedCorners val="0" />"#,
            r#"<c:chart><c:autoTitleDeleted val="1" /><c:plotArea>{layout}"#,
            r#"<c:barChart><c:barDir val="bar" /><c:grouping val="clustered" /><c:varyColors val="0" />"#,
            r#"<c:ser><c:idx val="0" /><c:order val="0" />"#,
            r#"<c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache><c:ptCount val="1" /><c:pt idx="0"><c:v>{series}</c:v></c:pt></c:strCache></c:strRef></c:tx>"#,
            r#"<c:spPr><a:solidFill><a:srgbClr val="{first}" /></a:solidFill></c:spPr>"#,
            r#"<c:invertIfNegative val="0" />{points}"#,
            r#"<c:dLbls><c:spPr><a:noFill /><a:ln><a:noFill /></a:ln></c:spPr>"#,
            r#"<c:dLblPos val="outEnd" /><c:showLegendKey val="0" /><c:showVal val="1" /><c:showCatName val="0" />"#,
            r#"<c:showSerName val="0" /><c:showPercent val="0" /><c:showBubbleSize val="0" /></c:dLbls>"#,
            r#"<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${last}</c:f><c:strCache><c:ptCount val="{n}" />{categories}</c:strCache></c:strRef></c:cat>"#,
            r#"<c:val><c:numRef><c:f>Sheet1!$B$2:$B${last}</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{n}" />{values}</c:numCache></c:numRef></c:val>"#,
            r#"</c:ser><c:gapWidth val="60" /><c:axId val="1001" /><c:axId val="1002" /></c:barChart>"#,
            // Sectors from the top, as the table lists them.
            r#"<c:catAx><c:axId val="1001" /><c:scaling><c:orientation val="maxMin" /></c:scaling>"#,
            r#"<c:delete val="0" /><c:axPos val="l" /><c:numFmt formatCode="General" sourceLinked="0" />"#,
            r#"<c:majorTickMark val="none" /><c:minorTickMark val="none" /><c:tickLblPos val="nextTo" />"#,
            r#"<c:spPr><a:ln><a:noFill /></a:ln></c:spPr>"#,
            r#"<c:crossAx val="1002" /><c:crosses val="autoZero" /><c:auto val="1" /><c:lblAlgn val="ctr" /><c:lblOffset val="100" /><c:noMultiLvlLbl val="0" /></c:catAx>"#,
            r#"<c:valAx><c:axId val="1002" /><c:scaling><c:orientation val="minMax" /><c:min val="0" /></c:scaling>"#,
            r#"<c:delete val="1" /><c:axPos val="b" /><c:numFmt formatCode="General" sourceLinked="1" />"#,
            r#"<c:majorTickMark val="none" /><c:minorTickMark val="none" /><c:tickLblPos val="nextTo" />"#,
            r#"<c:crossAx val="1001" /><c:crosses val="autoZero" /><c:crossBetween val="between" /></c:valAx>"#,
            r#"<c:spPr><a:noFill /><a:ln><a:noFill /></a:ln></c:spPr></c:plotArea>"#,
            r#"<c:plotVisOnly val="1" /><c:dispBlanksAs val="gap" /></c:chart>"#,
            r#"<c:spPr><a:noFill /><a:ln><a:noFill /></a:ln></c:spPr>{text}"#,
            r#"<c:externalData r:id="rId1"><c:autoUpdate val="0" /></c:externalData>"#,
            r#"</c:chartSpace>"#
        ),
        c = CHART_NS,
        a = DRAWING_NS,
        r = RELATIONSHIPS_NS,
        lang = escape(language),
        layout = layout,
        series = escape(&chart.count_label),
        first = first,
        points = points,
        last = last_row,
        n = n,
        categories = categories,
        values = values,
        text = text,
    )
}

/// The chart part's relationships: the workbook "Edit Data" opens.
pub(crate) fn chart_relationships() -> String {
    concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/package" Target="../embeddings/Microsoft_Excel_Worksheet1.xlsx" />"#,
        r#"</Relationships>"#
    )
    .to_string()
}

/// `#1f3864` as DrawingML writes a colour: `1F3864`.
fn hex(colour: &str) -> String {
    colour.trim_start_matches('#').to_ascii_uppercase()
}

/// The workbook of the chart's figures: the sectors in column A and the
/// counts in column B under the table's headings, as the chart's formulas
/// name them. The least SpreadsheetML a spreadsheet opens, stored and
/// dated 1980-01-01 like the DOCX's own entries, so builds repeat.
pub(crate) fn workbook(chart: &ChartView) -> zip::result::ZipResult<Vec<u8>> {
    let cell = |reference: String, text: &str| {
        format!(
            r#"<c r="{reference}" t="inlineStr"><is><t>{}</t></is></c>"#,
            escape(text)
        )
    };
    let mut rows = format!(
        r#"<row r="1">{}{}</row>"#,
        cell("A1".into(), &chart.sector_label),
        cell("B1".into(), &chart.count_label)
    );
    for (i, bar) in chart.bars.iter().enumerate() {
        let r = i + 2;
        rows.push_str(&format!(
            r#"<row r="{r}">{}<c r="B{r}"><v>{}</v></c></row>"#,
            cell(format!("A{r}"), &bar.label),
            bar.count
        ));
    }
    let parts = [
        (
            "[Content_Types].xml",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
                r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />"#,
                r#"<Default Extension="xml" ContentType="application/xml" />"#,
                r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml" />"#,
                r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml" />"#,
                r#"</Types>"#
            )
            .to_string(),
        ),
        (
            "_rels/.rels",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml" />"#,
                r#"</Relationships>"#
            )
            .to_string(),
        ),
        (
            "xl/workbook.xml",
            format!(
                concat!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                    r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{}">"#,
                    r#"<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1" /></sheets></workbook>"#
                ),
                RELATIONSHIPS_NS
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml" />"#,
                r#"</Relationships>"#
            )
            .to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                concat!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                    r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
                    r#"<sheetData>{}</sheetData></worksheet>"#
                ),
                rows
            ),
        ),
    ];
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut output = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in parts {
        output.start_file(name, options)?;
        output.write_all(content.as_bytes())?;
    }
    Ok(output.finish()?.into_inner())
}
