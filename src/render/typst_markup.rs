//! Typst code for data: string literals and rich text.
//!
//! Everything here emits Typst *code* whose only data-carrying parts are
//! string literals, so no character of the sources is ever parsed as Typst
//! markup or code: `#` `*` `_` `$` `=` `[` `]` `<` `@` and backslashes
//! arrive in the PDF exactly as written.

use std::fmt::Write as _;

use crate::model::rich::{Block, Inline};

/// A Typst string literal holding `text` exactly.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_string_literal(&mut out, text);
    out
}

/// Appends [`string_literal`] of `text` to `out`.
fn push_string_literal(out: &mut String, text: &str) {
    out.push('"');
    // Runs of characters that need no escape are copied whole: most text
    // is one run.
    let mut run_start = 0;
    for (at, c) in text.char_indices() {
        let escape = match c {
            '\\' => "\\\\",
            '"' => "\\\"",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if c.is_control() => "",
            _ => continue,
        };
        out.push_str(&text[run_start..at]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        run_start = at + c.len_utf8();
    }
    out.push_str(&text[run_start..]);
    out.push('"');
}

/// Rich text blocks as Typst markup, separated by paragraph breaks.
pub fn blocks(blocks: &[Block]) -> String {
    let mut out = String::new();
    write_blocks(blocks, &mut out);
    out
}

fn write_blocks(blocks: &[Block], out: &mut String) {
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        write_block(block, out);
    }
}

fn write_block(block: &Block, out: &mut String) {
    match block {
        Block::Paragraph { content } => write_inlines(content, out),
        Block::List { start, items } => {
            match start {
                Some(n) => {
                    let _ = write!(out, "#enum(start: {n}");
                }
                None => out.push_str("#list("),
            }
            for (i, item) in items.iter().enumerate() {
                if i > 0 || start.is_some() {
                    out.push_str(", ");
                }
                out.push('[');
                write_blocks(item, out);
                out.push(']');
            }
            out.push(')');
        }
        Block::Quote { content } => {
            out.push_str("#quote(block: true)[");
            write_blocks(content, out);
            out.push(']');
        }
        Block::Placeholder(p) => {
            out.push_str("#flag-block(");
            push_string_literal(out, &p.note);
            out.push(')');
        }
    }
}

fn write_inlines(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => {
                out.push('#');
                push_string_literal(out, text);
            }
            Inline::Emphasis { content } => wrap("#emph[", content, out),
            Inline::Strong { content } => wrap("#strong[", content, out),
            Inline::Code { text } => {
                out.push_str("#raw(");
                push_string_literal(out, text);
                out.push(')');
            }
            Inline::Link { url, content } => {
                out.push_str("#link(");
                push_string_literal(out, url);
                out.push_str(")[");
                write_inlines(content, out);
                out.push(']');
            }
            Inline::Reference { .. } => {
                // The view resolves references into links; one that reaches
                // a backend unresolved prints as the editor wrote it.
                let mut text = String::new();
                crate::model::rich::inlines_plain_text(std::slice::from_ref(inline), &mut text);
                out.push('#');
                push_string_literal(out, &text);
            }
            Inline::LineBreak => out.push_str("#linebreak()"),
            Inline::Footnote { content } => {
                out.push_str("#footnote[");
                write_blocks(content, out);
                out.push(']');
            }
            Inline::Placeholder(p) => {
                out.push_str("#flag(");
                push_string_literal(out, &p.note);
                out.push(')');
            }
        }
    }
}

fn wrap(open: &str, content: &[Inline], out: &mut String) {
    out.push_str(open);
    write_inlines(content, out);
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_only_what_strings_need() {
        assert_eq!(string_literal("a\"b\\c\n#*_$"), r#""a\"b\\c\n#*_$""#);
        assert_eq!(string_literal("\u{7}"), r#""\u{7}""#);
    }

    #[test]
    fn nested_lists_become_calls() {
        let text = |t: &str| Block::Paragraph {
            content: vec![Inline::Text { text: t.into() }],
        };
        let list = Block::List {
            start: None,
            items: vec![vec![
                text("a"),
                Block::List {
                    start: Some(3),
                    items: vec![vec![text("b")]],
                },
            ]],
        };
        assert_eq!(
            blocks(&[list]),
            r##"#list([#"a"

#enum(start: 3, [#"b"])])"##
        );
    }
}
