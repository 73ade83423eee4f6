//! Rich text: the one intermediate form of prose that feeds both backends.
//!
//! Prose fields are CommonMark, parsed by `pulldown-cmark`. What a report
//! cannot hold (raw HTML, headings inside a field, images, links that lead
//! anywhere but a web page, a mailbox or another report) is an error that
//! names the field and line. Editor's notes in brackets and TODO/TBD markers
//! become [`Placeholder`]s where they stand, so both documents flag them in
//! place.

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use super::facts::check_url;
use crate::diagnostics::{Diagnostic, Location, closest};

/// A block of rich text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph of inline content.
    Paragraph {
        /// What the paragraph holds.
        content: Vec<Inline>,
    },
    /// A bulleted list (`start` is `None`) or a numbered one.
    List {
        /// The first number of a numbered list.
        start: Option<u64>,
        /// The items, each a sequence of blocks (nested lists included).
        items: Vec<Vec<Block>>,
    },
    /// A block quotation.
    Quote {
        /// The quoted blocks.
        content: Vec<Block>,
    },
    /// Content that is still to be written.
    Placeholder(Placeholder),
}

/// A piece of inline rich text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text, shown exactly as written.
    Text {
        /// The characters.
        text: String,
    },
    /// Emphasis, set in italics.
    Emphasis {
        /// What is emphasised.
        content: Vec<Inline>,
    },
    /// Strong emphasis, set in bold.
    Strong {
        /// What is emphasised.
        content: Vec<Inline>,
    },
    /// Inline code, set in a monospaced face.
    Code {
        /// The characters.
        text: String,
    },
    /// A hyperlink.
    Link {
        /// Where it leads.
        url: String,
        /// The link text.
        content: Vec<Inline>,
    },
    /// A reference to a section of another report of the series
    /// (`<report:05-fifth-meeting#consumer-education>`), resolved to that
    /// report's title and page when the report is laid out.
    Reference {
        /// What it points at.
        target: ReportRef,
        /// The editor's own words for it (`[words](report:…)`); empty when
        /// the layout composes the text.
        content: Vec<Inline>,
        /// Where it is written, for messages.
        location: Location,
    },
    /// A forced line break inside a paragraph.
    LineBreak,
    /// A footnote, anchored where it is referenced.
    Footnote {
        /// The footnote's text.
        content: Vec<Block>,
    },
    /// An editor's note or marker still to be resolved.
    Placeholder(Placeholder),
}

/// The scheme of references to other reports of the series.
pub const REPORT_SCHEME: &str = "report:";

/// A report of the series and, optionally, one of its sections.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReportRef {
    /// The report's folder name: `05-fifth-meeting`.
    pub report: String,
    /// A section id or a working group's slug; `None` for the whole report.
    pub anchor: Option<String>,
}

impl ReportRef {
    /// Reads `report:NAME` or `report:NAME#ANCHOR`.
    pub fn parse(url: &str) -> Option<ReportRef> {
        let rest = url.strip_prefix(REPORT_SCHEME)?;
        let (report, anchor) = match rest.split_once('#') {
            Some((report, anchor)) => (report, Some(anchor)),
            None => (rest, None),
        };
        let plain = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                && !s.contains("..")
        };
        (plain(report) && anchor.is_none_or(plain)).then(|| ReportRef {
            report: report.to_string(),
            anchor: anchor.map(str::to_string),
        })
    }
}

impl std::fmt::Display for ReportRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.anchor {
            Some(anchor) => write!(f, "{REPORT_SCHEME}{}#{anchor}", self.report),
            None => write!(f, "{REPORT_SCHEME}{}", self.report),
        }
    }
}

/// Something still missing from a report, and where the editor fills it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placeholder {
    /// What is missing, as the flag in the documents says it.
    pub note: String,
    /// Where the editor writes it.
    pub location: Location,
    /// Who wrote the note, which decides what a document in another
    /// language shows.
    #[serde(default)]
    pub origin: PlaceholderOrigin,
}

/// Where a placeholder's note comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceholderOrigin {
    /// A value the sources lack; the note is the tool's own, in English.
    #[default]
    Missing,
    /// An editor's marker such as `[TBD: ...]`; the note is the editor's.
    Note,
    /// A field with no text in the document's language.
    Translation {
        /// The language missing, `French`.
        language: String,
        /// The primary language's text, for the translator.
        primary: Option<String>,
    },
}

/// Rich text made of blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RichText {
    /// The blocks, in reading order.
    pub blocks: Vec<Block>,
}

