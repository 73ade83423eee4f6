//! Edits a YAML source in place: one value replaced, every other byte of
//! the file (comments, key order, quoting, untouched values) kept.
//!
//! The value is found from the key's recorded position, its extent from
//! indentation, and the result is parsed again and compared with the
//! intended document before anything is written: a YAML subtlety this
//! misses becomes a refusal, never a changed meaning.

use serde_yaml::Value;

use super::YamlDocument;

/// The value at a dotted path (`groups[0].introduction`) of a YAML value.
pub fn value_at<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut value = root;
    for step in steps(path)? {
        value = match step {
            Step::Key(key) => value.as_mapping()?.get(key)?,
            Step::Index(i) => value.as_sequence()?.get(i)?,
        };
    }
    Some(value)
}

fn value_at_mut<'a>(root: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut value = root;
    for step in steps(path)? {
        value = match step {
            Step::Key(key) => value.as_mapping_mut()?.get_mut(key)?,
            Step::Index(i) => value.as_sequence_mut()?.get_mut(i)?,
        };
    }
    Some(value)
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !key.is_empty() {
            out.push(Step::Key(key));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']')?;
            out.push(Step::Index(inner[..close].parse().ok()?));
            rest = &inner[close + 1..];
        }
    }
    Some(out)
}

/// The text of the value at `path`: its string, empty for a null, `None`
/// when there is no such value or it is not text.
pub fn text_at(doc: &YamlDocument, path: &str) -> Option<String> {
    match value_at(&doc.value, path)? {
        Value::Null => Some(String::new()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// Where a key's value is written in a file's text.
struct Extent {
    /// The column of the key, counted in characters from 0.
    indent: usize,
    /// The byte where the value starts, just after `key:`.
    start: usize,
    /// The byte where the value ends, before the line break.
    end: usize,
    /// A comment standing alone after `key:`, which the value's new text
    /// keeps.
    comment: Option<String>,
    /// What follows `key:` on its line, trimmed.
    rest: String,
}

/// Finds the text of the value at `path`, a mapping key.
fn extent(doc: &YamlDocument, path: &str) -> Result<Extent, String> {
    let text = &doc.file.text;
    let key = path
        .rsplit('.')
        .next()
        .filter(|k| !k.contains('['))
        .ok_or_else(|| format!("`{path}` is not a mapping key"))?;
    let location = doc.key_location(path);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let key_line = location
        .line
        .checked_sub(1)
        .filter(|l| *l < lines.len())
        .ok_or("no key line")?;
    let line = lines[key_line];
    let key_byte = line
        .char_indices()
        .nth(location.column.saturating_sub(1))
        .map_or(line.len(), |(b, _)| b);
    let indent = line[..key_byte].chars().count();
    let after_key = line[key_byte..]
        .strip_prefix(key)
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix(':'))
        .ok_or_else(|| format!("cannot find `{key}:` at {location}"))?;
    let line_start: usize = lines[..key_line].iter().map(|l| l.len()).sum();
    // `after_key` is the end of `line`: the value starts where it does.
    let start = line_start + line.len() - after_key.len();
    let rest = after_key.trim_end_matches('\n').trim();
    let comment = rest.starts_with('#').then(|| rest.to_string());
    // The value's lines: those below the key indented deeper than it.
    let mut last = key_line;
    let mut probe = key_line + 1;
    while probe < lines.len() {
        let l = lines[probe].trim_end_matches('\n');
        let blank = l.trim().is_empty();
        let deeper = l.chars().take_while(|c| *c == ' ').count() > indent;
        if !blank && !deeper {
            break;
        }
        let comment_below_empty =
            comment.is_none() && rest.is_empty() && l.trim_start().starts_with('#');
        if !blank && !comment_below_empty {
            last = probe;
        }
        probe += 1;
    }
    let block = rest.starts_with('|') || rest.starts_with('>');
    if !block {
        // Comments below a plain or quoted value are not part of it.
        while last > key_line && lines[last].trim_start().starts_with('#') {
            last -= 1;
        }
    }
    let end: usize = lines[..=last].iter().map(|l| l.len()).sum::<usize>()
        - (lines[last].len() - lines[last].trim_end_matches('\n').len());
    Ok(Extent {
        indent,
        start,
        end,
        comment,
        rest: rest.to_string(),
    })
}

/// The ways of writing `new` as the value of a key at column `indent`,
/// each with the value it reads back as: multi-line text as a `|` block
/// scalar, one line plain when that reads back the same, else
/// double-quoted, and empty text as nothing.
fn written_forms(new: &str, indent: usize, after_comment: &str) -> Vec<(String, Value)> {
    let pad = " ".repeat(indent + 2);
    if new.is_empty() {
        vec![(after_comment.to_string(), Value::Null)]
    } else if new.contains('\n') {
        let body: Vec<String> = new
            .trim_end_matches('\n')
            .split('\n')
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("{pad}{l}")
                }
            })
            .collect();
        let value = format!("{}\n", new.trim_end_matches('\n'));
        vec![(
            format!(" |{after_comment}\n{}", body.join("\n")),
            Value::String(value),
        )]
    } else {
        let quoted = serde_json::to_string(new).unwrap_or_default();
        vec![
            (
                format!(" {new}{after_comment}"),
                Value::String(new.to_string()),
            ),
            (
                format!(" {quoted}{after_comment}"),
                Value::String(new.to_string()),
            ),
        ]
    }
}

