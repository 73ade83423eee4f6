//! Typed decoding of YAML values, with errors placed at the offending key.
//!
//! Each list entry is decoded on its own, so one bad agenda row does not
//! hide the problems of the next one.

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, closest};
use crate::sources::YamlDocument;

/// Decodes the value at `path` of `document` into `T`, reporting a located
/// error in `problems` on failure.
///
/// `what` names the thing in the editor's terms ("a working group").
pub fn decode<T: DeserializeOwned>(
    document: &YamlDocument,
    path: &str,
    value: &serde_yaml::Value,
    what: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(value.clone()) {
        Ok(decoded) => Some(decoded),
        Err(error) => {
            let inner_path = error.path().to_string();
            let full_path = join_paths(path, &inner_path);
            problems.push(explain(document, &full_path, error.inner(), what));
            None
        }
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
fn explain(
    document: &YamlDocument,
    path: &str,
    error: &serde_yaml::Error,
    what: &str,
) -> Diagnostic {
    let message = error.to_string();
    if let Some((field, expected)) = parse_unknown_field(&message) {
        let key_path = join_paths(path, &field);
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

    #[test]
    fn reads_unknown_field_messages() {
        let (field, expected) =
            parse_unknown_field("unknown field `nmae`, expected one of `name`, `title`").unwrap();
        assert_eq!(field, "nmae");
        assert_eq!(expected, vec!["name", "title"]);
    }
}
