//! Stage 1: reading the editor's YAML files, with the position of every node.
//!
//! `serde_yaml` decides what a file means; a second, event-level pass with
//! `yaml-rust2` records where each key and value starts, because serde gives
//! positions only for the first error it meets. Later stages look positions
//! up by the same dotted path that `serde_path_to_error` prints
//! (`groups[0].introduction`), so one scheme serves errors and placeholders.
//!
//! [`registrations`] reads the one source that is not YAML: an event
//! platform's export of the registrations, of which it keeps three columns.

pub mod edit;
pub mod localize;
pub mod registrations;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::{Diagnostic, Location};

/// The largest source file accepted; a report section is a few kilobytes, so
/// anything near this is a mistake, and refusing it keeps memory bounded.
pub const MAX_SOURCE_BYTES: u64 = 4 * 1024 * 1024;

/// How deep lists and mappings may nest in a source: serde_yaml's own
/// recursion limit, which refuses deeper documents before they cost stack.
pub const MAX_YAML_NESTING: usize = 128;

/// A YAML file as read from disk, cleaned of a byte-order mark and CRLF.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path shown in diagnostics, relative to the project root.
    pub display_path: PathBuf,
    /// The text, with `\r\n` turned into `\n`.
    pub text: String,
}

/// A parsed YAML document with the position of every node.
#[derive(Debug, Clone)]
pub struct YamlDocument {
    /// The file it came from (shared by the document's readings in each
    /// language, see [`localize`]).
    pub file: Arc<SourceFile>,
    /// What the file says.
    pub value: serde_yaml::Value,
    /// Shared likewise: a reading in a language copies them only to add
    /// the positions of the entries it chose.
    positions: Arc<HashMap<String, NodePosition>>,
    /// What each map by language held, once read in one language.
    translations: HashMap<String, localize::Translation>,
    /// The language it was read in, if any (see [`localize`]).
    language: Option<crate::language::Language>,
}

/// Where a node starts, and how its text was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodePosition {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Whether the value is a `|` or `>` block, whose text starts a line
    /// below the marker.
    pub block_scalar: bool,
}

impl YamlDocument {
    /// The location of the value at `path` (`""` is the whole document), or
    /// of its nearest parent that has one.
    pub fn location(&self, path: &str) -> Location {
        let mut probe = path.to_string();
        loop {
            if let Some(position) = self.positions.get(&probe) {
                return Location::at(&self.file.display_path, position.line, position.column);
            }
            match parent_path(&probe) {
                Some(parent) => probe = parent,
                None => return Location::at(&self.file.display_path, 1, 1),
            }
        }
    }

    /// Whether the document has a node at `path`.
    pub fn has(&self, path: &str) -> bool {
        self.positions.contains_key(path)
    }

    /// The location of the key that introduces `path`, such as `name:`,
    /// falling back to the value's location.
    pub fn key_location(&self, path: &str) -> Location {
        match self.positions.get(&format!("{path}{KEY_MARK}")) {
            Some(p) => Location::at(&self.file.display_path, p.line, p.column),
            None => self.location(path),
        }
    }

    /// The location of line `line_in_text` (0-based) of the text at `path`.
    pub fn text_line_location(&self, path: &str, line_in_text: usize) -> Location {
        match self.positions.get(path) {
            Some(p) if p.block_scalar => Location::at(
                &self.file.display_path,
                p.line + 1 + line_in_text,
                block_indent(&self.file.text, p.line + 1 + line_in_text),
            ),
            Some(p) => Location::at(&self.file.display_path, p.line + line_in_text, p.column),
            None => self.location(path),
        }
    }
}

/// The column where the text of a block scalar's line starts.
fn block_indent(text: &str, line: usize) -> usize {
    text.lines()
        .nth(line.saturating_sub(1))
        .map_or(1, |l| l.chars().take_while(|c| *c == ' ').count() + 1)
}

