//! The PDF's page geometry in Word's terms, so that a word processor pages
//! the DOCX as Typst pages the PDF and the table of contents stays true.
//!
//! Typst stacks a paragraph's lines from cap height to baseline with the
//! leading between them, and separates blocks by spacing of which only the
//! strongest, then largest, survives between two blocks. Word and
//! LibreOffice give each line of a paragraph set to an exact line height a
//! box of that height with the baseline four fifths down (LibreOffice's
//! rule; Word's lies within a fraction of a point of it). Between two
//! paragraphs Word adds one's space after to the other's space before,
//! while LibreOffice takes the larger of the two; so the DOCX puts space
//! only before a paragraph (and after the one before a table), where both
//! agree. Each exact line height here is Typst's line pitch, and each space
//! is Typst's gap less what the line boxes already hold: the baselines fall
//! where the PDF's do, within a point or two, and pages break where they
//! break in the PDF. The page margins are moved by the parts of the first
//! and last line boxes that Typst does not count, and table cells' margins
//! likewise. A heading at the top of a page stands 2pt lower than in the
//! PDF: its line box reaches higher above its cap height than a body
//! line's, for which the top margin is moved.
//!
//! The constants are the Typst templates' (`layouts/typst/report.typ.hbs`
//! and the section templates beside it); a change there must be made here
//! too, or `tests/it/pages.rs` fails.

/// `par(leading: 0.62em)`.
const LEADING: f64 = 0.62;
/// `par(spacing: 1.1em)`, also what blocks with no spacing of their own
/// get.
const PAR_SPACING: f64 = 1.1;
/// Level-1 headings: `text(size: 16pt)`, `block(above: 1.6em, below: 0.8em)`.
const H1: (f64, f64, f64) = (16.0, 1.6, 0.8);
/// Level-2 headings: `text(size: 13pt)`, `block(above: 1.3em, below: 0.7em)`.
const H2: (f64, f64, f64) = (13.0, 1.3, 0.7);
/// The title block's sizes: the process line and the title.
const SUBTITLE_PT: f64 = 12.0;
const TITLE_PT: f64 = 22.0;
/// Typst's `title` element: text 1.7em, `block(above: 1.125em, below:
/// 0.75em)` in its own em; `#v(0.2em)` before it; the title block's
/// `below: 1.4em`; the facts' `block(above: 1.2em, below: 1.4em)`, and
/// `par(spacing: 0.65em)` between the facts.
const TITLE_EM: f64 = 1.7;
const TITLE_ABOVE: f64 = 1.125;
const TITLE_BELOW: f64 = 0.75;
const TITLE_GAP_BEFORE: f64 = 0.2;
const TITLE_BLOCK_BELOW: f64 = 1.4;
const FACTS_ABOVE: f64 = 1.2;
const FACTS_SPACING: f64 = 0.65;
/// The width of a fact's label: `box(width: 10.5em)`.
const FACT_LABEL: f64 = 10.5;
/// Page header and footer: 9pt text; Typst raises the header into the top
/// margin by 30% of it (`header-ascent`) and lowers the footer by 30%
/// (`footer-descent`); the header's rule is 4pt below its text.
const SMALL_PT: f64 = 9.0;
const HEADER_ASCENT: f64 = 0.3;
const FOOTER_DESCENT: f64 = 0.3;
const HEADER_INSET: f64 = 4.0;
/// Lists: `list(indent: 0.6em, body-indent: 0.5em)`, and the same for
/// `enum`.
const LIST_INDENT: f64 = 0.6;
const LIST_BODY_INDENT: f64 = 0.5;
/// The contents: the outline indents each level by 1.2em.
const OUTLINE_INDENT: f64 = 1.2;
/// The agenda: its title in 12pt, `block(below: 0.65em)`; the date
/// `block(below: 1em)`.
const AGENDA_TITLE_PT: f64 = 12.0;
const AGENDA_TITLE_BELOW: f64 = 0.65;
const AGENDA_DATE_BELOW: f64 = 1.0;
/// Tables' cells are inset by 6pt on every side: `inset: (x: 6pt, y: 6pt)`.
pub const CELL_INSET: f64 = 6.0;
/// The rule under each table row: `stroke: 0.5pt`.
const RULE: f64 = 0.5;
/// Block quotes: padded by 1em on both sides, `above: 2.4em`,
/// `below: 1.8em`.
const QUOTE_PAD: f64 = 1.0;
const QUOTE_ABOVE: f64 = 2.4;
const QUOTE_BELOW: f64 = 1.8;
/// Placeholders standing for blocks: `flag-block` is inset by 7pt, stroked
/// 0.6pt and 3pt on the left.
const FLAG_INSET: f64 = 7.0;
const FLAG_STROKE: f64 = 0.6;
const FLAG_LEFT_STROKE: f64 = 3.0;
/// Footnote entries: 0.85em text with `leading: 0.5em`.
const FOOTNOTE_EM: f64 = 0.85;
const FOOTNOTE_LEADING: f64 = 0.5;
/// Where LibreOffice puts the baseline in a line of exact height.
const BASELINE: f64 = 0.8;

