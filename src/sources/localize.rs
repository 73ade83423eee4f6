//! A source as one language reads it.
//!
//! Any field may be written as a map by language, `{en: …, fr: …}`. The
//! model reads one language at a time: [`YamlDocument::in_language`] puts
//! each such map's entry for that language in the map's place, with the
//! entry's own position, so every later message points at the text it is
//! about, and records for each map whether the language had an entry.
//!
//! A map is read as text by language only when every key is written as a
//! language tag and one of them is a language of the layout: an editor's
//! own map (a table row, `aliases:`) is never taken for one.

use std::collections::HashMap;
use std::sync::Arc;

use serde_yaml::Value;

use super::YamlDocument;
use crate::language::{Language, Languages, looks_like_language_key};

/// What a map by language held for the language read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Translation {
    /// The language's own entry, at this path of the file.
    Given {
        /// The path of the entry, `groups[0].name.fr`.
        source_path: String,
        /// The primary language's text, when the map has it.
        primary: Option<String>,
    },
    /// No entry for the language.
    Missing {
        /// The primary language's text, when the map has it, so that a
        /// translator sees what to translate.
        primary: Option<String>,
    },
}

impl YamlDocument {
    /// This document as `language` reads it: each map by language replaced
    /// by its entry for `language` (by code, `fr`, or tag, `fr-CA`), or,
    /// when it has none, by the primary language's entry, recorded as
    /// [`Translation::Missing`] for the model to flag.
    pub fn in_language(&self, language: &Language, languages: &Languages) -> YamlDocument {
        let mut found = Vec::new();
        let mut doc = YamlDocument {
            file: Arc::clone(&self.file),
            value: project(&self.value, "", language, languages, &mut found),
            positions: Arc::clone(&self.positions),
            translations: HashMap::new(),
            language: Some(language.clone()),
        };
        for (path, translation) in found {
            if let Translation::Given { source_path, .. } = &translation
                && let Some(position) = self.positions.get(source_path)
            {
                Arc::make_mut(&mut doc.positions).insert(path.clone(), *position);
            }
            doc.translations.insert(path, translation);
        }
        doc
    }

    /// What the map by language at `path` held for the document's
    /// language; `None` when the field is written as plain text.
    pub fn translation(&self, path: &str) -> Option<&Translation> {
        self.translations.get(path)
    }

    /// Every map by language and what it held for the document's
    /// language, in the order of the file.
    pub fn translations(&self) -> Vec<(&str, &Translation)> {
        let mut all: Vec<(&str, &Translation)> = self
            .translations
            .iter()
            .map(|(path, t)| (path.as_str(), t))
            .collect();
        all.sort_by_key(|(path, _)| {
            let at = self.location(path);
            (at.line, at.column)
        });
        all
    }

    /// The language this document was read in, when it was read for one.
    pub fn language(&self) -> Option<&Language> {
        self.language.as_ref()
    }

    /// The primary language's text of the map by language at `path`, when
    /// the field is one and has it.
    pub fn primary_text(&self, path: &str) -> Option<&str> {
        match self.translations.get(path)? {
            Translation::Given { primary, .. } | Translation::Missing { primary } => {
                primary.as_deref()
            }
        }
    }

    /// Where the text of `path` is written: the entry of its map by
    /// language when it has one (`name.fr`), else `path` itself. What
    /// `report pull` writes to.
    pub fn source_path(&self, path: &str) -> String {
        match self.translations.get(path) {
            Some(Translation::Given { source_path, .. }) => source_path.clone(),
            _ => path.to_string(),
        }
    }
}

/// Whether `value` is a map by language for `languages`.
pub fn is_language_map(value: &Value, languages: &Languages) -> bool {
    let Value::Mapping(map) = value else {
        return false;
    };
    let keys: Vec<&str> = map.keys().filter_map(Value::as_str).collect();
    !keys.is_empty()
        && keys.len() == map.len()
        && keys.iter().all(|k| looks_like_language_key(k))
        && keys.iter().any(|k| languages.is_key(k))
}

