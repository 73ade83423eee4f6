//! References between the reports of a series, resolved to the target's
//! title and the page its heading stands on.

use serde_json::Value;

use crate::support::*;

const SIXTH: &str = "report-data/06-sixth-meeting";
const FIFTH: &str = "report-data/05-fifth-meeting";

/// The page of each top-level and second-level outline entry of a PDF, by
/// title, as qpdf reads the outline.
fn outline_pages(pdf: &std::path::Path) -> Vec<(String, u64)> {
    let json: Value = serde_json::from_str(&tool(
        "qpdf",
        &["--json", "--json-key=outlines", pdf.to_str().unwrap()],
    ))
    .unwrap();
    let mut pages = Vec::new();
    let mut stack: Vec<&Value> = json["outlines"].as_array().unwrap().iter().collect();
    while let Some(entry) = stack.pop() {
        pages.push((
            entry["title"].as_str().unwrap().to_string(),
            entry["destpageposfrom1"].as_u64().unwrap(),
        ));
        stack.extend(entry["kids"].as_array().unwrap());
    }
    pages
}

fn page_of(pages: &[(String, u64)], title: &str) -> u64 {
    pages
        .iter()
        .find(|(t, _)| t == title)
        .map(|(_, p)| *p)
        .unwrap_or_else(|| panic!("{title} not in the outline {pages:?}"))
}

