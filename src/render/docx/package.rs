//! Repacks docx-rs's archive: fixed entry times and order, the core and app
//! properties from the report's data, the document language, the
//! agenda's repeated header row, the stakeholders' chart
//! ([`super::chart`]), and every WordprocessingML part in the element order
//! of its schema ([`super::schema_order`]).

use std::io::{Cursor, Read, Write};

use super::fonts::Embedding;
use super::{HEADER_ROW_MARK, clean_xml_text};
use crate::view::ReportView;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Parts smaller than this are stored uncompressed.
const SMALL_PART_BYTES: usize = 16 * 1024;

/// A repacked archive written up to its document part, which waits for
/// the page numbers of the table of contents; the parts after it are
/// ready to be written.
pub struct AwaitingPages {
    output: ZipWriter<Cursor<Vec<u8>>>,
    /// `word/document.xml`, final but for its page marks.
    document: Option<Vec<u8>>,
    /// The parts that follow the document, in order.
    after: Vec<(String, Vec<u8>)>,
    fonts: Embedding,
    /// The stakeholders' chart's parts, last in the archive.
    chart: Vec<(&'static str, Vec<u8>)>,
}

impl AwaitingPages {
    /// Writes the document part with `pages[i]` for the mark of the table
    /// of contents' entry `i` (see [`super::page_mark`]), then the parts
    /// after it, and gives the archive.
    pub fn finish(mut self, pages: &[String]) -> zip::result::ZipResult<Vec<u8>> {
        if let Some(document) = &self.document {
            let document = fill_in_pages(document, pages);
            write_part(&mut self.output, "word/document.xml", &document)?;
        }
        for (name, content) in &self.after {
            write_part(&mut self.output, name, content)?;
        }
        self.fonts.write_parts(&mut self.output, stored())?;
        for (name, content) in &self.chart {
            self.output.start_file(*name, stored())?;
            self.output.write_all(content)?;
        }
        Ok(self.output.finish()?.into_inner())
    }
}

/// 1980-01-01 is the earliest time a ZIP entry can carry.
fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
}

/// Adds a part, deflated at the fastest level unless it is small: XML
/// compresses well at any level, and the DOCX is written on every build,
/// and setting up a compressor costs more than a small part's bytes.
fn write_part(
    output: &mut ZipWriter<Cursor<Vec<u8>>>,
    name: &str,
    content: &[u8],
) -> zip::result::ZipResult<()> {
    let options = if content.len() < SMALL_PART_BYTES {
        stored()
    } else {
        stored()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1))
    };
    output.start_file(name, options)?;
    Ok(output.write_all(content)?)
}

/// `document` with each page mark replaced by its entry's page in `pages`
/// (nothing for an entry past its end).
fn fill_in_pages(document: &[u8], pages: &[String]) -> Vec<u8> {
    let mut filled = Vec::with_capacity(document.len());
    // A mark is an index between two mark bytes, so the pieces alternate:
    // text, index, text, ..., text.
    let mut pieces = document.split(|&byte| byte == super::PAGE_MARK);
    filled.extend_from_slice(pieces.next().unwrap_or_default());
    while let Some(index) = pieces.next() {
        let page = std::str::from_utf8(index)
            .ok()
            .and_then(|digits| digits.parse::<usize>().ok())
            .and_then(|i| pages.get(i));
        if let Some(page) = page {
            filled.extend_from_slice(page.as_bytes());
        }
        filled.extend_from_slice(pieces.next().unwrap_or_default());
    }
    filled
}