impl RichText {
    /// Every reference to another report inside, in reading order.
    pub fn references(&self) -> Vec<(&ReportRef, &Location)> {
        fn blocks<'a>(list: &'a [Block], found: &mut Vec<(&'a ReportRef, &'a Location)>) {
            for block in list {
                match block {
                    Block::Paragraph { content } => inlines(content, found),
                    Block::List { items, .. } => items.iter().for_each(|item| blocks(item, found)),
                    Block::Quote { content } => blocks(content, found),
                    Block::Placeholder(_) => {}
                }
            }
        }
        fn inlines<'a>(list: &'a [Inline], found: &mut Vec<(&'a ReportRef, &'a Location)>) {
            for inline in list {
                match inline {
                    Inline::Reference {
                        target,
                        location,
                        content,
                    } => {
                        found.push((target, location));
                        inlines(content, found);
                    }
                    Inline::Emphasis { content }
                    | Inline::Strong { content }
                    | Inline::Link { content, .. } => inlines(content, found),
                    Inline::Footnote { content } => blocks(content, found),
                    _ => {}
                }
            }
        }
        let mut found = Vec::new();
        blocks(&self.blocks, &mut found);
        found
    }

    /// Replaces every reference by what `resolve` makes of it, as the view
    /// does once the referenced reports' pages are known.
    pub fn map_references(&mut self, resolve: &mut dyn FnMut(&ReportRef, Vec<Inline>) -> Inline) {
        map_block_references(&mut self.blocks, resolve);
    }

    /// A single placeholder block.
    pub fn placeholder(note: impl Into<String>, location: Location) -> Self {
        let flag = Inline::Placeholder(Placeholder {
            origin: Default::default(),
            note: note.into(),
            location,
        });
        Self {
            blocks: vec![Block::Paragraph {
                content: vec![flag],
            }],
        }
    }

    /// Applies `f` to every run of text and code inside.
    pub fn map_text(&mut self, f: &mut dyn FnMut(&mut String)) {
        fn blocks(list: &mut [Block], f: &mut dyn FnMut(&mut String)) {
            for block in list {
                match block {
                    Block::Paragraph { content } => inlines(content, f),
                    Block::List { items, .. } => items.iter_mut().for_each(|item| blocks(item, f)),
                    Block::Quote { content } => blocks(content, f),
                    Block::Placeholder(_) => {}
                }
            }
        }
        fn inlines(inlines_: &mut [Inline], f: &mut dyn FnMut(&mut String)) {
            for inline in inlines_ {
                match inline {
                    Inline::Text { text } | Inline::Code { text } => f(text),
                    Inline::Emphasis { content }
                    | Inline::Strong { content }
                    | Inline::Link { content, .. }
                    | Inline::Reference { content, .. } => {
                        inlines(content, f);
                    }
                    Inline::Footnote { content } => blocks(content, f),
                    Inline::LineBreak | Inline::Placeholder(_) => {}
                }
            }
        }
        blocks(&mut self.blocks, f);
    }

    /// Every placeholder inside, in reading order.
    pub fn placeholders(&self) -> Vec<&Placeholder> {
        let mut found = Vec::new();
        collect_block_placeholders(&self.blocks, &mut found);
        found
    }

    /// The text without markup, for plain contexts such as a table of contents.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            block_plain_text(block, &mut out);
        }
        out.trim().to_string()
    }
}

fn block_plain_text(block: &Block, out: &mut String) {
    match block {
        Block::Paragraph { content } => {
            inlines_plain_text(content, out);
            out.push('\n');
        }
        Block::List { items, .. } => {
            for item in items {
                for block in item {
                    block_plain_text(block, out);
                }
            }
        }
        Block::Quote { content } => content.iter().for_each(|b| block_plain_text(b, out)),
        Block::Placeholder(p) => out.push_str(&p.note),
    }
}

/// Replaces the references inside `blocks`; see [`RichText::map_references`].
pub fn map_block_references(
    blocks: &mut [Block],
    resolve: &mut dyn FnMut(&ReportRef, Vec<Inline>) -> Inline,
) {
    for block in blocks {
        match block {
            Block::Paragraph { content } => map_inline_references(content, resolve),
            Block::List { items, .. } => items
                .iter_mut()
                .for_each(|item| map_block_references(item, resolve)),
            Block::Quote { content } => map_block_references(content, resolve),
            Block::Placeholder(_) => {}
        }
    }
}

/// Replaces the references inside inline content.
pub fn map_inline_references(
    inlines: &mut [Inline],
    resolve: &mut dyn FnMut(&ReportRef, Vec<Inline>) -> Inline,
) {
    for inline in inlines {
        match inline {
            Inline::Reference {
                target, content, ..
            } => {
                let mut content = std::mem::take(content);
                map_inline_references(&mut content, resolve);
                *inline = resolve(target, content);
            }
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Link { content, .. } => map_inline_references(content, resolve),
            Inline::Footnote { content } => map_block_references(content, resolve),
            _ => {}
        }
    }
}

/// Appends the plain text of inline content.
pub fn inlines_plain_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } | Inline::Code { text } => out.push_str(text),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Link { content, .. } => {
                inlines_plain_text(content, out);
            }
            Inline::Reference {
                content, target, ..
            } => {
                if content.is_empty() {
                    out.push_str(&target.to_string());
                } else {
                    inlines_plain_text(content, out);
                }
            }
            Inline::LineBreak => out.push(' '),
            Inline::Footnote { .. } => {}
            Inline::Placeholder(p) => out.push_str(&p.note),
        }
    }
}

fn collect_block_placeholders<'a>(blocks: &'a [Block], found: &mut Vec<&'a Placeholder>) {
    for block in blocks {
        match block {
            Block::Paragraph { content } => collect_inline_placeholders(content, found),
            Block::List { items, .. } => {
                items
                    .iter()
                    .for_each(|item| collect_block_placeholders(item, found));
            }
            Block::Quote { content } => collect_block_placeholders(content, found),
            Block::Placeholder(p) => found.push(p),
        }
    }
}

fn collect_inline_placeholders<'a>(inlines: &'a [Inline], found: &mut Vec<&'a Placeholder>) {
    for inline in inlines {
        match inline {
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Link { content, .. }
            | Inline::Reference { content, .. } => {
                collect_inline_placeholders(content, found);
            }
            Inline::Footnote { content } => collect_block_placeholders(content, found),
            Inline::Placeholder(p) => found.push(p),
            Inline::Text { .. } | Inline::Code { .. } | Inline::LineBreak => {}
        }
    }
}

