//! The registration export: the one source that holds personal data.
//!
//! An event platform's CSV export has a row per registrant with their name,
//! e-mail address, job title and order number. The report needs three of
//! its columns: the organisation, the sector (stakeholder group), and
//! whether the person came in person or followed remotely. This reader is
//! where personal data stops: [`read`] hands on those three cells of each
//! row and the row's line, nothing else, and none of its messages quotes a
//! cell of another column. The diagnostics printer, for its part, never
//! quotes a line of a CSV (see `diagnostics::source_line`).
//!
//! The CSV is parsed by the `csv` crate; what is checked here is what that
//! parser lets through: an odd number of quotes in a record (an unterminated
//! quote swallows the rest of the file), rows with the wrong number of
//! fields, bytes that are not UTF-8.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

use crate::diagnostics::{Diagnostic, Location};
use crate::sources::{YamlDocument, io_reason, refuse_outside_project};

/// The largest export accepted: some hundred thousand registrations, far
/// beyond a meeting's; refusing more keeps memory bounded.
pub const MAX_REGISTRATIONS_BYTES: u64 = 16 * 1024 * 1024;

/// How many rows with the wrong number of fields are reported one by one.
const FIELD_COUNT_ERRORS_SHOWN: usize = 5;

/// How a registrant attended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attendance {
    /// In the room.
    InPerson,
    /// By livestream, online.
    Remote,
    /// The ticket type says neither (a warning says which rows).
    Unknown,
}

/// One registrant: as much of them as the report may know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registrant {
    /// The organisation as typed, whitespace collapsed; `None` when blank.
    pub organisation: Option<String>,
    /// The sector or stakeholder group as typed; `None` when blank.
    pub sector: Option<String>,
    /// How they attended.
    pub attendance: Attendance,
    /// The line of the CSV the row starts on, for messages.
    pub line: usize,
}

/// The registrations of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registrations {
    /// The CSV, relative to the project root, as messages name it.
    pub file: PathBuf,
    /// One entry per row, in file order.
    pub registrants: Vec<Registrant>,
}

/// The three columns the report reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The registrant's organisation.
    Organisation,
    /// Their sector or stakeholder group.
    Sector,
    /// How they attended: the ticket type.
    Attendance,
}

impl Column {
    /// Every column, in the order `columns:` lists them.
    pub const ALL: [Column; 3] = [Column::Organisation, Column::Sector, Column::Attendance];

    /// The key naming the column under `columns:` in `stakeholders.yaml`.
    pub fn key(self) -> &'static str {
        match self {
            Column::Organisation => "organisation",
            Column::Sector => "sector",
            Column::Attendance => "attendance",
        }
    }

    /// What the column holds, in messages.
    fn what(self) -> &'static str {
        match self {
            Column::Organisation => "the registrants' organisations",
            Column::Sector => "their sector or stakeholder group",
            Column::Attendance => "how each attended (in person or remote)",
        }
    }

    /// The headers event platforms give the column, folded by
    /// [`header_key`]. Only whole headers match: a header that merely
    /// contains one of these (`Company e-mail`) may hold personal data.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Column::Organisation => &[
                "organization",
                "organisation",
                "organizationname",
                "organisationname",
                "company",
                "companyname",
                "affiliation",
                "institution",
                "employer",
                "organisme",
                "entreprise",
            ],
            Column::Sector => &[
                "sector",
                "stakeholdergroup",
                "stakeholdertype",
                "stakeholdercategory",
                "stakeholder",
                "industry",
                "secteur",
                "groupedintervenants",
            ],
            Column::Attendance => &[
                "tickettype",
                "ticket",
                "attendance",
                "attendancetype",
                "attendancemode",
                "attending",
                "participation",
                "participationtype",
                "registrationtype",
                "typedebillet",
                "billet",
                "modedeparticipation",
            ],
        }
    }
}

/// A column header named in `stakeholders.yaml`, with where it is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedColumn {
    /// The header as written.
    pub header: String,
    /// Its place in `stakeholders.yaml`.
    pub at: Location,
}

/// What `stakeholders.yaml` asks to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The CSV, relative to the project root.
    pub file: PathBuf,
    /// Where `stakeholders.yaml` names it.
    pub at: Location,
    /// The columns named explicitly, in [`Column::ALL`] order.
    pub columns: [Option<NamedColumn>; 3],
}

