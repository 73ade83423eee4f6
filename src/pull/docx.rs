//! Reads the editable fields of a DOCX back as our Markdown.
//!
//! The fields are the bookmarks `_ReportField###` the writer puts around
//! each prose field (see [`crate::render::docx::fields`]): bookmarks are
//! what both Word and LibreOffice keep, across paragraphs, while someone
//! types inside them. Everything else in the body is "outside" text, kept
//! per paragraph so `report pull` can say what it will not bring back.
//!
//! The same reader runs when the DOCX is built, so the fingerprint of each
//! field as built is the fingerprint of exactly what this reader gives for
//! an untouched document: a round trip without edits changes nothing.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::XmlVersion;
use quick_xml::events::Event;

/// The prefix of the bookmarks that delimit editable fields.
pub const FIELD_BOOKMARK_PREFIX: &str = "_ReportField";

/// The parts of a DOCX the reader needs, as text.
#[derive(Debug, Default)]
pub struct DocxParts {
    /// `word/document.xml`.
    pub document: String,
    /// `word/numbering.xml`, for the kind of each list.
    pub numbering: Option<String>,
    /// `word/footnotes.xml`.
    pub footnotes: Option<String>,
    /// `word/_rels/document.xml.rels`, for hyperlink targets.
    pub rels: Option<String>,
    /// `word/_rels/footnotes.xml.rels`, for the footnotes' hyperlink
    /// targets: their ids are the footnotes' own, which Word may number
    /// like the body's.
    pub footnote_rels: Option<String>,
    /// `word/styles.xml`, for style names (LibreOffice renames style ids).
    pub styles: Option<String>,
    /// `docProps/custom.xml`, where the fields are named.
    pub custom: Option<String>,
}

impl DocxParts {
    /// Reads the parts from a DOCX archive; `None` when it is not a ZIP
    /// with a `word/document.xml`.
    pub fn from_zip(bytes: &[u8]) -> Option<DocxParts> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let mut read = |name: &str| {
            let mut entry = archive.by_name(name).ok()?;
            let mut text = String::new();
            entry.read_to_string(&mut text).ok()?;
            Some(text)
        };
        Some(DocxParts {
            document: read("word/document.xml")?,
            numbering: read("word/numbering.xml"),
            footnotes: read("word/footnotes.xml"),
            rels: read("word/_rels/document.xml.rels"),
            footnote_rels: read("word/_rels/footnotes.xml.rels"),
            styles: read("word/styles.xml"),
            custom: read("docProps/custom.xml"),
        })
    }
}

/// An XML element, by local name, with its attributes by qualified name.
#[derive(Debug, Default)]
pub struct Element {
    /// The local name (`p` for `w:p`).
    pub name: String,
    /// Attributes as written (`w:val`, `r:id`).
    pub attributes: Vec<(String, String)>,
    /// Elements and text, in order.
    pub children: Vec<Node>,
}

/// A child of an element.
#[derive(Debug)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Character data, entities resolved.
    Text(String),
}

impl Element {
    /// The value of attribute `name` (`w:val`), also found under any prefix.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        let local = name.rsplit(':').next().unwrap_or(name);
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .or_else(|| {
                self.attributes
                    .iter()
                    .find(|(k, _)| k.rsplit(':').next() == Some(local))
            })
            .map(|(_, v)| v.as_str())
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// Every descendant element named `name`, in document order.
    pub fn descendants<'a>(&'a self, name: &str, found: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.name == name {
                found.push(e);
            }
            e.descendants(name, found);
        }
    }

    /// The text of every `w:t` inside.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for e in self.elements() {
            if e.name == "t" {
                for n in &e.children {
                    if let Node::Text(t) = n {
                        out.push_str(t);
                    }
                }
            } else {
                out.push_str(&e.text());
            }
        }
        out
    }
}