/// What marks a key's own position in the index, apart from its value's.
const KEY_MARK: &str = "#key";

/// The parent of a dotted path: `a.b[2]` → `a.b` → `a` → `""`.
fn parent_path(path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(path[..cut].to_string())
}

/// Reads a source file, refusing what cannot be a report section.
pub fn read_source(root: &Path, relative: &Path) -> Result<SourceFile, Diagnostic> {
    let full = root.join(relative);
    let location = Location::file(relative);
    let cannot_read = |e: std::io::Error| {
        Diagnostic::error(format!(
            "cannot read {}: {}",
            relative.display(),
            io_reason(&e)
        ))
        .at(location.clone())
    };
    let metadata = std::fs::metadata(&full).map_err(cannot_read)?;
    refuse_outside_project(root, relative)?;
    if metadata.is_dir() {
        return Err(Diagnostic::error(format!(
            "{} is a folder, not a YAML file",
            relative.display()
        ))
        .at(location));
    }
    if metadata.len() > MAX_SOURCE_BYTES {
        return Err(Diagnostic::error(format!(
            "{} is {:.1} MB, larger than the {} MB a report source may be",
            relative.display(),
            metadata.len() as f64 / 1_048_576.0,
            MAX_SOURCE_BYTES / 1_048_576
        ))
        .at(location)
        .with_hint(
            "a section is a few kilobytes of text; check that the right file was saved here",
        ));
    }
    let bytes = std::fs::read(&full).map_err(cannot_read)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let column = valid
                .rsplit('\n')
                .next()
                .unwrap_or_default()
                .chars()
                .count()
                + 1;
            return Err(
                Diagnostic::error(format!("{} is not UTF-8 text", relative.display()))
                    .at(Location::at(relative, line, column))
                    .with_hint(
                        "save the file as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)",
                    ),
            );
        }
    };
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(Diagnostic::error(format!("{} is empty", relative.display()))
            .at(Location::at(relative, 1, 1))
            .with_hint("write the section's keys into it (schemas/ lists them); a section the layout does not require may be deleted instead"));
    }
    Ok(SourceFile {
        display_path: relative.to_path_buf(),
        text,
    })
}

/// Refuses a path that leads, through a symbolic link, outside the
/// project: the tool reads the project's own files and nothing else.
pub(crate) fn refuse_outside_project(root: &Path, relative: &Path) -> Result<(), Diagnostic> {
    let full = root.join(relative);
    if let (Ok(real), Ok(real_root)) = (full.canonicalize(), root.canonicalize())
        && !real.starts_with(&real_root)
    {
        return Err(Diagnostic::error(format!(
            "{} leads outside the project (to {})",
            relative.display(),
            real.display()
        ))
        .at(Location::file(relative))
        .with_hint(
            "sources must be files inside the project; copy the file here instead of linking to it",
        ));
    }
    Ok(())
}

/// An I/O error in an editor's words.
pub(crate) fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

/// Parses a source file as YAML, recording positions.
pub fn parse_yaml(file: SourceFile) -> Result<YamlDocument, Diagnostic> {
    let value: serde_yaml::Value = serde_yaml::from_str(&file.text).map_err(|error| {
        if error
            .to_string()
            .contains("control characters are not allowed")
            && let Some(control) = control_character(&file)
        {
            return control;
        }
        // serde_yaml places a repeated key at its mapping's start.
        let repeated = error
            .to_string()
            .contains("duplicate entry with key ")
            .then(|| repeated_key(&file.text))
            .flatten();
        let location = repeated
            .or_else(|| error.location().map(|l| (l.line(), l.column())))
            .map(|(line, column)| Location::at(&file.display_path, line, column))
            .or_else(|| {
                if error.to_string().contains("recursion limit exceeded") {
                    too_deep(&file.text)
                } else {
                    first_alias(&file.text)
                }
                .map(|(l, c)| Location::at(&file.display_path, l, c))
            })
            .unwrap_or_else(|| Location::file(&file.display_path));
        let hint = yaml_hint(&file.text, &error, &location);
        let message = yaml_message(&error);
        let mut diagnostic = Diagnostic::error(message).at(location);
        if let Some(hint) = hint {
            diagnostic = diagnostic.with_hint(hint);
        }
        diagnostic
    })?;
    let mut recorder = PositionRecorder::default();
    let mut parser = Parser::new_from_str(&file.text);
    // serde_yaml accepted the text, so this pass cannot disagree on structure;
    // if it fails anyway, positions fall back to the start of the file.
    let _ = parser.load(&mut recorder, false);
    Ok(YamlDocument {
        file: Arc::new(file),
        value,
        positions: Arc::new(recorder.positions),
        translations: HashMap::new(),
        language: None,
    })
}

