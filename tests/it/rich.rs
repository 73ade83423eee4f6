//! Rich text: every Markdown construct, the same in the PDF and the DOCX.

use crate::support::*;

const PDF: &str = "out/06-sixth-meeting.pdf";
const DOCX: &str = "out/06-sixth-meeting.docx";

fn built() -> TempProject {
    let project = TempProject::new(Some("rich"));
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    project
}

#[test]
fn rich_text_becomes_typst_calls_on_string_literals() {
    let project = TempProject::new(Some("rich"));
    let output = project.run(&["source", "06-sixth-meeting"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let source = String::from_utf8_lossy(&output.stdout).into_owned();
    let start = source.find("== #\"Consumer Education\"").unwrap();
    let end = source.find("== #\"Labeling\"").unwrap();
    insta::assert_snapshot!("rich_typst", &source[start..end]);
}

#[test]
fn rich_text_in_the_docx_is_real_word_structure() {
    let project = built();
    let document = docx_part(&project.path(DOCX), "word/document.xml");
    let run_of = |text: &str| {
        let at = document
            .find(&format!(">{text}</w:t>"))
            .unwrap_or_else(|| panic!("{text} in document.xml"));
        let start = document[..at].rfind("<w:r>").unwrap();
        document[start..at].to_string()
    };
    assert!(
        run_of("defined").contains("<w:i />"),
        "emphasis is italic: {}",
        run_of("defined")
    );
    assert!(
        run_of("consumer education").contains("<w:b />"),
        "strong is bold"
    );
    assert!(run_of("security by default").contains(r#"<w:rStyle w:val="Code" />"#));
    assert!(run_of("Report on Fifth Meeting").contains(r#"<w:rStyle w:val="Hyperlink" />"#));
    assert!(
        document.contains("<w:footnoteReference w:id="),
        "a real footnote"
    );
    let footnotes = docx_part(&project.path(DOCX), "word/footnotes.xml");
    assert!(footnotes.contains("As recorded in the "), "{footnotes}");
    let paragraph_of = |text: &str| {
        let at = document.find(&format!(">{text}</w:t>")).unwrap();
        let start = document[..at].rfind("<w:p ").unwrap();
        document[start..at].to_string()
    };
    assert!(paragraph_of("Publish a guide.").contains(r#"<w:ilvl w:val="0" />"#));
    assert!(paragraph_of("For retailers").contains(r#"<w:ilvl w:val="1" />"#));
    assert!(paragraph_of("In French").contains(r#"<w:ilvl w:val="1" />"#));
    assert!(paragraph_of("A quotation from the ").contains(r#"<w:pStyle w:val="Quote" />"#));
    let numbering = docx_part(&project.path(DOCX), "word/numbering.xml");
    assert!(
        numbering.contains(r#"<w:numFmt w:val="lowerLetter" />"#),
        "nested numbered lists use a."
    );
}

#[test]
fn rich_text_in_the_pdf_uses_real_faces_and_footnotes() {
    let project = built();
    let pdf = project.path(PDF);
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    for face in ["Carlito-Italic", "Carlito-Bold", "DejaVuSansMono"] {
        assert!(fonts.contains(face), "{face} is used: {fonts}");
    }
    let text = pdf_text(&pdf);
    for line in [
        "1. Publish a guide.",
        "a. In English",
        "As recorded in the fifth meeting's report.",
        "A quotation from the previous report.",
    ] {
        assert!(normalise(&text).contains(line), "{line:?} in {text}");
    }
}

const PANELS: &str = "report-data/06-sixth-meeting/panel-updates.yaml";

/// Puts `introduction` (lines of a block scalar) into the first working
/// group of the repository's report; its first line is line 9 of the file.
fn with_introduction(lines: &[&str]) -> TempProject {
    let project = TempProject::new(None);
    let text: String = lines.iter().map(|l| format!("      {l}\n")).collect();
    project.replace(
        PANELS,
        "    introduction:\n    discussion:\n\n  - name: { en: Labeling",
        &format!("    introduction: |\n{text}    discussion:\n\n  - name: {{ en: Labeling"),
    );
    project
}

#[test]
fn links_leading_anywhere_but_the_web_or_mail_are_located_errors() {
    let project = with_introduction(&[
        "See [the file](../../../etc/passwd) now.",
        "Also [a](file:///etc/passwd), [b](javascript:alert(1)) and [c](htps://example.com).",
        "And [notes](notes.pdf), [d](data:text/html,hi), [e](#overview) and [f]().",
        "A claim.[^1]",
        "",
        "[^1]: See [the secret](../../secret.txt).",
    ]);
    let output = project.run(&["build"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        !project.path(PDF).exists() && !project.path(DOCX).exists(),
        "nothing is written"
    );
    let field = "`groups[0].introduction` has a link";
    // Every bad link of the run, each at its line, with what to write.
    for (line, message, hint) in [
        (
            9,
            "to `../../../etc/passwd`, which is not a web address",
            "publish it and link to its web address",
        ),
        (
            10,
            "to `file:///etc/passwd`; a report cannot hold `file:` links",
            "a link leads to a web page (https://…)",
        ),
        (
            10,
            "to `javascript:alert(1)`; a report cannot hold `javascript:` links",
            "an e-mail address (mailto:…)",
        ),
        (
            10,
            "to `htps://example.com`; a report cannot hold `htps:` links",
            "did you mean `https://example.com`?",
        ),
        (
            11,
            "to `notes.pdf`, which is not a web address",
            "a file cannot be linked",
        ),
        (
            11,
            "to `data:text/html,hi`; a report cannot hold `data:` links",
            "(<report:FOLDER#SECTION>)",
        ),
        (
            11,
            "to `#overview`, a place in the document",
            "write <report:06-sixth-meeting#overview>",
        ),
        (
            11,
            "with no address",
            "write the address between the parentheses",
        ),
        (
            14,
            "to `../../secret.txt`, which is not a web address",
            "publish it and link to its web address",
        ),
    ] {
        let at = err
            .find(&format!("{field} {message}"))
            .unwrap_or_else(|| panic!("{message:?} in {err}"));
        let diagnostic = &err[at..err[at..].find("\n\n").map_or(err.len(), |end| at + end)];
        assert!(
            diagnostic.contains(&format!("--> {PANELS}:{line}:7")),
            "{diagnostic}"
        );
        assert!(diagnostic.contains(hint), "{hint:?} in {diagnostic}");
    }
    assert_eq!(err.matches(field).count(), 9, "{err}");
    // The refused targets reach no document, even the Typst source.
    let source = project.run(&["source", "06-sixth-meeting"]);
    let source = String::from_utf8_lossy(&source.stdout);
    for target in [
        "etc/passwd",
        "javascript",
        "secret.txt",
        "notes.pdf",
        "#overview",
    ] {
        assert!(!source.contains(target), "{target} in {source}");
    }
}

#[test]
fn web_mail_and_report_links_still_build() {
    let project = with_introduction(&[
        "Write to [us](mailto:secretariat@example.org) or <chair@example.org>,",
        "read [the guide](https://www.example.org/guide?a=1&b=2) and <https://www.canarie.ca>,",
        "and see <report:06-sixth-meeting#overview>.[^1]",
        "",
        "[^1]: As [published](http://example.org/notes#part-2).",
    ]);
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let rels = docx_part(&project.path(DOCX), "word/_rels/document.xml.rels");
    for target in [
        "mailto:secretariat@example.org",
        // An e-mail autolink is a mail link, not a relative one.
        "mailto:chair@example.org",
        "https://www.example.org/guide?a=1&amp;b=2",
        "https://www.canarie.ca",
        "06-sixth-meeting.pdf#page=",
    ] {
        assert!(
            rels.contains(&format!("Target=\"{target}")),
            "{target} in {rels}"
        );
    }
    let source = project.run(&["source", "06-sixth-meeting"]);
    let source = String::from_utf8_lossy(&source.stdout);
    assert!(
        source.contains("#footnote[#\"As \"#link(\"http://example.org/notes#part-2\")"),
        "{source}"
    );
}