/// Parses XML into a tree.
pub fn parse_xml(xml: &str) -> Result<Element, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = vec![Element::default()];
    let start = |e: &quick_xml::events::BytesStart| Element {
        name: e.local_name().as_ref().to_string(),
        attributes: e
            .attributes()
            .with_checks(false)
            .flatten()
            .map(|a| {
                (
                    a.key.as_ref().to_string(),
                    a.normalized_value(XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        children: Vec::new(),
    };
    let push_text = |stack: &mut Vec<Element>, text: &str| {
        if let Some(top) = stack.last_mut() {
            match top.children.last_mut() {
                Some(Node::Text(t)) => t.push_str(text),
                _ => top.children.push(Node::Text(text.to_string())),
            }
        }
    };
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => stack.push(start(&e)),
            Event::Empty(e) => {
                let element = start(&e);
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Element(element));
                }
            }
            Event::End(_) if stack.len() > 1 => {
                let done = stack.pop().unwrap_or_default();
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Element(done));
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content().into_owned();
                let resolved = match name.as_str() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => r.resolve_char_ref().ok().flatten(),
                };
                if let Some(c) = resolved {
                    push_text(&mut stack, &c.to_string());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack.into_iter().next().unwrap_or_default();
    Ok(
        match root
            .children
            .iter()
            .position(|n| matches!(n, Node::Element(_)))
        {
            Some(i) => match root.children.swap_remove(i) {
                Node::Element(e) => e,
                Node::Text(_) => root,
            },
            None => root,
        },
    )
}

/// A stretch of text with one formatting.
#[derive(Debug, Clone, PartialEq)]
struct Segment {
    text: String,
    bold: bool,
    italic: bool,
    link: Option<String>,
    /// Set in the placeholder flag's style.
    flag: bool,
    /// A footnote's text, as Markdown, for a footnote reference.
    footnote: Option<String>,
    /// Formatting of the run that Markdown cannot hold.
    lost: Option<&'static str>,
}

/// A paragraph, as far as the reader cares.
#[derive(Debug, Default, Clone)]
struct Para {
    /// Its style's name.
    style: String,
    /// List level, whether the list is bulleted, its numbering (`numId`)
    /// and the number its items start from at that level.
    list: Option<(usize, bool, String, u32)>,
    /// Text of each part, `None` outside any field.
    parts: Vec<(Option<String>, Segment)>,
    /// The `_Toc` bookmarks in it (a heading).
    toc_bookmarks: Vec<String>,
    /// The internal hyperlink it leads to (a contents entry).
    anchor: Option<String>,
}

/// A paragraph of text outside every field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideText {
    /// The text, its white space collapsed.
    pub text: String,
    /// The page it stands on, as the contents give the nearest heading's.
    pub page: Option<u32>,
    /// The nearest heading before it.
    pub heading: Option<String>,
}

/// What a DOCX's fields and the text around them say.
#[derive(Debug, Default)]
pub struct Reading {
    /// Each field's Markdown by bookmark name, with what it could not hold.
    pub fields: HashMap<String, FieldText>,
    /// The paragraphs' text outside any field.
    pub outside: Vec<OutsideText>,
}

/// A field read back.
#[derive(Debug, Default, Clone)]
pub struct FieldText {
    /// Our Markdown.
    pub markdown: String,
    /// The text as it reads, on one line, flags left out: what a plain
    /// field takes back.
    pub plain: String,
    /// Formatting that Markdown cannot hold, dropped.
    pub dropped: Vec<String>,
}

struct Context<'a> {
    styles: HashMap<String, (String, Option<(String, usize)>)>,
    /// numId → each level's format and start number.
    numbering: HashMap<String, Vec<(String, u32)>>,
    footnotes: HashMap<String, &'a Element>,
    links: HashMap<String, String>,
    /// The footnotes' hyperlink targets, by their own ids.
    footnote_links: HashMap<String, String>,
    /// Whether a footnote is being read, whose links are its part's own.
    in_footnote: bool,
    flag_label: &'a str,
    dropped: Vec<String>,
}