/// The first character of `file` that YAML allows nowhere, even quoted: a
/// control character other than tab and line ends. serde_yaml names only
/// its byte offset. Word pastes U+000B for a line break typed with
/// Shift+Enter, so that one is named.
fn control_character(file: &SourceFile) -> Option<Diagnostic> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{85}');
    let (line, text) = file
        .text
        .lines()
        .enumerate()
        .find(|(_, text)| text.chars().any(|c| c.is_control() && !allowed(c)))?;
    let (column, c) = text
        .chars()
        .enumerate()
        .find(|&(_, c)| c.is_control() && !allowed(c))?;
    let what = match c {
        '\u{B}' => " (a line break pasted from Word)",
        _ => "",
    };
    Some(
        Diagnostic::error(format!(
            "a control character, U+{:04X}{what}, which YAML does not allow",
            u32::from(c)
        ))
        .at(Location::at(&file.display_path, line + 1, column + 1))
        .with_hint(
            "delete it; for a new line in a text, start a new line of a `|` block, \
             or write \\n inside a \"double-quoted\" value",
        ),
    )
}

/// The line and column where lists and mappings first nest deeper than
/// [`MAX_YAML_NESTING`], which serde_yaml refuses without a position.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    /// Follows the nesting depth through the parser's events.
    struct DepthFinder {
        depth: usize,
        found: Option<(usize, usize)>,
    }
    impl MarkedEventReceiver for DepthFinder {
        fn on_event(&mut self, event: Event, mark: Marker) {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    self.depth += 1;
                    if self.depth > MAX_YAML_NESTING && self.found.is_none() {
                        self.found = Some((mark.line(), mark.col() + 1));
                    }
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    self.depth = self.depth.saturating_sub(1);
                }
                _ => {}
            }
        }
    }
    let mut finder = DepthFinder {
        depth: 0,
        found: None,
    };
    // The parser keeps its own stack on the heap, so any depth is safe here;
    // a syntax error further on does not matter once the place is found.
    let _ = Parser::new_from_str(text).load(&mut finder, false);
    finder.found
}

/// The line and column of the first key written a second time in the same
/// mapping, which serde_yaml refuses at the mapping's start.
fn repeated_key(text: &str) -> Option<(usize, usize)> {
    /// A collection being read: a mapping with its keys so far and whether
    /// its next node is a key, or a list.
    enum Open {
        Mapping {
            keys: std::collections::HashSet<String>,
            next_is_key: bool,
        },
        List,
    }
    /// Follows mappings through the parser's events.
    struct RepeatFinder {
        open: Vec<Open>,
        found: Option<(usize, usize)>,
    }
    impl RepeatFinder {
        /// A node ended in the innermost collection: a key or a value.
        fn node(&mut self, key: Option<&str>, mark: Marker) {
            if let Some(Open::Mapping { keys, next_is_key }) = self.open.last_mut() {
                if *next_is_key
                    && let Some(key) = key
                    && !keys.insert(key.to_string())
                    && self.found.is_none()
                {
                    self.found = Some((mark.line(), mark.col() + 1));
                }
                *next_is_key = !*next_is_key;
            }
        }
    }
    impl MarkedEventReceiver for RepeatFinder {
        fn on_event(&mut self, event: Event, mark: Marker) {
            match event {
                Event::Scalar(value, ..) => self.node(Some(&value), mark),
                Event::Alias(_) => self.node(None, mark),
                Event::MappingStart(..) => self.open.push(Open::Mapping {
                    keys: std::collections::HashSet::new(),
                    next_is_key: true,
                }),
                Event::SequenceStart(..) => self.open.push(Open::List),
                Event::MappingEnd | Event::SequenceEnd => {
                    self.open.pop();
                    self.node(None, mark);
                }
                _ => {}
            }
        }
    }
    let mut finder = RepeatFinder {
        open: Vec::new(),
        found: None,
    };
    let _ = Parser::new_from_str(text).load(&mut finder, false);
    finder.found
}

