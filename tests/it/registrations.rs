//! Stakeholders and attendance from a registration export: each
//! organisation once, the attendance computed, a chart by sector with its
//! table in both documents, and no personal data anywhere in the outputs.

use std::io::Read as _;
use std::path::Path;

use crate::support::*;

const FIXTURE: &str = "registrations";
const PDF: &str = "out/06-sixth-meeting.pdf";
const DOCX: &str = "out/06-sixth-meeting.docx";
const CSV: &str = "report-data/06-sixth-meeting/registrations.csv";
const STAKEHOLDERS: &str = "report-data/06-sixth-meeting/stakeholders.yaml";
const MEETING: &str = "report-data/06-sixth-meeting/meeting.yaml";
const LEAD_IN: &str =
    "At this meeting, the following stakeholders were represented (by registration):";

/// The organisations of the fixture's export, each once, alphabetically
/// with accents set aside: the spelling most registrants used, or the
/// alias's name.
const ORGANISATIONS: [&str; 19] = [
    "Bell Canada",
    "Canadian Centre for Cyber Security",
    "Canadian Internet Registration Authority",
    "CANARIE",
    "CIPPIC",
    "Cisco Systems",
    "Consumers' Association of Canada",
    "École de technologie supérieure",
    "Innovation, Science and Economic Development Canada",
    "Internet Society",
    "Internet Society Canada Chapter",
    "Nokia",
    "Ontario Ministry of Government and Consumer Services",
    "OpenMedia",
    "Public Safety Canada",
    "Rogers Communications",
    "Shaw Communications",
    "Université de Montréal",
    "University of Ottawa",
];

/// The chart's bars: organisations by sector, most first.
const SECTORS: [(&str, usize); 5] = [
    ("Industry", 5),
    ("Academia", 4),
    ("Civil society", 4),
    ("Government", 4),
    ("Technical community", 2),
];

const ALT: &str = "Bar chart. Organisations represented, by sector: Industry 5, Academia 4, Civil society 4, Government 4, Technical community 2.";

fn project() -> TempProject {
    TempProject::new(Some(FIXTURE))
}

fn build(project: &TempProject) -> std::process::Output {
    let output = project.run(&["build"]);
    assert!(
        output.status.success(),
        "build failed:\n{}",
        stderr(&output)
    );
    output
}

/// The lines of `text` after the lead-in, up to the line starting with
/// `until`, without list markers and without the page's footer and
/// running header where the list runs over a page.
fn listed(text: &str, until: &str) -> Vec<String> {
    let start = text
        .find(LEAD_IN)
        .unwrap_or_else(|| panic!("no lead-in in {text}"));
    text[start + LEAD_IN.len()..]
        .lines()
        .map(|l| l.trim().trim_start_matches(['•', ' ']).trim().to_string())
        .filter(|l| !l.is_empty())
        .filter(|l| !(l.starts_with("Page ") && l.contains(" of ")))
        .filter(|l| !l.starts_with("Enhancing IoT Security ·"))
        .take_while(|l| !l.starts_with(until))
        .collect()
}

