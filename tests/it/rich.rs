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