/// Rewrites the archive `docx` for `view`, with the fonts of `fonts` and
/// the editable fields `fields` named in its custom properties, up to the
/// document part, which waits for its pages.
pub fn repack(
    docx: &[u8],
    view: &ReportView,
    fonts: Embedding,
    fields: &[super::fields::FieldMark],
    footnote_links: &[String],
    watermark: Option<&super::watermark::Watermark>,
) -> zip::result::ZipResult<AwaitingPages> {
    let custom = super::fields::custom_properties(docx, view, fields, footnote_links);
    let mut archive = ZipArchive::new(Cursor::new(docx))?;
    let numbering = Renumbering::read(&mut archive)?;
    // Room for the whole archive at once: growing it while the faces are
    // copied in would copy them again.
    let output = ZipWriter::new(Cursor::new(Vec::with_capacity(
        docx.len() + fonts.packed_bytes(),
    )));
    let chart = super::chart::chart_of(view);
    let (paper_width, _) = view.layout.page.paper.size_mm();
    let text_width = paper_width - 2.0 * view.layout.page.margin_mm;
    let mut names: Vec<String> = archive.file_names().map(str::to_string).collect();
    names.sort_by_key(|name| (name != "[Content_Types].xml", name.clone()));
    let mut awaiting = AwaitingPages {
        output,
        document: None,
        after: Vec::new(),
        chart: Vec::new(),
        fonts,
    };
    let mut headers = 0;
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
            "docProps/custom.xml" => custom.clone().into_bytes(),
            "word/document.xml" => {
                let document = mark_header_rows(&String::from_utf8_lossy(&content));
                match chart {
                    Some(chart) => super::chart::place(&document, chart, text_width),
                    None => document,
                }
                .into_bytes()
            }
            "word/_rels/document.xml.rels" if chart.is_some() => {
                super::chart::relate(&String::from_utf8_lossy(&content)).into_bytes()
            }
            "word/styles.xml" => typeset_like_typst(&set_language(
                &String::from_utf8_lossy(&content),
                &view.language,
            ))
            .into_bytes(),
            "word/footnotes.xml" => {
                number_footnotes(&String::from_utf8_lossy(&content)).into_bytes()
            }
            "word/settings.xml" => awaiting
                .fonts
                .settings(&set_language_settings(&String::from_utf8_lossy(&content)))
                .into_bytes(),
            "word/fontTable.xml" => awaiting.fonts.font_table().into_bytes(),
            header if is_header(header) && watermark.is_some() => {
                headers += 1;
                watermark
                    .map(|w| w.add_to(&String::from_utf8_lossy(&content), headers))
                    .unwrap_or_default()
                    .into_bytes()
            }
            "[Content_Types].xml" => {
                let types = awaiting
                    .fonts
                    .content_types(&String::from_utf8_lossy(&content));
                match chart {
                    Some(_) => super::chart::content_types(&types),
                    None => types,
                }
                .into_bytes()
            }
            _ => content,
        };
        let content = numbering.apply(&name, content);
        let content = if is_wordprocessing_part(&name) {
            in_schema_order(&name, content)?
        } else {
            content
        };
        if name == "word/document.xml" {
            awaiting.document = Some(content);
        } else if awaiting.document.is_some() {
            awaiting.after.push((name, content));
        } else {
            write_part(&mut awaiting.output, &name, &content)?;
        }
    }
    if let Some(rels) = awaiting
        .after
        .iter()
        .find(|(name, _)| name == "word/footnotes.xml")
        .and_then(|(_, footnotes)| footnote_relationships(footnotes, footnote_links))
    {
        awaiting.after.push((
            "word/_rels/footnotes.xml.rels".to_string(),
            rels.into_bytes(),
        ));
    }
    if let Some(chart) = chart {
        let fonts = &view.layout.fonts;
        awaiting.chart = vec![
            (
                super::chart::CHART_PART,
                super::chart::chart_xml(
                    chart,
                    text_width,
                    &fonts.body,
                    fonts.size_pt,
                    &view.language,
                )
                .into_bytes(),
            ),
            (
                super::chart::CHART_RELS_PART,
                super::chart::chart_relationships().into_bytes(),
            ),
            (super::chart::WORKBOOK_PART, super::chart::workbook(chart)?),
        ];
    }
    Ok(awaiting)
}

/// The relationships of the footnotes' links, `word/_rels/footnotes.xml.rels`:
/// docx-rs gives a link in a footnote an id but relates only the body's,
/// and Word refuses a document whose link leads to no relationship.
/// `links` are their addresses in document order, as the footnotes hold
/// their ids once renumbered; `None` when there are none, or when the two
/// disagree.
pub(super) fn footnote_relationships(footnotes: &[u8], links: &[String]) -> Option<String> {
    let footnotes = String::from_utf8_lossy(footnotes);
    let ids: Vec<&str> = numbers_after(&footnotes, HYPERLINK_ID).collect();
    if ids.is_empty() || ids.len() != links.len() {
        return None;
    }
    let mut rels = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
    ));
    for (id, url) in ids.iter().zip(links) {
        rels.push_str(&format!(
            r#"<Relationship Id="rIdHyperlink{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="{}" TargetMode="External" />"#,
            xml_escape(url)
        ));
    }
    rels.push_str("</Relationships>");
    Some(rels)
}

/// Whether `name` is a header part, `word/header1.xml` and the like.
fn is_header(name: &str) -> bool {
    name.strip_prefix("word/header")
        .is_some_and(|rest| rest.ends_with(".xml") && !rest.contains('/'))
}

/// Whether `name` is a WordprocessingML part: `word/*.xml`, not in a
/// subfolder (the theme is DrawingML).
fn is_wordprocessing_part(name: &str) -> bool {
    name.strip_prefix("word/")
        .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".xml"))
}

