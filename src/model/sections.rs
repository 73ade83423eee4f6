//! Sections an editor adds in the layout, of the generic kinds: prose, a
//! table, a list.
//!
//! Their files have fixed keys (`body:` and `subsections:`, `rows:`,
//! `items:`); a table's row keys are the columns the layout declares. Every
//! empty body, cell or item, and every empty list, is a placeholder, as in
//! the built-in sections.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use super::field::SourceField;
use super::rich::{Block, Inline, Placeholder, RichText};
use super::{Context, Fact, SectionKind, SectionShape, decode};
use crate::diagnostics::{Diagnostic, closest};
use crate::sources::YamlDocument;

/// A section added in the layout, as its file gives it.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AddedSection {
    /// Flowing text with optional sub-sections.
    Prose {
        /// The text before any sub-section.
        body: RichText,
        /// The sub-sections, each with its heading.
        subsections: Vec<Subsection>,
        /// Where the text is written.
        body_field: SourceField,
    },
    /// Rows of cells, one cell per declared column, in column order.
    Table {
        /// The rows, or a placeholder while none is given.
        rows: Fact<Vec<Vec<Vec<Inline>>>>,
    },
    /// Items of a bulleted list.
    List {
        /// The items, or a placeholder while none is given.
        items: Fact<Vec<Vec<Inline>>>,
    },
}

/// A sub-section of a prose section.
#[derive(Debug, Clone, Serialize)]
pub struct Subsection {
    /// Its heading, a level below the section's.
    pub heading: String,
    /// Its heading in the primary language, which references to it are
    /// made from in every language.
    pub anchor_name: String,
    /// Its text.
    pub body: RichText,
    /// Where its heading and its text are written.
    pub fields: [SourceField; 2],
}

impl AddedSection {
    /// Every placeholder inside, in reading order.
    pub fn placeholders(&self) -> Vec<&Placeholder> {
        fn inline(content: &[Inline]) -> impl Iterator<Item = &Placeholder> {
            content.iter().filter_map(|inline| match inline {
                Inline::Placeholder(p) => Some(p),
                _ => None,
            })
        }
        let mut found = Vec::new();
        match self {
            AddedSection::Prose {
                body, subsections, ..
            } => {
                found.extend(body.placeholders());
                for subsection in subsections {
                    found.extend(subsection.body.placeholders());
                }
            }
            AddedSection::Table { rows } => {
                found.extend(rows.placeholder());
                for row in rows.given() {
                    for cell in row {
                        found.extend(inline(cell));
                    }
                }
            }
            AddedSection::List { items } => {
                found.extend(items.placeholder());
                for item in items.given() {
                    found.extend(inline(item));
                }
            }
        }
        found
    }
}

// The shapes of the files, as the editor writes them; their doc comments
// are what an editor's YAML extension shows for each key.

/// A prose section: text, and sub-sections with headings of their own.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ProseFile {
    /// The section's text, in Markdown: a blank line between paragraphs,
    /// `*italic*`, `**bold**`, `[text](https://...)`, lists with `- `. It
    /// may be left out when the section is made only of sub-sections.
    #[serde(default)]
    body: Option<String>,
    /// Sub-sections, each with `- heading:` and `body:`, listed under the
    /// section in the contents.
    #[serde(default)]
    #[schemars(with = "Vec<SubsectionFile>")]
    subsections: Vec<serde_yaml::Value>,
}

/// A sub-section of a prose section.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SubsectionFile {
    /// The sub-section's heading, e.g. `Consumer Education`.
    #[schemars(
        pattern(r"\S"),
        extend("patternErrorMessage" = "Write the heading the sub-section is listed under.")
    )]
    heading: String,
    /// Its text, in Markdown. Leave it empty while it is to be written:
    /// the report flags it.
    #[serde(default)]
    body: Option<String>,
}

/// A table section, its columns declared in the layout.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TableFile {
    /// The table's rows, one `- ` entry each, with one key per column. A
    /// cell left empty is flagged until it is written.
    // Each row's keys are the layout's columns, put in by `crate::schema`.
    #[schemars(with = "Vec<std::collections::BTreeMap<String, Option<String>>>")]
    rows: Vec<serde_yaml::Value>,
}

/// A list section: a bulleted list.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListFile {
    /// The list's items, one `- ` line each, one line of Markdown. An empty
    /// item is flagged until it is written.
    items: Vec<Option<String>>,
}

/// The JSON Schema of a file of a generic kind; see
/// [`super::file_schema`].
pub(super) fn file_schema(kind: SectionKind, generator: SchemaGenerator) -> Schema {
    match kind {
        SectionKind::Table => generator.into_root_schema_for::<TableFile>(),
        SectionKind::List => generator.into_root_schema_for::<ListFile>(),
        // As when the file is read: every other kind an added section may
        // have is prose.
        _ => generator.into_root_schema_for::<ProseFile>(),
    }
}