/// Calls `f` on every placeholder inside `blocks`, in reading order, for
/// the view to word each flag.
pub fn for_each_placeholder_in_blocks(blocks: &mut [Block], f: &mut dyn FnMut(&mut Placeholder)) {
    for block in blocks {
        match block {
            Block::Paragraph { content } => for_each_placeholder_in_inlines(content, f),
            Block::List { items, .. } => items
                .iter_mut()
                .for_each(|item| for_each_placeholder_in_blocks(item, f)),
            Block::Quote { content } => for_each_placeholder_in_blocks(content, f),
            Block::Placeholder(p) => f(p),
        }
    }
}

/// Calls `f` on every placeholder inside `inlines`, in reading order.
pub fn for_each_placeholder_in_inlines(
    inlines: &mut [Inline],
    f: &mut dyn FnMut(&mut Placeholder),
) {
    for inline in inlines {
        match inline {
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Link { content, .. }
            | Inline::Reference { content, .. } => for_each_placeholder_in_inlines(content, f),
            Inline::Footnote { content } => for_each_placeholder_in_blocks(content, f),
            Inline::Placeholder(p) => f(p),
            Inline::Text { .. } | Inline::Code { .. } | Inline::LineBreak => {}
        }
    }
}

/// Where a field's text sits in its file, so problems inside it can be
/// pointed at by line.
pub trait TextLocator {
    /// The location of line `line` (0-based) of the field's text.
    fn line_location(&self, line: usize) -> Location;
}

impl<F: Fn(usize) -> Location> TextLocator for F {
    fn line_location(&self, line: usize) -> Location {
        self(line)
    }
}

/// Parses a CommonMark field into rich text.
///
/// `field` names the field in messages ("the introduction of Labeling").
pub fn parse_markdown(
    source: &str,
    field: &str,
    locator: &dyn TextLocator,
    problems: &mut Vec<Diagnostic>,
) -> RichText {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    // Escaped brackets are literal, never an editor's note: they stand in
    // as private-use characters until the markers have been found.
    let source = &source.replace("\\[", "\u{E000}").replace("\\]", "\u{E001}");
    let line_of = |offset: usize| source[..offset.min(source.len())].matches('\n').count();
    let mut builder = Builder {
        stack: vec![Frame::Blocks(Vec::new())],
        footnotes: HashMap::new(),
        footnote_refs: Vec::new(),
        footnote_defs: Vec::new(),
        skip_depth: 0,
        nesting: 0,
        too_deep: false,
    };
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        let location = || locator.line_location(line_of(range.start));
        builder.handle(event, field, &location, problems);
    }
    let mut blocks = match builder.stack.pop() {
        Some(Frame::Blocks(blocks)) => blocks,
        _ => Vec::new(),
    };
    let footnotes = std::mem::take(&mut builder.footnotes);
    resolve_footnotes(
        &mut blocks,
        &footnotes,
        field,
        &builder.footnote_refs,
        &builder.footnote_defs,
        problems,
    );
    // Markers are found only now, because the parser splits text at
    // brackets; each is placed at the first line of the field holding it.
    let mut cursor = 0;
    let mut locate = |note: &str| {
        let offset = source[cursor..]
            .find(note)
            .map_or(cursor, |found| cursor + found);
        cursor = offset;
        locator.line_location(line_of(offset))
    };
    for block in &mut blocks {
        mark_block(block, &mut locate);
    }
    let mut text = RichText { blocks };
    text.map_text(&mut |t| {
        if t.contains(['\u{E000}', '\u{E001}']) {
            *t = t.replace('\u{E000}', "[").replace('\u{E001}', "]");
        }
    });
    text
}

/// A partly built container while events stream in.
enum Frame {
    Blocks(Vec<Block>),
    Paragraph(Vec<Inline>),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Item(Vec<Block>, Vec<Inline>),
    Quote(Vec<Block>),
    Inline(InlineKind, Vec<Inline>),
    FootnoteDefinition(String, Vec<Block>),
}

enum InlineKind {
    Emphasis,
    Strong,
    Link(String),
    /// A reference, and whether the layout composes its text.
    Reference(ReportRef, Location, bool),
    /// A link whose target was refused: its words are kept as they stand.
    Unlinked,
}

/// How many quotes, lists, emphases, links and footnotes a prose field may
/// nest inside one another. Real reports stay under five; the bound keeps
/// every later stage (our recursive walks, the generated Typst code,
/// Typst's parser and show rules, docx-rs) far inside its own limits.
pub const MAX_NESTING: usize = 12;

struct Builder {
    stack: Vec<Frame>,
    /// How many counted containers (see [`MAX_NESTING`]) are open.
    nesting: usize,
    /// Whether the field was already reported as nested too deeply.
    too_deep: bool,
    footnotes: HashMap<String, Vec<Block>>,
    footnote_refs: Vec<(String, Location)>,
    /// Each footnote's label where it is defined, in order.
    footnote_defs: Vec<(String, Location)>,
    /// Depth inside an element the report refuses, whose content is skipped.
    skip_depth: usize,
}

/// Marks a footnote reference until its definition is known.
const FOOTNOTE_REF_PREFIX: &str = "\u{0}footnote:";