/// The kinds of line whose height differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Body text, list items, contents entries, facts, table cells.
    Body,
    /// Page header and footer.
    Small,
    /// The process line above the title.
    Subtitle,
    /// The report's title.
    Title,
    /// A section heading.
    Heading1,
    /// A working group's heading.
    Heading2,
    /// The agenda's title.
    AgendaTitle,
    /// A footnote.
    Footnote,
}

/// The kinds of block whose spacing differs in the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Body,
    /// An item of a list.
    ListItem,
    /// An entry of the contents.
    ContentsEntry,
    /// A section heading.
    Heading1,
    /// A working group's heading.
    Heading2,
    /// A block quote.
    Quote,
    /// A placeholder's framed box.
    Flag,
    /// A table.
    Table,
}

impl Block {
    /// The heading of `level` (1 or 2).
    pub fn heading(level: usize) -> Block {
        if level <= 1 {
            Block::Heading1
        } else {
            Block::Heading2
        }
    }

    /// The kind of its lines.
    fn line(self) -> Line {
        match self {
            Block::Heading1 => Line::Heading1,
            Block::Heading2 => Line::Heading2,
            _ => Line::Body,
        }
    }
}

/// The geometry of one report: its body size and font.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    /// The body text size, in points.
    size: f64,
    /// The cap height of the body font's regular face, in em.
    cap: f64,
    /// The cap height of its bold face, in em.
    bold_cap: f64,
    /// The page margin, in points.
    margin: f64,
}

/// Twentieths of a point, as Word counts lengths; never negative.
pub fn twips(points: f64) -> u32 {
    // Lengths on a page are a few thousand twips: no overflow.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let t = (points * 20.0).round().max(0.0) as u32;
    t
}

impl Geometry {
    /// The geometry of text of `size_pt` in a font of the given cap
    /// heights (em), on pages with `margin_pt` margins.
    pub fn new(size_pt: f64, cap: f64, bold_cap: f64, margin_pt: f64) -> Self {
        Self {
            size: size_pt,
            cap,
            bold_cap,
            margin: margin_pt,
        }
    }

    /// The body size, in points.
    pub fn size(&self) -> f64 {
        self.size
    }

    /// A line's text size, in points, and whether it is bold.
    fn text(&self, line: Line) -> (f64, bool) {
        match line {
            Line::Body => (self.size, false),
            Line::Small => (SMALL_PT, false),
            Line::Subtitle => (SUBTITLE_PT, false),
            Line::Title => (TITLE_PT, true),
            Line::Heading1 => (H1.0, true),
            Line::Heading2 => (H2.0, true),
            Line::AgendaTitle => (AGENDA_TITLE_PT, true),
            Line::Footnote => (FOOTNOTE_EM * self.size, false),
        }
    }

    /// The height from baseline to cap height, in points.
    fn cap_height(&self, line: Line) -> f64 {
        let (size, bold) = self.text(line);
        size * if bold { self.bold_cap } else { self.cap }
    }

    /// The exact line height: Typst's distance from baseline to baseline.
    pub fn line(&self, line: Line) -> f64 {
        let (size, _) = self.text(line);
        let leading = if line == Line::Footnote {
            FOOTNOTE_LEADING
        } else {
            LEADING
        };
        self.cap_height(line) + leading * size
    }

    /// How far a line box reaches above the cap height.
    fn above(&self, line: Line) -> f64 {
        BASELINE * self.line(line) - self.cap_height(line)
    }

    /// How far a line box reaches below the baseline.
    fn below(&self, line: Line) -> f64 {
        (1.0 - BASELINE) * self.line(line)
    }