fn spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_reference_prints_the_target_title_and_true_page_in_both_documents() {
    let project = TempProject::new(Some("series"));
    // Only the sixth report is built: the fifth is laid out to find pages.
    let output = project.run(&["build", "06-sixth-meeting"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!project.path("out/05-fifth-meeting.pdf").exists());
    let output = project.run(&["build", "05-fifth-meeting", "--out", "fifth"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let fifth = outline_pages(&project.path("fifth/05-fifth-meeting.pdf"));
    let consumer = page_of(&fifth, "Consumer Education");
    let labeling = page_of(&fifth, "Labeling");
    assert!(
        labeling > consumer,
        "the fixture spreads its groups over pages"
    );

    let composed = format!(
        "The Previous Working Group Mandate: Report on Fifth Multistakeholder Meeting, Consumer Education, p. {consumer}"
    );
    let pdf = spaced(&pdf_text(&project.path("out/06-sixth-meeting.pdf")));
    let docx = spaced(&docx_text(&project.path("out/06-sixth-meeting.docx")));
    for text in [&pdf, &docx] {
        assert!(text.contains(&composed), "{composed} in {text}");
        // The editor's own words are kept.
        assert!(
            text.contains("The Previous Working Group Mandate: The mandate the fifth meeting gave")
        );
        assert!(!text.contains("report:05"), "{text}");
    }
    // Both link to the fifth report's PDF at that page.
    let annotations = tool(
        "qpdf",
        &[
            "--json",
            project.path("out/06-sixth-meeting.pdf").to_str().unwrap(),
        ],
    );
    for page in [consumer, labeling] {
        let uri = format!("\"/URI\": \"u:05-fifth-meeting.pdf#page={page}\"");
        assert!(annotations.contains(&uri), "{uri} in the PDF");
    }
    let relationships = docx_part(
        &project.path("out/06-sixth-meeting.docx"),
        "word/_rels/document.xml.rels",
    );
    for page in [consumer, labeling] {
        let target = format!("Target=\"05-fifth-meeting.pdf#page={page}\"");
        assert!(
            relationships.contains(&target),
            "{target} in {relationships}"
        );
    }
}

#[test]
fn check_lists_each_reference_with_its_resolution() {
    let project = TempProject::new(Some("series"));
    let output = project.run(&["check", "06-sixth-meeting"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains("note: `report:05-fifth-meeting#consumer-education` reads \u{201c}Report on Fifth Multistakeholder Meeting, Consumer Education, p.\u{A0}"),
        "{err}"
    );
    assert!(
        err.contains(&format!("--> {SIXTH}/panel-updates.yaml:7:")),
        "{err}"
    );
    assert!(
        err.contains("note: `report:05-fifth-meeting#labeling` reads"),
        "{err}"
    );
}

#[test]
fn unknown_reports_and_anchors_are_located_with_a_suggestion() {
    let project = TempProject::new(Some("series"));
    project.replace(
        &format!("{SIXTH}/panel-updates.yaml"),
        "<report:05-fifth-meeting#consumer-education>",
        "<report:05-fith-meeting#consumer-education>",
    );
    project.replace(
        &format!("{SIXTH}/panel-updates.yaml"),
        "report:05-fifth-meeting#labeling",
        "report:05-fifth-meeting#labelling",
    );
    let output = project.run(&["build", "06-sixth-meeting"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("error: the reference `report:05-fith-meeting#consumer-education` names no report of the series"), "{err}");
    assert!(err.contains("did you mean `05-fifth-meeting`?"), "{err}");
    assert!(
        err.contains("error: `05-fifth-meeting` has no section `labelling`"),
        "{err}"
    );
    assert!(err.contains("did you mean `labeling`?"), "{err}");
    assert!(
        err.contains(&format!("--> {SIXTH}/panel-updates.yaml:7:")),
        "{err}"
    );
    assert!(
        err.contains(&format!("--> {SIXTH}/panel-updates.yaml:12:")),
        "{err}"
    );
    assert!(
        !project.path("out/06-sixth-meeting.pdf").exists(),
        "nothing is written"
    );
}

#[test]
fn a_reference_to_a_placeholder_is_a_warning_and_cycles_settle() {
    let project = TempProject::new(Some("series"));
    // The fifth report points forward to the sixth, which points back: a
    // cycle. The sixth's Network Resiliency is still a placeholder.
    project.replace(
        &format!("{FIFTH}/overview.yaml"),
        "paragraphs: |\n",
        "paragraphs: |\n  The agenda of the last meeting is in <report:06-sixth-meeting#agenda>; see also <report:06-sixth-meeting#network-resiliency>.\n\n",
    );
    let output = project.run(&["build"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains("warning: the reference `report:06-sixth-meeting#network-resiliency` points at a section of 06-sixth-meeting that is still a placeholder"),
        "{err}"
    );
    let sixth = outline_pages(&project.path("out/06-sixth-meeting.pdf"));
    let agenda = page_of(&sixth, "Appendix A: Agenda");
    let fifth = spaced(&pdf_text(&project.path("out/05-fifth-meeting.pdf")));
    assert!(
        fifth.contains(&format!(
            "Report on Sixth and Final Multistakeholder Meeting, Appendix A: Agenda, p. {agenda}"
        )),
        "{fifth}"
    );
    // And the sixth, laid out with the fifth's final pages, agrees with it.
    let fifth_pages = outline_pages(&project.path("out/05-fifth-meeting.pdf"));
    let consumer = page_of(&fifth_pages, "Consumer Education");
    let sixth_text = spaced(&pdf_text(&project.path("out/06-sixth-meeting.pdf")));
    assert!(
        sixth_text.contains(&format!("Consumer Education, p. {consumer}")),
        "{sixth_text}"
    );
    // "p." never ends a line apart from its page, in either document.
    let docx = docx_part(
        &project.path("out/06-sixth-meeting.docx"),
        "word/document.xml",
    );
    assert!(
        docx.contains(&format!("Consumer Education, p.\u{A0}{consumer}")),
        "{docx}"
    );
}

#[test]
fn report_new_starts_the_next_report_from_the_last_one() {
    let project = TempProject::new(None);
    let output = project.run(&["new", "07-seventh-meeting"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains("wrote report-data/07-seventh-meeting from 06-sixth-meeting"),
        "{err}"
    );
    let dir = "report-data/07-seventh-meeting";
    let meeting = std::fs::read_to_string(project.path(&format!("{dir}/meeting.yaml"))).unwrap();
    assert!(
        meeting.starts_with("# yaml-language-server: $schema=../../schemas/meeting.schema.json\n")
    );
    assert!(
        meeting.contains("\nnumber: 7\n") && meeting.contains("\nordinal:\n"),
        "{meeting}"
    );
    let panel =
        std::fs::read_to_string(project.path(&format!("{dir}/panel-updates.yaml"))).unwrap();
    for group in ["consumer-education", "labeling", "network-resiliency"] {
        assert!(
            panel.contains(&format!(
                "previous_mandate: <report:06-sixth-meeting#{group}>"
            )),
            "{panel}"
        );
    }
    // The groups' French names carry over, though this layout prints
    // English only: a series that turns bilingual keeps its translations.
    assert!(
        panel.contains(
            "  - name:\n      en: Consumer Education\n      fr: Sensibilisation des consommateurs\n"
        ),
        "{panel}"
    );
    // The draft check lists what is to be written, with locations.
    for placeholder in [
        "meeting.yaml:6:1: How the title names the meeting (its ordinal) is still to be given",
        "meeting.yaml:10:1: The meeting's date is still to be given",
        "agenda.yaml:9:1: The agenda is still to be given: it lists no item",
        "panel-updates.yaml:11:5: The introduction of Consumer Education is still to be written",
    ] {
        let listed =
            String::from_utf8_lossy(&project.run(&["placeholders", "07-seventh-meeting"]).stdout)
                .into_owned();
        assert!(
            listed.contains(&format!("{dir}/{placeholder}")),
            "{placeholder} in {listed}"
        );
    }
    assert_eq!(
        project.run(&["check", "07-seventh-meeting"]).status.code(),
        Some(0)
    );
    assert_eq!(
        project
            .run(&["check", "--final", "07-seventh-meeting"])
            .status
            .code(),
        Some(1)
    );
    // It builds, its mandates pointing at the sixth report's pages.
    let build = project.run(&["build", "07-seventh-meeting"]);
    assert!(build.status.success(), "{}", stderr(&build));
    let pdf = spaced(&pdf_text(&project.path("out/07-seventh-meeting.pdf")));
    assert!(
        pdf.contains("Report on [TO DO] Multistakeholder Meeting"),
        "{pdf}"
    );
    // The title's flag is marked as the others are, in both documents.
    let source = project.run(&["source", "07-seventh-meeting"]);
    let source = String::from_utf8_lossy(&source.stdout).into_owned();
    assert!(
        source.contains("[#\"Report on \"#highlight(")
            && source.contains("\"[TO DO]\"),\n  )#\" Multistakeholder Meeting\"]"),
        "{source}"
    );
    let docx = docx_part(
        &project.path("out/07-seventh-meeting.docx"),
        "word/document.xml",
    );
    let flag = docx.find(">[TO DO]</w:t>").expect("the title's flag");
    let run = docx[..flag].rfind("<w:r>").unwrap();
    assert!(
        docx[run..flag].contains("<w:highlight w:val=\"yellow\" />"),
        "{}",
        &docx[run..flag]
    );
    assert!(pdf.contains("The Previous Working Group Mandate: Report on Sixth and Final Multistakeholder Meeting, Consumer Education, p. 2"), "{pdf}");

    // An existing folder is never touched.
    let again = project.run(&["new", "07-seventh-meeting", "--from", "06-sixth-meeting"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("report-data/07-seventh-meeting already exists"));
    assert_eq!(
        std::fs::read_to_string(project.path(&format!("{dir}/meeting.yaml"))).unwrap(),
        meeting
    );
    assert_eq!(project.run(&["new", "../escape"]).status.code(), Some(2));
}

#[test]
fn a_meeting_with_partners_of_its_own_prints_them() {
    let project = TempProject::new(None);
    project.replace(
        "report-data/06-sixth-meeting/meeting.yaml",
        "number: 6\n",
        "number: 6\npartners:\n  - name: Canadian Internet Registration Authority\n    article: the\n  - name: CANARIE\n  - name: Innovation, Science and Economic Development\n  - name: CIPPIC\nassisting: []\n",
    );
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let expected = "This initiative is a partnership between the Canadian Internet Registration Authority, CANARIE, Innovation, Science and Economic Development, and CIPPIC.";
    let pdf = spaced(&pdf_text(&project.path("out/06-sixth-meeting.pdf")));
    let docx = spaced(&docx_text(&project.path("out/06-sixth-meeting.docx")));
    for text in [&pdf, &docx] {
        assert!(text.contains(expected), "{text}");
        assert!(
            !text.contains("Internet Society, Innovation"),
            "the series' partners are replaced"
        );
        assert!(
            !text.contains("is also assisting"),
            "an empty assisting list replaces the series' one"
        );
    }
    let core = docx_part(
        &project.path("out/06-sixth-meeting.docx"),
        "docProps/core.xml",
    );
    assert!(
        core.contains("<dc:creator>Canadian Internet Registration Authority; CANARIE;"),
        "{core}"
    );
}
