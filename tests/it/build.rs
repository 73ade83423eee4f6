//! Building the sixth-meeting report: content, flags, gates and outputs.

use crate::support::*;

/// Builds the repository's reports into a temporary project once per test.
fn built() -> TempProject {
    let project = TempProject::new(None);
    let output = project.run(&["build"]);
    assert!(
        output.status.success(),
        "build failed:\n{}",
        stderr(&output)
    );
    project
}

const PDF: &str = "out/06-sixth-meeting.pdf";
const DOCX: &str = "out/06-sixth-meeting.docx";

#[test]
fn every_sentence_of_the_seed_is_in_both_documents() {
    let project = built();
    let pdf = normalise(&pdf_text(&project.path(PDF)));
    let docx = normalise(&docx_text(&project.path(DOCX)));
    let sentences = seed_sentences();
    assert!(
        sentences.len() > 40,
        "the seed has its sentences: {sentences:?}"
    );
    let missing_pdf: Vec<&String> = sentences
        .iter()
        .filter(|s| !pdf.contains(s.as_str()))
        .collect();
    let missing_docx: Vec<&String> = sentences
        .iter()
        .filter(|s| !docx.contains(s.as_str()))
        .collect();
    assert!(
        missing_pdf.is_empty(),
        "not in the PDF: {missing_pdf:#?}\n\nPDF text: {pdf}"
    );
    assert!(
        missing_docx.is_empty(),
        "not in the DOCX: {missing_docx:#?}\n\nDOCX text: {docx}"
    );
}