/// `part` in the element order Word reads ([`super::schema_order`]).
fn in_schema_order(name: &str, part: Vec<u8>) -> zip::result::ZipResult<Vec<u8>> {
    let Ok(text) = std::str::from_utf8(&part) else {
        return Ok(part);
    };
    match super::schema_order::reorder(text) {
        Ok(std::borrow::Cow::Owned(text)) => Ok(text.into_bytes()),
        Ok(std::borrow::Cow::Borrowed(_)) => Ok(part),
        Err(e) => Err(std::io::Error::other(format!("{name}: {e}")).into()),
    }
}

/// `text` as XML character data or attribute value.
pub(super) fn xml_escape(text: &str) -> String {
    clean_xml_text(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn core_properties(view: &ReportView) -> String {
    let date = view.date.as_ref().unwrap_or(&view.document_date);
    let date = format!("{}T00:00:00Z", date.iso);
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
    let marker = format!(r#"<w:trHeight w:val="{}""#, HEADER_ROW_MARK);
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
/// Hyperlinks' relationships and footnotes numbered in document order.
///
/// docx-rs numbers them from counters shared by the whole process, so a
/// report built after or beside others would carry other numbers than the
/// same report built alone; numbered again here, a report's DOCX is the
/// same however many were built before it, and in whatever order. It also
/// lists hyperlinks' relationships in the order of a hash map, which
/// differs from run to run: they are listed by number.
struct Renumbering {
    hyperlinks: std::collections::HashMap<String, usize>,
    footnotes: std::collections::HashMap<String, usize>,
}

/// What precedes a hyperlink relationship's number, in the document and in
/// its relationships.
const HYPERLINK_ID: &str = "\"rIdHyperlink";
/// What precedes a footnote's number where the text refers to it.
const FOOTNOTE_REFERENCE: &str = "<w:footnoteReference w:id=\"";
/// What precedes a footnote's number in the footnotes.
const FOOTNOTE: &str = "<w:footnote w:id=\"";

impl Renumbering {
    fn read(archive: &mut ZipArchive<Cursor<&[u8]>>) -> zip::result::ZipResult<Self> {
        let mut text = |name: &str| -> zip::result::ZipResult<String> {
            let mut text = String::new();
            match archive.by_name(name) {
                Ok(mut entry) => {
                    entry.read_to_string(&mut text)?;
                }
                Err(zip::result::ZipError::FileNotFound) => {}
                Err(error) => return Err(error),
            }
            Ok(text)
        };
        let document = text("word/document.xml")?;
        let footnotes = text("word/footnotes.xml")?;
        let in_order = |found: Vec<&str>| {
            let mut numbers = std::collections::HashMap::new();
            for number in found {
                let next = numbers.len() + 1;
                numbers.entry(number.to_string()).or_insert(next);
            }
            numbers
        };
        let hyperlinks = numbers_after(&document, HYPERLINK_ID)
            .chain(numbers_after(&footnotes, HYPERLINK_ID))
            .collect();
        Ok(Renumbering {
            hyperlinks: in_order(hyperlinks),
            footnotes: in_order(numbers_after(&document, FOOTNOTE_REFERENCE).collect()),
        })
    }

    /// The part `name` with the numbers of this report's own order.
    fn apply(&self, name: &str, content: Vec<u8>) -> Vec<u8> {
        let unchanged = |numbers: &std::collections::HashMap<String, usize>| {
            numbers.iter().all(|(was, now)| *was == now.to_string())
        };
        if name == "word/_rels/document.xml.rels" {
            let rels = renumber(
                &String::from_utf8_lossy(&content),
                HYPERLINK_ID,
                &self.hyperlinks,
            );
            return hyperlinks_by_number(&rels).into_bytes();
        }
        let xml = name.ends_with(".xml") || name.ends_with(".rels");
        if !name.starts_with("word/")
            || !xml
            || unchanged(&self.hyperlinks) && unchanged(&self.footnotes)
        {
            return content;
        }
        let mut text = renumber(
            &String::from_utf8_lossy(&content),
            HYPERLINK_ID,
            &self.hyperlinks,
        );
        match name {
            "word/document.xml" => text = renumber(&text, FOOTNOTE_REFERENCE, &self.footnotes),
            "word/footnotes.xml" => text = renumber(&text, FOOTNOTE, &self.footnotes),
            _ => {}
        }
        text.into_bytes()
    }
}

/// `rels` with the hyperlinks' relationships in the order of their numbers,
/// in the places hyperlinks' relationships held; the others stay as they
/// were.
fn hyperlinks_by_number(rels: &str) -> String {
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(start) = rels[at..].find("<Relationship ").map(|s| at + s) {
        let Some(length) = rels[start..].find("/>") else {
            break;
        };
        spans.push((start, start + length + 2));
        at = start + length + 2;
    }
    let number = |element: &str| {
        let (_, rest) = element.split_once("Id=\"rIdHyperlink")?;
        rest.split('"').next()?.parse::<usize>().ok()
    };
    let mut hyperlinks: Vec<&str> = spans
        .iter()
        .map(|&(start, end)| &rels[start..end])
        .filter(|element| number(element).is_some())
        .collect();
    hyperlinks.sort_by_key(|element| number(element));
    let mut hyperlinks = hyperlinks.into_iter();
    let mut out = String::with_capacity(rels.len());
    let mut last = 0;
    for &(start, end) in &spans {
        out.push_str(&rels[last..start]);
        let element = &rels[start..end];
        match number(element) {
            Some(_) => out.push_str(hyperlinks.next().unwrap_or(element)),
            None => out.push_str(element),
        }
        last = end;
    }
    out.push_str(&rels[last..]);
    out
}

/// The numbers that follow `prefix` in `text`, in order.
fn numbers_after<'a>(text: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> {
    text.match_indices(prefix)
        .map(move |(at, _)| {
            let rest = &text[at + prefix.len()..];
            &rest[..rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len())]
        })
        .filter(|number| !number.is_empty())
}

/// `text` with each number that follows `prefix` replaced as `numbers` say.
fn renumber(
    text: &str,
    prefix: &str,
    numbers: &std::collections::HashMap<String, usize>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let (before, after) = rest.split_at(at + prefix.len());
        out.push_str(before);
        let end = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        match numbers.get(&after[..end]) {
            Some(number) => out.push_str(&number.to_string()),
            None => out.push_str(&after[..end]),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

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

/// Kerns text of every size (`w:kern`) and keeps paragraphs from leaving
/// a single line at either end of a page (`w:widowControl`), as Typst sets
/// the PDF: word processors do either only where asked, and lines and
/// pages would break elsewhere.
fn typeset_like_typst(styles: &str) -> String {
    const RUNS: &str = "<w:rPrDefault><w:rPr>";
    const PARAGRAPHS: &str = "<w:pPrDefault><w:pPr>";
    let styles = match styles.find(PARAGRAPHS) {
        // CT_PPrBase puts `w:widowControl` before what docx-rs writes there.
        Some(at) => {
            let at = at + PARAGRAPHS.len();
            format!("{}<w:widowControl />{}", &styles[..at], &styles[at..])
        }
        None => styles.to_string(),
    };
    let Some(start) = styles.find(RUNS) else {
        return styles;
    };
    let end = styles[start..]
        .find("</w:rPr>")
        .map_or(styles.len(), |e| start + e);
    // CT_RPr puts `w:kern` after `w:spacing` and before `w:sz`.
    let defaults = &styles[start..end];
    let at = ["<w:sz ", "<w:szCs ", "<w:lang "]
        .iter()
        .find_map(|element| defaults.find(element))
        .map_or(end, |i| start + i);
    format!("{}<w:kern w:val=\"2\" />{}", &styles[..at], &styles[at..])
}

/// Makes sure no "update fields" prompt appears on opening: the table of
/// contents is already filled in.
fn set_language_settings(settings: &str) -> String {
    settings.replace("<w:updateFields w:val=\"true\" />", "")
}

#[cfg(test)]
mod tests {
    use super::super::{PAGE_MARK, page_mark};
    use super::*;

    #[test]
    fn page_marks_are_replaced_by_their_entries_pages() {
        let document = format!(
            "<w:t>{}</w:t><w:t>{}</w:t><w:t>{}</w:t>",
            page_mark(1),
            page_mark(0),
            page_mark(7),
        );
        let filled = fill_in_pages(document.as_bytes(), &["3".into(), "12".into()]);
        // An entry no heading matched has no page, as before the marks.
        assert_eq!(filled, b"<w:t>12</w:t><w:t>3</w:t><w:t></w:t>");
        assert!(!filled.contains(&PAGE_MARK));
    }

    #[test]
    fn a_document_without_marks_is_unchanged() {
        let document = "<w:t>Page 1 of 3: 2 &lt; 3 &amp; ü</w:t>";
        assert_eq!(fill_in_pages(document.as_bytes(), &[]), document.as_bytes());
    }

    #[test]
    fn no_text_of_the_report_can_hold_a_page_mark() {
        let text = format!("a{}1{}b", char::from(PAGE_MARK), char::from(PAGE_MARK));
        assert_eq!(clean_xml_text(&text), "a1b");
    }
}