impl Builder {
    fn handle(
        &mut self,
        event: Event<'_>,
        field: &str,
        location: &dyn Fn() -> Location,
        problems: &mut Vec<Diagnostic>,
    ) {
        if self.skip_depth > 0 {
            match event {
                Event::Start(_) => self.skip_depth += 1,
                Event::End(_) => self.skip_depth -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, field, location, problems),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.push_text(&text),
            Event::Code(text) => self.push_inline(Inline::Code {
                text: text.into_string(),
            }),
            Event::SoftBreak => self.push_text(" "),
            Event::HardBreak => self.push_inline(Inline::LineBreak),
            Event::FootnoteReference(label) => {
                self.footnote_refs.push((label.to_string(), location()));
                self.push_inline(Inline::Text {
                    text: format!("{FOOTNOTE_REF_PREFIX}{label}"),
                });
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                let problem = html_problem(field, location());
                // One message per line, though a line holds several tags.
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
            }
            Event::Rule => problems.push(
                Diagnostic::error(format!("{field} contains a horizontal rule"))
                    .at(location())
                    .with_hint(
                        "remove the line of --- or ***; the layout separates sections itself",
                    ),
            ),
            Event::InlineMath(text) | Event::DisplayMath(text) => self.push_text(&text),
            Event::TaskListMarker(_) => {}
        }
    }

    fn start(
        &mut self,
        tag: Tag<'_>,
        field: &str,
        location: &dyn Fn() -> Location,
        problems: &mut Vec<Diagnostic>,
    ) {
        let counted = matches!(
            tag,
            Tag::List(_)
                | Tag::BlockQuote(_)
                | Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::FootnoteDefinition(_)
        );
        if counted && self.nesting >= MAX_NESTING {
            if !self.too_deep {
                self.too_deep = true;
                problems.push(
                    Diagnostic::error(format!(
                        "{field} nests quotes, lists, emphasis or links more than {MAX_NESTING} levels deep"
                    ))
                    .at(location())
                    .with_hint(format!(
                        "a report allows {MAX_NESTING} levels of these inside one another; bring the innermost ones out to a shallower level"
                    )),
                );
            }
            self.skip_depth = 1;
            return;
        }
        self.nesting += usize::from(counted);
        let frame = match tag {
            Tag::Paragraph => Frame::Paragraph(Vec::new()),
            Tag::List(start) => Frame::List {
                start,
                items: Vec::new(),
            },
            Tag::Item => Frame::Item(Vec::new(), Vec::new()),
            Tag::BlockQuote(_) => Frame::Quote(Vec::new()),
            Tag::Emphasis => Frame::Inline(InlineKind::Emphasis, Vec::new()),
            Tag::Strong => Frame::Inline(InlineKind::Strong, Vec::new()),
            Tag::Strikethrough => Frame::Inline(InlineKind::Emphasis, Vec::new()),
            Tag::Link {
                dest_url,
                link_type,
                ..
            } => match ReportRef::parse(&dest_url) {
                Some(target) => Frame::Inline(
                    InlineKind::Reference(
                        target,
                        location(),
                        matches!(link_type, pulldown_cmark::LinkType::Autolink),
                    ),
                    Vec::new(),
                ),
                None if dest_url.starts_with(REPORT_SCHEME) => {
                    problems.push(
                        Diagnostic::error(format!("{field} has a reference `{dest_url}` that names no report"))
                            .at(location())
                            .with_hint("write <report:FOLDER#SECTION>, e.g. <report:05-fifth-meeting#consumer-education>"),
                    );
                    Frame::Inline(InlineKind::Unlinked, Vec::new())
                }
                None => {
                    // CommonMark gives an e-mail autolink's address bare;
                    // the link itself needs the scheme.
                    let url = if matches!(link_type, pulldown_cmark::LinkType::Email) {
                        format!("mailto:{dest_url}")
                    } else {
                        dest_url.into_string()
                    };
                    match check_link(&url, field, &location()) {
                        Ok(()) => Frame::Inline(InlineKind::Link(url), Vec::new()),
                        Err(problem) => {
                            problems.push(problem);
                            // The words stay; the refused target never
                            // reaches a document, whatever runs next.
                            Frame::Inline(InlineKind::Unlinked, Vec::new())
                        }
                    }
                }
            },
            Tag::FootnoteDefinition(label) => {
                self.footnote_defs.push((label.to_string(), location()));
                Frame::FootnoteDefinition(label.into_string(), Vec::new())
            }
            Tag::Heading { .. } => {
                problems.push(
                    Diagnostic::error(format!("{field} contains a heading"))
                        .at(location())
                        .with_hint("headings come from the layout; remove the leading # or write the line as **bold** text"),
                );
                self.skip_depth = 1;
                return;
            }
            Tag::Image { .. } => {
                problems.push(
                    Diagnostic::error(format!("{field} contains an image in its text"))
                        .at(location())
                        .with_hint("images cannot stand inside prose; describe the figure in words or link to it with [text](url)"),
                );
                self.skip_depth = 1;
                return;
            }
            Tag::CodeBlock(_) => Frame::Paragraph(Vec::new()),
            Tag::HtmlBlock => {
                problems.push(html_problem(field, location()));
                self.skip_depth = 1;
                return;
            }
            _ => Frame::Paragraph(Vec::new()),
        };
        self.stack.push(frame);
    }