    /// The space after `a` plus the space before `b` that puts `b`'s cap
    /// height `gap` points below `a`'s baseline, as Typst does.
    pub fn between(&self, gap: f64, a: Line, b: Line) -> f64 {
        gap - self.below(a) - self.above(b)
    }

    /// The space before a body paragraph, which every body paragraph
    /// carries: Typst's paragraph spacing. Spacing is always put before a
    /// paragraph, never after, so that a word processor that adds the two
    /// (Word) and one that takes the larger (LibreOffice, for a document
    /// from Word) space alike.
    pub fn body_before(&self) -> f64 {
        self.between(PAR_SPACING * self.size, Line::Body, Line::Body)
    }

    /// The space before a heading of `level` (1 or 2) after body text.
    pub fn heading_before(&self, level: usize) -> f64 {
        self.before(Block::Body, Block::heading(level))
    }

    /// Typst's spacing above and below a block, with its strength: 3 for
    /// spacing a block sets, 4 for the paragraph spacing a block gets when
    /// it sets none. Between two blocks the stronger wins, then the larger.
    fn spacing(&self, block: Block) -> ((f64, u8), (f64, u8)) {
        let paragraph = (PAR_SPACING * self.size, 4);
        let set = |em: f64, size: f64| (em * size, 3);
        match block {
            Block::Body | Block::ListItem | Block::ContentsEntry | Block::Flag | Block::Table => {
                (paragraph, paragraph)
            }
            Block::Heading1 => (set(H1.1, H1.0), set(H1.2, H1.0)),
            Block::Heading2 => (set(H2.1, H2.0), set(H2.2, H2.0)),
            Block::Quote => (set(QUOTE_ABOVE, self.size), set(QUOTE_BELOW, self.size)),
        }
    }

    /// The space before `b` when it follows `a`; when `b` is a table, the
    /// space after `a` (Word has no space before a table).
    pub fn before(&self, a: Block, b: Block) -> f64 {
        let (_, below) = self.spacing(a);
        let (above, _) = self.spacing(b);
        let gap = if below.1 != above.1 {
            if below.1 < above.1 { below.0 } else { above.0 }
        } else {
            below.0.max(above.0)
        };
        // A placeholder's box adds its inset above and below its text; the
        // border's width and distance from the text, a whole number of
        // points, hold all of it but what is added here.
        let flag = |block| {
            if block == Block::Flag {
                let (inset, stroke, _, space) = self.flag_block();
                inset - stroke - space.floor()
            } else {
                0.0
            }
        };
        flag(a)
            + flag(b)
            + match (a, b) {
                // A table ends at its last row's inset, not at a line box.
                (Block::Table, b) => gap - self.above(b.line()),
                // A table's header row starts at the full inset, as a
                // paragraph's first line box would.
                (a, Block::Table) => self.between(gap, a.line(), Line::Body),
                (a, b) => self.between(gap, a.line(), b.line()),
            }
    }

    /// Space after the process line and before the title.
    pub fn title_before(&self) -> f64 {
        let em = TITLE_EM * self.size;
        let gap = TITLE_GAP_BEFORE * self.size + TITLE_ABOVE * em;
        self.between(gap, Line::Subtitle, Line::Title)
    }

    /// Space before the first fact, after the title.
    pub fn first_fact_before(&self) -> f64 {
        let em = TITLE_EM * self.size;
        let gap = (TITLE_BELOW * em)
            .max(TITLE_BLOCK_BELOW * self.size)
            .max(FACTS_ABOVE * self.size);
        self.between(gap, Line::Title, Line::Body)
    }

    /// Space before every other fact.
    pub fn fact_before(&self) -> f64 {
        self.between(FACTS_SPACING * self.size, Line::Body, Line::Body)
    }

    /// Where a fact's value starts, and its lines after the first: where
    /// the label's box ends.
    pub fn fact_tab(&self) -> f64 {
        FACT_LABEL * self.size
    }

    /// The indent of each level of the contents.
    pub fn contents_indent(&self) -> f64 {
        OUTLINE_INDENT * self.size
    }

    /// Where a list's marker starts, from the start of the text around
    /// it, and the gap between marker and item text.
    pub fn list_indents(&self) -> (f64, f64) {
        (LIST_INDENT * self.size, LIST_BODY_INDENT * self.size)
    }

