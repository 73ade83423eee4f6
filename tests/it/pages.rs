//! The DOCX carries its fonts and pages like the PDF: LibreOffice, with
//! none of the report's fonts installed, lays it out on as many pages as the
//! PDF, every heading on the page the PDF's outline and the DOCX's own table
//! of contents give.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{TempProject, libreoffice_convert, repo, tool};

const PDF: &str = "out/06-sixth-meeting.pdf";
const DOCX: &str = "out/06-sixth-meeting.docx";

fn built(fixture: Option<&str>) -> TempProject {
    let project = TempProject::new(fixture);
    let output = project.run(&["build", "--out", "out"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    project
}

/// The DOCX as LibreOffice lays it out, as a PDF. LibreOffice runs with a
/// profile of its own, so that tests may run side by side, and with a
/// fontconfig that hides any Carlito (or Calibri) installed on the machine:
/// the text can only be set in the fonts the DOCX carries.
fn libreoffice_pdf(project: &TempProject) -> PathBuf {
    let dir = project.path("libreoffice");
    std::fs::create_dir_all(&dir).unwrap();
    let fonts_conf = dir.join("fonts.conf");
    // The folders fonts are installed in, not the profile LibreOffice puts
    // the embedded fonts in.
    let home = std::env::var("HOME").unwrap_or_default();
    let rejected: String = ["/usr/share/fonts", "/usr/local/share/fonts"]
        .into_iter()
        .map(str::to_string)
        .chain([
            format!("{home}/.fonts"),
            format!("{home}/.local/share/fonts"),
        ])
        .flat_map(|folder| {
            ["arlito", "alibri"].map(|name| format!("<glob>{folder}/*{name}*</glob>"))
        })
        .collect();
    std::fs::write(
        &fonts_conf,
        format!(
            concat!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n",
                "<fontconfig>\n",
                "  <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n",
                "  <selectfont><rejectfont>{}</rejectfont></selectfont>\n",
                "</fontconfig>\n"
            ),
            rejected
        ),
    )
    .unwrap();
    libreoffice_convert(
        &project.path(DOCX),
        "pdf",
        &dir,
        &[("FONTCONFIG_FILE", fonts_conf.as_path())],
    )
}

fn page_count(pdf: &Path) -> usize {
    tool("pdfinfo", &[pdf.to_str().unwrap()])
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives the page count")
}

/// The headings of Typst's PDF and their pages, from its outline.
fn outline(pdf: &Path) -> Vec<(String, usize)> {
    let json = tool(
        "qpdf",
        &["--json=2", "--json-key=outlines", pdf.to_str().unwrap()],
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    fn walk(items: &[serde_json::Value], out: &mut Vec<(String, usize)>) {
        for item in items {
            let title = item["title"].as_str().unwrap_or_default().to_string();
            let page = item["destpageposfrom1"].as_u64().unwrap_or(0) as usize;
            out.push((title, page));
            walk(item["kids"].as_array().map_or(&[][..], Vec::as_slice), out);
        }
    }
    let mut headings = Vec::new();
    walk(json["outlines"].as_array().unwrap(), &mut headings);
    headings
}

fn page_lines(pdf: &Path, page: usize) -> Vec<String> {
    let page = page.to_string();
    tool(
        "pdftotext",
        &[
            "-layout",
            "-enc",
            "UTF-8",
            "-f",
            &page,
            "-l",
            &page,
            pdf.to_str().unwrap(),
            "-",
        ],
    )
    .lines()
    .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
    .collect()
}

/// The page each heading stands on in LibreOffice's layout: the first
/// line that is the heading alone, searched from the previous heading's
/// page on (the contents list them too, followed by dots and a number).
fn heading_pages(pdf: &Path, headings: &[(String, usize)]) -> Vec<(String, usize)> {
    let pages: Vec<Vec<String>> = (1..=page_count(pdf)).map(|p| page_lines(pdf, p)).collect();
    let mut from = 0;
    let mut found = Vec::new();
    for (heading, _) in headings {
        let page = (from..pages.len())
            .find(|&p| pages[p].iter().any(|line| line == heading))
            .unwrap_or_else(|| panic!("LibreOffice's layout lacks the heading {heading:?}"));
        found.push((heading.clone(), page + 1));
        from = page;
    }
    found
}

/// The contents as the DOCX shows them: "heading .... page" lines.
fn contents(pdf: &Path) -> BTreeMap<String, usize> {
    let mut entries = BTreeMap::new();
    for line in page_lines(pdf, 1) {
        let Some(split) = line.rfind(|c: char| !c.is_ascii_digit()).map(|i| i + 1) else {
            continue;
        };
        let Ok(page) = line[split..].parse::<usize>() else {
            continue;
        };
        let leader = &line[..split];
        let title = leader.trim_end_matches([' ', '.']);
        if leader.len() - title.len() >= 3 {
            entries.insert(title.to_string(), page);
        }
    }
    entries
}

fn assert_pages_alike(project: &TempProject) {
    let typst = project.path(PDF);
    let libreoffice = libreoffice_pdf(project);
    let fonts = tool("pdffonts", &[libreoffice.to_str().unwrap()]);
    let names: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|name| name.contains("Carlito")),
        "LibreOffice set the text in other fonts than the embedded Carlito:\n{fonts}"
    );
    let expected = outline(&typst);
    assert!(expected.len() >= 4, "the PDF's outline: {expected:?}");
    let found = heading_pages(&libreoffice, &expected);
    assert_eq!(
        found, expected,
        "headings stand on other pages in LibreOffice than in the PDF"
    );
    let listed = contents(&libreoffice);
    for (heading, page) in &expected {
        assert_eq!(
            listed.get(heading),
            Some(page),
            "the DOCX's contents give {heading:?} another page than the PDF: {listed:?}"
        );
    }
    assert_eq!(
        page_count(&libreoffice),
        page_count(&typst),
        "LibreOffice lays the DOCX out on another number of pages than the PDF"
    );
}