/// The first of `candidates` (the value's new text, and the value it
/// stands for) that, put in place of `doc`'s value at `path`, changes
/// nothing else in the document.
fn first_faithful(
    doc: &YamlDocument,
    path: &str,
    at: &Extent,
    candidates: Vec<(String, Value)>,
) -> Result<String, String> {
    let text = &doc.file.text;
    for (written, value) in candidates {
        let edited = format!("{}{}{}", &text[..at.start], written, &text[at.end..]);
        let mut expected = doc.value.clone();
        if let Some(slot) = value_at_mut(&mut expected, path) {
            *slot = value;
        }
        if serde_yaml::from_str::<Value>(&edited).is_ok_and(|v| v == expected) {
            return Ok(edited);
        }
    }
    Err(format!(
        "the new text of `{path}` could not be written into {} without changing something else",
        doc.file.display_path.display()
    ))
}

/// `doc`'s text with the value at `path` replaced by `new` (an empty
/// string leaves the key empty). Multi-line text is written as a `|`
/// block scalar, one line as a plain scalar when that reads back the
/// same, else double-quoted.
pub fn replace_text(doc: &YamlDocument, path: &str, new: &str) -> Result<String, String> {
    if !doc.has(path) || text_at(doc, path).is_none() {
        return Err(format!(
            "`{path}` is not a text value in {}",
            doc.file.display_path.display()
        ));
    }
    if let Some(at) = flow_extent(doc, path) {
        // Inside `{ en: ..., fr: ... }`: one line, plain when that reads
        // back the same, else double-quoted (a break written as `\n`).
        let quoted = serde_json::to_string(new).unwrap_or_default();
        let value = || Value::String(new.to_string());
        let candidates = if new.is_empty() {
            vec![("\"\"".to_string(), value())]
        } else {
            vec![(new.to_string(), value()), (quoted, value())]
        };
        return first_faithful(doc, path, &at, candidates);
    }
    let at = extent(doc, path)?;
    let after_comment = at
        .comment
        .as_ref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let candidates = written_forms(new, at.indent, &after_comment);
    first_faithful(doc, path, &at, candidates)
}

