//! JSON Schemas (draft 2020-12) of the source files, for `report schema`.
//!
//! An editor whose YAML extension reads these (the YAML language server,
//! through the `# yaml-language-server: $schema=...` first line of each
//! file) completes keys and underlines mistakes while typing, long before
//! `report check` runs. So that a schema never says what the tool does not
//! read, the built-in sections' schemas are made by schemars from the very
//! `*File` types the model decodes with, and those of the sections an
//! editor adds in the layout from their declarations there.

use schemars::generate::SchemaSettings;
use schemars::transform::{RecursiveTransform, transform_subschemas};
use schemars::{Schema, SchemaGenerator};
use serde_json::{Value, json};

use crate::layout::{Layout, SectionDeclaration};
use crate::model::{self, SectionKind};

/// The file name of the series file's schema.
pub const SERIES_SCHEMA: &str = "series.schema.json";

/// The file name of a section's schema: `<section id>.schema.json`.
pub fn file_name(section_id: &str) -> String {
    format!("{section_id}.schema.json")
}

/// Every schema the layout calls for, with its file name: the series
/// file's first, then one per section, in layout order.
pub fn schemas(layout: &Layout) -> Vec<(String, Value)> {
    let manifest = &layout.manifest;
    let mut schemas = vec![(
        SERIES_SCHEMA.to_string(),
        finish(
            model::series_file_schema(generator()),
            &format!("Series ({})", manifest.series_file),
            None,
        ),
    )];
    for section in &manifest.sections {
        schemas.push((file_name(&section.id), section_schema(section)));
    }
    for (_, schema) in &mut schemas {
        by_language(schema);
    }
    schemas
}

/// What the keys of a text given by language look like: `en`, `fr-CA`.
const LANGUAGE_KEY_PATTERN: &str = "^[a-z]{2,3}(-[A-Z]{2})?$";

/// Lets every text also be written as a map by language, `{en: ..., fr:
/// ...}`, each entry being what the text itself may be, as the sources
/// stage reads it (see [`crate::sources::localize`]).
fn by_language(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let is_text = match object.get("type") {
                Some(Value::String(t)) => t == "string",
                Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
                _ => false,
            };
            if !is_text {
                object.values_mut().for_each(by_language);
                return;
            }
            let mut text = serde_json::Map::new();
            for (key, value) in std::mem::take(object) {
                match key.as_str() {
                    "description" | "markdownDescription" | "title" => {
                        object.insert(key, value);
                    }
                    _ => {
                        text.insert(key, value);
                    }
                }
            }
            let text = Value::Object(text);
            object.insert(
                "anyOf".into(),
                json!([
                    text,
                    {
                        "description": "The text in each language, e.g. `en: ...` and `fr: ...`; a plain text is the primary language's.",
                        "type": "object",
                        "propertyNames": { "pattern": LANGUAGE_KEY_PATTERN },
                        "additionalProperties": text,
                        "minProperties": 1,
                    }
                ]),
            );
        }
        Value::Array(items) => items.iter_mut().for_each(by_language),
        _ => {}
    }
}

