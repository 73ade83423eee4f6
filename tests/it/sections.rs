//! Sections an editor adds by layout and YAML alone: prose, table, list.

use crate::support::*;

const PDF: &str = "out/06-sixth-meeting.pdf";
const DOCX: &str = "out/06-sixth-meeting.docx";
const DIR: &str = "report-data/06-sixth-meeting";

fn built() -> TempProject {
    let project = TempProject::new(Some("sections"));
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    project
}

fn spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn an_added_section_of_each_kind_is_in_both_documents_and_the_contents() {
    let project = built();
    let pdf = spaced(&pdf_text(&project.path(PDF)));
    let docx = spaced(&docx_text(&project.path(DOCX)));
    for text in [
        "Key Outputs",
        "Each working group presented its final recommendations to the full group.",
        "TO DO: TBD",
        "Recommendations",
        "The multistakeholder group adopted the recommendations below",
        "Publish a plain-language guide to securing home devices.",
        "TO DO: The text of Labeling is still to be written",
        "Next Steps",
        "Task",
        "By when",
        "Circulate the final report to partners",
        "CIRA and CANARIE",
    ] {
        assert!(pdf.contains(text), "PDF lacks {text:?}");
        assert!(docx.contains(text), "DOCX lacks {text:?}");
    }
    // In the PDF's outline, with the sub-sections one level down.
    let outline = tool(
        "qpdf",
        &[
            "--json",
            "--json-key=outlines",
            project.path(PDF).to_str().unwrap(),
        ],
    );
    for heading in ["Key Outputs", "Recommendations", "Next Steps"] {
        assert!(
            outline.contains(&format!("\"title\": \"{heading}\"")),
            "{heading} not in {outline}"
        );
    }
    // And in the DOCX's contents, with the page the PDF gives.
    let document = docx_part(&project.path(DOCX), "word/document.xml");
    let contents = document
        .split("TOC \\o")
        .nth(1)
        .expect("a table of contents");
    for heading in ["Key Outputs", "Recommendations", "Next Steps"] {
        assert!(
            contents.contains(&format!(">{heading}<")),
            "{heading} not in the DOCX contents"
        );
    }
    // The table is a real table, its header row repeated on every page.
    let tables = document.matches("<w:tbl>").count();
    assert_eq!(tables, 2, "the next steps and the agenda are tables");
    assert_eq!(document.matches("<w:tblHeader").count(), 2);
}

