//! `report pull FILE.docx`: what rapporteurs typed into the DOCX's fields
//! goes back into the YAML sources.
//!
//! The DOCX names, in its custom properties, each field's source file and
//! path with two fingerprints: of the YAML text it was built from and of
//! the field's text as built ([`crate::render::docx::fields`]). So pull
//! knows, per field, whether the YAML changed since the build, whether the
//! DOCX did, and writes only where the DOCX alone changed; where both did,
//! it reports a conflict and leaves that file alone.
//!
//! YAML is edited only through [`crate::sources::edit`], which keeps every
//! other byte of the file and checks its own result.

pub mod docx;
pub mod entries;
/// References to other reports, given back their source form.
mod references;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::field::fingerprint;
use crate::render::docx::fields::{
    ENTRY_NAME_PROPERTY, ENTRY_PROPERTY, FLAG_PROPERTY, OUTSIDE_PROPERTY, PLAIN_FIELD_PREFIX,
    REPORT_PROPERTY, outside_fingerprint,
};
use crate::sources::{self, SourceFile, YamlDocument, edit};
use crate::{DATA_DIR, Outcome, Project};

use self::docx::{DocxParts, FIELD_BOOKMARK_PREFIX, parse_xml};
use self::entries::{EntryRecord, Placement, split_entry};

/// Which side wins where a field changed in both the YAML and the DOCX.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Keep the YAML's text.
    Ours,
    /// Take the DOCX's text.
    Theirs,
}

/// How to pull.
#[derive(Debug, Clone, Default)]
pub struct PullOptions {
    /// Print the changes as a diff and write nothing.
    pub dry_run: bool,
    /// Resolve conflicts this way instead of refusing them.
    pub side: Option<Side>,
}

/// What a pull did.
#[derive(Debug)]
pub struct PullSummary {
    /// Conflicts, refusals, text not pulled, formatting dropped.
    pub diagnostics: Diagnostics,
    /// How it ended.
    pub outcome: Outcome,
    /// The sources written.
    pub written: Vec<PathBuf>,
    /// The changes, as a unified diff per file.
    pub diff: String,
}

/// One field of the DOCX, as its property names it.
struct FieldEntry {
    bookmark: String,
    /// Plain text, taken back as it reads rather than as Markdown.
    plain: bool,
    file: PathBuf,
    path: String,
    source: u64,
    built: u64,
}