impl Request {
    /// The request of `stakeholders.yaml` (`doc`) in the report folder
    /// `dir`, when it names a registration export.
    ///
    /// Keys of the wrong type are the model's to report when it decodes the
    /// file; here they are simply not read.
    ///
    /// # Errors
    ///
    /// When the file named is not a plain file name: the export belongs in
    /// the report's own folder.
    pub fn from_stakeholders(
        doc: &YamlDocument,
        dir: &Path,
    ) -> Result<Option<Request>, Diagnostic> {
        let Some(name) = doc
            .value
            .get("registrations")
            .and_then(serde_yaml::Value::as_str)
            .map(str::trim)
            .filter(|name| !name.is_empty())
        else {
            return Ok(None);
        };
        if name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(Diagnostic::error(format!(
                "`registrations` must be a plain file name, not `{name}`"
            ))
            .at(doc.location("registrations"))
            .with_hint(format!(
                "put the export in the report's own folder, {}, and name it here, e.g. registrations.csv",
                dir.display()
            )));
        }
        let columns = Column::ALL.map(|column| {
            let path = format!("columns.{}", column.key());
            doc.value
                .get("columns")
                .and_then(|c| c.get(column.key()))
                .and_then(serde_yaml::Value::as_str)
                .map(str::trim)
                .filter(|header| !header.is_empty())
                .map(|header| NamedColumn {
                    header: header.to_string(),
                    at: doc.location(&path),
                })
        });
        Ok(Some(Request {
            file: dir.join(name),
            at: doc.location("registrations"),
            columns,
        }))
    }
}