impl Context<'_> {
    /// Reads the file of a section added in the layout.
    pub(super) fn added_section(
        &mut self,
        shape: &SectionShape,
        doc: &YamlDocument,
    ) -> Option<AddedSection> {
        let what = format!("the {} section", shape.title);
        match shape.kind {
            SectionKind::Table => self.table(shape, doc, &what),
            SectionKind::List => {
                let file: ListFile = decode(doc, "", &doc.value, &what, self.problems)?;
                let items = file
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        self.inline_text(
                            item.as_deref(),
                            doc,
                            &format!("items[{i}]"),
                            &format!("Item {} of {}", i + 1, shape.title),
                        )
                    })
                    .collect();
                let items = Fact::entries(items, file.items.len(), || Placeholder {
                    origin: Default::default(),
                    note: format!(
                        "The {} section is still to be written: it lists no item",
                        shape.title
                    ),
                    location: doc.key_location("items"),
                });
                Some(AddedSection::List { items })
            }
            // Built-in kinds never reach here; the layout gives every added
            // section a generic kind, and prose is the one left.
            _ => {
                let file: ProseFile = decode(doc, "", &doc.value, &what, self.problems)?;
                let mut subsections = Vec::new();
                for (i, value) in file.subsections.iter().enumerate() {
                    let path = format!("subsections[{i}]");
                    let Some(sub) =
                        decode::<SubsectionFile>(doc, &path, value, "a sub-section", self.problems)
                    else {
                        continue;
                    };
                    let heading =
                        self.translated_line(&sub.heading, doc, &format!("{path}.heading"));
                    if heading.is_empty() {
                        self.problems.push(
                            Diagnostic::error(format!(
                                "sub-section {} of {} has no heading",
                                i + 1,
                                shape.title
                            ))
                            .at(doc.location(&format!("{path}.heading")))
                            .with_hint(
                                "write the heading the sub-section is listed under in the contents",
                            ),
                        );
                    }
                    let body = self.prose(
                        sub.body.as_deref(),
                        doc,
                        &format!("{path}.body"),
                        &format!("The text of {heading}"),
                    );
                    let anchor_name = doc
                        .primary_text(&format!("{path}.heading"))
                        .map_or_else(|| heading.clone(), str::to_string);
                    subsections.push(Subsection {
                        heading,
                        anchor_name,
                        body,
                        fields: [
                            self.plain_field(doc, &format!("{path}.heading"), Some(&sub.heading)),
                            self.source_field(doc, &format!("{path}.body"), sub.body.as_deref()),
                        ],
                    });
                }
                // A section made only of sub-sections needs no text of its own.
                let body = if file.body.is_none() && !subsections.is_empty() {
                    RichText::default()
                } else {
                    self.prose(
                        file.body.as_deref(),
                        doc,
                        "body",
                        &format!("The text of {}", shape.title),
                    )
                };
                Some(AddedSection::Prose {
                    body,
                    subsections,
                    body_field: self.source_field(doc, "body", file.body.as_deref()),
                })
            }
        }
    }

    fn table(
        &mut self,
        shape: &SectionShape,
        doc: &YamlDocument,
        what: &str,
    ) -> Option<AddedSection> {
        let file: TableFile = decode(doc, "", &doc.value, what, self.problems)?;
        let mut rows = Vec::new();
        for (i, value) in file.rows.iter().enumerate() {
            let path = format!("rows[{i}]");
            let Some(row) = decode::<serde_yaml::Mapping>(
                doc,
                &path,
                value,
                &format!("a row of {}", shape.title),
                self.problems,
            ) else {
                continue;
            };
            let mut readable = true;
            for key in row.keys() {
                let name = key.as_str().unwrap_or_default();
                if !shape.columns.iter().any(|c| c == name) {
                    readable = false;
                    let diagnostic = Diagnostic::error(format!(
                        "unknown column `{}` in a row of {}",
                        serde_yaml::to_string(key).unwrap_or_default().trim(),
                        shape.title
                    ))
                    .at(doc.key_location(&format!("{path}.{name}")));
                    self.problems.push(
                        match closest(name, shape.columns.iter().map(String::as_str)) {
                            Some(column) => {
                                diagnostic.with_hint(format!("did you mean `{column}`?"))
                            }
                            None => diagnostic.with_hint(format!(
                                "the layout declares these columns: {}",
                                shape.columns.join(", ")
                            )),
                        },
                    );
                }
            }
            let mut cells = Vec::new();
            for column in &shape.columns {
                let cell_path = format!("{path}.{column}");
                let text = match row.get(column.as_str()) {
                    None | Some(serde_yaml::Value::Null) => None,
                    Some(serde_yaml::Value::String(s)) => Some(s.clone()),
                    Some(serde_yaml::Value::Number(n)) => Some(n.to_string()),
                    Some(serde_yaml::Value::Bool(b)) => Some(b.to_string()),
                    Some(_) => {
                        readable = false;
                        self.problems.push(
                            Diagnostic::error(format!("the `{column}` cell must be text"))
                                .at(doc.location(&cell_path))
                                .with_hint("a cell holds one line of text; quote it if it starts with [ or {"),
                        );
                        None
                    }
                };
                cells.push(self.inline_text(
                    text.as_deref(),
                    doc,
                    &cell_path,
                    &format!("The `{column}` cell of row {} of {}", i + 1, shape.title),
                ));
            }
            if readable {
                rows.push(cells);
            }
        }
        let rows = Fact::entries(rows, file.rows.len(), || Placeholder {
            origin: Default::default(),
            note: format!(
                "The {} section is still to be written: it has no row",
                shape.title
            ),
            location: doc.key_location("rows"),
        });
        Some(AddedSection::Table { rows })
    }

    /// One line of Markdown inline text, as a cell or list item holds: a
    /// placeholder when empty, an error when it holds blocks.
    fn inline_text(
        &mut self,
        text: Option<&str>,
        doc: &YamlDocument,
        path: &str,
        what: &str,
    ) -> Vec<Inline> {
        let parsed = self.prose(text, doc, path, what);
        match parsed.blocks.as_slice() {
            [Block::Paragraph { content }] => content.clone(),
            _ => {
                self.problems.push(
                    Diagnostic::error(format!("`{path}` holds more than one line of text"))
                        .at(doc.location(path))
                        .with_hint("a cell or a list item is one paragraph: no blank lines, lists or quotes inside it"),
                );
                Vec::new()
            }
        }
    }
}