/// The line and column of the first alias (`*name`), where an expansion
/// that serde_yaml gives no position for begins.
fn first_alias(text: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let chars: Vec<char> = line.chars().collect();
        (0..chars.len()).find_map(|i| {
            let before_ok = i == 0 || matches!(chars[i - 1], ' ' | '[' | ',' | '{');
            let after_ok = chars
                .get(i + 1)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_');
            (chars[i] == '*' && before_ok && after_ok).then_some((index + 1, i + 1))
        })
    })
}

/// Rewords serde_yaml's messages into an editor's terms, without the
/// position suffix that the diagnostic shows on its own.
fn yaml_message(error: &serde_yaml::Error) -> String {
    let raw = error.to_string();
    let raw = match raw.find(" at line ") {
        Some(cut) => raw[..cut].to_string(),
        None => raw,
    };
    if raw.contains("recursion limit exceeded") {
        return format!(
            "the YAML nests lists and mappings more than {MAX_YAML_NESTING} levels deep"
        );
    }
    if raw.contains("repetition limit exceeded") {
        return "the YAML aliases expand too far (an alias bomb?)".into();
    }
    // serde_yaml starts with the mapping's path when it is not the top one.
    if let Some((_, rest)) = raw.split_once("duplicate entry with key ") {
        return format!("the key {rest} is written twice in the same place");
    }
    format!("this is not valid YAML: {raw}")
}

fn yaml_hint(text: &str, error: &serde_yaml::Error, location: &Location) -> Option<String> {
    let raw = error.to_string();
    if raw.contains("recursion limit") {
        return Some(format!(
            "a report source nests a few levels at most; {MAX_YAML_NESTING} is the limit: look for runs of [ or {{ or of ever deeper indentation"
        ));
    }
    if raw.contains("repetition limit") {
        return Some("write the text out instead of repeating anchors (&name / *name)".into());
    }
    if raw.contains("duplicate entry") {
        return Some("keep one of the two entries and delete the other".into());
    }
    let line = text
        .lines()
        .nth(location.line.saturating_sub(1))
        .unwrap_or_default();
    if line.contains('\t') || raw.contains("tab") {
        return Some(
            "YAML indents with spaces only: replace the tab characters with spaces".into(),
        );
    }
    if raw.contains("mapping values are not allowed") {
        return Some("a value containing \": \" must be quoted, e.g. title: \"Note: text\"".into());
    }
    Some("check the indentation and quoting near this line; text with : # [ ] { } at its start belongs in quotes".into())
}

/// Builds the path → position index from parser events.
#[derive(Default)]
struct PositionRecorder {
    positions: HashMap<String, NodePosition>,
    stack: Vec<Frame>,
    /// The line of the key whose value is being read, if any.
    last_key_line: Option<usize>,
}

enum Frame {
    Mapping {
        path: String,
        pending_key: Option<String>,
    },
    Sequence {
        path: String,
        next_index: usize,
    },
}