    fn end(&mut self, _tag: TagEnd) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if matches!(
            frame,
            Frame::List { .. }
                | Frame::Quote(_)
                | Frame::Inline(..)
                | Frame::FootnoteDefinition(..)
        ) {
            self.nesting = self.nesting.saturating_sub(1);
        }
        match frame {
            Frame::Paragraph(content) => {
                if !content.is_empty() {
                    self.push_block(Block::Paragraph { content });
                }
            }
            Frame::List { start, items } => self.push_block(Block::List { start, items }),
            Frame::Item(mut blocks, loose) => {
                // Tight list items hold bare text with no paragraph around it.
                if !loose.is_empty() {
                    blocks.insert(0, Block::Paragraph { content: loose });
                }
                if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                    items.push(blocks);
                }
            }
            Frame::Quote(content) => self.push_block(Block::Quote { content }),
            Frame::Inline(kind, content) => {
                let inline = match kind {
                    InlineKind::Emphasis => Inline::Emphasis { content },
                    InlineKind::Strong => Inline::Strong { content },
                    InlineKind::Link(url) => Inline::Link { url, content },
                    InlineKind::Reference(target, location, composed) => Inline::Reference {
                        target,
                        content: if composed { Vec::new() } else { content },
                        location,
                    },
                    // A refused link's words join its parent, unlinked.
                    InlineKind::Unlinked => {
                        content
                            .into_iter()
                            .for_each(|inline| self.push_inline(inline));
                        return;
                    }
                };
                self.push_inline(inline);
            }
            Frame::FootnoteDefinition(label, blocks) => {
                self.footnotes.insert(label, blocks);
            }
            Frame::Blocks(blocks) => self.stack.push(Frame::Blocks(blocks)),
        }
    }

    fn push_block(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(
                Frame::Blocks(blocks) | Frame::Quote(blocks) | Frame::FootnoteDefinition(_, blocks),
            ) => {
                blocks.push(block);
            }
            Some(Frame::Item(blocks, loose)) => {
                if !loose.is_empty() {
                    blocks.push(Block::Paragraph {
                        content: std::mem::take(loose),
                    });
                }
                blocks.push(block);
            }
            _ => {}
        }
    }

    fn push_inline(&mut self, inline: Inline) {
        if let Some(
            Frame::Paragraph(content) | Frame::Inline(_, content) | Frame::Item(_, content),
        ) = self.stack.last_mut()
        {
            {
                // Adjacent text events (as around a soft break) merge into one run.
                if let (Inline::Text { text: new }, Some(Inline::Text { text: last })) =
                    (&inline, content.last_mut())
                    && !new.starts_with(FOOTNOTE_REF_PREFIX)
                    && !last.starts_with(FOOTNOTE_REF_PREFIX)
                {
                    last.push_str(new);
                    return;
                }
                content.push(inline);
            }
        }
    }

    fn push_text(&mut self, text: &str) {
        self.push_inline(Inline::Text {
            text: text.to_string(),
        });
    }
}

fn mark_block(block: &mut Block, locate: &mut dyn FnMut(&str) -> Location) {
    match block {
        Block::Paragraph { content } => mark_inlines(content, locate),
        Block::List { items, .. } => {
            for item in items {
                item.iter_mut().for_each(|b| mark_block(b, locate));
            }
        }
        Block::Quote { content } => content.iter_mut().for_each(|b| mark_block(b, locate)),
        Block::Placeholder(_) => {}
    }
}

/// Splits text runs at editor's markers, turning each into a placeholder.
fn mark_inlines(inlines: &mut Vec<Inline>, locate: &mut dyn FnMut(&str) -> Location) {
    let mut out = Vec::with_capacity(inlines.len());
    for inline in inlines.drain(..) {
        match inline {
            Inline::Text { text } => {
                for piece in split_markers(&text) {
                    out.push(match piece {
                        Piece::Text(t) => Inline::Text {
                            text: t.to_string(),
                        },
                        Piece::Note(note) => Inline::Placeholder(Placeholder {
                            origin: PlaceholderOrigin::Note,
                            note: note.to_string(),
                            location: locate(note),
                        }),
                    });
                }
            }
            Inline::Emphasis { mut content } => {
                mark_inlines(&mut content, locate);
                out.push(Inline::Emphasis { content });
            }
            Inline::Strong { mut content } => {
                mark_inlines(&mut content, locate);
                out.push(Inline::Strong { content });
            }
            Inline::Link { url, mut content } => {
                mark_inlines(&mut content, locate);
                out.push(Inline::Link { url, content });
            }
            Inline::Reference {
                target,
                mut content,
                location,
            } => {
                mark_inlines(&mut content, locate);
                out.push(Inline::Reference {
                    target,
                    content,
                    location,
                });
            }
            Inline::Footnote { mut content } => {
                content.iter_mut().for_each(|b| mark_block(b, locate));
                out.push(Inline::Footnote { content });
            }
            other => out.push(other),
        }
    }
    *inlines = out;
}

/// The longest link address Typst accepts (its `Url`); a longer one is
/// refused here, at the link, rather than by Typst with no location.
const MAX_LINK_BYTES: usize = 8000;

/// Schemes that are not misspellings of `http`, `https` or `mailto`
/// however close they look, so no "did you mean" offers to change them.
const OTHER_SCHEMES: [&str; 5] = ["ftp", "ftps", "sftp", "file", "tel"];

