//! What the registrations say about the meeting: the organisations
//! represented, each once, their sectors, and who came in person or
//! followed remotely.
//!
//! Registrants type their organisation as they please (`internet society `,
//! `Universite de Montreal`); names that [`fold`] alike are one
//! organisation, shown in the spelling most of its registrants used, unless
//! `aliases:` in `stakeholders.yaml` names it otherwise. Only counts and
//! the organisations' and sectors' names leave this module.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Serialize;

use super::Fact;
use super::facts::Figure;
use crate::diagnostics::{Diagnostic, Location};
use crate::sources::YamlDocument;
use crate::sources::registrations::{Attendance, Registrations, fold};

/// The registrations, tallied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registered {
    /// The export, relative to the project root, as messages name it.
    pub file: PathBuf,
    /// Every registration read.
    pub registrants: usize,
    /// Registrants who gave no organisation: counted, not listed.
    pub without_organisation: usize,
    /// Registrants with an in-person ticket.
    pub in_person: usize,
    /// Registrants with a remote ticket.
    pub remote: usize,
    /// Registrants whose ticket says neither.
    pub unknown: usize,
    /// The organisations, each once, in the order they first registered.
    pub organisations: Vec<RegisteredOrganisation>,
}

/// One organisation of the registrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisteredOrganisation {
    /// The name shown.
    pub name: String,
    /// The name folded, for ordering: accents and case set aside, as a
    /// reader of English or French looks a name up.
    pub key: String,
    /// How many registered for it.
    pub registrants: usize,
    /// The sector most of its registrants gave (the first given, on a
    /// tie); `None` when none gave one.
    pub sector: Option<String>,
}

impl Registered {
    /// The organisations per sector, most first (alphabetically on a tie),
    /// organisations with no sector last.
    pub fn sectors(&self) -> Vec<(Option<String>, usize)> {
        let mut counts: Vec<(Option<String>, usize)> = Vec::new();
        for organisation in &self.organisations {
            match counts.iter_mut().find(|(s, _)| *s == organisation.sector) {
                Some((_, count)) => *count += 1,
                None => counts.push((organisation.sector.clone(), 1)),
            }
        }
        counts.sort_by(|(a, m), (b, n)| {
            a.is_none().cmp(&b.is_none()).then(n.cmp(m)).then_with(|| {
                let key = |s: &Option<String>| s.as_deref().map(fold).unwrap_or_default();
                key(a).cmp(&key(b))
            })
        });
        counts
    }

    /// The attendance figures: in person, remote, and their sum.
    /// Registrants whose ticket says neither are in none of them.
    pub fn attendance(&self) -> [u32; 3] {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        [
            count(self.in_person),
            count(self.remote),
            count(self.in_person + self.remote),
        ]
    }
}

/// Spellings of one name, with how often and where each was first seen.
#[derive(Default)]
struct Spellings {
    /// Spelling, count, line of its first use; in order of first use.
    seen: Vec<(String, usize, usize)>,
}

impl Spellings {
    fn add(&mut self, spelling: &str, line: usize) {
        match self.seen.iter_mut().find(|(s, _, _)| s == spelling) {
            Some((_, count, _)) => *count += 1,
            None => self.seen.push((spelling.to_string(), 1, line)),
        }
    }

    /// The spelling most used, and its line. On a tie, the one with more
    /// accented letters ("Université de Montréal" over "Universite de
    /// Montreal": an export loses accents, a registrant does not add
    /// them), then the first seen.
    fn most_used(&self) -> Option<(&str, usize)> {
        let accents = |s: &str| s.chars().filter(|c| !c.is_ascii()).count();
        let mut best: Option<&(String, usize, usize)> = None;
        for entry in &self.seen {
            if best.is_none_or(|b| (entry.1, accents(&entry.0)) > (b.1, accents(&b.0))) {
                best = Some(entry);
            }
        }
        best.map(|(s, _, line)| (s.as_str(), *line))
    }
}

/// An organisation while the rows are read.
struct Group {
    spellings: Spellings,
    registrants: usize,
    /// Folded sector, count, order of first use.
    sectors: Vec<(String, usize)>,
}