/// Text folded for comparison: compatibility decomposition, accents and
/// other combining marks dropped, lower case, runs of whitespace made one
/// space, trimmed. `Université de Montréal ` and `universite de  montreal`
/// fold alike.
pub fn fold(text: &str) -> String {
    let folded: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A header folded for matching: [`fold`], keeping letters and digits only,
/// so `Stakeholder group`, `stakeholder_group` and `Stakeholder-Group`
/// match alike.
fn header_key(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// A value folded into words for matching ticket types: [`fold`], with
/// every run of other characters one space, padded with spaces so that a
/// term is found as whole words (`In-Person Ticket` holds `in person`).
fn words(text: &str) -> String {
    let folded = fold(text);
    let spaced: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!(" {} ", spaced.join(" "))
}

/// The words of in-person ticket types, as [`words`] folds them.
const IN_PERSON: [&str; 7] = [
    " in person ",
    " inperson ",
    " onsite ",
    " on site ",
    " en personne ",
    " presentiel ",
    " sur place ",
];

/// The words of remote ticket types, as [`words`] folds them.
const REMOTE: [&str; 10] = [
    " remote ",
    " remotely ",
    " online ",
    " virtual ",
    " livestream ",
    " live stream ",
    " webcast ",
    " a distance ",
    " en ligne ",
    " virtuel ",
];

/// How a ticket type reads: in person, remote, or neither (or both).
fn attendance(ticket: &str) -> Attendance {
    let words = words(ticket);
    let in_person = IN_PERSON.iter().any(|t| words.contains(t));
    let remote = REMOTE.iter().any(|t| words.contains(t));
    match (in_person, remote) {
        (true, false) => Attendance::InPerson,
        (false, true) => Attendance::Remote,
        _ => Attendance::Unknown,
    }
}

/// Reads the registration export `request` asks for, below `root`.
///
/// Returns the three columns of every row, or `None` when the file cannot
/// be read or is malformed; every problem goes into `problems`, none of
/// them quoting a cell of any other column. `unreadable` is set when the
/// file cannot be read as text at all (missing, not a file, too large,
/// outside the project, not UTF-8, empty), as for any other source.
pub fn read(
    root: &Path,
    request: &Request,
    problems: &mut Vec<Diagnostic>,
    unreadable: &mut bool,
) -> Option<Registrations> {
    let bytes = match read_bytes(root, request) {
        Ok(bytes) => bytes,
        Err(problem) => {
            problems.push(problem);
            *unreadable = true;
            return None;
        }
    };
    let file = &request.file;
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let lines = LineIndex::new(text);
    if let Err(error) = std::str::from_utf8(text) {
        problems.push(
            Diagnostic::error(format!("{} is not UTF-8 text", file.display()))
                .at(Location::at(file, lines.line_of(error.valid_up_to()), 0))
                .with_hint(
                    "export the registrations again as UTF-8 CSV (in Excel: Save As → CSV UTF-8)",
                ),
        );
        *unreadable = true;
        return None;
    }
    let records = match records(text, &lines, file) {
        Ok(records) => records,
        Err(found) => {
            problems.extend(found);
            return None;
        }
    };
    let Some((header, rows)) = records.split_first() else {
        problems.push(
            Diagnostic::error(format!("{} is empty", file.display()))
                .at(Location::file(file))
                .with_hint("export the registrations with their header row"),
        );
        *unreadable = true;
        return None;
    };
    let columns = find_columns(&header.fields, request, problems)?;
    let mut registrants = Vec::new();
    // Ticket types that say neither in person nor remote, by folded
    // value: the first spelling seen and the lines.
    let mut unknown: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for row in rows {
        if row.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let cell = |index: usize| {
            let value = row.fields[index]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            (!value.is_empty()).then_some(value)
        };
        let ticket = cell(columns[2]).unwrap_or_default();
        let how = attendance(&ticket);
        if how == Attendance::Unknown {
            unknown
                .entry(fold(&ticket))
                .or_insert_with(|| (ticket.clone(), Vec::new()))
                .1
                .push(row.line);
        }
        registrants.push(Registrant {
            organisation: cell(columns[0]),
            sector: cell(columns[1]),
            attendance: how,
            line: row.line,
        });
    }
    for (ticket, found) in unknown.values() {
        problems.push(unknown_ticket(file, ticket, found));
    }
    if registrants.is_empty() {
        problems.push(
            Diagnostic::warning(format!(
                "{} has a header row and no registrations",
                file.display()
            ))
            .at(Location::at(file, 1, 0))
            .with_hint("export the registrations again once people have registered"),
        );
    }
    Some(Registrations {
        file: file.clone(),
        registrants,
    })
}

/// The warning for registrations whose ticket type is neither in person nor
/// remote. The ticket type is one of the three columns the report reads, so
/// it may be quoted.
fn unknown_ticket(file: &Path, ticket: &str, lines: &[usize]) -> Diagnostic {
    let count = lines.len();
    let what = if ticket.is_empty() {
        "no ticket type".to_string()
    } else {
        let shown: String = ticket.chars().take(60).collect();
        format!("the ticket type `{shown}`")
    };
    let mut message = format!(
        "{count} registration{} {} {what}, neither in person nor remote; {} left out of the attendance figures",
        if count == 1 { "" } else { "s" },
        if count == 1 { "has" } else { "have" },
        if count == 1 { "it is" } else { "they are" },
    );
    if count > 1 {
        let shown: Vec<String> = lines.iter().take(10).map(usize::to_string).collect();
        message.push_str(&format!(
            " (lines {}{})",
            shown.join(", "),
            if count > 10 { ", …" } else { "" }
        ));
    }
    Diagnostic::warning(message)
        .at(Location::at(file, lines[0], 0))
        .with_hint("in-person tickets are read by words such as \"In person\" or \"Onsite\", remote ones by \"Livestream\", \"Online\" or \"Remote\"; or name another column under `columns: attendance:` in stakeholders.yaml")
}

/// The export's bytes, refusing what is missing, outside the project, or
/// too large.
fn read_bytes(root: &Path, request: &Request) -> Result<Vec<u8>, Diagnostic> {
    let file = &request.file;
    let full = root.join(file);
    let name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let folder = file.parent().unwrap_or(Path::new(""));
    let metadata = std::fs::metadata(&full).map_err(|e| {
        Diagnostic::error(format!(
            "`registrations` names {name}, which cannot be read: {}",
            io_reason(&e)
        ))
        .at(request.at.clone())
        .with_hint(format!(
            "export the registrations as CSV into {}, or correct the file name here",
            folder.display()
        ))
    })?;
    refuse_outside_project(root, file)?;
    if !metadata.is_file() {
        return Err(Diagnostic::error(format!(
            "`registrations` names {name}, which is not a file"
        ))
        .at(request.at.clone()));
    }
    if metadata.len() > MAX_REGISTRATIONS_BYTES {
        return Err(Diagnostic::error(format!(
            "{} is {:.1} MB, larger than the {} MB a registration export may be",
            file.display(),
            metadata.len() as f64 / 1_048_576.0,
            MAX_REGISTRATIONS_BYTES / 1_048_576
        ))
        .at(Location::file(file))
        .with_hint("check that the right file was exported here"));
    }
    std::fs::read(&full).map_err(|e| {
        Diagnostic::error(format!("cannot read {}: {}", file.display(), io_reason(&e)))
            .at(Location::file(file))
    })
}

/// The line number of every byte offset of a text.
struct LineIndex {
    /// The offset of every `\n`.
    newlines: Vec<usize>,
}

impl LineIndex {
    fn new(text: &[u8]) -> Self {
        Self {
            newlines: text
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The 1-based line of the byte at `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&n| n < offset) + 1
    }
}

/// One record of the CSV: its fields and the line it starts on.
struct Record {
    fields: Vec<String>,
    line: usize,
}

/// Every record of `text`, which is UTF-8, or the problems that make the
/// file unusable.
fn records(text: &[u8], lines: &LineIndex, file: &Path) -> Result<Vec<Record>, Vec<Diagnostic>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut record = csv::ByteRecord::new();
    let mut records: Vec<Record> = Vec::new();
    let mut wrong_counts = Vec::new();
    loop {
        let start = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                // The reader is given bytes in memory and every record may
                // have its own length, so this is not expected; the message
                // names no cell.
                let line = error
                    .position()
                    .map_or(0, |p| lines.line_of(usize::try_from(p.byte()).unwrap_or(0)));
                return Err(vec![
                    Diagnostic::error(format!("{} cannot be read as CSV", file.display()))
                        .at(Location::at(file, line, 0)),
                ]);
            }
        }
        let end = usize::try_from(reader.position().byte()).unwrap_or(text.len());
        let start = usize::try_from(start).unwrap_or(0);
        // The position before a record is where the last one ended, which
        // may be before the line end that separates them.
        let start = start
            + text[start..end]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        let raw = &text[start..end];
        let line = lines.line_of(start);
        if !raw.iter().filter(|b| **b == b'"').count().is_multiple_of(2) {
            let quote = start + unterminated_quote(raw);
            return Err(vec![
                Diagnostic::error(format!(
                    "{} has a quote that is never closed",
                    file.display()
                ))
                .at(Location::at(file, lines.line_of(quote), 0))
                .with_hint("a field that starts with \" ends with \" (a \" inside it is written \"\"); export the registrations again, or correct the quotes on this line"),
            ]);
        }
        // Fields are UTF-8: the whole text is.
        let fields: Vec<String> = record
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        if let Some(header) = records.first()
            && fields.len() != header.fields.len()
            && !(fields.len() == 1 && fields[0].trim().is_empty())
        {
            wrong_counts.push((line, fields.len(), header.fields.len()));
        }
        records.push(Record { fields, line });
    }
    if wrong_counts.is_empty() {
        return Ok(records);
    }
    let total = wrong_counts.len();
    let mut problems: Vec<Diagnostic> = wrong_counts
        .iter()
        .take(FIELD_COUNT_ERRORS_SHOWN)
        .map(|(line, found, expected)| {
            Diagnostic::error(format!(
                "this row of {} has {found} field{}, and the header {expected}",
                file.display(),
                if *found == 1 { "" } else { "s" }
            ))
            .at(Location::at(file, *line, 0))
            .with_hint("a field holding a comma must be in quotes; export the registrations again rather than editing the file by hand")
        })
        .collect();
    if total > FIELD_COUNT_ERRORS_SHOWN {
        problems.push(
            Diagnostic::error(format!(
                "{} more rows of {} have the wrong number of fields",
                total - FIELD_COUNT_ERRORS_SHOWN,
                file.display()
            ))
            .at(Location::file(file)),
        );
    }
    Err(problems)
}

/// The offset, in a record with an odd number of quotes, of the quote that
/// most likely lacks its closing one: the first whose quoted text runs over
/// a line end (an unclosed quote takes the lines after it into its field),
/// else the last one opened.
fn unterminated_quote(raw: &[u8]) -> usize {
    let mut open: Option<usize> = None;
    let mut last_open = 0;
    for (i, byte) in raw.iter().enumerate() {
        if *byte != b'"' {
            continue;
        }
        match open.take() {
            None => {
                open = Some(i);
                last_open = i;
            }
            Some(start) => {
                if raw[start..i].contains(&b'\n') {
                    return start;
                }
            }
        }
    }
    open.unwrap_or(last_open)
}

/// Whether a header cell reads like a header and not like a registrant's
/// data: a first row that is a registration (an export without headers)
/// must not be listed in a message.
fn looks_like_header(cell: &str) -> bool {
    let digits = cell.chars().filter(char::is_ascii_digit).count();
    !cell.contains('@') && digits * 2 <= cell.chars().count() && cell.chars().count() <= 60
}

/// The index of each of the three columns in the header, or `None` with
/// the problems when one cannot be found.
fn find_columns(
    header: &[String],
    request: &Request,
    problems: &mut Vec<Diagnostic>,
) -> Option<[usize; 3]> {
    let file = &request.file;
    let keys: Vec<String> = header.iter().map(|h| header_key(h)).collect();
    let listed = if header.iter().all(|h| looks_like_header(h)) {
        format!(
            "its columns are: {}",
            header
                .iter()
                .map(|h| format!("`{}`", h.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        "its first row does not read as column headers (it holds an e-mail address or numbers): the export must start with its header row".to_string()
    };
    let mut found = [0; 3];
    let mut missing = false;
    for (index, column) in Column::ALL.into_iter().enumerate() {
        match &request.columns[index] {
            Some(named) => {
                let wanted = header_key(&named.header);
                match keys.iter().position(|k| *k == wanted) {
                    Some(at) => found[index] = at,
                    None => {
                        missing = true;
                        problems.push(
                            Diagnostic::error(format!(
                                "{} has no column `{}`",
                                file.display(),
                                named.header
                            ))
                            .at(named.at.clone())
                            .with_hint(format!(
                                "name the header of the column with {} exactly; {listed}",
                                column.what()
                            )),
                        );
                    }
                }
            }
            None => match keys
                .iter()
                .position(|k| column.synonyms().contains(&k.as_str()))
            {
                Some(at) => found[index] = at,
                None => {
                    missing = true;
                    problems.push(
                        Diagnostic::error(format!(
                            "{} has no column with {}",
                            file.display(),
                            column.what()
                        ))
                        .at(Location::at(file, 1, 0))
                        .with_hint(format!(
                            "{listed}; name the right one in stakeholders.yaml under `columns:`, e.g. `{}: \"{}\"`",
                            column.key(),
                            example_header(column)
                        )),
                    );
                }
            },
        }
    }
    (!missing).then_some(found)
}