impl PositionRecorder {
    /// Works out the path of the node starting now, recording a key instead
    /// when the node is in a mapping's key position.
    fn next_path(&mut self, scalar_key: Option<&str>, mark: Marker) -> Option<String> {
        let position = NodePosition {
            line: mark.line(),
            column: mark.col() + 1,
            block_scalar: false,
        };
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Sequence { path, next_index }) => {
                let child = format!("{path}[{next_index}]");
                *next_index += 1;
                Some(child)
            }
            Some(Frame::Mapping { path, pending_key }) => match pending_key.take() {
                Some(key) => {
                    let child = join_key(path, &key);
                    self.last_key_line = self
                        .positions
                        .get(&format!("{child}{KEY_MARK}"))
                        .map(|p| p.line);
                    Some(child)
                }
                None => {
                    // A key. Complex keys are not used in report sources, so
                    // a non-scalar key is simply given an unusable name.
                    let key = scalar_key.unwrap_or("?").to_string();
                    let key_path = format!("{}{KEY_MARK}", join_key(path, &key));
                    self.positions.insert(key_path, position);
                    *pending_key = Some(key);
                    None
                }
            },
        }
    }
}

fn join_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl MarkedEventReceiver for PositionRecorder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let position = NodePosition {
            line: mark.line(),
            column: mark.col() + 1,
            block_scalar: false,
        };
        match event {
            Event::Scalar(text, style, _, _) => {
                self.last_key_line = None;
                if let Some(path) = self.next_path(Some(&text), mark) {
                    let block_scalar = matches!(
                        style,
                        yaml_rust2::scanner::TScalarStyle::Literal
                            | yaml_rust2::scanner::TScalarStyle::Folded
                    );
                    // The parser marks a block scalar where it ends; its
                    // header (`|` or `>`) stands on its key's line.
                    let position = match (block_scalar, self.last_key_line) {
                        (true, Some(line)) => NodePosition {
                            line,
                            column: 1,
                            block_scalar,
                        },
                        _ => NodePosition {
                            block_scalar,
                            ..position
                        },
                    };
                    self.positions.insert(path, position);
                }
            }
            Event::Alias(_) => {
                if let Some(path) = self.next_path(None, mark) {
                    self.positions.insert(path, position);
                }
            }
            Event::MappingStart(..) => {
                let path = self.next_path(None, mark).unwrap_or_default();
                self.positions.insert(path.clone(), position);
                self.stack.push(Frame::Mapping {
                    path,
                    pending_key: None,
                });
            }
            Event::SequenceStart(..) => {
                let path = self.next_path(None, mark).unwrap_or_default();
                self.positions.insert(path.clone(), position);
                self.stack.push(Frame::Sequence {
                    path,
                    next_index: 0,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

/// A document parsed from `text`, as if read from `t.yaml`, for unit
/// tests of what reads documents.
#[cfg(test)]
pub(crate) fn parse_text(text: &str) -> YamlDocument {
    parse_yaml(SourceFile {
        display_path: "t.yaml".into(),
        text: text.into(),
    })
    .expect("valid YAML")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> YamlDocument {
        parse_text(text)
    }

    #[test]
    fn records_nested_positions() {
        let doc = parse("a: 1\nlist:\n  - x: one\n    y: |\n      two\n      three\n");
        assert_eq!(doc.location("a").to_string(), "t.yaml:1:4");
        assert_eq!(doc.key_location("list").to_string(), "t.yaml:2:1");
        assert_eq!(doc.location("list[0].x").to_string(), "t.yaml:3:8");
        assert_eq!(
            doc.text_line_location("list[0].y", 1).to_string(),
            "t.yaml:6:7"
        );
        assert_eq!(doc.location("list[0].missing").line, 3);
        assert_eq!(doc.key_location("list[0].x").to_string(), "t.yaml:3:5");
    }

    #[test]
    fn parent_paths_walk_up() {
        assert_eq!(parent_path("a.b[2]").as_deref(), Some("a.b"));
        assert_eq!(parent_path("a").as_deref(), Some(""));
        assert_eq!(parent_path(""), None);
    }
}
