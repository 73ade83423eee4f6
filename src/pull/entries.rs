//! Which list entry a field belongs to, told by the entry's name rather
//! than by its place in the list.
//!
//! A field inside a list entry has a path by position, `groups[1].introduction`.
//! When the editor reorders the groups between the build and the pull,
//! that position names another group, and its text would land there. So
//! the DOCX also records, for each entry with fields, the entry's identity
//! as built: its name (a working group's name, a sub-section's heading,
//! an agenda item) folded into its anchor, with its rank among the
//! entries that fold alike (two agenda items may both read “Break”).
//! Pull finds the entry with that identity in the YAML as it is now, and
//! refuses an entry it cannot find, or cannot tell from another, rather
//! than guess.

use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::model::field::fingerprint;
use crate::sources::edit;

/// How many characters of an entry's name its name property keeps: Word
/// shortens property values past 255 characters, and the name is only
/// shown in messages (the identity is its fingerprint).
const NAME_CHARS: usize = 120;

/// The identity of a name: the fingerprint of its anchor's form (lower
/// case, accents folded, words joined by `-`), so that spacing, case and
/// punctuation, which the DOCX may write differently from the YAML (a
/// name is read back as one line), do not count. The anchor's form is
/// what references between reports name a group by, so it is as stable
/// as they must be.
pub fn identity(name: &str) -> u64 {
    fingerprint(&crate::model::slug(name))
}

/// `path` split into the list it is an entry of, the entry's index and
/// the rest (`groups[1].name.en` → `groups`, 1, `name.en`). Only entries
/// of a file's top-level lists have fields.
pub fn split_entry(path: &str) -> Option<(&str, usize, &str)> {
    let (list, after) = path.split_once('[')?;
    let (index, rest) = after.split_once(']')?;
    let rest = rest.strip_prefix('.')?;
    if list.is_empty() || list.contains('.') || rest.is_empty() {
        return None;
    }
    Some((list, index.parse().ok()?, rest))
}

/// An entry's identity as the DOCX records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRecord {
    /// The YAML file, relative to the project root.
    pub file: PathBuf,
    /// The path of the field holding the entry's name, as built
    /// (`groups[1].name.en`).
    pub name_path: String,
    /// [`identity`] of the name as the DOCX was built with it.
    pub identity: u64,
    /// Its rank, from 1, among the entries of its list whose names had the
    /// same identity, in the YAML's order.
    pub rank: usize,
    /// How many entries of its list had that identity.
    pub count: usize,
}

impl EntryRecord {
    /// The list, the entry's index as built, and the key of its name.
    pub fn parts(&self) -> Option<(&str, usize, &str)> {
        let (list, index, rest) = split_entry(&self.name_path)?;
        Some((list, index, rest.split('.').next().unwrap_or(rest)))
    }

    /// The property value: `file#name_path@identity.rank.count`, read the
    /// way the fields' values are.
    pub fn value(&self) -> String {
        format!(
            "{}#{}@{:016x}.{}.{}",
            self.file.to_string_lossy().replace('\\', "/"),
            self.name_path,
            self.identity,
            self.rank,
            self.count
        )
    }

    /// The record a property value holds, when it is well formed.
    pub fn parse(value: &str) -> Option<Self> {
        let (location, numbers) = value.rsplit_once('@')?;
        // The path has no `#`; a file name may.
        let (file, name_path) = location.rsplit_once('#')?;
        let mut numbers = numbers.split('.');
        let identity = u64::from_str_radix(numbers.next()?, 16).ok()?;
        let rank = numbers.next()?.parse().ok()?;
        let count = numbers.next()?.parse().ok()?;
        if numbers.next().is_some() || rank == 0 || rank > count {
            return None;
        }
        let record = EntryRecord {
            file: PathBuf::from(file),
            name_path: name_path.to_string(),
            identity,
            rank,
            count,
        };
        record.parts().is_some().then_some(record)
    }
}

/// The name as its property keeps it: short enough for Word.
fn shown_name(name: &str) -> String {
    if name.chars().count() > NAME_CHARS {
        format!("{}…", name.chars().take(NAME_CHARS).collect::<String>())
    } else {
        name.to_string()
    }
}

/// The records of the entries that `named` lists (each entry's file, the
/// path of its name field and its name as built, in any order), each with
/// the name as its name property keeps it; a path that is not inside a
/// list entry is left out. Ranks are counted in the YAML's order, which
/// is how pull counts them again.
pub fn records(named: &[(&Path, &str, &str)]) -> Vec<(EntryRecord, String)> {
    let keys: Vec<_> = named
        .iter()
        .map(|(file, path, name)| {
            let (list, index, _) = split_entry(path)?;
            Some((*file, list, identity(name), index))
        })
        .collect();
    named
        .iter()
        .zip(&keys)
        .filter_map(|((file, path, name), key)| {
            let (_, _, id, index) = (*key)?;
            let alike = keys.iter().flatten().filter(|(f, l, i, _)| {
                key.is_some_and(|(file, list, id, _)| (*f, *l, *i) == (file, list, id))
            });
            let (count, before) = alike.fold((0, 0), |(count, before), (_, _, _, other)| {
                (count + 1, before + usize::from(*other < index))
            });
            let record = EntryRecord {
                file: file.to_path_buf(),
                name_path: path.to_string(),
                identity: id,
                rank: before + 1,
                count,
            };
            Some((record, shown_name(name)))
        })
        .collect()
}