/// A schema as it is written to its file: pretty-printed, keys in a fixed
/// order, ending with a newline, so that regenerating it changes nothing.
pub fn to_text(schema: &Value) -> String {
    let mut schema = schema.clone();
    // Without serde_json's `preserve_order` the keys are sorted already;
    // sorting here keeps the files identical should a dependency turn it on.
    schema.sort_all_objects();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// One section's schema, from its kind and, for a table, its columns.
fn section_schema(section: &SectionDeclaration) -> Value {
    let kind = section.kind();
    let mut schema = model::file_schema(kind, generator());
    let mut more = None;
    if kind == SectionKind::Table {
        if let Some(rows) = schema
            .as_object_mut()
            .and_then(|root| root.get_mut("properties"))
            .and_then(|properties| properties.get_mut("rows"))
            .and_then(Value::as_object_mut)
        {
            rows.insert("items".into(), table_row(section));
        }
        let columns: Vec<String> = section
            .columns
            .iter()
            .map(|c| format!("`{}` ({})", c.key, c.label))
            .collect();
        more = Some(format!("Columns: {}.", columns.join(", ")));
    }
    let title = format!("{} ({})", capitalised(&section.title()), section.file);
    finish(schema, &title, more.as_deref())
}

/// "meeting" as a title: "Meeting".
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A row of a table section: one key per declared column, no other.
fn table_row(section: &SectionDeclaration) -> Value {
    let properties: serde_json::Map<String, Value> = section
        .columns
        .iter()
        .map(|column| {
            (
                column.key.clone(),
                json!({
                    "description": format!(
                        "The \"{}\" column: one line of Markdown. Leave it empty while it is to be written: the report flags it.",
                        column.label
                    ),
                    // The model prints a number or a yes/no cell as written.
                    "type": ["string", "number", "boolean", "null"],
                }),
            )
        })
        .collect();
    json!({
        "description": format!("A row of {}.", section.title()),
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    })
}

/// The generator every schema is made with: draft 2020-12, the settings
/// whose meta-schema editors' language servers know.
fn generator() -> SchemaGenerator {
    SchemaGenerator::new(SchemaSettings::draft2020_12())
}

/// Gives a generated schema its title and description, allows null
/// wherever the model reads one, and words each key's help for an editor.
fn finish(mut schema: Schema, title: &str, more: Option<&str>) -> Value {
    // The file itself is never null: an empty file is refused.
    transform_subschemas(
        &mut RecursiveTransform(|schema: &mut Schema| {
            allow_empty(schema);
            tidy(schema);
        }),
        &mut schema,
    );
    tidy(&mut schema);
    let mut schema = schema.to_value();
    if let Some(root) = schema.as_object_mut() {
        let description = root
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let description = match more {
            Some(more) => format!("{description} {more}").trim().to_string(),
            None => description,
        };
        root.insert("title".into(), title.into());
        root.insert("markdownDescription".into(), description.clone().into());
        root.insert("description".into(), description.into());
    }
    schema
}

/// Unwraps descriptions taken from doc comments, whose line breaks would
/// show as breaks mid-sentence in an editor's hover (a blank line still
/// parts paragraphs), and drops defaults: every default of a file shape is
/// "empty", which leaving the key out already means, and an editor's
/// completion would type `null` or `[]` out as the value.
fn tidy(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    object.remove("default");
    if let Some(Value::String(description)) = object.get_mut("description") {
        *description = description
            .split("\n\n")
            .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n\n");
        // Editors show `description` as plain text, backticks and all;
        // VS Code's YAML extension renders this one as Markdown instead.
        let markdown = description.clone();
        object.insert("markdownDescription".into(), markdown.into());
    }
}

/// Allows null for a list that may be empty, and for a mapping none of
/// whose keys is required: the model reads `speakers:` with nothing after
/// it as an empty list (and `attendance:` as an empty mapping), and editors
/// leave keys empty that way as placeholders.
fn allow_empty(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let nothing_required = object
        .get("required")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    let may_be_empty = object
        .get("minItems")
        .and_then(Value::as_u64)
        .is_none_or(|least| least == 0);
    let nullable = match object.get("type").and_then(Value::as_str) {
        Some("array") if may_be_empty => "array",
        Some("object") if nothing_required => "object",
        _ => return,
    };
    object.insert("type".into(), json!([nullable, "null"]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_optional_mappings_take_null() {
        let mut list = schemars::json_schema!({ "type": "array" });
        allow_empty(&mut list);
        assert_eq!(list.get("type"), Some(&json!(["array", "null"])));
        let mut required = schemars::json_schema!({ "type": "object", "required": ["name"] });
        allow_empty(&mut required);
        assert_eq!(required.get("type"), Some(&json!("object")));
        let mut at_least_one = schemars::json_schema!({ "type": "array", "minItems": 1 });
        allow_empty(&mut at_least_one);
        assert_eq!(at_least_one.get("type"), Some(&json!("array")));
        let mut text = schemars::json_schema!({ "type": "string" });
        allow_empty(&mut text);
        assert_eq!(text.get("type"), Some(&json!("string")));
    }

    #[test]
    fn descriptions_are_unwrapped_paragraph_by_paragraph() {
        let mut schema = schemars::json_schema!({
            "description": "One line\nwrapped.\n\nA second\n paragraph.",
            "default": null,
        });
        tidy(&mut schema);
        assert_eq!(
            schema.get("description"),
            Some(&json!("One line wrapped.\n\nA second paragraph."))
        );
        assert_eq!(schema.get("default"), None);
        assert_eq!(schema.get("markdownDescription"), schema.get("description"));
    }
}