    /// Space before the agenda's title, after the section's heading or a
    /// paragraph.
    pub fn agenda_title_before(&self, after_heading: bool) -> f64 {
        if after_heading {
            self.between(H1.0 * H1.2, Line::Heading1, Line::AgendaTitle)
        } else {
            self.between(PAR_SPACING * self.size, Line::Body, Line::AgendaTitle)
        }
    }

    /// Space after the agenda's title, before its table when it has no
    /// date.
    pub fn agenda_title_after(&self) -> f64 {
        self.between(
            AGENDA_TITLE_BELOW * self.size,
            Line::AgendaTitle,
            Line::Body,
        )
    }

    /// Space before the agenda's date, after the title.
    pub fn agenda_date_before(&self) -> f64 {
        self.agenda_title_after()
    }

    /// Space after the agenda's date, before the table.
    pub fn agenda_date_after(&self) -> f64 {
        self.between(AGENDA_DATE_BELOW * self.size, Line::Body, Line::Body)
    }

    /// Table cell margins: top (of every row but the header row, whose
    /// cells have the full inset), bottom, and left and right.
    pub fn cell_margins(&self) -> (f64, f64, f64) {
        (
            CELL_INSET - self.above(Line::Body),
            // A row's rule takes room of its own in a word processor.
            CELL_INSET - self.below(Line::Body) - RULE,
            CELL_INSET,
        )
    }

    /// A placeholder's box: its inset, the width of its rule and of its
    /// thick left rule, and the distance of the rules above and below from
    /// its text.
    pub fn flag_block(&self) -> (f64, f64, f64, f64) {
        (
            FLAG_INSET,
            FLAG_STROKE,
            FLAG_LEFT_STROKE,
            FLAG_INSET - FLAG_STROKE,
        )
    }

    /// A block quote's indent on both sides.
    pub fn quote_indent(&self) -> f64 {
        QUOTE_PAD * self.size
    }

    /// The page margins Word is given, top and bottom: Typst's, less the
    /// parts of the first and last line boxes that Typst does not count.
    pub fn page_margins(&self) -> (f64, f64) {
        (
            self.margin - self.above(Line::Body),
            self.margin - self.below(Line::Body),
        )
    }

    /// The distances of header and footer from the page's edges, so that
    /// their baselines fall where the PDF's do.
    pub fn header_footer(&self) -> (f64, f64) {
        let header_baseline = (1.0 - HEADER_ASCENT) * self.margin - HEADER_INSET;
        let header = header_baseline - BASELINE * self.line(Line::Small);
        let footer_baseline_from_edge =
            (1.0 - FOOTER_DESCENT) * self.margin - self.cap_height(Line::Small);
        let footer = footer_baseline_from_edge - self.below(Line::Small);
        (header, footer)
    }

    /// The rule under the header: how far below the text's baseline.
    pub fn header_rule(&self) -> f64 {
        HEADER_INSET
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Carlito at 11pt on 25mm margins.
    fn carlito() -> Geometry {
        Geometry::new(11.0, 1314.0 / 2048.0, 1328.0 / 2048.0, 70.866)
    }

    #[test]
    fn body_lines_are_typst_line_pitch() {
        let g = carlito();
        // Measured in the PDF: 13.88pt from baseline to baseline.
        assert!((g.line(Line::Body) - 13.88).abs() < 0.01);
        // Baselines of consecutive paragraphs: 1.1em + cap height apart.
        let pitch =
            g.below(Line::Body) + g.body_before() + g.above(Line::Body) + g.cap_height(Line::Body);
        assert!((pitch - (12.1 + 7.058)).abs() < 0.01);
    }

    #[test]
    fn headings_keep_typst_gaps() {
        let g = carlito();
        let down = g.below(Line::Body) + g.heading_before(1) + g.above(Line::Heading1);
        assert!((down - 25.6).abs() < 0.01);
        let after = g.before(Block::Heading1, Block::Body);
        let down = g.below(Line::Heading1) + after + g.above(Line::Body);
        assert!((down - 12.8).abs() < 0.01);
        // A working group's heading right after its section's: the larger.
        let both = g.before(Block::Heading1, Block::Heading2);
        let down = g.below(Line::Heading1) + both + g.above(Line::Heading2);
        assert!((down - 16.9).abs() < 0.01);
    }
}