#[test]
fn placeholders_are_flagged_in_both_documents() {
    let project = built();
    let pdf = pdf_text(&project.path(PDF));
    let docx = docx_text(&project.path(DOCX));
    for flag in [
        "TO DO: [link to last report with page #s]",
        "TO DO: The introduction of Consumer Education is still to be written",
        "TO DO: The discussion of Network Resiliency is still to be written",
        "TO DO: The list of stakeholders represented (by registration) is still to be given",
    ] {
        assert!(normalise_spaces(&pdf).contains(flag), "PDF lacks {flag:?}");
        assert!(docx.contains(flag), "DOCX lacks {flag:?}");
    }
    let document = docx_part(&project.path(DOCX), "word/document.xml");
    assert!(
        document.contains(r#"<w:highlight w:val="yellow" />"#),
        "flags are highlighted in the DOCX"
    );
}

fn normalise_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn check_lists_placeholders_with_their_locations() {
    let project = TempProject::new(None);
    let output = project.run(&["placeholders"]);
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!("placeholders", String::from_utf8_lossy(&output.stdout));
    let check = project.run(&["check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "a draft with placeholders passes check:\n{}",
        stderr(&check)
    );
    assert!(
        stderr(&check).contains("0 errors, 10 warnings"),
        "{}",
        stderr(&check)
    );
}

#[test]
fn final_check_and_final_build_refuse_placeholders() {
    let project = TempProject::new(None);
    let check = project.run(&["check", "--final"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains("10 errors"), "{}", stderr(&check));
    let build = project.run(&["build", "--final"]);
    assert_eq!(build.status.code(), Some(1));
    assert!(
        !project.path(PDF).exists() && !project.path(DOCX).exists(),
        "a refused final build writes nothing"
    );
}

#[test]
fn a_missing_required_section_fails_check_naming_it() {
    let project = TempProject::new(None);
    std::fs::remove_file(project.path("report-data/06-sixth-meeting/overview.yaml")).unwrap();
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("error: required section `Overview` is missing"),
        "{message}"
    );
    assert!(
        message.contains("--> report-data/06-sixth-meeting/overview.yaml"),
        "{message}"
    );
}

#[test]
fn a_missing_optional_section_is_a_flag_not_an_error() {
    let project = TempProject::new(None);
    std::fs::remove_file(project.path("report-data/06-sixth-meeting/stakeholders.yaml")).unwrap();
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let pdf = normalise_spaces(&pdf_text(&project.path(PDF)));
    assert!(
        pdf.contains("TO DO: The stakeholders section is still to be written (stakeholders.yaml)"),
        "{pdf}"
    );
}

#[test]
fn an_empty_list_is_a_flagged_placeholder_like_an_empty_field() {
    let project = TempProject::new(None);
    project.write(
        "report-data/06-sixth-meeting/panel-updates.yaml",
        "# A first meeting has no working groups yet.\ngroups: []\n",
    );
    project.write(
        "report-data/06-sixth-meeting/agenda.yaml",
        "# The agenda is still to come.\nitems: []\n",
    );
    project.write(
        "report-data/06-sixth-meeting/stakeholders.yaml",
        "lead_in: \"At this meeting, the following stakeholders were represented (by registration):\"\norganisations: []\n",
    );
    let check = project.run(&["check"]);
    let message = stderr(&check);
    assert_eq!(check.status.code(), Some(0), "{message}");
    for (flag, place) in [
        (
            "The working groups' updates are still to be written: no group is listed",
            "panel-updates.yaml:2:1",
        ),
        (
            "The agenda is still to be given: it lists no item",
            "agenda.yaml:2:1",
        ),
        (
            "The list of stakeholders represented (by registration) is still to be given",
            "stakeholders.yaml:2:",
        ),
    ] {
        assert!(
            message.contains(&format!("warning: placeholder: {flag}")),
            "{message}"
        );
        assert!(message.contains(place), "{place} in {message}");
    }
    let build = project.run(&["build"]);
    assert!(build.status.success(), "{}", stderr(&build));
    let pdf = normalise_spaces(&pdf_text(&project.path(PDF)));
    let docx = docx_text(&project.path(DOCX));
    for text in [&pdf, &docx] {
        // The flag stands right under the heading it fills.
        assert!(
            text.contains("Panel Updates and Group Discussion TO DO: The working groups' updates")
                || text.contains(
                    "Panel Updates and Group Discussion\nTO DO: The working groups' updates"
                ),
            "{text}"
        );
        assert!(
            text.contains("TO DO: The agenda is still to be given"),
            "{text}"
        );
    }
    let refused = project.run(&["check", "--final"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("error: placeholder: The agenda is still to be given"));
}

#[test]
fn generated_typst_source_matches_its_snapshot() {
    let project = TempProject::new(None);
    let output = project.run(&["source", "06-sixth-meeting"]);
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!("typst_source", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn docx_xml_matches_its_snapshot() {
    let project = built();
    let document = docx_part(&project.path(DOCX), "word/document.xml").replace("><", ">\n<");
    insta::assert_snapshot!("docx_document_xml", document);
}

#[test]
fn docx_has_structure_word_understands() {
    let project = built();
    let docx = project.path(DOCX);
    let styles = docx_part(&docx, "word/styles.xml");
    for (style, level) in [("Heading1", 0), ("Heading2", 1), ("Heading3", 2)] {
        let at = styles
            .find(&format!(r#"w:styleId="{style}""#))
            .unwrap_or_else(|| panic!("{style} style"));
        let end = styles[at..].find("</w:style>").unwrap() + at;
        assert!(
            styles[at..end].contains(&format!(r#"<w:outlineLvl w:val="{level}" />"#)),
            "{style} outline level"
        );
    }
    assert!(styles.contains(r#"w:styleId="Hyperlink""#));
    assert!(
        styles.contains(r#"<w:lang w:val="en-CA""#),
        "language in the styles"
    );
    let core = docx_part(&docx, "docProps/core.xml");
    assert!(
        core.contains("<dc:title>Report on Sixth and Final Multistakeholder Meeting</dc:title>"),
        "{core}"
    );
    assert!(
        core.contains("2019-04-18T00:00:00Z"),
        "created date from the data: {core}"
    );
    let document = docx_part(&docx, "word/document.xml");
    assert!(
        document.contains("<w:tblHeader />"),
        "the agenda's header row repeats"
    );
    assert!(
        document.contains("<w:tblGrid>"),
        "the agenda has an explicit grid"
    );
    assert!(
        document.contains(r#"<w:ilvl w:val="1" />"#),
        "nested list items carry level 1"
    );
    assert!(
        document.contains("PAGEREF _Toc00000001"),
        "the table of contents is filled in"
    );
    let numbering = docx_part(&docx, "word/numbering.xml");
    assert!(
        numbering.contains(r#"<w:num w:numId="2">"#),
        "numbering ids start at 2"
    );
    let footer = docx_part(&docx, "word/footer1.xml");
    assert!(
        footer.contains("PAGE") && footer.contains("NUMPAGES"),
        "{footer}"
    );
}

#[test]
fn pdf_is_tagged_archival_and_embeds_its_fonts() {
    let project = built();
    let pdf = project.path(PDF);
    let path = pdf.to_str().unwrap();
    let info = tool("pdfinfo", &[path]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains("Title:           Report on Sixth and Final Multistakeholder Meeting"),
        "{info}"
    );
    assert!(info.contains("Pages:           3"), "{info}");
    assert!(info.contains("(letter)"), "{info}");
    let fonts = tool("pdffonts", &[path]);
    for line in fonts.lines().skip(2) {
        let columns: Vec<&str> = line.split_whitespace().collect();
        let embedded = columns[columns.len() - 5];
        assert_eq!(embedded, "yes", "font not embedded: {line}");
    }
    assert!(fonts.contains("Carlito"), "{fonts}");
    let metadata = tool("pdfinfo", &["-meta", path]);
    assert!(
        metadata.contains("pdfaid:part>2<") || metadata.contains("pdfaid:part=\"2\""),
        "PDF/A-2: {metadata}"
    );
    assert!(
        metadata.contains("pdfuaid:part>1<") || metadata.contains("pdfuaid:part=\"1\""),
        "PDF/UA-1: {metadata}"
    );
    tool("qpdf", &["--check", path]);
    let outline = tool("qpdf", &["--json", "--json-key=outlines", path]);
    for heading in [
        "Overview",
        "Panel Updates and Group Discussion",
        "Consumer Education",
        "Labeling",
        "Network Resiliency",
        "Appendix A: Agenda",
    ] {
        assert!(
            outline.contains(&format!("\"title\": \"{heading}\"")),
            "outline lacks {heading}: {outline}"
        );
    }
}

#[test]
fn building_twice_gives_identical_bytes() {
    let project = built();
    let first = (
        std::fs::read(project.path(PDF)).unwrap(),
        std::fs::read(project.path(DOCX)).unwrap(),
    );
    let output = project.run(&["build"]);
    assert!(output.status.success());
    let second = (
        std::fs::read(project.path(PDF)).unwrap(),
        std::fs::read(project.path(DOCX)).unwrap(),
    );
    assert!(first.0 == second.0, "the PDF differs between builds");
    assert!(first.1 == second.1, "the DOCX differs between builds");
}

#[test]
fn a_failed_build_leaves_the_previous_outputs_untouched() {
    let project = built();
    let before = (
        std::fs::read(project.path(PDF)).unwrap(),
        std::fs::read(project.path(DOCX)).unwrap(),
    );
    project.write(
        "report-data/06-sixth-meeting/meeting.yaml",
        "number: 6\nordinal: [broken\n",
    );
    let output = project.run(&["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let after = (
        std::fs::read(project.path(PDF)).unwrap(),
        std::fs::read(project.path(DOCX)).unwrap(),
    );
    assert!(before == after, "outputs changed after a failed build");
    let leftovers: Vec<_> = std::fs::read_dir(project.path("out"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn renaming_a_heading_in_the_layout_changes_both_documents() {
    let project = TempProject::new(None);
    project.replace(
        "layouts/report.yaml",
        "heading: { en: Overview, fr: Aperçu }",
        "heading: Summary of the Process",
    );
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(pdf_text(&project.path(PDF)).contains("Summary of the Process"));
    assert!(docx_text(&project.path(DOCX)).contains("Summary of the Process"));
}

/// Words of a document's body text, without running headers, footers and
/// the contents' dot leaders.
fn body_words(text: &str, running_title: &str) -> Vec<String> {
    let lines = text.lines().filter(|line| {
        let line = line.trim();
        line != running_title && !(line.starts_with("Page ") && line.contains(" of "))
    });
    normalise(&lines.collect::<Vec<_>>().join("\n"))
        .split(' ')
        .filter(|w| !w.chars().all(|c| c == '.'))
        .map(str::to_string)
        .collect()
}

#[test]
fn pdf_and_docx_carry_the_same_words_in_the_same_order() {
    let project = built();
    let running = "Enhancing IoT Security · Report on Sixth and Final Multistakeholder Meeting";
    let pdf = body_words(&pdf_text(&project.path(PDF)), running);
    let docx = body_words(&docx_text(&project.path(DOCX)), running);
    if pdf != docx {
        let first = pdf
            .iter()
            .zip(&docx)
            .position(|(a, b)| a != b)
            .unwrap_or(pdf.len().min(docx.len()));
        panic!(
            "the documents differ at word {first}:\n  PDF:  {:?}\n  DOCX: {:?}",
            &pdf[first.saturating_sub(5)..(first + 10).min(pdf.len())],
            &docx[first.saturating_sub(5)..(first + 10).min(docx.len())]
        );
    }
}

#[test]
fn libreoffice_opens_the_docx_and_finds_every_heading_and_paragraph() {
    let project = built();
    let converted =
        libreoffice_convert(&project.path(DOCX), "pdf", &project.path("converted"), &[]);
    let via_libreoffice = normalise(&pdf_text(&converted));
    for paragraph in docx_text(&project.path(DOCX)).lines() {
        let paragraph = normalise(paragraph);
        if paragraph.is_empty() {
            continue;
        }
        // Contents lines carry a tab and page number LibreOffice lays out its own way.
        let probe = paragraph
            .rsplit_once(' ')
            .filter(|(_, n)| n.parse::<u32>().is_ok())
            .map_or(paragraph.as_str(), |(t, _)| t);
        assert!(
            via_libreoffice.contains(probe),
            "LibreOffice lost {probe:?}\n\n{via_libreoffice}"
        );
    }
}

#[test]
fn faces_packed_by_an_earlier_run_give_the_same_docx() {
    let project = TempProject::new(None);
    let cache = project.path("cache");
    let build = || {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_report"))
            .args(["build", "--docx-only"])
            .current_dir(project.root())
            .env("REPORT_CACHE_DIR", &cache)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        std::fs::read(project.path(DOCX)).unwrap()
    };
    let cold = build();
    let packed: Vec<_> = std::fs::read_dir(cache.join("fonts"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(!packed.is_empty(), "the faces are kept for the next run");
    assert!(build() == cold, "a warm run gives the same bytes");
    // A damaged or foreign file in the cache is not used.
    for file in &packed {
        let mut bytes = std::fs::read(file).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0xFF;
        std::fs::write(file, &bytes).unwrap();
    }
    let other = std::fs::read(&packed[0]).unwrap();
    for file in &packed[1..] {
        std::fs::write(file, &other).unwrap();
    }
    let rebuilt = build();
    assert!(
        rebuilt == cold || packed.len() == 1,
        "stale packings are refused"
    );
}

/// The header parts of a DOCX, each with its XML.
fn docx_headers(docx: &std::path::Path) -> Vec<(String, String)> {
    let file = std::fs::File::open(docx).unwrap();
    let archive = zip::ZipArchive::new(file).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .filter(|name| name.starts_with("word/header"))
        .map(str::to_string)
        .collect();
    names
        .into_iter()
        .map(|name| {
            let xml = docx_part(docx, &name);
            (name, xml)
        })
        .collect()
}

#[test]
fn a_draft_docx_is_marked_draft_on_every_page_and_a_final_one_is_not() {
    let draft = built();
    let headers = docx_headers(&draft.path(DOCX));
    // The first page's header and the others': the mark is on every page.
    assert_eq!(headers.len(), 2, "{headers:?}");
    for (name, xml) in &headers {
        assert_eq!(
            xml.matches(r#"<v:textpath style="font-family:&quot;Carlito&quot;;font-size:1pt;font-weight:bold" string="DRAFT" />"#)
                .count(),
            1,
            "{name}: {xml}"
        );
        assert!(xml.contains("rotation:320;"), "{name}: the PDF's angle");
    }
    let ids: Vec<&str> = headers
        .iter()
        .filter_map(|(_, xml)| xml.split(r#"<v:shape id=""#).nth(1)?.split('"').next())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1], "each header's shape has its own id");

    let complete = TempProject::new(Some("long"));
    let output = complete.run(&["build", "--final"]);
    assert!(output.status.success(), "{}", stderr(&output));
    for (name, xml) in docx_headers(&complete.path(DOCX)) {
        assert!(!xml.contains("<w:pict>"), "{name} of a final DOCX: {xml}");
    }
}