#[test]
fn both_documents_list_each_organisation_once() {
    let project = project();
    build(&project);
    let expected: Vec<String> = ORGANISATIONS.iter().map(|s| s.to_string()).collect();
    let pdf = pdf_text(&project.path(PDF));
    assert_eq!(
        listed(&pdf, "Registrants who gave"),
        expected,
        "PDF:\n{pdf}"
    );
    let docx = docx_text(&project.path(DOCX));
    assert_eq!(
        listed(&docx, "Registrants who gave"),
        expected,
        "DOCX:\n{docx}"
    );
    for text in [&pdf, &docx] {
        assert!(
            text.contains("Registrants who gave no organisation: 3."),
            "{text}"
        );
    }
    // The list replaces the placeholder.
    let check = project.run(&["placeholders"]);
    assert!(
        !String::from_utf8_lossy(&check.stdout).contains("stakeholders"),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn the_layout_can_order_organisations_by_registrations() {
    let project = project();
    project.replace(
        "layouts/report.yaml",
        "sort: alphabetical",
        "sort: registrations",
    );
    build(&project);
    let docx = docx_text(&project.path(DOCX));
    let list = listed(&docx, "Registrants who gave");
    // Four registrants each, then alphabetically.
    assert_eq!(
        list[..3],
        ["Internet Society", "University of Ottawa", "Bell Canada"],
        "{list:?}"
    );
    assert_eq!(list.len(), ORGANISATIONS.len());
}

#[test]
fn attendance_is_computed_from_the_registrations() {
    let project = project();
    build(&project);
    let pdf = normalise(&pdf_text(&project.path(PDF)));
    let docx = normalise(&docx_text(&project.path(DOCX)));
    for fact in [
        "In-Person Attendance: 29",
        "Remote Attendance: 11",
        "Total Attendance: 40",
    ] {
        assert!(pdf.contains(fact), "PDF lacks {fact:?}: {pdf}");
        assert!(docx.contains(fact), "DOCX lacks {fact:?}: {docx}");
    }
}

#[test]
fn both_documents_chart_the_sectors_with_a_table_of_counts() {
    let project = project();
    build(&project);
    // The PDF: the caption and the table, and the alternative text in the
    // figure's tag.
    let pdf = normalise(&pdf_text(&project.path(PDF)));
    let table: String = SECTORS
        .iter()
        .map(|(sector, n)| format!("{sector} {n}"))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        pdf.contains("Organisations represented, by sector"),
        "{pdf}"
    );
    assert!(
        pdf.contains(&format!("Sector Organisations {table}")),
        "PDF lacks the table {table:?}: {pdf}"
    );
    let bytes = decompressed_pdf(&project);
    assert!(
        contains_text_string(&bytes, ALT),
        "the PDF's figure lacks its alternative text"
    );
    // The DOCX: a native chart holding the figures, placed inline with
    // the alternative text, and the same table.
    let docx = project.path(DOCX);
    let chart = docx_part(&docx, "word/charts/chart1.xml");
    assert!(chart.contains(r#"<c:barDir val="bar" />"#), "{chart}");
    for (sector, n) in SECTORS {
        assert!(chart.contains(&format!("<c:v>{sector}</c:v>")), "{chart}");
        assert!(chart.contains(&format!("<c:v>{n}</c:v>")), "{chart}");
    }
    // The layout's first colour.
    assert!(chart.contains(r#"<a:srgbClr val="1F3864" />"#), "{chart}");
    let document = docx_part(&docx, "word/document.xml");
    assert!(
        document.contains(&format!(r#"descr="{ALT}""#)),
        "no chart with its alternative text in document.xml"
    );
    assert!(document.contains(r#"<c:chart "#) && document.contains("r:id=\"rIdReportChart1\""));
    let relationships = docx_part(&docx, "word/_rels/document.xml.rels");
    assert!(
        relationships.contains(r#"Id="rIdReportChart1""#)
            && relationships.contains(r#"Target="charts/chart1.xml""#),
        "{relationships}"
    );
    let types = docx_part(&docx, "[Content_Types].xml");
    assert!(
        types.contains(r#"PartName="/word/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml""#),
        "{types}"
    );
    let text = normalise(&docx_text(&docx));
    assert!(
        text.contains(&format!(
            "Organisations represented, by sector Sector Organisations {table}"
        )),
        "DOCX lacks the caption and table: {text}"
    );
}

#[test]
fn no_personal_data_reaches_any_output() {
    let project = project();
    let personal = personal_values(&project.path(CSV));
    assert!(personal.len() >= 40 * 5, "{personal:?}");
    // The values are the fixture's own: none is written anywhere else.
    for file in walk(&project.path("report-data"))
        .into_iter()
        .chain(walk(&project.path("layouts")))
        .filter(|f| f.extension().is_none_or(|e| e != "csv"))
    {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for value in &personal {
            assert!(!text.contains(value.as_str()), "{value} is in {file:?}");
        }
    }
    // A ticket type neither in person nor remote, so that warnings are
    // printed too.
    project.replace(
        CSV,
        "Principal Engineer, Home Networks\",Bell Canada,Industry,In-Person Ticket",
        "Principal Engineer, Home Networks\",Bell Canada,Industry,Speaker",
    );
    let built = build(&project);
    let checked = project.run(&["check"]);
    let placeholders = project.run(&["placeholders"]);
    let source = project.run(&["source", "06-sixth-meeting"]);
    assert!(source.status.success(), "{}", stderr(&source));
    assert!(
        stderr(&built).contains("registrations.csv:20"),
        "the unknown ticket type is reported: {}",
        stderr(&built)
    );
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, output) in [
        ("build", &built),
        ("check", &checked),
        ("placeholders", &placeholders),
        ("source", &source),
    ] {
        outputs.push((format!("{name} stdout"), output.stdout.clone()));
        outputs.push((format!("{name} stderr"), output.stderr.clone()));
    }
    let pdf = std::fs::read(project.path(PDF)).unwrap();
    outputs.push(("the PDF".into(), pdf));
    outputs.push(("the PDF, decompressed".into(), decompressed_pdf(&project)));
    outputs.push((
        "the PDF's text".into(),
        pdf_text(&project.path(PDF)).into_bytes(),
    ));
    outputs.push((
        "the PDF's metadata".into(),
        tool("pdfinfo", &["-meta", project.path(PDF).to_str().unwrap()]).into_bytes(),
    ));
    let docx = std::fs::read(project.path(DOCX)).unwrap();
    outputs.push(("the DOCX".into(), docx.clone()));
    outputs.extend(zip_parts("the DOCX", &docx));
    // Nothing but the documents is written.
    let written: Vec<String> = std::fs::read_dir(project.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert!(
        written
            .iter()
            .all(|n| n.ends_with(".pdf") || n.ends_with(".docx")),
        "{written:?}"
    );
    assert_quotes_no_csv_line(&stderr(&built));
    // The search finds what the outputs may hold: an organisation in the
    // text of each, the alternative text in the PDF's tags.
    for (what, present) in [
        ("source stdout", "Université de Montréal"),
        ("the PDF's text", "Université de Montréal"),
        ("the DOCX: word/document.xml", "Université de Montréal"),
        ("the DOCX: word/charts/chart1.xml", "Technical community"),
        ("the PDF, decompressed", ALT),
    ] {
        let (_, bytes) = outputs.iter().find(|(w, _)| w == what).unwrap();
        assert!(
            contains_text_string(bytes, present),
            "{what} lacks {present:?}"
        );
    }
    for (what, bytes) in &outputs {
        for value in &personal {
            assert!(
                !contains_text_string(bytes, value),
                "{what} holds the personal value {value:?}"
            );
        }
    }
}

/// A way to break the export: what it is, how, where the error points,
/// and what it says.
/// What is broken, how, where the error is, what it says, and the exit
/// code: 1 for an export with problems, 2 for one that cannot be read as
/// text, as for any source.
type MalformedCase<'a> = (&'a str, &'a dyn Fn(&TempProject), &'a str, &'a str, i32);

#[test]
fn malformed_exports_are_errors_at_their_line_quoting_no_row() {
    let personal = personal_values(&repo().join("tests/fixtures").join(FIXTURE).join(CSV));
    let cases: [MalformedCase; 3] = [
        (
            "an unterminated quote",
            &|p: &TempProject| {
                p.replace(
                    CSV,
                    "\"Manager, Registry Operations\",CIRA",
                    "\"Manager, Registry Operations,CIRA",
                )
            },
            "registrations.csv:6",
            "a quote that is never closed",
            1,
        ),
        (
            "a row with a field too many",
            &|p: &TempProject| {
                p.replace(
                    CSV,
                    "Law Student Researcher,Cippic",
                    "Law Student Researcher,Faculty of Law,Cippic",
                )
            },
            "registrations.csv:14",
            "has 9 fields, and the header 8",
            1,
        ),
        (
            "bytes that are not UTF-8",
            &|p: &TempProject| {
                let path = p.path(CSV);
                let bytes = std::fs::read(&path).unwrap();
                let text = String::from_utf8(bytes).unwrap();
                let at = text.find("École de technologie").unwrap();
                let mut bytes = text.into_bytes();
                // É in Latin-1, as a spreadsheet saving in Windows-1252 writes it.
                bytes.splice(at..at + 2, [0xC9]);
                std::fs::write(&path, bytes).unwrap();
            },
            "registrations.csv:27",
            "is not UTF-8",
            2,
        ),
    ];
    for (what, break_it, location, message, code) in cases {
        let project = project();
        break_it(&project);
        let output = project.run(&["check"]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(code), "{what}:\n{err}");
        assert!(err.contains(location), "{what}: not at {location}:\n{err}");
        assert!(err.contains(message), "{what}: {message:?} not in\n{err}");
        assert_quotes_no_csv_line(&err);
        for value in &personal {
            assert!(!err.contains(value.as_str()), "{what}: {value} in\n{err}");
        }
    }
}

#[test]
fn a_missing_column_lists_the_headers_and_columns_can_be_named() {
    let project = project();
    project.replace(CSV, ",Company,", ",Employer Name,");
    let output = project.run(&["check"]);
    let err = stderr(&output);
    assert!(!output.status.success(), "{err}");
    assert!(
        err.contains("has no column with the registrants' organisations"),
        "{err}"
    );
    assert!(
        err.contains("--> report-data/06-sixth-meeting/registrations.csv:1"),
        "{err}"
    );
    assert!(
        err.contains("`Order #`, `First Name`, `Last Name`, `Email`, `Job Title`, `Employer Name`, `Stakeholder Group`, `Ticket Type`"),
        "{err}"
    );
    project.replace(
        STAKEHOLDERS,
        "registrations: registrations.csv\n",
        "registrations: registrations.csv\ncolumns:\n  organisation: employer name\n",
    );
    build(&project);
    let docx = docx_text(&project.path(DOCX));
    assert_eq!(
        listed(&docx, "Registrants who gave").len(),
        ORGANISATIONS.len()
    );
    // A column named but absent is an error where it is named.
    project.replace(
        STAKEHOLDERS,
        "organisation: employer name",
        "organisation: Employer",
    );
    let output = project.run(&["check"]);
    let err = stderr(&output);
    assert!(!output.status.success(), "{err}");
    assert!(err.contains("has no column `Employer`"), "{err}");
    assert!(
        err.contains("--> report-data/06-sixth-meeting/stakeholders.yaml:"),
        "{err}"
    );
}

#[test]
fn figures_that_disagree_with_the_registrations_are_warned_about() {
    let project = project();
    project.replace(
        MEETING,
        "  in_person:\n  remote:\n  total:\n",
        "  in_person: 35\n  remote: ~11\n  total: ~46\n",
    );
    let output = build(&project);
    let err = stderr(&output);
    for warning in [
        "meeting.yaml gives `attendance.in_person` as 35, but registrations.csv counts 29 registrants in person",
        "meeting.yaml gives `attendance.total` as ~46, but registrations.csv counts 40 registrants in all",
    ] {
        assert!(err.contains(warning), "{warning:?} not in\n{err}");
    }
    // ~11 is what the registrations count.
    assert!(!err.contains("attendance.remote"), "{err}");
    // The figures given are the ones printed.
    let pdf = normalise(&pdf_text(&project.path(PDF)));
    assert!(pdf.contains("In-Person Attendance: 35"), "{pdf}");
}

#[test]
fn an_organisations_list_wins_and_a_missing_export_is_located() {
    let project = project();
    project.replace(
        STAKEHOLDERS,
        "registrations: registrations.csv\n",
        "registrations: registrations.csv\norganisations:\n  - Internet Society\n  - CIRA\n",
    );
    build(&project);
    let docx = docx_text(&project.path(DOCX));
    assert_eq!(
        listed(&docx, "Registrants who gave"),
        ["Internet Society", "CIRA"]
    );
    // The chart still counts the registrations.
    assert!(
        docx_part(&project.path(DOCX), "word/charts/chart1.xml").contains("<c:v>Industry</c:v>")
    );
    std::fs::remove_file(project.path(CSV)).unwrap();
    let output = project.run(&["check"]);
    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "unreadable, as any source: {err}"
    );
    assert!(
        err.contains("`registrations` names registrations.csv, which cannot be read: no such file"),
        "{err}"
    );
    assert!(
        err.contains("--> report-data/06-sixth-meeting/stakeholders.yaml:5:"),
        "{err}"
    );
}

/// Asserts that no diagnostic located in the export quotes a line of it,
/// as diagnostics located in YAML do (`12 | key: value`).
fn assert_quotes_no_csv_line(err: &str) {
    for block in err.split("\n\n") {
        if block.contains("registrations.csv:") && block.contains("-->") {
            let quoted = block.lines().any(|line| {
                let line = line.trim_start();
                line.split_once(" | ")
                    .is_some_and(|(number, _)| number.chars().all(|c| c.is_ascii_digit()))
            });
            assert!(!quoted, "a line of the export is quoted:\n{block}");
        }
    }
}

/// Every value of the export's columns other than the organisation, the
/// sector and the ticket type.
fn personal_values(csv: &Path) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(csv)
        .unwrap();
    let headers = reader.headers().unwrap().clone();
    let kept = ["Company", "Stakeholder Group", "Ticket Type"];
    let mut values = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        for (header, value) in headers.iter().zip(record.iter()) {
            if !kept.contains(&header.trim_start_matches('\u{feff}')) && !value.trim().is_empty() {
                values.push(value.to_string());
            }
        }
    }
    values
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The PDF with its streams uncompressed, as qpdf writes it.
fn decompressed_pdf(project: &TempProject) -> Vec<u8> {
    let out = project.path("out/decompressed.pdf.tmp");
    let status = std::process::Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(project.path(PDF))
        .arg(&out)
        .status()
        .expect("qpdf must be installed (make test installs it)");
    // qpdf exits 3 for warnings, which still writes the file.
    assert!(matches!(status.code(), Some(0 | 3)), "qpdf failed");
    let bytes = std::fs::read(&out).unwrap();
    std::fs::remove_file(out).unwrap();
    bytes
}

/// Every part of a ZIP archive, and of the archives inside it (the chart's
/// workbook), uncompressed.
fn zip_parts(what: &str, bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = format!("{what}: {}", entry.name());
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if content.starts_with(b"PK\x03\x04") {
            parts.extend(zip_parts(&name, &content));
        }
        parts.push((name, content));
    }
    parts
}

/// Whether `bytes` hold `text` as UTF-8, as UTF-16 (big- or little-endian,
/// as PDF text strings and some XML hold it), as PDF hexadecimal, or with
/// XML's escapes.
fn contains_text_string(bytes: &[u8], text: &str) -> bool {
    let find =
        |needle: &[u8]| !needle.is_empty() && bytes.windows(needle.len()).any(|w| w == needle);
    let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let hex = |upper: bool| -> Vec<u8> {
        utf16be
            .iter()
            .map(|b| {
                if upper {
                    format!("{b:02X}")
                } else {
                    format!("{b:02x}")
                }
            })
            .collect::<String>()
            .into_bytes()
    };
    let xml = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;");
    find(text.as_bytes())
        || find(&utf16be)
        || find(&utf16le)
        || find(&hex(true))
        || find(&hex(false))
        || find(xml.as_bytes())
}