fn parse_field(bookmark: &str, value: &str) -> Option<FieldEntry> {
    let (plain, value) = match value.strip_prefix(PLAIN_FIELD_PREFIX) {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let (location, hashes) = value.rsplit_once('@')?;
    let (file, path) = location.split_once('#')?;
    let (source, built) = hashes.split_once('.')?;
    Some(FieldEntry {
        bookmark: bookmark.to_string(),
        plain,
        file: PathBuf::from(file),
        path: path.to_string(),
        source: u64::from_str_radix(source, 16).ok()?,
        built: u64::from_str_radix(built, 16).ok()?,
    })
}

/// The custom properties of a DOCX, by name.
fn properties(custom: Option<&str>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(root) = custom.and_then(|c| parse_xml(c).ok()) {
        for p in root.elements().filter(|e| e.name == "property") {
            if let Some(name) = p.attribute("name") {
                let value = p
                    .elements()
                    .next()
                    .map(|v| v.text_or_own())
                    .unwrap_or_default();
                out.insert(name.to_string(), value);
            }
        }
    }
    out
}

impl docx::Element {
    /// The element's own character data.
    fn text_or_own(&self) -> String {
        self.children
            .iter()
            .filter_map(|n| match n {
                docx::Node::Text(t) => Some(t.as_str()),
                docx::Node::Element(_) => None,
            })
            .collect()
    }
}

/// A short quote of `text` for a message.
fn quote(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 120 {
        format!("“{}…”", one_line.chars().take(120).collect::<String>())
    } else {
        format!("“{one_line}”")
    }
}

/// Pulls the fields of the DOCX at `docx_path` into the project's sources.
pub fn pull(project: &Project, docx_path: &Path, options: &PullOptions) -> PullSummary {
    let mut diagnostics = Diagnostics::new();
    let refuse = |diagnostics: &mut Diagnostics, d: Diagnostic, outcome: Outcome| {
        diagnostics.push(d);
        PullSummary {
            diagnostics: std::mem::take(diagnostics),
            outcome,
            written: Vec::new(),
            diff: String::new(),
        }
    };
    let shown = Location::file(docx_path);
    let bytes = match std::fs::read(docx_path) {
        Ok(b) => b,
        Err(e) => {
            return refuse(
                &mut diagnostics,
                Diagnostic::error(format!("cannot read {}: {e}", docx_path.display())).at(shown),
                Outcome::Unreadable,
            );
        }
    };
    let Some(parts) = DocxParts::from_zip(&bytes) else {
        return refuse(
            &mut diagnostics,
            Diagnostic::error(format!("{} is not a DOCX file", docx_path.display())).at(shown),
            Outcome::Unreadable,
        );
    };
    let props = properties(parts.custom.as_deref());
    let Some(report) = props.get(REPORT_PROPERTY).cloned() else {
        return refuse(
            &mut diagnostics,
            Diagnostic::error(format!(
                "{} was not made by `report build`: it names no report and no fields",
                docx_path.display()
            ))
            .at(shown)
            .with_hint("pull reads back only a DOCX this tool built (out/NAME.docx), edited in Word or LibreOffice"),
            Outcome::Unreadable,
        );
    };
    let known = project.report_names().unwrap_or_default();
    if !known.contains(&report) {
        return refuse(
            &mut diagnostics,
            Diagnostic::error(format!(
                "{} was made for the report `{report}`, which this project does not have",
                docx_path.display()
            ))
            .at(shown)
            .with_hint(format!("the reports here are: {}", known.join(", "))),
            Outcome::Unreadable,
        );
    }
    let flag = props.get(FLAG_PROPERTY).cloned().unwrap_or_default();
    let reading = match docx::read(&parts, &flag) {
        Ok(r) => r,
        Err(e) => {
            return refuse(
                &mut diagnostics,
                Diagnostic::error(format!(
                    "cannot read the text of {}: {e}",
                    docx_path.display()
                ))
                .at(shown),
                Outcome::Unreadable,
            );
        }
    };
    let report_dir = Path::new(DATA_DIR).join(&report);
    let mut fields = Vec::new();
    for (name, value) in &props {
        if !name.starts_with(FIELD_BOOKMARK_PREFIX) {
            continue;
        }
        match parse_field(name, value) {
            Some(f)
                if (f.file.starts_with(&report_dir)
                    || f.file.parent() == Some(Path::new(DATA_DIR)))
                    && !f
                        .file
                        .components()
                        .any(|c| matches!(c, std::path::Component::ParentDir)) =>
            {
                fields.push(f)
            }
            _ => {
                return refuse(
                    &mut diagnostics,
                    Diagnostic::error(format!(
                        "{} names a field `{value}` outside the report `{report}`",
                        docx_path.display()
                    ))
                    .at(shown),
                    Outcome::Unreadable,
                );
            }
        }
    }
    // The list entries' identities as built, with their names. A DOCX
    // built before they were recorded has none: its fields keep their
    // paths by position.
    let mut records = Vec::new();
    for (name, value) in &props {
        let Some(number) = name.strip_prefix(ENTRY_PROPERTY) else {
            continue;
        };
        if name.starts_with(ENTRY_NAME_PROPERTY) {
            continue;
        }
        match EntryRecord::parse(value) {
            // Only the files of the fields matter, and those were checked.
            Some(record) if fields.iter().any(|f| f.file == record.file) => {
                let built_name = props
                    .get(&format!("{ENTRY_NAME_PROPERTY}{number}"))
                    .cloned();
                records.push((record, built_name));
            }
            Some(_) => {}
            None => {
                return refuse(
                    &mut diagnostics,
                    Diagnostic::error(format!(
                        "{} names a list entry `{value}` this tool cannot read",
                        docx_path.display()
                    ))
                    .at(shown),
                    Outcome::Unreadable,
                );
            }
        }
    }
    // Every source the fields name, read now: a field that no longer
    // exists, or whose list entry cannot be found again, refuses the whole
    // pull before anything is written.
    let mut documents: BTreeMap<PathBuf, YamlDocument> = BTreeMap::new();
    let mut refused = false;
    for f in &fields {
        if !documents.contains_key(&f.file) {
            match sources::read_source(project.root(), &f.file).and_then(sources::parse_yaml) {
                Ok(doc) => {
                    documents.insert(f.file.clone(), doc);
                }
                Err(d) => {
                    diagnostics.push(d);
                    refused = true;
                }
            }
        }
    }
    let unplaced = follow_entries(
        &mut fields,
        &records,
        &documents,
        &reading,
        &mut diagnostics,
    );
    refused |= !unplaced.is_empty();
    for f in &fields {
        let in_unplaced = split_entry(&f.path)
            .is_some_and(|(list, i, _)| unplaced.contains(&(f.file.clone(), list.to_string(), i)));
        if !in_unplaced
            && let Some(doc) = documents.get(&f.file)
            && edit::text_at(doc, &f.path).is_none()
            && new_translation(doc, &f.path).is_none()
        {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the DOCX has a field `{}` that {} no longer has",
                    f.path,
                    f.file.display()
                ))
                .at(doc.location(&f.path))
                .with_hint("the YAML changed shape since the DOCX was built: build it again, or copy that field's text by hand"),
            );
            refused = true;
        }
    }
    if refused {
        return PullSummary {
            diagnostics,
            outcome: Outcome::Problems,
            written: Vec::new(),
            diff: String::new(),
        };
    }
    // Decide per field.
    let mut changes: BTreeMap<PathBuf, Vec<(String, String)>> = BTreeMap::new();
    let mut conflicted: HashSet<PathBuf> = HashSet::new();
    for f in &fields {
        let doc = &documents[&f.file];
        let Some(field) = reading.fields.get(&f.bookmark) else {
            diagnostics.push(
                Diagnostic::warning(format!(
                    "the field `{}` is no longer marked in the DOCX; its text was not pulled",
                    f.path
                ))
                .at(doc.location(&f.path))
                .with_hint("its text, if any, is listed below as text outside the fields"),
            );
            continue;
        };
        let ours = edit::text_at(doc, &f.path).unwrap_or_default();
        let theirs = if f.plain {
            field.plain.clone()
        } else {
            field.markdown.clone()
        };
        let docx_changed = fingerprint(&theirs) != f.built;
        // The documents print references as links to the PDFs' pages.
        let theirs = if f.plain {
            theirs
        } else {
            references::restore(&theirs, &ours)
        };
        if !docx_changed || theirs.trim() == ours.trim() {
            continue;
        }
        for dropped in &field.dropped {
            diagnostics.push(
                Diagnostic::warning(format!("`{}`: {dropped}", f.path)).at(doc.location(&f.path)),
            );
        }
        let yaml_changed = fingerprint(&ours) != f.source;
        if yaml_changed {
            match options.side {
                Some(Side::Ours) => continue,
                Some(Side::Theirs) => {}
                None => {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "`{}` changed both in the YAML and in the DOCX since the DOCX was built\n  YAML: {}\n  DOCX: {}",
                            f.path,
                            quote(&ours),
                            quote(&theirs)
                        ))
                        .at(doc.location(&f.path))
                        .with_hint(format!(
                            "nothing in {} was changed; merge the two by hand, or pull again with --ours (keep the YAML) or --theirs (take the DOCX)",
                            f.file.display()
                        )),
                    );
                    conflicted.insert(f.file.clone());
                    continue;
                }
            }
        }
        changes
            .entry(f.file.clone())
            .or_default()
            .push((f.path.clone(), theirs));
    }
    // Text typed outside the fields.
    let built: HashSet<String> = props
        .iter()
        .filter(|(k, _)| k.starts_with(OUTSIDE_PROPERTY))
        .flat_map(|(_, v)| {
            v.as_bytes()
                .chunks(8)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    for outside in &reading.outside {
        if !built.contains(&outside_fingerprint(&outside.text)) {
            let place = match (&outside.page, &outside.heading) {
                (Some(page), Some(heading)) => format!("page {page}, under “{heading}”"),
                (None, Some(heading)) => format!("under “{heading}”"),
                (Some(page), None) => format!("page {page}"),
                (None, None) => "the start of the document".to_string(),
            };
            diagnostics.push(
                Diagnostic::warning(format!(
                    "text outside any field was not pulled ({place}): {}",
                    quote(&outside.text)
                ))
                .at(Location::file(docx_path))
                .with_hint("only text inside the fields goes back into the YAML; move it into the field it belongs to in the DOCX and pull again, or copy it into the YAML by hand"),
            );
        }
    }
    // Headings and labels come from the sources and the layout: one
    // deleted in the DOCX is not pulled either, and says so.
    let now: HashSet<String> = reading
        .outside
        .iter()
        .map(|o| outside_fingerprint(&o.text))
        .collect();
    let gone = built.iter().filter(|f| !now.contains(*f)).count();
    if gone > 0 {
        diagnostics.push(
            Diagnostic::warning(format!(
                "{gone} {} outside the fields (a heading, a label, the contents) {} deleted or changed in the DOCX, and {} not pulled",
                if gone == 1 { "text" } else { "texts" },
                if gone == 1 { "was" } else { "were" },
                if gone == 1 { "is" } else { "are" },
            ))
            .at(Location::file(docx_path))
            .with_hint("headings and labels come from the sources and layouts/report.yaml: change them there; the next build writes them back into the DOCX"),
        );
    }
    // The primary language, under which a plain text goes when a
    // translation is added beside it.
    let primary = project
        .layout()
        .ok()
        .map(|layout| layout.languages.primary().code.clone());
    let mut written = Vec::new();
    let mut diff = String::new();
    let mut failed = false;
    for (file, edits) in &changes {
        if conflicted.contains(file) {
            continue;
        }
        let original = &documents[file];
        let mut text = original.file.text.clone();
        for (path, new) in edits {
            let doc = match sources::parse_yaml(SourceFile {
                display_path: file.clone(),
                text: text.clone(),
            }) {
                Ok(doc) => doc,
                Err(d) => {
                    diagnostics.push(d);
                    failed = true;
                    break;
                }
            };
            let edited = match (edit::text_at(&doc, path), new_translation(&doc, path)) {
                (None, Some((parent, language))) => match &primary {
                    Some(primary) => edit::add_translation(&doc, parent, primary, language, new),
                    None => Err(format!(
                        "`{path}` is a translation, and the layout, which names the primary language, cannot be read"
                    )),
                },
                _ => edit::replace_text(&doc, path, new),
            };
            match edited {
                Ok(t) => text = t,
                Err(e) => {
                    diagnostics.push(Diagnostic::error(e).at(original.location(path)));
                    failed = true;
                    break;
                }
            }
        }
        if failed {
            break;
        }
        diff.push_str(&unified_diff(file, &original.file.text, &text));
        if options.dry_run {
            continue;
        }
        let target = project.root().join(file);
        let raw = std::fs::read(&target).unwrap_or_default();
        let mut bytes = Vec::new();
        if raw.starts_with(b"\xEF\xBB\xBF") {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        if raw.windows(2).any(|w| w == b"\r\n") {
            bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
        } else {
            bytes.extend_from_slice(text.as_bytes());
        }
        match crate::output::write_atomically(&target, &bytes) {
            Ok(()) => written.push(file.clone()),
            Err(d) => {
                diagnostics.push(d);
                return PullSummary {
                    diagnostics,
                    outcome: Outcome::OutputFailed,
                    written,
                    diff,
                };
            }
        }
    }
    let outcome = if diagnostics.has_errors() {
        Outcome::Problems
    } else {
        Outcome::Success
    };
    PullSummary {
        diagnostics,
        outcome,
        written,
        diff,
    }
}

/// Gives each field inside a list entry the path of that entry in the
/// YAML as it is now, found by the identity `records` give it as built,
/// so that text typed for a working group goes to that group however the
/// groups were reordered. An entry that is gone, or cannot be told from
/// another, gets an error naming it (as a field the YAML no longer has
/// does); its fields keep their paths, and the entries (file, list, index
/// as built) are returned so that the caller refuses the pull.
fn follow_entries(
    fields: &mut [FieldEntry],
    records: &[(EntryRecord, Option<String>)],
    documents: &BTreeMap<PathBuf, YamlDocument>,
    reading: &docx::Reading,
    diagnostics: &mut Diagnostics,
) -> HashSet<(PathBuf, String, usize)> {
    let docx_text = |f: &FieldEntry| {
        reading.fields.get(&f.bookmark).map(|t| {
            if f.plain {
                t.plain.clone()
            } else {
                t.markdown.clone()
            }
        })
    };
    let mut placed = Vec::new();
    for (record, shown) in records {
        let (Some(doc), Some((list, index, _))) = (documents.get(&record.file), record.parts())
        else {
            continue;
        };
        // The name the DOCX has now, when its name field is still there.
        let renamed = fields
            .iter()
            .find(|f| f.file == record.file && f.path == record.name_path)
            .and_then(docx_text);
        let placement = entries::place(&doc.value, record, renamed.as_deref());
        let shown = shown
            .clone()
            .or(renamed)
            .unwrap_or_else(|| format!("{list}[{index}]"));
        placed.push((record, list, index, shown, placement));
    }
    let mut unplaced = HashSet::new();
    let mut moved: BTreeMap<(PathBuf, String, usize), usize> = BTreeMap::new();
    for (record, list, index, shown, placement) in &placed {
        let (what, named_by) = entries::kind(list);
        let file = record.file.display();
        let doc = &documents[&record.file];
        // Two entries of the DOCX found at one entry of the YAML (a name
        // typed in the DOCX that another entry has): neither can be told.
        let shared = match placement {
            Placement::At(j) => placed.iter().any(|(other, l, i, _, p)| {
                other.file == record.file && l == list && i != index && *p == Placement::At(*j)
            }),
            _ => false,
        };
        let problem = match placement {
            Placement::At(j) if !shared => {
                moved.insert((record.file.clone(), list.to_string(), *index), *j);
                continue;
            }
            Placement::At(j) => format!(
                "the DOCX's {what} “{shown}” (`{list}[{index}]` when the DOCX was built) cannot be told apart in {file}: another {what} of the DOCX leads to the same entry, `{list}[{j}]`"
            ),
            Placement::Ambiguous { now } => format!(
                "the DOCX's {what} “{shown}” (`{list}[{index}]` when the DOCX was built) cannot be told apart in {file}: {now} entries of `{list}` have that {named_by} now, against {} when the DOCX was built",
                record.count
            ),
            Placement::Gone => format!(
                "the DOCX has the {what} “{shown}” (`{list}[{index}]` when the DOCX was built), which {file} no longer has: it was renamed or removed since then"
            ),
        };
        // What the DOCX holds for it, changed since the build, so that the
        // editor can copy it by hand.
        let mut message = problem;
        for f in fields.iter().filter(|f| {
            f.file == record.file
                && split_entry(&f.path).is_some_and(|(l, i, _)| (l, i) == (*list, *index))
        }) {
            if let Some(text) = docx_text(f).filter(|t| fingerprint(t) != f.built)
                && let Some((_, _, key)) = split_entry(&f.path)
            {
                message.push_str(&format!("\n  {key}, edited in the DOCX: {}", quote(&text)));
            }
        }
        let hint = match placement {
            Placement::Gone => format!(
                "nothing was written; if it was renamed, give it back its {named_by} “{shown}” in the YAML, pull, then rename it again; if it was removed, copy its text from the DOCX by hand"
            ),
            _ => format!(
                "nothing was written; give these entries different {named_by}s for the pull (or undo the change that made them alike), pull, then change them back; or copy the text from the DOCX by hand"
            ),
        };
        diagnostics.push(
            Diagnostic::error(message)
                .at(doc.key_location(list))
                .with_hint(hint),
        );
        unplaced.insert((record.file.clone(), list.to_string(), *index));
    }
    for f in fields.iter_mut() {
        let Some((list, index, rest)) = split_entry(&f.path) else {
            continue;
        };
        if let Some(j) = moved.get(&(f.file.clone(), list.to_string(), index))
            && *j != index
        {
            f.path = format!("{list}[{j}].{rest}");
        }
    }
    unplaced
}

/// One hunk from the first changed line to the last, with three lines of
/// context: edits are few and close, and a reviewer reads them in git diff
/// afterwards anyway.
fn unified_diff(file: &Path, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let start = prefix.saturating_sub(3);
    let a_end = (a.len() - suffix + 3).min(a.len());
    let b_end = (b.len() - suffix + 3).min(b.len());
    let name = file.display();
    let mut out = format!(
        "--- a/{name}\n+++ b/{name}\n@@ -{},{} +{},{} @@\n",
        start + 1,
        a_end - start,
        start + 1,
        b_end - start
    );
    for line in &a[start..prefix] {
        out.push_str(&format!(" {line}\n"));
    }
    for line in &a[prefix..a.len() - suffix] {
        out.push_str(&format!("-{line}\n"));
    }
    for line in &b[prefix..b.len() - suffix] {
        out.push_str(&format!("+{line}\n"));
    }
    for line in &a[a.len() - suffix..a_end] {
        out.push_str(&format!(" {line}\n"));
    }
    out
}

/// Runs `report pull` from the command line: prints the diff (with
/// `--dry-run`), the problems and what was written.
pub fn run(project: &Project, args: &crate::cli::PullArgs) -> Outcome {
    let options = PullOptions {
        dry_run: args.dry_run,
        side: if args.ours {
            Some(Side::Ours)
        } else if args.theirs {
            Some(Side::Theirs)
        } else {
            None
        },
    };
    let summary = pull(project, &args.file, &options);
    if options.dry_run {
        print!("{}", summary.diff);
    }
    eprint!("{}", summary.diagnostics.render(project.root()));
    for file in &summary.written {
        eprintln!("updated {}", file.display());
    }
    if summary.written.is_empty() && !options.dry_run && summary.outcome == Outcome::Success {
        eprintln!("nothing to pull: no field changed in the DOCX");
    }
    summary.outcome
}

/// When `path` is a translation the YAML does not have yet (`name.fr`
/// beside a plain `name`, or missing from its map by language), the text
/// it goes with and the language.
fn new_translation<'a>(doc: &YamlDocument, path: &'a str) -> Option<(&'a str, &'a str)> {
    let (parent, language) = path.rsplit_once('.')?;
    if !crate::language::looks_like_language_key(language) || edit::text_at(doc, path).is_some() {
        return None;
    }
    match edit::value_at(&doc.value, parent)? {
        serde_yaml::Value::Mapping(map) => map
            .values()
            .all(|v| v.is_string() || v.is_null())
            .then_some((parent, language)),
        serde_yaml::Value::String(_) | serde_yaml::Value::Null => Some((parent, language)),
        _ => None,
    }
}
