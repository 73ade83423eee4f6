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

/// `doc`'s text with the value at `path` replaced by `new` (an empty
/// string leaves the key empty). Multi-line text is written as a `|`
/// block scalar, one line as a plain scalar when that reads back the
/// same, else double-quoted.
pub fn replace_text(doc: &YamlDocument, path: &str, new: &str) -> Result<String, String> {
    let text = &doc.file.text;
    if !doc.has(path) || text_at(doc, path).is_none() {
        return Err(format!(
            "`{path}` is not a text value in {}",
            doc.file.display_path.display()
        ));
    }
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
    let value_start = line_start + line.len() - after_key.len();
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
    let value_end: usize = lines[..=last].iter().map(|l| l.len()).sum::<usize>()
        - (lines[last].len() - lines[last].trim_end_matches('\n').len());
    let pad = " ".repeat(indent + 2);
    let after_comment = comment
        .as_ref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let candidates: Vec<(String, Value)> = if new.is_empty() {
        vec![(after_comment.clone(), Value::Null)]
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
    };
    for (written, value) in candidates {
        let edited = format!("{}{}{}", &text[..value_start], written, &text[value_end..]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{SourceFile, parse_yaml};

    fn doc(text: &str) -> YamlDocument {
        parse_yaml(SourceFile {
            display_path: "t.yaml".into(),
            text: text.into(),
        })
        .unwrap()
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
    fn replaces_a_block_scalar() {
        let text = "a:\n  b: |\n    old\n    text\n  # kept\n  c: d\n";
        let out = replace_text(&doc(text), "a.b", "new").unwrap();
        assert_eq!(out, "a:\n  b: new\n  # kept\n  c: d\n");
    }
}