/// Tallies `registrations`.
///
/// `aliases` maps other names of an organisation to the name it is shown
/// under, as `stakeholders.yaml` writes them (`doc`, for the locations of
/// aliases that match no registration). `clean` makes a name fit to print
/// (control characters out, characters the fonts lack reported), given the
/// CSV line it comes from.
pub fn tally(
    registrations: &Registrations,
    aliases: &BTreeMap<String, String>,
    doc: &YamlDocument,
    clean: &mut dyn FnMut(&str, Location) -> String,
    problems: &mut Vec<Diagnostic>,
) -> Registered {
    let file = &registrations.file;
    // Folded alias → the name as written, and folded name → the same, so
    // that registrants who typed the shown name itself join them.
    let alias_of: HashMap<String, String> = aliases
        .iter()
        .filter(|(_, name)| !name.trim().is_empty())
        .map(|(alias, name)| {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            let at = doc.location(&format!("aliases.{alias}"));
            (fold(alias), clean(&name, at))
        })
        .collect();
    let shown_as: HashMap<String, &str> = alias_of
        .values()
        .map(|name| (fold(name), name.as_str()))
        .collect();
    let mut used_aliases: Vec<String> = Vec::new();
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Group> = HashMap::new();
    let mut sector_spellings: HashMap<String, Spellings> = HashMap::new();
    let (mut in_person, mut remote, mut unknown, mut without) = (0, 0, 0, 0);
    for registrant in &registrations.registrants {
        match registrant.attendance {
            Attendance::InPerson => in_person += 1,
            Attendance::Remote => remote += 1,
            Attendance::Unknown => unknown += 1,
        }
        let Some(organisation) = &registrant.organisation else {
            without += 1;
            continue;
        };
        let mut key = fold(organisation);
        if let Some(name) = alias_of.get(&key) {
            used_aliases.push(key.clone());
            key = fold(name);
        }
        let sector = registrant.sector.as_ref().map(|s| {
            let folded = fold(s);
            sector_spellings
                .entry(folded.clone())
                .or_default()
                .add(s, registrant.line);
            folded
        });
        let group = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            Group {
                spellings: Spellings::default(),
                registrants: 0,
                sectors: Vec::new(),
            }
        });
        group.spellings.add(organisation, registrant.line);
        group.registrants += 1;
        if let Some(sector) = sector {
            match group.sectors.iter_mut().find(|(s, _)| *s == sector) {
                Some((_, count)) => *count += 1,
                None => group.sectors.push((sector, 1)),
            }
        }
    }
    for (alias, name) in aliases {
        if !used_aliases.contains(&fold(alias)) && !name.trim().is_empty() {
            problems.push(
                Diagnostic::warning(format!(
                    "the alias `{alias}` matches no organisation in {}",
                    file.display()
                ))
                .at(doc.key_location(&format!("aliases.{alias}")))
                .with_hint("aliases compare names with case, spacing and accents set aside; check the spelling, or remove the alias"),
            );
        }
    }
    let mut sector_names: HashMap<String, String> = HashMap::new();
    for (key, spellings) in &sector_spellings {
        if let Some((spelling, line)) = spellings.most_used() {
            sector_names.insert(key.clone(), clean(spelling, Location::at(file, line, 0)));
        }
    }
    let organisations = order
        .iter()
        .filter_map(|key| {
            let group = groups.get(key)?;
            let name = match shown_as.get(key) {
                Some(name) => (*name).to_string(),
                None => {
                    let (spelling, line) = group.spellings.most_used()?;
                    clean(spelling, Location::at(file, line, 0))
                }
            };
            // The first sector with the highest count: `max_by_key` would
            // give the last.
            let mut best: Option<&(String, usize)> = None;
            for entry in &group.sectors {
                if best.is_none_or(|b| entry.1 > b.1) {
                    best = Some(entry);
                }
            }
            Some(RegisteredOrganisation {
                key: fold(&name),
                name,
                registrants: group.registrants,
                sector: best.and_then(|(s, _)| sector_names.get(s).cloned()),
            })
        })
        .collect();
    Registered {
        file: file.clone(),
        registrants: registrations.registrants.len(),
        without_organisation: without,
        in_person,
        remote,
        unknown,
        organisations,
    }
}

