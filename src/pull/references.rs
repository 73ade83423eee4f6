//! References to other reports, given back their source form.
//!
//! The documents print `<report:05-fifth-meeting#consumer-education>` as a
//! link to `05-fifth-meeting.pdf#page=2` with its composed text. Pulled as
//! it stands, such a field would freeze that page into the YAML, as a link
//! that `check` refuses. So each link of the pulled text that leads to
//! a report's PDF takes the place of the reference it was made from: the
//! field's references in the YAML, to that report, in order.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// A link of a Markdown text, with its place in the text.
struct Link {
    /// The byte range of the whole link, `[words](target)` or `<target>`.
    range: std::ops::Range<usize>,
    target: String,
    /// Whether it is an autolink, `<target>`: for a reference, one whose
    /// text the layout composes.
    auto: bool,
    /// The link's words, as plain text.
    words: String,
}

/// The links of `markdown`, in order.
fn links(markdown: &str) -> Vec<Link> {
    let mut found = Vec::new();
    let mut open: Option<Link> = None;
    for (event, range) in Parser::new_ext(markdown, Options::ENABLE_FOOTNOTES).into_offset_iter() {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                open = Some(Link {
                    range,
                    target: dest_url.into_string(),
                    auto: matches!(link_type, LinkType::Autolink),
                    words: String::new(),
                });
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(link) = &mut open {
                    link.words.push_str(&text);
                }
            }
            Event::End(TagEnd::Link) => found.extend(open.take()),
            _ => {}
        }
    }
    found
}

/// The report folder a printed link leads to: `05-fifth-meeting` of
/// `05-fifth-meeting.pdf#page=2` or `05-fifth-meeting.fr.pdf`, with the
/// page when it gives one.
fn printed_target(url: &str) -> Option<(&str, Option<&str>)> {
    let (file, fragment) = match url.split_once('#') {
        Some((file, fragment)) => (file, Some(fragment)),
        None => (url, None),
    };
    let stem = file.strip_suffix(".pdf")?;
    if stem.is_empty() || stem.contains(['/', '\\', ':']) {
        return None;
    }
    // A language's documents carry its code: `.fr`.
    let folder = match stem.rsplit_once('.') {
        Some((folder, code)) if code.len() <= 3 && code.bytes().all(|b| b.is_ascii_lowercase()) => {
            folder
        }
        _ => stem,
    };
    let page = fragment.and_then(|f| f.strip_prefix("page="));
    Some((folder, page))
}

/// `pulled`, with each link to a report's PDF replaced by the reference of
/// `source` (the field's text in the YAML) it was printed from: `<report:…>`
/// while its words still end with the page the layout composed (or, for a
/// whole report, while the link gives no page), else `[words](report:…)`.
/// A link no reference of `source` accounts for is left as it is, for
/// `check` to report.
pub fn restore(pulled: &str, source: &str) -> String {
    let mut references: Vec<(String, bool)> = links(source)
        .into_iter()
        .filter_map(|link| {
            let target = link.target.strip_prefix("report:")?.to_string();
            Some((target, link.auto))
        })
        .collect();
    if references.is_empty() {
        return pulled.to_string();
    }
    let mut out = String::with_capacity(pulled.len());
    let mut last = 0;
    for link in links(pulled) {
        let Some((folder, page)) = printed_target(&link.target) else {
            continue;
        };
        let Some(at) = references
            .iter()
            .position(|(target, _)| target.split('#').next() == Some(folder))
        else {
            continue;
        };
        let (target, composed) = references.remove(at);
        let words = link.words.replace('\u{A0}', " ");
        let still_composed = composed
            && match page {
                Some(page) => words.trim_end().ends_with(&format!(" {page}")),
                None => true,
            };
        out.push_str(&pulled[last..link.range.start]);
        if still_composed {
            out.push_str(&format!("<report:{target}>"));
        } else {
            out.push_str(&pulled[link.range.start..link.range.end].replacen(
                &format!("({})", link.target),
                &format!("(report:{target})"),
                1,
            ));
        }
        last = link.range.end;
    }
    out.push_str(&pulled[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_composed_reference_comes_back_as_written() {
        let pulled = "As given in [Report on Fifth Multistakeholder Meeting, Consumer Education, p.\u{A0}2](05-fifth-meeting.pdf#page=2)";
        let source = "<report:05-fifth-meeting#consumer-education>";
        assert_eq!(
            restore(pulled, source),
            "As given in <report:05-fifth-meeting#consumer-education>"
        );
    }

    #[test]
    fn own_words_are_kept_with_the_reference() {
        let pulled = "[The mandate we were given](05-fifth-meeting.fr.pdf#page=3), renewed.";
        let source = "[The mandate the fifth meeting gave](report:05-fifth-meeting#labeling)";
        assert_eq!(
            restore(pulled, source),
            "[The mandate we were given](report:05-fifth-meeting#labeling), renewed."
        );
        // Words typed over a composed reference are the editor's now.
        assert_eq!(
            restore(
                "[the last mandate](05-fifth-meeting.pdf#page=3)",
                "<report:05-fifth-meeting#labeling>"
            ),
            "[the last mandate](report:05-fifth-meeting#labeling)"
        );
    }

    #[test]
    fn references_pair_in_order_per_report_and_others_stay() {
        let pulled = "[A, p. 2](05-a.pdf#page=2) [B, p. 4](04-b.pdf#page=4) [A, p. 5](05-a.pdf#page=5) [web](https://example.org)";
        let source =
            "<report:05-a#one> <report:04-b#two> <report:05-a#three> [web](https://example.org)";
        assert_eq!(
            restore(pulled, source),
            "<report:05-a#one> <report:04-b#two> <report:05-a#three> [web](https://example.org)"
        );
        // A link no reference accounts for is left for `check` to report.
        assert_eq!(
            restore("[x](05-a.pdf#page=2)", "no references"),
            "[x](05-a.pdf#page=2)"
        );
        assert_eq!(restore("[x](99-z.pdf)", "<report:05-a>"), "[x](99-z.pdf)");
    }

    #[test]
    fn a_whole_report_has_no_page() {
        assert_eq!(
            restore(
                "[Report on Fifth Multistakeholder Meeting](05-fifth-meeting.pdf)",
                "<report:05-fifth-meeting>"
            ),
            "<report:05-fifth-meeting>"
        );
    }
}