/// A header an editor might write under `columns:`, for hints.
fn example_header(column: Column) -> &'static str {
    match column {
        Column::Organisation => "Company",
        Column::Sector => "Stakeholder Group",
        Column::Attendance => "Ticket Type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_spacing_and_accents() {
        assert_eq!(
            fold("  Université de   Montréal "),
            "universite de montreal"
        );
        assert_eq!(fold("internet society "), fold("Internet Society"));
    }

    #[test]
    fn reads_ticket_types() {
        assert_eq!(attendance("In-Person Ticket"), Attendance::InPerson);
        assert_eq!(attendance("Onsite"), Attendance::InPerson);
        assert_eq!(attendance("Présentiel"), Attendance::InPerson);
        assert_eq!(attendance("Livestream (free)"), Attendance::Remote);
        assert_eq!(attendance("À distance"), Attendance::Remote);
        assert_eq!(attendance("Speaker"), Attendance::Unknown);
        assert_eq!(attendance("In person or online"), Attendance::Unknown);
        // Words, not letters: "remote" is not in "remotest".
        assert_eq!(attendance("Remotest"), Attendance::Unknown);
    }

    #[test]
    fn matches_headers_by_their_letters() {
        assert_eq!(header_key(" Stakeholder_Group "), "stakeholdergroup");
        assert!(
            Column::Attendance
                .synonyms()
                .contains(&header_key("Ticket Type").as_str())
        );
        assert!(!looks_like_header("jane@example.org"));
        assert!(!looks_like_header("10442"));
        assert!(looks_like_header("Order #"));
    }

    #[test]
    fn finds_the_unclosed_quote() {
        let raw = b"7,\"unterminated,8\r\n9,\"ten\",11\r\n";
        assert_eq!(unterminated_quote(raw), 2);
        let raw = b"7,O\"Brien,8";
        assert_eq!(unterminated_quote(raw), 3);
    }
}