/// Where an entry is in the YAML now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// At this index of its list.
    At(usize),
    /// No entry of the list has its name.
    Gone,
    /// The entries named so are now `now`, against the record's count:
    /// which one it was cannot be told.
    Ambiguous {
        /// How many entries have its name now.
        now: usize,
    },
}

/// Finds the entry `record` names in `root`, the YAML as it is now: the
/// entry of its list whose name has the record's identity, by rank when
/// several have it. When none has, and the DOCX's name field now reads
/// `renamed` (a rename typed in the DOCX and already pulled), the one
/// entry with that name.
pub fn place(root: &Value, record: &EntryRecord, renamed: Option<&str>) -> Placement {
    let Some((list, _, key)) = record.parts() else {
        return Placement::Gone;
    };
    let Some(Value::Sequence(entries)) = edit::value_at(root, list) else {
        return Placement::Gone;
    };
    let named = |id: u64| -> Vec<usize> {
        (0..entries.len())
            .filter(|j| {
                names(edit::value_at(root, &format!("{list}[{j}].{key}")))
                    .iter()
                    .any(|name| identity(name) == id)
            })
            .collect()
    };
    let matches = named(record.identity);
    if matches.len() == record.count {
        return Placement::At(matches[record.rank - 1]);
    }
    if !matches.is_empty() {
        return Placement::Ambiguous { now: matches.len() };
    }
    match renamed.map(identity).filter(|id| *id != record.identity) {
        Some(id) => match named(id).as_slice() {
            [] => Placement::Gone,
            [only] => Placement::At(*only),
            more => Placement::Ambiguous { now: more.len() },
        },
        None => Placement::Gone,
    }
}

/// The texts a name is written with: the text itself, or each language's.
fn names(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Mapping(map)) => map.values().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// What an entry of `list` is called in a message, and what names it.
pub fn kind(list: &str) -> (&'static str, &'static str) {
    match list {
        "groups" => ("working group", "name"),
        "subsections" => ("sub-section", "heading"),
        "items" => ("agenda item", "text"),
        _ => ("entry", "name"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn entries_split_from_their_fields() {
        assert_eq!(
            split_entry("groups[1].name.en"),
            Some(("groups", 1, "name.en"))
        );
        assert_eq!(split_entry("introduction"), None);
        assert_eq!(split_entry("groups[x].name"), None);
        assert_eq!(split_entry("a.b[0].c"), None);
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let record = EntryRecord {
            file: PathBuf::from("report-data/r/a@b#c.yaml"),
            name_path: "items[4].item.fr".into(),
            identity: identity("Break"),
            rank: 2,
            count: 2,
        };
        assert_eq!(EntryRecord::parse(&record.value()), Some(record));
        assert_eq!(EntryRecord::parse("f.yaml#groups[0].name@00.2.1"), None);
        assert_eq!(EntryRecord::parse("f.yaml#location@00.1.1"), None);
    }

    #[test]
    fn ranks_count_alike_names_in_yaml_order() {
        let file = Path::new("a.yaml");
        let records = records(&[
            (file, "items[3].item", "Break"),
            (file, "items[0].item", "break"),
            (file, "items[1].item", "Lunch"),
        ]);
        let ranks: Vec<(usize, usize)> = records.iter().map(|(r, _)| (r.rank, r.count)).collect();
        assert_eq!(ranks, [(2, 2), (1, 2), (1, 1)]);
        assert_eq!(records[1].1, "break");
        let long = "x".repeat(300);
        let shown = &super::records(&[(file, "groups[0].name", &long)])[0].1;
        assert_eq!(shown.chars().count(), NAME_CHARS + 1);
    }

    #[test]
    fn entries_are_found_by_name_not_place() {
        let record = |path: &str, name: &str, rank, count| EntryRecord {
            file: PathBuf::from("a.yaml"),
            name_path: path.into(),
            identity: identity(name),
            rank,
            count,
        };
        let now = yaml(
            "groups:\n  - name: { en: Labeling, fr: Étiquetage }\n  - name: Consumer Education\n",
        );
        let labeling = record("groups[1].name.fr", "Étiquetage", 1, 1);
        assert_eq!(place(&now, &labeling, None), Placement::At(0));
        let education = record("groups[0].name", "Consumer  education", 1, 1);
        assert_eq!(place(&now, &education, None), Placement::At(1));
        let gone = record("groups[2].name", "Network Resiliency", 1, 1);
        assert_eq!(place(&now, &gone, None), Placement::Gone);
        // Renamed in the DOCX and pulled: found by the name the DOCX has.
        assert_eq!(place(&now, &gone, Some("Labeling")), Placement::At(0));
        let breaks = yaml("items:\n  - item: Break\n  - item: Talk\n  - item: Break\n");
        let second = record("items[2].item", "Break", 2, 2);
        assert_eq!(place(&breaks, &second, None), Placement::At(2));
        let one_of_three = record("items[2].item", "Break", 2, 3);
        assert_eq!(
            place(&breaks, &one_of_three, None),
            Placement::Ambiguous { now: 2 }
        );
    }
}