fn normalise_style(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Reads the fields and the outside text of a DOCX. `flag_label` is the
/// layout's flag word ("TO DO"), whose flags are never text to pull.
pub fn read(parts: &DocxParts, flag_label: &str) -> Result<Reading, String> {
    let document = parse_xml(&parts.document)?;
    let styles_root = parts.styles.as_deref().map(parse_xml).transpose()?;
    let numbering_root = parts.numbering.as_deref().map(parse_xml).transpose()?;
    let footnotes_root = parts.footnotes.as_deref().map(parse_xml).transpose()?;
    let rels_root = parts.rels.as_deref().map(parse_xml).transpose()?;
    let footnote_rels_root = parts.footnote_rels.as_deref().map(parse_xml).transpose()?;
    let mut context = Context {
        styles: HashMap::new(),
        numbering: HashMap::new(),
        footnotes: HashMap::new(),
        links: HashMap::new(),
        footnote_links: HashMap::new(),
        in_footnote: false,
        flag_label,
        dropped: Vec::new(),
    };
    if let Some(styles) = &styles_root {
        for style in styles.elements().filter(|e| e.name == "style") {
            let id = style.attribute("w:styleId").unwrap_or_default().to_string();
            let name = style
                .child("name")
                .and_then(|n| n.attribute("w:val"))
                .unwrap_or(&id)
                .to_string();
            let num = style
                .child("pPr")
                .and_then(|p| p.child("numPr"))
                .and_then(numbering_of);
            context.styles.insert(id, (normalise_style(&name), num));
        }
    }
    if let Some(numbering) = &numbering_root {
        let mut abstracts: HashMap<String, Vec<(String, u32)>> = HashMap::new();
        for a in numbering.elements().filter(|e| e.name == "abstractNum") {
            let formats = a
                .elements()
                .filter(|e| e.name == "lvl")
                .map(|l| {
                    let format = l
                        .child("numFmt")
                        .and_then(|f| f.attribute("w:val"))
                        .unwrap_or("decimal")
                        .to_string();
                    (format, start_number(l.child("start")))
                })
                .collect();
            abstracts.insert(
                a.attribute("w:abstractNumId")
                    .unwrap_or_default()
                    .to_string(),
                formats,
            );
        }
        for n in numbering.elements().filter(|e| e.name == "num") {
            if let (Some(id), Some(abs)) = (
                n.attribute("w:numId"),
                n.child("abstractNumId").and_then(|a| a.attribute("w:val")),
            ) {
                let mut levels = abstracts.get(abs).cloned().unwrap_or_default();
                // A list numbered on from elsewhere restarts through an
                // override of its level's start.
                for o in n.elements().filter(|e| e.name == "lvlOverride") {
                    let level: Option<usize> = o.attribute("w:ilvl").and_then(|l| l.parse().ok());
                    if let (Some(level), Some(start)) = (level, o.child("startOverride"))
                        && let Some(entry) = levels.get_mut(level)
                    {
                        entry.1 = start_number(Some(start));
                    }
                }
                context.numbering.insert(id.to_string(), levels);
            }
        }
    }
    if let Some(footnotes) = &footnotes_root {
        for f in footnotes.elements().filter(|e| e.name == "footnote") {
            if let Some(id) = f.attribute("w:id") {
                context.footnotes.insert(id.to_string(), f);
            }
        }
    }
    for (rels, links) in [
        (&rels_root, &mut context.links),
        (&footnote_rels_root, &mut context.footnote_links),
    ] {
        for r in rels.iter().flat_map(|rels| rels.elements()) {
            if let (Some(id), Some(target)) = (r.attribute("Id"), r.attribute("Target")) {
                links.insert(id.to_string(), target.to_string());
            }
        }
    }
    let body = document.child("body").ok_or("the document has no body")?;
    let mut paragraphs = Vec::new();
    let mut open: Vec<(String, String)> = Vec::new();
    walk(body, &mut context, &mut open, &mut paragraphs, None);
    let mut reading = Reading::default();
    // Contents entries give each heading's page.
    let mut pages: HashMap<String, u32> = HashMap::new();
    for p in &paragraphs {
        if let Some(anchor) = &p.anchor {
            let text: String = p.parts.iter().map(|(_, s)| s.text.as_str()).collect();
            let digits: String = text
                .trim_end()
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if let Ok(page) = digits.parse() {
                pages.insert(anchor.clone(), page);
            }
        }
    }
    let mut by_field: HashMap<String, Vec<Para>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let (mut heading, mut page) = (None, None);
    for p in &paragraphs {
        if let Some(bookmark) = p.toc_bookmarks.first() {
            heading = Some(collapse(
                &p.parts
                    .iter()
                    .map(|(_, s)| s.text.as_str())
                    .collect::<String>(),
            ));
            page = pages.get(bookmark).copied().or(page);
        }
        let mut outside = String::new();
        for (field, segment) in &p.parts {
            match field {
                Some(name) => {
                    if !by_field.contains_key(name) {
                        order.push(name.clone());
                    }
                    let list = by_field.entry(name.clone()).or_default();
                    push_into(list, p, segment.clone());
                }
                None => outside.push_str(&segment.text),
            }
        }
        let is_contents = p.style.starts_with("toc") || p.style.starts_with("contents");
        let outside = collapse(&outside);
        if !outside.is_empty() && !is_contents && p.anchor.is_none() {
            reading.outside.push(OutsideText {
                text: outside,
                page,
                heading: heading.clone(),
            });
        }
    }
    for name in order {
        context.dropped.clear();
        let paras = by_field.remove(&name).unwrap_or_default();
        let markdown = blocks_markdown(&paras, &mut context);
        let plain = plain_text(&paras, &context);
        reading.fields.insert(
            name,
            FieldText {
                markdown,
                plain,
                dropped: std::mem::take(&mut context.dropped),
            },
        );
    }
    // Fields whose bookmarks hold no text at all are still fields.
    for (_, name) in open {
        reading.fields.entry(name).or_default();
    }
    let mut all = Vec::new();
    body.descendants("bookmarkStart", &mut all);
    for b in all {
        if let Some(name) = b.attribute("w:name")
            && name.starts_with(FIELD_BOOKMARK_PREFIX)
        {
            reading.fields.entry(name.to_string()).or_default();
        }
    }
    Ok(reading)
}

/// A field's text as it reads, on one line: a flag left as built is not
/// text, one typed over keeps its words.
fn plain_text(paras: &[Para], context: &Context) -> String {
    let prefix = flag_prefix(context);
    let text: Vec<&str> = paras
        .iter()
        .flat_map(|p| p.parts.iter().map(|(_, s)| s))
        .filter(|s| !(s.flag && s.text.trim_start().starts_with(&prefix)))
        .map(|s| s.text.as_str())
        .collect();
    collapse(&text.join(" "))
}

/// What a flag's text starts with, as the DOCX records it.
fn flag_prefix(context: &Context) -> String {
    // Recorded with its colon (and a language's space before it); DOCX
    // files of earlier builds recorded the word alone.
    if context.flag_label.ends_with(':') {
        context.flag_label.to_string()
    } else {
        format!("{}:", context.flag_label)
    }
}

/// Adds a segment of paragraph `p` to a field's paragraphs, starting a
/// new paragraph when `p` is not the field's last one.
fn push_into(list: &mut Vec<Para>, p: &Para, segment: Segment) {
    let key = p as *const Para as usize;
    let start_new = match list.last() {
        Some(last) => last.anchor.as_deref() != Some(&key.to_string()),
        None => true,
    };
    if start_new {
        list.push(Para {
            style: p.style.clone(),
            list: p.list.clone(),
            parts: Vec::new(),
            toc_bookmarks: Vec::new(),
            // The source paragraph's identity, to group its segments.
            anchor: Some(key.to_string()),
        });
    }
    if let Some(last) = list.last_mut() {
        last.parts.push((None, segment));
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Walks the body in document order, collecting paragraphs; `open` holds
/// the field bookmarks open at this point (id, name).
fn walk(
    element: &Element,
    context: &mut Context,
    open: &mut Vec<(String, String)>,
    out: &mut Vec<Para>,
    link: Option<&str>,
) {
    for child in element.elements() {
        match child.name.as_str() {
            "p" => {
                let mut para = Para::default();
                if let Some(ppr) = child.child("pPr") {
                    let style_id = ppr
                        .child("pStyle")
                        .and_then(|s| s.attribute("w:val"))
                        .unwrap_or_default();
                    let (style, style_num) = context
                        .styles
                        .get(style_id)
                        .cloned()
                        .unwrap_or_else(|| (normalise_style(style_id), None));
                    para.style = style;
                    let own = ppr.child("numPr").and_then(numbering_of);
                    if let Some((id, level)) = own.or(style_num)
                        && id != "0"
                    {
                        let format = context.numbering.get(&id).and_then(|f| f.get(level));
                        let bullet = format.is_some_and(|(f, _)| f == "bullet" || f == "none");
                        let start = format.map_or(1, |(_, start)| *start);
                        para.list = Some((level, bullet, id, start));
                    }
                }
                // A heading is never inside a field: a field whose end was
                // lost ends before it rather than swallow what follows.
                if para.style.starts_with("heading") {
                    open.clear();
                }
                inline(child, context, open, &mut para, link);
                out.push(para);
            }
            "bookmarkStart" | "bookmarkEnd" => {
                bookmark(child, open);
            }
            _ => walk(child, context, open, out, link),
        }
    }
}

fn bookmark(element: &Element, open: &mut Vec<(String, String)>) {
    let id = element.attribute("w:id").unwrap_or_default().to_string();
    if element.name == "bookmarkStart" {
        if let Some(name) = element.attribute("w:name")
            && name.starts_with(FIELD_BOOKMARK_PREFIX)
        {
            // Fields never nest: a new one closes any other left open, and
            // LibreOffice may write a field's start twice, under two ids.
            open.retain(|(_, n)| n == name);
            open.push((id, name.to_string()));
        }
    } else if let Some((_, name)) = open.iter().find(|(i, _)| *i == id).cloned() {
        open.retain(|(_, n)| *n != name);
    }
}

/// The inline content of a paragraph.
fn inline(
    element: &Element,
    context: &mut Context,
    open: &mut Vec<(String, String)>,
    para: &mut Para,
    link: Option<&str>,
) {
    let field = |open: &Vec<(String, String)>| open.last().map(|(_, n)| n.clone());
    for child in element.elements() {
        match child.name.as_str() {
            "pPr" => {}
            "bookmarkStart" | "bookmarkEnd" => {
                if let Some(name) = child.attribute("w:name")
                    && name.starts_with("_Toc")
                {
                    para.toc_bookmarks.push(name.to_string());
                }
                bookmark(child, open);
            }
            "hyperlink" => {
                if let Some(anchor) = child.attribute("w:anchor") {
                    para.anchor.get_or_insert_with(|| anchor.to_string());
                    inline(child, context, open, para, link);
                } else {
                    let links = if context.in_footnote {
                        &context.footnote_links
                    } else {
                        &context.links
                    };
                    let url = child
                        .attribute("r:id")
                        .and_then(|id| links.get(id))
                        .cloned();
                    inline(child, context, open, para, url.as_deref());
                }
            }
            "r" => {
                let rpr = child.child("rPr");
                let on = |name: &str| {
                    rpr.and_then(|r| r.child(name)).is_some_and(|e| {
                        !matches!(e.attribute("w:val"), Some("false" | "0" | "off"))
                    })
                };
                let style = rpr
                    .and_then(|r| r.child("rStyle"))
                    .and_then(|s| s.attribute("w:val"))
                    .map(|id| {
                        context
                            .styles
                            .get(id)
                            .map_or_else(|| normalise_style(id), |(n, _)| n.clone())
                    })
                    .unwrap_or_default();
                let flag = style == "placeholderflag"
                    || style == "flag"
                    || para.style == "placeholderblock"
                    || para.style == "flagblock";
                let lost = [
                    ("u", "underline"),
                    ("strike", "strikethrough"),
                    ("highlight", "highlighting"),
                    ("color", "colour"),
                ]
                .into_iter()
                .find(|(what, _)| {
                    on(what)
                        && !flag
                        && link.is_none()
                        && style != "hyperlink"
                        && style != "internetlink"
                })
                .map(|(_, label)| label);
                let base = Segment {
                    text: String::new(),
                    bold: on("b"),
                    italic: on("i"),
                    link: link.map(str::to_string),
                    flag,
                    footnote: None,
                    lost,
                };
                for part in child.elements() {
                    let mut segment = base.clone();
                    match part.name.as_str() {
                        "t" => segment.text = part.text_content(),
                        "tab" => segment.text = " ".into(),
                        "br" | "cr" => {
                            if matches!(part.attribute("w:type"), Some("page" | "column")) {
                                continue;
                            }
                            segment.text = "\n".into();
                        }
                        "noBreakHyphen" => segment.text = "-".into(),
                        "footnoteReference" => {
                            let id = part.attribute("w:id").unwrap_or_default();
                            let Some(note) = context.footnotes.get(id).copied() else {
                                continue;
                            };
                            let mut paras = Vec::new();
                            let mut none = Vec::new();
                            let was_in_footnote = std::mem::replace(&mut context.in_footnote, true);
                            walk(note, context, &mut none, &mut paras, None);
                            context.in_footnote = was_in_footnote;
                            // Footnote paragraphs are all "inside" here.
                            let paras: Vec<Para> = paras
                                .into_iter()
                                .map(|mut p| {
                                    for (f, _) in &mut p.parts {
                                        *f = Some(String::new());
                                    }
                                    p
                                })
                                .collect();
                            let mut grouped = Vec::new();
                            for p in &paras {
                                for (_, s) in &p.parts {
                                    push_into(&mut grouped, p, s.clone());
                                }
                            }
                            let text = blocks_markdown(&grouped, context);
                            segment.footnote = Some(text.trim().to_string());
                            segment.text = String::new();
                        }
                        _ => continue,
                    }
                    para.parts.push((field(open), segment));
                }
            }
            "smartTag" | "customXml" | "sdt" | "sdtContent" | "ins" | "fldSimple" => {
                inline(child, context, open, para, link)
            }
            _ => {}
        }
    }
}

impl Element {
    fn text_content(&self) -> String {
        self.children
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) => Some(t.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }
}

/// The list (`numId`) and level (`ilvl`, 0 without) a `w:numPr` names.
fn numbering_of(num_pr: &Element) -> Option<(String, usize)> {
    let id = num_pr.child("numId")?.attribute("w:val")?.to_string();
    let level = num_pr
        .child("ilvl")
        .and_then(|l| l.attribute("w:val"))
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    Some((id, level))
}

/// The number a `w:start` or `w:startOverride` element gives, 1 without.
fn start_number(element: Option<&Element>) -> u32 {
    element
        .and_then(|e| e.attribute("w:val"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// Paragraphs as Markdown blocks.
fn blocks_markdown(paras: &[Para], context: &mut Context) -> String {
    let mut out = String::new();
    let mut notes: Vec<String> = Vec::new();
    // Content offsets of the enclosing list items, by level.
    let mut indents: Vec<usize> = Vec::new();
    let mut previous_was_item = false;
    // The numbering of the last item at each level, to tell a list's first
    // item, whose number Markdown keeps, from the next ones.
    let mut numbered: Vec<Option<String>> = Vec::new();
    for p in paras {
        let text = inline_markdown(&p.parts, context, &mut notes);
        if text.trim().is_empty() {
            continue;
        }
        match &p.list {
            Some((level, bullet, id, start)) => {
                let (level, bullet) = (*level, *bullet);
                indents.truncate(level);
                while indents.len() < level {
                    indents.push(2);
                }
                numbered.truncate(level + 1);
                numbered.resize(level + 1, None);
                let first = !previous_was_item || numbered[level].as_ref() != Some(id);
                numbered[level] = Some(id.clone());
                let marker = if bullet {
                    "- ".to_string()
                } else if first {
                    format!("{start}. ")
                } else {
                    "1. ".to_string()
                };
                if !out.is_empty() {
                    out.push_str(if previous_was_item { "\n" } else { "\n\n" });
                }
                let pad = " ".repeat(indents.iter().sum());
                let body = text.replace('\n', &format!("\n{pad}{}", " ".repeat(marker.len())));
                out.push_str(&pad);
                out.push_str(&marker);
                out.push_str(&body);
                indents.push(marker.len());
                previous_was_item = true;
            }
            None => {
                indents.clear();
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                if p.style.contains("quote") {
                    out.push_str("> ");
                    out.push_str(&text.replace('\n', "\n> "));
                } else {
                    out.push_str(&text);
                }
                previous_was_item = false;
            }
        }
    }
    for (i, note) in notes.iter().enumerate() {
        out.push_str(&format!(
            "\n\n[^{}]: {}",
            i + 1,
            note.replace('\n', "\n    ")
        ));
    }
    out
}

/// A paragraph's segments as one line of Markdown (hard breaks as `\`
/// at the end of a line).
fn inline_markdown(
    parts: &[(Option<String>, Segment)],
    context: &mut Context,
    notes: &mut Vec<String>,
) -> String {
    // Merge neighbours of the same formatting: word processors split runs
    // where nothing visible changes.
    let mut merged: Vec<Segment> = Vec::new();
    for (_, s) in parts {
        match merged.last_mut() {
            Some(last)
                if last.footnote.is_none()
                    && s.footnote.is_none()
                    && last.bold == s.bold
                    && last.italic == s.italic
                    && last.link == s.link
                    && last.flag == s.flag
                    && last.lost == s.lost =>
            {
                last.text.push_str(&s.text);
            }
            _ => merged.push(s.clone()),
        }
    }
    // A flag left as built is not text; one typed over keeps its words
    // but not the flag's bold.
    let prefix = flag_prefix(context);
    let mut kept = Vec::new();
    for mut s in merged {
        if s.flag {
            if s.text.trim_start().starts_with(&prefix) {
                continue;
            }
            s.bold = false;
            s.flag = false;
        }
        if let Some(label) = s.lost {
            let note = format!("{label} was dropped: Markdown has no {label}");
            if !context.dropped.contains(&note) {
                context.dropped.push(note);
            }
        }
        kept.push(s);
    }
    let mut out = String::new();
    let mut i = 0;
    while i < kept.len() {
        let s = &kept[i];
        if let Some(note) = &s.footnote {
            notes.push(note.clone());
            out.push_str(&format!("[^{}]", notes.len()));
            i += 1;
            continue;
        }
        if let Some(url) = &s.link {
            let mut inner = String::new();
            while i < kept.len() && kept[i].link.as_ref() == Some(url) && kept[i].footnote.is_none()
            {
                inner.push_str(&emphasised(&kept[i]));
                i += 1;
            }
            let target = if url.contains([' ', '(', ')', '<', '>']) {
                format!("<{}>", url.replace(['<', '>'], ""))
            } else {
                url.clone()
            };
            out.push_str(&format!("[{inner}]({target})"));
            continue;
        }
        out.push_str(&emphasised(s));
        i += 1;
    }
    // Hard line breaks.
    let out = out.trim().replace('\n', "\\\n");
    escape_line_starts(&out)
}

/// One segment's text, escaped, with its emphasis; spaces stay outside the
/// markers, where CommonMark needs them.
fn emphasised(s: &Segment) -> String {
    let text = escape(&s.text);
    let marker = match (s.bold, s.italic) {
        (true, true) => "***",
        (true, false) => "**",
        (false, true) => "*",
        (false, false) => "",
    };
    if marker.is_empty() || text.trim().is_empty() {
        return text;
    }
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    format!(
        "{}{marker}{}{marker}{}",
        &text[..start],
        &text[start..end],
        &text[end..]
    )
}

/// Backslash-escapes what Markdown would read as syntax.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '`' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes what would start a block at the beginning of a line: a heading,
/// a list item, a quote, a thematic break.
fn escape_line_starts(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let trimmed = line.trim_start();
            let lead = &line[..line.len() - trimmed.len()];
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            let needs = trimmed.starts_with(['#', '-', '+', '=', '|'])
                || (digits > 0 && trimmed[digits..].starts_with(['.', ')']));
            if needs {
                if digits > 0 {
                    format!("{lead}{}\\{}", &trimmed[..digits], &trimmed[digits..])
                } else {
                    format!("{lead}\\{trimmed}")
                }
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lists_footnotes_links_and_drops_flags() {
        let w = r#"xmlns:w="w" xmlns:r="r""#;
        let document = format!(
            concat!(
                r#"<w:document {w}><w:body>"#,
                r#"<w:p><w:r><w:t>Outside</w:t></w:r><w:bookmarkStart w:id="9" w:name="_ReportField001"/>"#,
                r#"<w:r><w:rPr><w:rStyle w:val="Flag"/><w:b/></w:rPr><w:t>TO DO: a note</w:t></w:r>"#,
                r#"<w:r><w:t xml:space="preserve">Typed </w:t></w:r><w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t>under</w:t></w:r>"#,
                r#"<w:r><w:footnoteReference w:id="2"/></w:r></w:p>"#,
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>one &amp; *two*</w:t></w:r></w:p>"#,
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="5"/></w:numPr></w:pPr><w:hyperlink r:id="rId7"><w:r><w:t>link</w:t></w:r></w:hyperlink></w:p>"#,
                r#"<w:p><w:r><w:t>2019. Done</w:t></w:r><w:bookmarkEnd w:id="9"/></w:p>"#,
                r#"</w:body></w:document>"#
            ),
            w = w
        );
        let parts = DocxParts {
            document,
            numbering: Some(format!(
                r#"<w:numbering {w}><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#
            )),
            footnotes: Some(format!(
                r#"<w:footnotes {w}><w:footnote w:id="2"><w:p><w:r><w:t xml:space="preserve"> A </w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>note</w:t></w:r></w:p></w:footnote></w:footnotes>"#
            )),
            rels: Some(r#"<Relationships><Relationship Id="rId7" Target="https://example.org/a b"/></Relationships>"#.into()),
            footnote_rels: None,
            styles: None,
            custom: None,
        };
        let reading = read(&parts, "TO DO").unwrap();
        let field = &reading.fields["_ReportField001"];
        assert_eq!(
            field.markdown,
            "Typed under[^1]\n\n3. one & \\*two\\*\n   - [link](<https://example.org/a b>)\n\n2019\\. Done\n\n[^1]: A *note*"
        );
        assert_eq!(field.dropped.len(), 1, "{:?}", field.dropped);
        assert_eq!(reading.outside[0].text, "Outside");
    }

    #[test]
    fn escapes_markdown_syntax() {
        assert_eq!(escape("a*b_[c]"), "a\\*b\\_\\[c\\]");
        assert_eq!(escape_line_starts("- x\n1. y\nz"), "\\- x\n1\\. y\nz");
    }

    #[test]
    fn emphasis_keeps_spaces_outside() {
        let s = Segment {
            text: " word ".into(),
            bold: false,
            italic: true,
            link: None,
            flag: false,
            footnote: None,
            lost: None,
        };
        assert_eq!(emphasised(&s), " *word* ");
    }
}
