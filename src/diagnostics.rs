//! The one diagnostics type of the pipeline, and its rustc-style printer.
//!
//! Every stage reports problems as [`Diagnostic`]s into a [`Diagnostics`]
//! list instead of returning early, so that an editor sees every problem of a
//! run at once. A diagnostic points at a [`Location`] in a file the editor
//! owns (a YAML source or a layout template), never at generated code.

use std::fmt::{self, Write as _};
use std::io::{BufRead as _, Read as _};
use std::path::{Path, PathBuf};

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Information the editor asked for, such as what a reference resolves
    /// to in `report check`.
    Note,
    /// Something the editor should know, such as a placeholder in a draft.
    Warning,
    /// Something that stops the report from being built or checked clean.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A position in a file, 1-based like editors show it.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Location {
    /// The file, relative to the project root where possible.
    pub file: PathBuf,
    /// Line number, starting at 1; 0 when only the file is known.
    pub line: usize,
    /// Column number in characters, starting at 1; 0 when unknown.
    pub column: usize,
}

impl Location {
    /// A location naming a whole file, for problems such as "file missing".
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            file: path.into(),
            line: 0,
            column: 0,
        }
    }

    /// A location at a line and column of a file.
    pub fn at(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Self {
            file: path.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        Ok(())
    }
}

/// One problem found in a run, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether this stops the build.
    pub severity: Severity,
    /// What is wrong, in the editor's terms.
    pub message: String,
    /// Where it is, when it is somewhere in particular.
    pub location: Option<Location>,
    /// What to do about it.
    pub hint: Option<String>,
    /// What kind of problem it is, for tools that pick some out (as
    /// `report placeholders` does); not printed.
    pub code: Option<&'static str>,
}

impl Diagnostic {
    /// Whether `other` reports what this does: the same kind of problem at
    /// the same place. Placeholders compare by place alone, since their
    /// notes name things in the language the report was read in.
    pub fn same_problem(&self, other: &Diagnostic) -> bool {
        self.severity == other.severity
            && self.code == other.code
            && self.location == other.location
            && (self.message == other.message
                || (self.code == Some(crate::check::PLACEHOLDER)
                    && self.location.as_ref().is_some_and(|l| l.line > 0)))
    }

    /// An error with a message and no location yet.
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            hint: None,
            code: None,
        }
    }

    /// A warning with a message and no location yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            message: message.into(),
            location: None,
            hint: None,
            code: None,
        }
    }

    /// A note with a message and no location yet.
    pub fn note(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Note,
            ..Self::warning(message)
        }
    }

    /// Attaches the place the problem is at.
    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Marks the kind of problem.
    #[must_use]
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// Attaches advice on what to do.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Prints the diagnostic the way rustc and typst do, quoting the source
    /// line under the message when the file can be read.
    ///
    /// `root` is the folder relative paths are resolved against.
    pub fn render(&self, root: &Path) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}: {}", self.severity, self.message);
        if let Some(location) = &self.location {
            let _ = writeln!(out, "  --> {location}");
            if let Some(line_text) = source_line(root, location) {
                let number = location.line.to_string();
                let gutter = " ".repeat(number.len());
                let _ = writeln!(out, "{gutter} |");
                let _ = writeln!(out, "{number} | {line_text}");
                let caret_pad = " ".repeat(location.column.saturating_sub(1));
                let _ = writeln!(out, "{gutter} | {caret_pad}^");
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = hint: {hint}");
        }
        out
    }
}

/// How much of a file is read to quote one of its lines.
const QUOTE_READ_LIMIT: u64 = 8 * 1024 * 1024;

/// Reads the quoted line for a location, tabs shown as single spaces so the
/// caret stays under the right character.
fn source_line(root: &Path, location: &Location) -> Option<String> {
    if location.line == 0 || !is_quotable(&location.file) {
        return None;
    }
    let path = if location.file.is_absolute() {
        location.file.clone()
    } else {
        root.join(&location.file)
    };
    // Read only up to the quoted line, and never more than a bound of our
    // own: the file may be the very one refused for its size.
    let file = std::fs::File::open(&path).ok()?;
    let mut reader = std::io::BufReader::new(file.take(QUOTE_READ_LIMIT));
    let mut bytes = Vec::new();
    for _ in 0..location.line {
        bytes.clear();
        if reader.read_until(b'\n', &mut bytes).ok()? == 0 {
            return None;
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    let line = text.trim_end_matches(['\n', '\r']);
    let shown: String = line
        .chars()
        .map(|c| if c == '\t' || c.is_control() { ' ' } else { c })
        .collect();
    Some(shown.chars().take(160).collect())
}

/// The kinds of file whose lines a message may quote: the editor's YAML
/// and the layout's templates. A registration export (CSV) holds names and
/// e-mail addresses, which must never reach a terminal or a log, so a
/// problem located in one shows its line number only; so does any other
/// kind of file, should one ever be located.
const QUOTED_EXTENSIONS: [&str; 3] = ["yaml", "yml", "hbs"];

/// Whether a message may quote lines of `file`.
fn is_quotable(file: &Path) -> bool {
    file.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| QUOTED_EXTENSIONS.iter().any(|q| e.eq_ignore_ascii_case(q)))
}

/// The problems collected during a run, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds all problems of another list.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// Whether any problem stops the build.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many problems have the given severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// The problems, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Turns every warning into an error, as `--final` asks.
    pub fn promote_warnings(&mut self) {
        for item in &mut self.items {
            item.severity = Severity::Error;
        }
    }

    /// Prints every problem, then a summary line such as rustc's.
    pub fn render(&self, root: &Path) -> String {
        let mut out = String::new();
        for item in &self.items {
            out.push_str(&item.render(root));
            out.push('\n');
        }
        let errors = self.count(Severity::Error);
        let warnings = self.count(Severity::Warning);
        if errors + warnings > 0 {
            let _ = writeln!(
                out,
                "{} error{}, {} warning{}",
                errors,
                plural(errors),
                warnings,
                plural(warnings)
            );
        }
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Suggests the closest known name to a misspelt one, for "did you mean".
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_yaml_lines_but_never_a_csv_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), "key: value\n").unwrap();
        std::fs::write(
            dir.path().join("registrations.csv"),
            "Name,Email\r\nJane Roe,jane@example.org\r\n",
        )
        .unwrap();
        let yaml = Diagnostic::error("bad").at(Location::at("a.yaml", 1, 6));
        assert!(yaml.render(dir.path()).contains("1 | key: value"));
        let csv = Diagnostic::error("bad row").at(Location::at("registrations.csv", 2, 0));
        let shown = csv.render(dir.path());
        assert!(shown.contains("--> registrations.csv:2"), "{shown}");
        assert!(!shown.contains("jane"), "{shown}");
        assert!(!shown.contains("Jane"), "{shown}");
    }

    #[test]
    fn suggests_near_names_only() {
        assert_eq!(
            closest("introduktion", ["introduction", "discussion"]),
            Some("introduction")
        );
        assert_eq!(closest("zzz", ["introduction", "discussion"]), None);
    }
}