#[test]
fn libreoffice_pages_the_seed_report_like_the_pdf() {
    assert_pages_alike(&built(None));
}

#[test]
fn libreoffice_pages_a_long_report_like_the_pdf() {
    let project = built(Some("long"));
    assert!(
        page_count(&project.path(PDF)) >= 6,
        "the long fixture runs to six pages or more"
    );
    assert_pages_alike(&project);
}

/// A DOCX part as bytes.
fn part(docx: &Path, name: &str) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut entry = archive.by_name(name).ok()?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
    Some(bytes)
}

/// The value of `attribute="..."` in an XML tag.
fn attribute<'a>(tag: &'a str, attribute: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{attribute}=\""))? + attribute.len() + 2;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

#[test]
fn the_docx_carries_the_faces_it_uses() {
    let project = built(Some("long"));
    let docx = project.path(DOCX);
    let text = |name: &str| String::from_utf8(part(&docx, name).unwrap()).unwrap();
    let table = text("word/fontTable.xml");
    let relationships = text("word/_rels/fontTable.xml.rels");
    assert!(
        text("[Content_Types].xml").contains(
            r#"Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont""#
        ),
        "no content type for obfuscated fonts"
    );
    assert!(text("word/settings.xml").contains("<w:embedTrueTypeFonts"));
    // The long report sets text regular, bold and italic, never bold italic.
    let carlito = repo().join("fonts/carlito");
    let faces = [
        ("embedRegular", "Carlito-Regular.ttf"),
        ("embedBold", "Carlito-Bold.ttf"),
        ("embedItalic", "Carlito-Italic.ttf"),
    ];
    for (element, file) in faces {
        let at = table
            .find(&format!("<w:{element} "))
            .unwrap_or_else(|| panic!("fontTable.xml has no {element}:\n{table}"));
        let tag = &table[at..at + table[at..].find("/>").unwrap()];
        let id = attribute(tag, "r:id").unwrap();
        let key = attribute(tag, "w:fontKey").unwrap();
        let rel_at = relationships
            .find(&format!("Id=\"{id}\""))
            .unwrap_or_else(|| panic!("no relationship {id}"));
        let rel = &relationships[relationships[..rel_at].rfind('<').unwrap()..];
        let target = attribute(rel, "Target").unwrap();
        assert!(target.starts_with("fonts/") && target.ends_with(".odttf"));
        let mut font = part(&docx, &format!("word/{target}")).expect("the font part");
        let original = std::fs::read(carlito.join(file)).unwrap();
        assert_ne!(font, original, "{file} is embedded unobfuscated");
        // ECMA-376 Part 1, §17.8.1: the first 32 bytes are XORed with the
        // key's 16 bytes, taken from the GUID's hex digits in reverse.
        let digits: Vec<u8> = key
            .chars()
            .filter_map(|c| c.to_digit(16))
            .map(|d| d as u8)
            .collect();
        assert_eq!(digits.len(), 32, "the font key {key} is a GUID");
        let bytes: Vec<u8> = digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect();
        for i in 0..32 {
            font[i] ^= bytes[15 - i % 16];
        }
        assert!(
            font == original,
            "{target} is not {file} once de-obfuscated"
        );
    }
    assert!(
        !table.contains("<w:embedBoldItalic"),
        "an unused face is embedded"
    );
    assert!(
        !table.contains("Noto Color Emoji"),
        "an unused font is named"
    );
    let parts = zip::ZipArchive::new(std::fs::File::open(&docx).unwrap())
        .unwrap()
        .file_names()
        .filter(|name| name.starts_with("word/fonts/"))
        .count();
    assert_eq!(parts, faces.len(), "one part per face used");
}
