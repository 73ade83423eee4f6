//! Typed decoding of YAML values, with errors placed at the offending key.
//!
//! Each list entry is decoded on its own, so one bad agenda row does not
//! hide the problems of the next one.

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, closest};
use crate::sources::YamlDocument;

/// How many unknown keys one value may report before decoding gives up.
const MAX_UNKNOWN_KEYS: usize = 64;

/// Decodes the value at `path` of `document` into `T`, reporting a located
/// error in `problems` on failure.
///
/// An unknown key is reported and set aside, and the value decoded again,
/// so that the other unknown keys are reported with it rather than one a
/// run. The value still fails to decode then: what else it holds is
/// checked once its keys are right. Any other error ends the decoding,
/// and a missing key that an unknown key's hint already names ends it
/// without a second message.
///
/// `what` names the thing in the editor's terms ("a working group").
pub fn decode<T: DeserializeOwned>(
    document: &YamlDocument,
    path: &str,
    value: &serde_yaml::Value,
    what: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    let mut value = std::borrow::Cow::Borrowed(value);
    let mut found_unknown = false;
    // The keys that the unknown ones set aside were taken for, by the path
    // of their mapping: missing them is what the unknown key's hint says.
    let mut meant: Vec<(String, String)> = Vec::new();
    for _ in 0..MAX_UNKNOWN_KEYS {
        let error = match serde_path_to_error::deserialize::<_, T>(value.as_ref()) {
            Ok(decoded) => return (!found_unknown).then_some(decoded),
            Err(error) => error,
        };
        let full_path = join_paths(path, &error.path().to_string());
        let message = error.inner().to_string();
        if let Some(missing) = between(&message, "missing field `", "`")
            && meant.contains(&(full_path.clone(), missing))
        {
            return None;
        }
        let unknown = parse_unknown_field(&message);
        // serde_path_to_error ends the path with the unknown key, having
        // read it as the next key of its mapping.
        let mapping = unknown
            .as_ref()
            .and_then(|(field, _)| mapping_of_key(error.path(), field))
            .map(|inner| join_paths(path, &inner));
        let key_path = mapping.as_ref().map(|_| full_path.as_str());
        problems.push(explain(document, &full_path, key_path, error.inner(), what));
        let (Some((field, expected)), Some(mapping)) = (unknown, mapping) else {
            return None;
        };
        found_unknown = true;
        if !remove_key(value.to_mut(), error.path()) {
            return None;
        }
        if let Some(suggestion) = closest(&field, expected.iter().map(String::as_str)) {
            meant.push((mapping, suggestion.to_string()));
        }
    }
    None
}

/// The path, as `serde_path_to_error` prints it, of the mapping whose key
/// `field` ends `path`; `None` when `path` does not end at that key or
/// passes through something other than mappings and lists.
fn mapping_of_key(path: &serde_path_to_error::Path, field: &str) -> Option<String> {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let (Segment::Map { key }, parents) = segments.split_last()? else {
        return None;
    };
    if key != field {
        return None;
    }
    let mut mapping = String::new();
    for segment in parents {
        match segment {
            Segment::Map { key } if mapping.is_empty() => mapping.push_str(key),
            Segment::Map { key } => {
                mapping.push('.');
                mapping.push_str(key);
            }
            Segment::Seq { index } => mapping.push_str(&format!("[{index}]")),
            _ => return None,
        }
    }
    Some(mapping)
}

/// Removes the mapping entry that `path` ends at from `value`; whether
/// there was one. The path is one [`mapping_of_key`] accepts.
fn remove_key(value: &mut serde_yaml::Value, path: &serde_path_to_error::Path) -> bool {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let Some((Segment::Map { key }, parents)) = segments.split_last() else {
        return false;
    };
    let mut node = value;
    for segment in parents {
        node = match (segment, node) {
            (Segment::Map { key }, serde_yaml::Value::Mapping(map)) => {
                match map.get_mut(key.as_str()) {
                    Some(child) => child,
                    None => return false,
                }
            }
            (Segment::Seq { index }, serde_yaml::Value::Sequence(items)) => {
                match items.get_mut(*index) {
                    Some(child) => child,
                    None => return false,
                }
            }
            _ => return false,
        };
    }
    match node {
        // Shifted, not swapped, so later keys keep their order.
        serde_yaml::Value::Mapping(map) => map.shift_remove(key.as_str()).is_some(),
        _ => false,
    }
}

/// Joins a document path and a path inside it as printed by
/// `serde_path_to_error` (`.` means "here").
fn join_paths(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner == "." || inner.is_empty()) {
        (_, true) => outer.to_string(),
        (true, false) => inner.to_string(),
        (false, false) if inner.starts_with('[') => format!("{outer}{inner}"),
        (false, false) => format!("{outer}.{inner}"),
    }
}