/// Checks a link written in prose; `Err` is the located problem.
///
/// A link may lead to a web page, by the same rules as `livestream:`
/// ([`check_url`]), or to an e-mail address. Nothing else: a relative path
/// or `file:` would lead the reader's viewer into the file system, a
/// `javascript:` or `data:` link would run or carry content, and a place
/// in this document cannot be linked the same way in the PDF and the DOCX.
/// References to other reports (`report:`) are read before this.
fn check_link(url: &str, field: &str, location: &Location) -> Result<(), Diagnostic> {
    let problem = |message: String, hint: String| {
        Err(Diagnostic::error(message)
            .at(location.clone())
            .with_hint(hint))
    };
    if url.trim().is_empty() {
        return problem(
            format!("{field} has a link with no address"),
            "write the address between the parentheses, [words](https://www.example.org/page), or remove the brackets".into(),
        );
    }
    if url.len() > MAX_LINK_BYTES {
        return problem(
            format!("{field} has a link whose address is longer than {MAX_LINK_BYTES} bytes"),
            "link to a shorter address of the same page".into(),
        );
    }
    if let Some(anchor) = url.strip_prefix('#') {
        let folder = report_folder(location).unwrap_or_else(|| "FOLDER".into());
        let anchor = if anchor.is_empty() { "SECTION" } else { anchor };
        return problem(
            format!(
                "{field} has a link to `{url}`, a place in the document, which a report cannot link to"
            ),
            format!(
                "to point at a section, write <report:{folder}#{anchor}>, which gives its title and page"
            ),
        );
    }
    let scheme = scheme(url);
    let lower = scheme.map(str::to_ascii_lowercase);
    // What the editor evidently meant, when the target is an accepted one
    // but for its scheme: misspelt, capitalised or left out.
    let corrected = match (scheme, &lower) {
        (Some(scheme), Some(lower)) if !OTHER_SCHEMES.contains(&lower.as_str()) => {
            closest(lower, ["https", "http", "mailto"])
                .map(|meant| format!("{meant}:{}", &url[scheme.len() + 1..]))
        }
        (None, _) if url.starts_with("www.") => Some(format!("https://{url}")),
        (None, _) if url.contains('@') && !url.contains('/') => Some(format!("mailto:{url}")),
        _ => None,
    }
    .filter(|fixed| fixed != url && (check_url(fixed).is_ok() || check_mailto(fixed).is_ok()));
    let hint = |otherwise: &str| match &corrected {
        Some(fixed) => format!("did you mean `{fixed}`?"),
        None => otherwise.to_string(),
    };
    match lower.as_deref() {
        Some("http" | "https") => check_url(url).or_else(|reason| {
            problem(
                format!("{field} has a link to `{url}`, which is not a web address: {reason}"),
                hint("write the full address, starting with https://"),
            )
        }),
        Some("mailto") => check_mailto(url).or_else(|reason| {
            problem(
                format!("{field} has a link to `{url}`, which is not an e-mail address: {reason}"),
                hint("write mailto: and the address, [words](mailto:name@example.org), or <name@example.org>"),
            )
        }),
        Some(_) => problem(
            format!(
                "{field} has a link to `{url}`; a report cannot hold `{}:` links",
                scheme.unwrap_or_default()
            ),
            hint(LINK_TARGETS),
        ),
        // A marker as the target means the address is still to come,
        // which a note in brackets says and the documents flag.
        None if MARKER_WORDS.contains(&url.trim()) => problem(
            format!("{field} has a link to `{url}`, which is not a web address"),
            "while the address is not known, write the words without a link and a note after them: [link to come]".into(),
        ),
        None => problem(
            format!("{field} has a link to `{url}`, which is not a web address"),
            hint(&format!(
                "{LINK_TARGETS}; a file cannot be linked: publish it and link to its web address"
            )),
        ),
    }
}

/// What a prose link may lead to, for hints.
const LINK_TARGETS: &str = "a link leads to a web page (https://…), an e-mail address (mailto:…) or another report of the series (<report:FOLDER#SECTION>)";

/// The scheme of an address (`file` of `file:///etc/passwd`), by RFC 3986's
/// syntax. One letter is a Windows drive (`C:\notes.pdf`), not a scheme.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    (scheme.len() > 1
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// Checks a `mailto:` address: one or more `name@domain`, no spaces.
fn check_mailto(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("mailto:")
        .ok_or("it does not start with mailto:")?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains a space".into());
    }
    let addresses = rest.split('?').next().unwrap_or_default();
    for address in addresses.split(',') {
        let Some((name, domain)) = address.rsplit_once('@') else {
            return Err(format!("\"{address}\" has no @"));
        };
        if name.is_empty()
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains(['/', '@'])
        {
            return Err(format!("\"{address}\" is not name@domain"));
        }
    }
    Ok(())
}

/// The report folder a source file belongs to
/// (`report-data/06-sixth-meeting/…`), to make a hint concrete.
fn report_folder(location: &Location) -> Option<String> {
    let folder = location.file.parent()?;
    (folder.parent()?.file_name()? == "report-data")
        .then(|| folder.file_name()?.to_str().map(str::to_string))
        .flatten()
}

fn html_problem(field: &str, location: Location) -> Diagnostic {
    Diagnostic::error(format!("{field} contains HTML, which a report cannot hold"))
        .at(location)
        .with_hint("write *italic*, **bold** or a list in Markdown instead of HTML tags; write \\< for a literal < before a letter")
}

/// Replaces footnote reference markers by the footnotes' content, and
/// reports a reference to no footnote and a footnote no reference names,
/// whose text would appear nowhere. `references` and `definitions` are
/// the labels where they stand.
fn resolve_footnotes(
    blocks: &mut [Block],
    footnotes: &HashMap<String, Vec<Block>>,
    field: &str,
    references: &[(String, Location)],
    definitions: &[(String, Location)],
    problems: &mut Vec<Diagnostic>,
) {
    for (label, location) in references {
        if !footnotes.contains_key(label) {
            problems.push(
                Diagnostic::error(format!(
                    "{field} refers to footnote [^{label}], which is not defined"
                ))
                .at(location.clone())
                .with_hint(format!(
                    "add a line \"[^{label}]: the footnote's text\" below the paragraph"
                )),
            );
        }
    }
    for (label, location) in definitions {
        if !references.iter().any(|(used, _)| used == label) {
            problems.push(
                Diagnostic::error(format!(
                    "{field} has a footnote [^{label}] that the text never refers to"
                ))
                .at(location.clone())
                .with_hint(format!(
                    "put [^{label}] where the note belongs in the text, or delete the note"
                )),
            );
        }
    }
    for block in blocks {
        resolve_block(block, footnotes);
    }
}