#[test]
fn added_sections_are_gated_and_their_placeholders_listed() {
    let project = TempProject::new(Some("sections"));
    let output = project.run(&["check"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    for (flag, place) in [
        ("warning: placeholder: TBD", "key-outputs.yaml:5:5"),
        (
            "warning: placeholder: The `due` cell of row 2 of Next Steps is still to be written",
            "next-steps.yaml:8:5",
        ),
        (
            "warning: placeholder: The text of Labeling is still to be written",
            "recommendations.yaml:11:5",
        ),
    ] {
        assert!(err.contains(flag), "{flag} in {err}");
        assert!(err.contains(&format!("{DIR}/{place}")), "{place} in {err}");
    }
    let refused = project.run(&["build", "--final"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("error: placeholder: The `due` cell of row 2"));

    // A required section's file is checked like a built-in one's.
    project.replace(
        "layouts/report.yaml",
        "    heading: { en: Next Steps, fr: Prochaines étapes }\n    when_absent: omit\n",
        "    heading: { en: Next Steps, fr: Prochaines étapes }\n    required: true\n",
    );
    std::fs::remove_file(project.path(&format!("{DIR}/next-steps.yaml"))).unwrap();
    let output = project.run(&["check"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: required section `Next Steps` is missing"),
        "{err}"
    );
    assert!(err.contains(&format!("--> {DIR}/next-steps.yaml")), "{err}");
}

#[test]
fn empty_lists_of_added_sections_are_placeholders() {
    let project = TempProject::new(Some("sections"));
    project.write(&format!("{DIR}/key-outputs.yaml"), "items: []\n");
    project.write(&format!("{DIR}/next-steps.yaml"), "rows: []\n");
    let output = project.run(&["build"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains(
            "placeholder: The Key Outputs section is still to be written: it lists no item"
        ),
        "{err}"
    );
    assert!(
        err.contains("placeholder: The Next Steps section is still to be written: it has no row"),
        "{err}"
    );
    let pdf = spaced(&pdf_text(&project.path(PDF)));
    assert!(
        pdf.contains("Key Outputs TO DO: The Key Outputs section is still to be written"),
        "{pdf}"
    );
}

#[test]
fn misspelt_keys_and_columns_are_located_with_a_suggestion() {
    let project = TempProject::new(Some("sections"));
    project.replace(&format!("{DIR}/key-outputs.yaml"), "items:", "itmes:");
    project.replace(
        &format!("{DIR}/next-steps.yaml"),
        "    owner: Internet Society",
        "    ownr: Internet Society",
    );
    project.replace(
        &format!("{DIR}/recommendations.yaml"),
        "  - heading: Labeling",
        "  - headng: Labeling",
    );
    let output = project.run(&["check"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    for (message, place, hint) in [
        (
            "unknown key `itmes`",
            "key-outputs.yaml:2:1",
            "did you mean `items`?",
        ),
        (
            "unknown column `ownr` in a row of Next Steps",
            "next-steps.yaml:4:5",
            "did you mean `owner`?",
        ),
        (
            "unknown key `headng` in a sub-section",
            "recommendations.yaml:10:5",
            "did you mean `heading`?",
        ),
    ] {
        assert!(err.contains(message), "{message} in {err}");
        assert!(err.contains(&format!("{DIR}/{place}")), "{place} in {err}");
        assert!(err.contains(hint), "{hint} in {err}");
    }
}

#[test]
fn a_section_without_a_kind_or_with_a_wrong_one_is_a_layout_error() {
    let project = TempProject::new(Some("sections"));
    project.replace(
        "layouts/report.yaml",
        "  - id: key-outputs\n    kind: list\n",
        "  - id: key-outputs\n",
    );
    project.replace(
        "layouts/report.yaml",
        "  - id: recommendations\n    kind: prose\n",
        "  - id: recommendations\n    kind: table\n",
    );
    let output = project.run(&["check"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: the section `key-outputs` has no kind"),
        "{err}"
    );
    assert!(
        err.contains("add `kind:` with one of: prose, table, list"),
        "{err}"
    );
    assert!(
        err.contains("error: the table section `recommendations` declares no columns"),
        "{err}"
    );
    assert!(err.contains("--> layouts/report.yaml:"), "{err}");
}

#[test]
fn a_template_named_after_a_section_restyles_that_section_alone() {
    let project = TempProject::new(Some("sections"));
    let own = std::fs::read_to_string(project.path("layouts/typst/kind-list.typ.hbs"))
        .unwrap()
        .replace("#list(", "#enum(");
    project.write("layouts/typst/key-outputs.typ.hbs", &own);
    let source = project.run(&["source", "06-sixth-meeting"]);
    assert!(source.status.success(), "{}", stderr(&source));
    let typst = String::from_utf8_lossy(&source.stdout);
    assert!(
        typst.contains("#enum(\n  [#\"Each working group"),
        "{typst}"
    );
    assert!(
        !typst.contains("#list(\n  [#\"Each working group"),
        "{typst}"
    );
}

#[test]
fn sections_absent_from_a_report_are_left_out_when_the_layout_says_so() {
    // The shipped report has none of the added sections' files: it reads
    // exactly as before, with no flag for them.
    let project = TempProject::new(None);
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let pdf = pdf_text(&project.path(PDF));
    assert!(
        !pdf.contains("Key Outputs") && !pdf.contains("Next Steps"),
        "{pdf}"
    );
}