/// Turns a serde message into one an editor can act on.
///
/// `key_path` is the path of an unknown key, when `path` is known to end
/// at it.
fn explain(
    document: &YamlDocument,
    path: &str,
    key_path: Option<&str>,
    error: &serde_yaml::Error,
    what: &str,
) -> Diagnostic {
    let message = error.to_string();
    if let Some((field, expected)) = parse_unknown_field(&message) {
        let key_path = key_path.map_or_else(|| join_paths(path, &field), str::to_string);
        let mut diagnostic = Diagnostic::error(format!("unknown key `{field}` in {what}"))
            .at(document.key_location(&key_path));
        let known: Vec<&str> = expected.iter().map(String::as_str).collect();
        diagnostic = match closest(&field, known.iter().copied()) {
            Some(suggestion) => diagnostic.with_hint(format!("did you mean `{suggestion}`?")),
            None => {
                diagnostic.with_hint(format!("the keys allowed here are: {}", known.join(", ")))
            }
        };
        return diagnostic;
    }
    if let Some(field) = between(&message, "missing field `", "`") {
        return Diagnostic::error(format!("{what} has no `{field}`"))
            .at(document.location(path))
            .with_hint(format!("add a line `{field}: ...` here"));
    }
    if let Some(found) = message.strip_prefix("invalid type: ") {
        let found = found.split(" at line").next().unwrap_or(found);
        let shown_path = if path.is_empty() {
            "the file".to_string()
        } else {
            format!("`{path}`")
        };
        return Diagnostic::error(format!("{shown_path} has the wrong kind of value: {found}"))
            .at(document.location(path))
            .with_hint(type_hint(found));
    }
    if let Some(variant) = between(&message, "unknown variant `", "`") {
        let expected = message
            .split("expected ")
            .nth(1)
            .unwrap_or("")
            .replace('`', "");
        return Diagnostic::error(format!("`{variant}` is not a known value for `{path}`"))
            .at(document.location(path))
            .with_hint(format!("use one of: {expected}"));
    }
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    Diagnostic::error(format!("{what}: {message}")).at(document.location(path))
}

fn type_hint(found: &str) -> String {
    if found.contains("expected a sequence") {
        "write a list, one entry per line starting with \"- \"".into()
    } else if found.contains("expected struct") || found.contains("expected a map") {
        "write the keys of this entry indented below it, as `key: value` lines".into()
    } else if found.contains("expected a string") {
        "write text here; quote it if it looks like a number, date or list".into()
    } else {
        "compare this entry with the same entry in the sixth-meeting report".into()
    }
}

/// Reads `unknown field `x`, expected one of `a`, `b`` messages.
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let field = between(message, "unknown field `", "`")?;
    let expected = message
        .split("expected ")
        .nth(1)
        .unwrap_or_default()
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect();
    Some((field, expected))
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(text[from..to].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths() {
        assert_eq!(join_paths("groups[0]", "."), "groups[0]");
        assert_eq!(join_paths("", "name"), "name");
        assert_eq!(join_paths("groups", "[1].name"), "groups[1].name");
        assert_eq!(join_paths("groups[1]", "name"), "groups[1].name");
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Facts {
        date: String,
        attendance: Attendance,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Attendance {
        remote: u32,
    }

    fn problems_in(text: &str) -> Vec<Diagnostic> {
        let document = crate::sources::parse_yaml(crate::sources::SourceFile {
            display_path: "meeting.yaml".into(),
            text: text.into(),
        })
        .unwrap();
        let mut problems = Vec::new();
        decode::<Facts>(
            &document,
            "",
            &document.value,
            "the meeting facts",
            &mut problems,
        );
        problems
    }

    #[test]
    fn an_unknown_key_is_located_at_the_key() {
        let problems = problems_in("date: x\ndaet: 2019-04-18\nattendance:\n  remote: 1\n");
        assert_eq!(problems.len(), 1);
        let location = problems[0].location.as_ref().unwrap();
        assert_eq!((location.line, location.column), (2, 1));
        let problems = problems_in("date: x\nattendance:\n  remote: 1\n  remotely: 3\n");
        let location = problems[0].location.as_ref().unwrap();
        assert_eq!((location.line, location.column), (4, 3));
    }

    #[test]
    fn every_unknown_key_of_a_value_is_reported() {
        let problems = problems_in(
            "daet: 2019-04-18\ndate: x\nlocaton: Ottawa\nattendance:\n  remotely: 3\n  remote: 1\n",
        );
        let found: Vec<(String, usize, usize)> = problems
            .iter()
            .map(|p| {
                let location = p.location.as_ref().unwrap();
                (p.message.clone(), location.line, location.column)
            })
            .collect();
        assert_eq!(
            found,
            [
                ("unknown key `daet` in the meeting facts".to_string(), 1, 1),
                (
                    "unknown key `locaton` in the meeting facts".to_string(),
                    3,
                    1
                ),
                (
                    "unknown key `remotely` in the meeting facts".to_string(),
                    5,
                    3
                ),
            ]
        );
    }

    #[test]
    fn a_misspelt_key_is_not_also_reported_missing() {
        let problems = problems_in("daet: x\nattendance:\n  remote: 1\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message,
            "unknown key `daet` in the meeting facts"
        );
        let problems = problems_in("date: x\nattendance:\n  remot: 1\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message,
            "unknown key `remot` in the meeting facts"
        );
    }

    #[test]
    fn a_value_with_other_errors_stops_at_the_first_of_them() {
        let problems = problems_in("date: [1]\nattendance: 3\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn a_value_with_an_unknown_key_does_not_decode() {
        let mut problems = Vec::new();
        let document = crate::sources::parse_yaml(crate::sources::SourceFile {
            display_path: "meeting.yaml".into(),
            text: "date: x\nqqqqqq: 1\nattendance:\n  remote: 1\n".into(),
        })
        .unwrap();
        let decoded = decode::<Facts>(&document, "", &document.value, "the facts", &mut problems);
        assert!(decoded.is_none());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("the keys allowed here")
        );
    }

    #[test]
    fn reads_unknown_field_messages() {
        let (field, expected) =
            parse_unknown_field("unknown field `nmae`, expected one of `name`, `title`").unwrap();
        assert_eq!(field, "nmae");
        assert_eq!(expected, vec!["name", "title"]);
    }
}