fn resolve_block(block: &mut Block, footnotes: &HashMap<String, Vec<Block>>) {
    match block {
        Block::Paragraph { content } => resolve_inlines(content, footnotes),
        Block::List { items, .. } => {
            for item in items {
                item.iter_mut().for_each(|b| resolve_block(b, footnotes));
            }
        }
        Block::Quote { content } => content.iter_mut().for_each(|b| resolve_block(b, footnotes)),
        Block::Placeholder(_) => {}
    }
}

fn resolve_inlines(inlines: &mut Vec<Inline>, footnotes: &HashMap<String, Vec<Block>>) {
    inlines.retain_mut(|inline| match inline {
        Inline::Text { text } => match text.strip_prefix(FOOTNOTE_REF_PREFIX) {
            Some(label) => match footnotes.get(label) {
                Some(content) => {
                    *inline = Inline::Footnote {
                        content: content.clone(),
                    };
                    true
                }
                None => false,
            },
            None => true,
        },
        Inline::Emphasis { content }
        | Inline::Strong { content }
        | Inline::Link { content, .. }
        | Inline::Reference { content, .. } => {
            resolve_inlines(content, footnotes);
            true
        }
        _ => true,
    });
}

/// A piece of text: plain, or an editor's marker.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text to show as written.
    Text(&'a str),
    /// An editor's note or TODO marker, as written.
    Note(&'a str),
}

/// Words that mark unfinished text wherever they stand.
pub(crate) const MARKER_WORDS: [&str; 4] = ["TODO", "TBD", "TBC", "FIXME"];

/// Splits text into plain runs and editor's markers: `[bracketed notes]`
/// and the words TODO, TBD, TBC and FIXME.
pub fn split_markers(text: &str) -> Vec<Piece<'_>> {
    // Most text has no marker: two fast searches say so.
    if !text.contains('[') && !MARKER_WORDS.iter().any(|word| text.contains(word)) {
        return if text.is_empty() {
            Vec::new()
        } else {
            vec![Piece::Text(text)]
        };
    }
    let mut pieces = Vec::new();
    let mut plain_start = 0;
    let mut index = 0;
    let bytes = text.as_bytes();
    // The next `]` at or after `index`, found once and reused, so a run of
    // thousands of `[` with no `]` after them costs one scan, not one each.
    let mut next_close: Option<usize> = None;
    let mut no_close_left = false;
    while index < text.len() {
        let rest = &text[index..];
        let marker_len = if bytes[index] == b'[' && !no_close_left {
            if next_close.is_none_or(|close| close < index) {
                next_close = rest.find(']').map(|end| index + end);
                no_close_left = next_close.is_none();
            }
            next_close
                .map(|close| close - index)
                .filter(|end| *end > 1)
                .map(|end| end + 1)
        } else if is_word_start(text, index) {
            MARKER_WORDS
                .iter()
                .find(|word| rest.starts_with(**word) && is_word_end(text, index + word.len()))
                .map(|word| word.len())
        } else {
            None
        };
        match marker_len {
            Some(len) => {
                if plain_start < index {
                    pieces.push(Piece::Text(&text[plain_start..index]));
                }
                pieces.push(Piece::Note(&text[index..index + len]));
                index += len;
                plain_start = index;
            }
            None => index += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    if plain_start < text.len() {
        pieces.push(Piece::Text(&text[plain_start..]));
    }
    pieces
}

fn is_word_start(text: &str, index: usize) -> bool {
    text[..index]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

fn is_word_end(text: &str, index: usize) -> bool {
    text[index..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> (RichText, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let locator = |line: usize| Location::at("f.yaml", line + 1, 1);
        let text = parse_markdown(source, "the field", &locator, &mut problems);
        (text, problems)
    }

    #[test]
    fn finds_markers() {
        assert_eq!(
            split_markers("See [link to report] and TODO later; TODOS stay"),
            vec![
                Piece::Text("See "),
                Piece::Note("[link to report]"),
                Piece::Text(" and "),
                Piece::Note("TODO"),
                Piece::Text(" later; TODOS stay"),
            ]
        );
        assert_eq!(split_markers("a [] b"), vec![Piece::Text("a [] b")]);
    }

    #[test]
    fn nested_lists_keep_their_levels() {
        let (text, problems) = parse("Intro:\n\n- one\n  - one.a\n- two\n");
        assert!(problems.is_empty());
        let Block::List { items, start: None } = &text.blocks[1] else {
            panic!("{text:?}")
        };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0][1], Block::List { .. }));
    }

    #[test]
    fn refuses_html_and_headings_with_their_line() {
        let (_, problems) = parse("text\n\n# Heading\n\n<b>x</b>\n");
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].location.as_ref().unwrap().line, 3);
        assert!(problems[1].message.contains("HTML"));
    }

    fn link_urls(text: &RichText) -> Vec<&str> {
        let Some(Block::Paragraph { content }) = text.blocks.first() else {
            return Vec::new();
        };
        content
            .iter()
            .filter_map(|inline| match inline {
                Inline::Link { url, .. } => Some(url.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn links_lead_to_the_web_mail_or_reports() {
        let (text, problems) = parse(
            "[a](https://example.org/x?y=1#z) [b](mailto:a@example.org) <c@example.org> [d](report:05-fifth-meeting)\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            link_urls(&text),
            [
                "https://example.org/x?y=1#z",
                "mailto:a@example.org",
                "mailto:c@example.org"
            ]
        );
    }

    #[test]
    fn other_links_are_refused_with_what_to_write_and_keep_their_words() {
        for (target, hint) in [
            ("../x", "a file cannot be linked"),
            ("/etc/passwd", "a file cannot be linked"),
            ("C:\\notes.pdf", "a file cannot be linked"),
            ("file:///etc/passwd", "<report:FOLDER#SECTION>"),
            ("javascript:alert(1)", "<report:FOLDER#SECTION>"),
            ("ftp://example.org/x", "<report:FOLDER#SECTION>"),
            ("htps://example.org", "did you mean `https://example.org`?"),
            ("HTTPS://example.org", "did you mean `https://example.org`?"),
            ("www.example.org", "did you mean `https://www.example.org`?"),
            ("a@example.org", "did you mean `mailto:a@example.org`?"),
            ("https://example", "starting with https://"),
            ("<https://exa mple.org>", "starting with https://"),
            ("mailto:nobody", "mailto:name@example.org"),
            ("#agenda", "<report:FOLDER#agenda>"),
            ("", "between the parentheses"),
            ("TBD", "a note after them: [link to come]"),
        ] {
            let (text, problems) = parse(&format!("One.\n\nGo [there]({target}) now.\n"));
            assert_eq!(problems.len(), 1, "{target}: {problems:?}");
            assert_eq!(problems[0].location.as_ref().unwrap().line, 3, "{target}");
            let written = problems[0].hint.as_deref().unwrap_or_default();
            assert!(written.contains(hint), "{target}: {written}");
            assert_eq!(text.plain_text(), "One.\nGo there now.", "{target}");
            assert!(
                link_urls(&RichText {
                    blocks: text.blocks[1..].to_vec()
                })
                .is_empty()
            );
        }
        let long = format!("https://example.org/{}", "a".repeat(MAX_LINK_BYTES));
        let (_, problems) = parse(&format!("[x]({long})"));
        assert!(problems[0].message.contains("longer than"), "{problems:?}");
    }

    /// Link targets made of the pieces addresses are made of, or anything.
    fn any_target() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("https"),
            Just("http"),
            Just("mailto"),
            Just("file"),
            Just("report"),
            Just(":"),
            Just("//"),
            Just("/"),
            Just(".."),
            Just("."),
            Just("@"),
            Just("#"),
            Just("?"),
            Just("www"),
            Just("example"),
            Just("org"),
            Just(" "),
            Just("é"),
            Just("<"),
            Just(">"),
            Just("("),
            Just(")"),
            Just("\\"),
            Just("\n"),
        ];
        prop_oneof![
            any::<String>(),
            proptest::collection::vec(piece, 0..12).prop_map(|parts| parts.concat()),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Whatever the target, the field parses without panicking, and a
        /// link that reaches the text leads to the web or to a mailbox.
        #[test]
        fn any_link_target_is_a_web_or_mail_link_or_a_located_error(target in any_target()) {
            let (text, problems) = parse(&format!("Go [there]({target}) or <{target}>.\n"));
            let mut urls = Vec::new();
            fn collect<'a>(blocks: &'a [Block], urls: &mut Vec<&'a str>) {
                for block in blocks {
                    match block {
                        Block::Paragraph { content } => inlines(content, urls),
                        Block::List { items, .. } => items.iter().for_each(|i| collect(i, urls)),
                        Block::Quote { content } => collect(content, urls),
                        Block::Placeholder(_) => {}
                    }
                }
            }
            fn inlines<'a>(list: &'a [Inline], urls: &mut Vec<&'a str>) {
                for inline in list {
                    match inline {
                        Inline::Link { url, content } => {
                            urls.push(url);
                            inlines(content, urls);
                        }
                        Inline::Emphasis { content }
                        | Inline::Strong { content }
                        | Inline::Reference { content, .. } => inlines(content, urls),
                        Inline::Footnote { content } => collect(content, urls),
                        _ => {}
                    }
                }
            }
            collect(&text.blocks, &mut urls);
            for url in urls {
                proptest::prop_assert!(check_url(url).is_ok() || check_mailto(url).is_ok(), "{url:?}");
            }
            proptest::prop_assert!(problems.iter().all(|p| p.location.is_some()));
        }
    }

    #[test]
    fn footnotes_are_resolved_in_place() {
        let (text, problems) = parse("Claim.[^1]\n\n[^1]: Source.\n");
        assert!(problems.is_empty(), "{problems:?}");
        let Block::Paragraph { content } = &text.blocks[0] else {
            panic!()
        };
        assert!(matches!(content[1], Inline::Footnote { .. }));
    }

    #[test]
    fn a_footnote_nothing_refers_to_is_an_error_at_its_line() {
        let (_, problems) = parse("Claim.\n\n[^1]: Lost.\n\n[^2]: Kept.[^2]\n");
        let orphans: Vec<&Diagnostic> = problems
            .iter()
            .filter(|p| p.message.contains("never refers to"))
            .collect();
        assert_eq!(orphans.len(), 1, "{problems:?}");
        assert!(orphans[0].message.contains("[^1]"));
        assert_eq!(orphans[0].location.as_ref().map(|l| l.line), Some(3));
    }
}