/// The extent of a scalar written inside a flow mapping or sequence (`{
/// en: Labeling, fr: Étiquetage }`): from its first character to its
/// closing quote, or, unquoted, to the `,`, `}` or `]` after it. `None`
/// for a value in block style.
fn flow_extent(doc: &YamlDocument, path: &str) -> Option<Extent> {
    let text = &doc.file.text;
    let location = doc.location(path);
    let line_start: usize = text
        .split_inclusive('\n')
        .take(location.line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let line = text[line_start..].split('\n').next()?;
    let start = line_start
        + line
            .char_indices()
            .nth(location.column.checked_sub(1)?)
            .map(|(b, _)| b)?;
    let before = &text[line_start..start];
    // In flow style when a bracket opened before the value on its line is
    // still open.
    let depth = before.chars().fold(0i32, |d, c| match c {
        '{' | '[' => d + 1,
        '}' | ']' => d - 1,
        _ => d,
    });
    if depth <= 0 {
        return None;
    }
    let rest = &text[start..];
    let length = match rest.chars().next()? {
        '"' => {
            let mut escaped = false;
            let close = rest[1..].char_indices().find(|&(_, c)| {
                let found = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                found
            })?;
            close.0 + 2
        }
        '\'' => {
            let bytes = rest.as_bytes();
            let mut i = 1;
            loop {
                match bytes.get(i)? {
                    b'\'' if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                    b'\'' => break i + 1,
                    _ => i += 1,
                }
            }
        }
        _ => {
            let end = rest.find([',', '}', ']', '\n']).unwrap_or(rest.len());
            rest[..end].trim_end().len()
        }
    };
    Some(Extent {
        indent: 0,
        start,
        end: start + length,
        comment: None,
        rest: String::new(),
    })
}

/// `doc`'s text with an entry `language: new` added to the text at
/// `path`: to its map by language, or, when it is plain text, by making
/// it one whose `primary` entry is that text as it was written. What
/// `report pull` does with a translation typed into a DOCX in another
/// language.
pub fn add_translation(
    doc: &YamlDocument,
    path: &str,
    primary: &str,
    language: &str,
    new: &str,
) -> Result<String, String> {
    let at = extent(doc, path)?;
    let text = &doc.file.text;
    let old = value_at(&doc.value, path).cloned().unwrap_or(Value::Null);
    let mut candidates = Vec::new();
    match &old {
        Value::Mapping(map) if at.rest.starts_with('{') => {
            // A flow map, `{ en: ... }`: the entry goes before its `}`.
            let written = &text[at.start..at.end];
            let close = written.rfind('}').ok_or("no closing brace")?;
            let quoted = serde_json::to_string(new).unwrap_or_default();
            let separator = if map.is_empty() { "" } else { ", " };
            let mut entries = map.clone();
            entries.insert(language.into(), Value::String(new.to_string()));
            candidates.push((
                format!(
                    "{}{separator}{language}: {quoted} {}",
                    written[..close].trim_end(),
                    &written[close..]
                ),
                Value::Mapping(entries),
            ));
        }
        Value::Mapping(map) => {
            // A block map: the entry goes after its last line, indented as
            // its first.
            let written = &text[at.start..at.end];
            let entry_indent = written
                .lines()
                .skip(1)
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .map_or(at.indent + 2, |l| {
                    l.chars().take_while(|c| *c == ' ').count()
                });
            let mut entries = map.clone();
            let value = written_forms(new, entry_indent, "");
            for (form, read) in value {
                entries.insert(language.into(), read);
                candidates.push((
                    format!("{written}\n{}{language}:{form}", " ".repeat(entry_indent)),
                    Value::Mapping(entries.clone()),
                ));
            }
        }
        Value::String(_) | Value::Null => {
            let pad = " ".repeat(at.indent + 2);
            let written = &text[at.start..at.end];
            // The text as written moves under `primary:`, two columns in.
            let mut moved = String::new();
            for (i, line) in written.split('\n').enumerate() {
                if i > 0 {
                    moved.push('\n');
                    if !line.is_empty() {
                        moved.push_str("  ");
                    }
                }
                moved.push_str(line);
            }
            let head = at
                .comment
                .as_ref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default();
            let moved = if at.comment.is_some() {
                String::new()
            } else {
                moved
            };
            for (form, read) in written_forms(new, at.indent + 2, "") {
                let mut entries = serde_yaml::Mapping::new();
                entries.insert(primary.into(), old.clone());
                entries.insert(language.into(), read);
                candidates.push((
                    format!("{head}\n{pad}{primary}:{moved}\n{pad}{language}:{form}"),
                    Value::Mapping(entries),
                ));
            }
        }
        _ => return Err(format!("`{path}` is not text")),
    }
    first_faithful(doc, path, &at, candidates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> YamlDocument {
        crate::sources::parse_text(text)
    }

    #[test]
    fn fills_an_empty_value_keeping_the_rest() {
        let text = "# head\ngroups:\n  - name: A # note\n    introduction:\n    discussion: \"x\"\n\n  - name: B\n";
        let out = replace_text(&doc(text), "groups[0].introduction", "One\n\n- two").unwrap();
        assert_eq!(
            out,
            "# head\ngroups:\n  - name: A # note\n    introduction: |\n      One\n\n      - two\n    discussion: \"x\"\n\n  - name: B\n"
        );
        let out = replace_text(&doc(text), "groups[0].discussion", "y: z").unwrap();
        assert!(
            out.contains("    discussion: \"y: z\"\n\n  - name: B"),
            "{out}"
        );
    }

    #[test]
    fn adds_a_translation_to_plain_text_and_to_maps() {
        let text = "groups:\n  - name: A # note\n    discussion: |\n      Para one.\n\n      Para two.\n    introduction:\n      en: Intro\n    previous_mandate: { en: Old }\n";
        let out = add_translation(
            &doc(text),
            "groups[0].discussion",
            "en",
            "fr",
            "Un.\n\nDeux.",
        )
        .unwrap();
        assert_eq!(
            out,
            "groups:\n  - name: A # note\n    discussion:\n      en: |\n        Para one.\n\n        Para two.\n      fr: |\n        Un.\n\n        Deux.\n    introduction:\n      en: Intro\n    previous_mandate: { en: Old }\n"
        );
        let out =
            add_translation(&doc(text), "groups[0].introduction", "en", "fr", "Intro FR").unwrap();
        assert!(
            out.contains("    introduction:\n      en: Intro\n      fr: Intro FR\n"),
            "{out}"
        );
        let out = add_translation(
            &doc(text),
            "groups[0].previous_mandate",
            "en",
            "fr",
            "Ancien",
        )
        .unwrap();
        assert!(
            out.contains("previous_mandate: { en: Old, fr: \"Ancien\" }"),
            "{out}"
        );
        let out = add_translation(&doc(text), "groups[0].name", "en", "fr", "Un: deux").unwrap();
        assert!(
            out.contains("  - name:\n      en: A # note\n      fr: \"Un: deux\"\n"),
            "{out}"
        );
    }

    #[test]
    fn replaces_a_value_inside_a_flow_mapping() {
        let text = "- name: { en: Labeling, fr: 'Étiquetage' } # note\n- name: { en: \"A, B\" }\n";
        let out = replace_text(&doc(text), "[0].name.en", "Labels").unwrap();
        assert_eq!(
            out,
            "- name: { en: Labels, fr: 'Étiquetage' } # note\n- name: { en: \"A, B\" }\n"
        );
        let out = replace_text(&doc(text), "[0].name.fr", "L'étiquetage").unwrap();
        assert!(out.contains("fr: L'étiquetage }"), "{out}");
        let out = replace_text(&doc(text), "[1].name.en", "C: d, e").unwrap();
        assert!(out.contains("{ en: \"C: d, e\" }"), "{out}");
    }

    #[test]
    fn replaces_a_block_scalar() {
        let text = "a:\n  b: |\n    old\n    text\n  # kept\n  c: d\n";
        let out = replace_text(&doc(text), "a.b", "new").unwrap();
        assert_eq!(out, "a:\n  b: new\n  # kept\n  c: d\n");
    }
}