/// The entry of a map by language for `language`, by code or tag, with
/// the key it is written under. An entry written empty (`en: ""`, `en:
/// ~`) is given: the field is meant to be empty in that language.
fn entry<'a>(map: &'a serde_yaml::Mapping, language: &Language) -> Option<(&'a str, &'a Value)> {
    map.iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v)))
        .find(|(k, _)| *k == language.code || *k == language.tag)
}

/// `value` with each map by language replaced by its `language` entry;
/// `found` gets what each map held.
pub fn project(
    value: &Value,
    path: &str,
    language: &Language,
    languages: &Languages,
    found: &mut Vec<(String, Translation)>,
) -> Value {
    match value {
        Value::Mapping(map) if is_language_map(value, languages) => match entry(map, language) {
            Some((key, text)) => {
                found.push((
                    path.to_string(),
                    Translation::Given {
                        source_path: join(path, key),
                        primary: entry(map, languages.primary())
                            .and_then(|(_, v)| v.as_str().map(str::to_string)),
                    },
                ));
                text.clone()
            }
            None => {
                let primary = entry(map, languages.primary()).map(|(_, v)| v.clone());
                found.push((
                    path.to_string(),
                    Translation::Missing {
                        primary: primary
                            .as_ref()
                            .and_then(|v| v.as_str().map(str::to_string)),
                    },
                ));
                primary.unwrap_or(Value::Null)
            }
        },
        Value::Mapping(map) => Value::Mapping(
            map.iter()
                .map(|(k, v)| {
                    let child = match k.as_str() {
                        Some(key) => project(v, &join(path, key), language, languages, found),
                        None => v.clone(),
                    };
                    (k.clone(), child)
                })
                .collect(),
        ),
        Value::Sequence(items) => Value::Sequence(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| project(v, &format!("{path}[{i}]"), language, languages, found))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Adds to `found` the keys that `value`'s maps by language are written
/// with (`fr`, `fr-CA`), whether or not the layout reads them: a report
/// started from this one keeps them.
pub fn written_languages(
    value: &Value,
    languages: &Languages,
    found: &mut std::collections::BTreeSet<String>,
) {
    match value {
        Value::Mapping(map) if is_language_map(value, languages) => {
            found.extend(map.keys().filter_map(Value::as_str).map(str::to_string));
        }
        Value::Mapping(map) => map
            .values()
            .for_each(|v| written_languages(v, languages, found)),
        Value::Sequence(items) => items
            .iter()
            .for_each(|v| written_languages(v, languages, found)),
        _ => {}
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn languages() -> Languages {
        Languages::new(vec![
            Language::parse("en-CA").unwrap(),
            Language::parse("fr-CA").unwrap(),
        ])
        .unwrap()
    }

    fn parse(text: &str) -> YamlDocument {
        crate::sources::parse_text(text)
    }

    #[test]
    fn takes_each_languages_entry_with_its_position() {
        let doc = parse(
            "groups:\n  - name:\n      en: Consumer Education\n      fr: Sensibilisation\n    discussion: Plain\naliases:\n  CIRA: x\n",
        );
        let languages = languages();
        let fr = doc.in_language(&languages.all()[1], &languages);
        assert_eq!(
            fr.value["groups"][0]["name"],
            Value::from("Sensibilisation")
        );
        assert_eq!(fr.location("groups[0].name").line, 4);
        assert_eq!(fr.source_path("groups[0].name"), "groups[0].name.fr");
        assert_eq!(fr.translation("groups[0].discussion"), None);
        assert_eq!(fr.value["aliases"]["CIRA"], Value::from("x"));
        let en = doc.in_language(languages.primary(), &languages);
        assert_eq!(
            en.value["groups"][0]["name"],
            Value::from("Consumer Education")
        );
    }

    #[test]
    fn a_missing_entry_keeps_the_primary_text() {
        let doc = parse("name:\n  en: Consumer Education\n");
        let languages = languages();
        let fr = doc.in_language(&languages.all()[1], &languages);
        assert_eq!(fr.value["name"], Value::from("Consumer Education"));
        assert_eq!(
            fr.translation("name"),
            Some(&Translation::Missing {
                primary: Some("Consumer Education".into())
            })
        );
    }
}