/// Fills in the meeting's attendance from the registrations when
/// `meeting.yaml` (`doc`) gives none of the figures, and otherwise warns
/// about each given figure the registrations contradict.
///
/// An exact figure must match the count exactly; an approximate one
/// (`~40`) may be off by a tenth of itself, as "about 40" allows 36 to 44.
pub fn reconcile(
    figures: [&mut Fact<Figure>; 3],
    registered: &Registered,
    doc: &YamlDocument,
    problems: &mut Vec<Diagnostic>,
) {
    let counts = registered.attendance();
    // No ticket read as in person or remote (each unread one is warned
    // about): the registrations know nothing of attendance.
    if counts[2] == 0 {
        return;
    }
    if figures.iter().all(|f| matches!(f, Fact::Missing(_))) {
        for (figure, value) in figures.into_iter().zip(counts) {
            *figure = Fact::Given(Figure {
                value,
                approximate: false,
            });
        }
        return;
    }
    let csv = registered
        .file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let meeting = doc
        .file
        .display_path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let what = ["in person", "remotely", "in all"];
    for (index, (figure, count)) in figures.into_iter().zip(counts).enumerate() {
        let Fact::Given(given) = figure else { continue };
        let off = given.value.abs_diff(count);
        let agrees = if given.approximate {
            u64::from(off) * 10 <= u64::from(given.value)
        } else {
            off == 0
        };
        if agrees {
            continue;
        }
        let key = ["in_person", "remote", "total"][index];
        problems.push(
            Diagnostic::warning(format!(
                "{meeting} gives `attendance.{key}` as {given}, but {csv} counts {count} registrants {}",
                what[index]
            ))
            .at(doc.location(&format!("attendance.{key}")))
            .with_hint(format!(
                "correct the figure, or leave the three attendance figures of {meeting} empty to take those of {csv} (which counts who registered, not who came)"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::registrations::Registrant;
    use crate::sources::{SourceFile, parse_yaml};

    fn registrant(organisation: &str, sector: &str, attendance: Attendance) -> Registrant {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Registrant {
            organisation: some(organisation),
            sector: some(sector),
            attendance,
            line: 2,
        }
    }

    fn doc(text: &str) -> YamlDocument {
        parse_yaml(SourceFile {
            display_path: "stakeholders.yaml".into(),
            text: text.into(),
        })
        .unwrap()
    }

    #[test]
    fn a_tie_goes_to_the_accented_spelling() {
        let mut spellings = Spellings::default();
        spellings.add("Universite de Montreal", 2);
        spellings.add("Université de Montréal", 3);
        assert_eq!(spellings.most_used(), Some(("Université de Montréal", 3)));
        // More registrants still win.
        spellings.add("Universite de Montreal", 4);
        assert_eq!(spellings.most_used(), Some(("Universite de Montreal", 2)));
    }

    #[test]
    fn one_entry_per_organisation_in_its_usual_spelling() {
        use Attendance::*;
        let registrations = Registrations {
            file: "registrations.csv".into(),
            registrants: vec![
                registrant("internet society ", "Civil society", InPerson),
                registrant("Internet Society", "civil  society", Remote),
                registrant("Internet Society", "Industry", InPerson),
                registrant("Universite de Montreal", "Academia", InPerson),
                registrant("Université de Montréal", "Academia", Unknown),
                registrant("Université de Montréal", "Academia", InPerson),
                registrant("CIRA", "Technical community", Remote),
                registrant("", "Government", InPerson),
            ],
        };
        let aliases = BTreeMap::from([(
            "cira".to_string(),
            "Canadian Internet Registration Authority".to_string(),
        )]);
        let mut problems = Vec::new();
        let registered = tally(
            &registrations,
            &aliases,
            &doc("lead_in: x\n"),
            &mut |text, _| text.to_string(),
            &mut problems,
        );
        let names: Vec<(&str, usize, Option<&str>)> = registered
            .organisations
            .iter()
            .map(|o| (o.name.as_str(), o.registrants, o.sector.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("Internet Society", 3, Some("Civil society")),
                ("Université de Montréal", 3, Some("Academia")),
                (
                    "Canadian Internet Registration Authority",
                    1,
                    Some("Technical community")
                ),
            ]
        );
        assert_eq!(registered.without_organisation, 1);
        assert_eq!(registered.attendance(), [5, 2, 7]);
        assert_eq!(registered.unknown, 1);
        assert_eq!(
            registered.sectors(),
            [
                (Some("Academia".to_string()), 1),
                (Some("Civil society".to_string()), 1),
                (Some("Technical community".to_string()), 1),
            ]
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn approximate_figures_allow_a_tenth() {
        let registered = Registered {
            file: "registrations.csv".into(),
            registrants: 50,
            without_organisation: 0,
            in_person: 37,
            remote: 13,
            unknown: 0,
            organisations: Vec::new(),
        };
        let meeting = parse_yaml(SourceFile {
            display_path: "meeting.yaml".into(),
            text: "attendance:\n  in_person: ~40\n  remote: 15\n  total: ~55\n".into(),
        })
        .unwrap();
        let figure = |text: &str| Fact::Given(Figure::parse(text).unwrap());
        let (mut a, mut b, mut c) = (figure("~40"), figure("15"), figure("~55"));
        let mut problems = Vec::new();
        reconcile(
            [&mut a, &mut b, &mut c],
            &registered,
            &meeting,
            &mut problems,
        );
        // ~40 against 37 and ~55 against 50 agree; 15 against 13 does not.
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("`attendance.remote` as 15"));
        assert!(problems[0].message.contains("registrations.csv counts 13"));
    }
}
