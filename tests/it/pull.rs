//! `report pull`: text typed into the DOCX's fields, as Word and
//! LibreOffice save it, goes back into the YAML, and nothing else changes.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use crate::support::*;

const DOCX: &str = "out/06-sixth-meeting.docx";
const PANEL: &str = "report-data/06-sixth-meeting/panel-updates.yaml";
const OVERVIEW: &str = "report-data/06-sixth-meeting/overview.yaml";

/// The built DOCX's parts, by name.
fn parts(docx: &Path) -> Vec<(String, Vec<u8>)> {
    let bytes = std::fs::read(docx).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    names
        .into_iter()
        .map(|name| {
            let mut content = Vec::new();
            archive
                .by_name(&name)
                .unwrap()
                .read_to_end(&mut content)
                .unwrap();
            (name, content)
        })
        .collect()
}

/// Writes `docx` again with `edit` applied to each part's text.
fn edit_docx(docx: &Path, out: &Path, edit: impl Fn(&str, String) -> String) {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in parts(docx) {
        let content = match String::from_utf8(content) {
            Ok(text) => edit(&name, text).into_bytes(),
            Err(e) => e.into_bytes(),
        };
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&content).unwrap();
    }
    std::fs::write(out, writer.finish().unwrap().into_inner()).unwrap();
}

/// The bookmark of the field at `path`, from the DOCX's custom properties.
fn bookmark_of(docx: &Path, path: &str) -> String {
    let custom = docx_part(docx, "docProps/custom.xml");
    let at = custom
        .find(&format!("#{path}@"))
        .unwrap_or_else(|| panic!("no field {path} in {custom}"));
    let name_at = custom[..at].rfind("name=\"").unwrap() + 6;
    let end = custom[name_at..].find('"').unwrap();
    custom[name_at..name_at + end].to_string()
}

/// Edits the Consumer Education introduction as Word saves a rapporteur's
/// typing: the flag's runs replaced by typed runs (italic, a link), a
/// second paragraph and a bulleted one inserted inside the field.
fn word_edit(project: &TempProject, out: &Path) {
    word_edit_in(project, DOCX, "groups[0].introduction", out);
}

/// [`word_edit`] of the field at `field` of the DOCX at `docx`.
pub fn word_edit_in(project: &TempProject, docx: &str, field: &str, out: &Path) {
    let docx = project.path(docx);
    let bookmark = bookmark_of(&docx, field);
    edit_docx(&docx, out, |name, text| {
        match name {
        "word/document.xml" => {
            let start_tag = format!("w:name=\"{bookmark}\"");
            let start = text.find(&start_tag).expect("the field's bookmark");
            let start = start + text[start..].find("/>").unwrap() + 2;
            let end = start + text[start..].find("<w:bookmarkEnd").unwrap();
            let end_tag_end = end + text[end..].find("/>").unwrap() + 2;
            let bookmark_end = &text[end..end_tag_end];
            let paragraph_end = end_tag_end + text[end_tag_end..].find("</w:p>").unwrap() + 6;
            let typed = concat!(
                r#"<w:r><w:t xml:space="preserve">Our group met </w:t></w:r>"#,
                r#"<w:r><w:rPr><w:i /></w:rPr><w:t>twice</w:t></w:r>"#,
                r#"<w:r><w:t xml:space="preserve"> and wrote </w:t></w:r>"#,
                r#"<w:hyperlink r:id="rIdPulled"><w:r><w:rPr><w:rStyle w:val="Hyperlink" /></w:rPr><w:t>a guide</w:t></w:r></w:hyperlink>"#,
                r#"<w:r><w:t>.</w:t></w:r>"#,
            );
            let more = format!(
                concat!(
                    r#"<w:p><w:r><w:t xml:space="preserve">It covers </w:t></w:r><w:r><w:rPr><w:b /></w:rPr><w:t>labels</w:t></w:r><w:r><w:t>.</w:t></w:r></w:p>"#,
                    r#"<w:p><w:pPr><w:pStyle w:val="ListParagraph" /><w:numPr><w:ilvl w:val="0" /><w:numId w:val="90" /></w:numPr></w:pPr><w:r><w:t>First point</w:t></w:r></w:p>"#,
                    r#"<w:p><w:pPr><w:pStyle w:val="ListParagraph" /><w:numPr><w:ilvl w:val="1" /><w:numId w:val="90" /></w:numPr></w:pPr><w:r><w:t>A detail</w:t></w:r>{}</w:p>"#,
                ),
                bookmark_end
            );
            format!(
                "{}{}{}{}",
                &text[..start],
                typed,
                &text[end_tag_end..paragraph_end],
                more
            ) + &text[paragraph_end..]
        }
        "word/numbering.xml" => {
            let abstract_num = r#"<w:abstractNum w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1" /><w:numFmt w:val="bullet" /><w:lvlText w:val="•" /></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1" /><w:numFmt w:val="bullet" /><w:lvlText w:val="◦" /></w:lvl></w:abstractNum>"#;
            let at = text.find("<w:num ").unwrap();
            let text = format!("{}{}{}", &text[..at], abstract_num, &text[at..]);
            text.replace(
                "</w:numbering>",
                r#"<w:num w:numId="90"><w:abstractNumId w:val="90" /></w:num></w:numbering>"#,
            )
        }
        "word/_rels/document.xml.rels" => text.replace(
            "</Relationships>",
            r#"<Relationship Id="rIdPulled" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/guide" TargetMode="External" /></Relationships>"#,
        ),
        _ => text,
    }
    });
}

const PULLED: &str = "    introduction: |\n      Our group met *twice* and wrote [a guide](https://example.org/guide).\n\n      It covers **labels**.\n\n      - First point\n        - A detail\n";

fn built() -> TempProject {
    let project = TempProject::new(None);
    let output = project.run(&["build", "--docx-only"]);
    assert!(output.status.success(), "{}", stderr(&output));
    project
}

fn read(project: &TempProject, file: &str) -> String {
    std::fs::read_to_string(project.path(file)).unwrap()
}

fn placeholders(project: &TempProject) -> usize {
    let output = project.run(&["placeholders"]);
    stderr(&output).matches("warning").count()
        + String::from_utf8_lossy(&output.stdout).lines().count()
}

#[test]
fn pull_brings_word_edits_into_the_yaml() {
    let project = built();
    let before_panel = read(&project, PANEL);
    let before_overview = read(&project, OVERVIEW);
    let before_count = placeholders(&project);
    let edited = project.path("edited.docx");
    word_edit(&project, &edited);

    // A dry run shows the diff and writes nothing.
    let output = project.run(&["pull", "edited.docx", "--dry-run"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let diff = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(diff.contains("+      Our group met *twice*"), "{diff}");
    assert!(diff.contains("-    introduction:"), "{diff}");
    assert_eq!(read(&project, PANEL), before_panel);

    let output = project.run(&["pull", "edited.docx"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let after = read(&project, PANEL);
    let expected = before_panel.replacen("    introduction:\n", PULLED, 1);
    assert_eq!(after, expected, "{}", stderr(&output));
    assert_eq!(read(&project, OVERVIEW), before_overview);
    assert!(placeholders(&project) < before_count);

    // The rebuilt documents show the rapporteur's text.
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let pdf = normalise(&pdf_text(&project.path("out/06-sixth-meeting.pdf")));
    assert!(
        pdf.contains("Our group met twice and wrote a guide."),
        "{pdf}"
    );
    let docx = docx_text(&project.path(DOCX));
    assert!(docx.contains("A detail"), "{docx}");

    // Pulling the same edit again changes nothing more.
    let output = project.run(&["pull", "edited.docx"]);
    assert_eq!(read(&project, PANEL), expected, "{}", stderr(&output));
}

#[test]
fn pull_without_edits_changes_no_byte() {
    let project = built();
    let before: Vec<(String, String)> = [
        "meeting",
        "overview",
        "panel-updates",
        "agenda",
        "stakeholders",
    ]
    .iter()
    .map(|f| {
        let file = format!("report-data/06-sixth-meeting/{f}.yaml");
        let text = read(&project, &file);
        (file, text)
    })
    .collect();
    let output = project.run(&["pull", DOCX]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("outside any field"),
        "{}",
        stderr(&output)
    );
    for (file, text) in &before {
        assert_eq!(&read(&project, file), text, "{file}");
    }
}

/// A numbered list that starts past 1 keeps its first number through the
/// DOCX and back.
#[test]
fn a_numbered_list_keeps_its_start() {
    let project = TempProject::new(None);
    project.replace(
        OVERVIEW,
        "  This report details the meetings",
        "  3. Third step\n  4. Fourth step\n     1. A sub-step\n\n  This report details the meetings",
    );
    let output = project.run(&["build", "--docx-only"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let before = read(&project, OVERVIEW);
    let edited = project.path("edited.docx");
    edit_docx(&project.path(DOCX), &edited, |name, text| {
        if name == "word/document.xml" {
            text.replacen(">Fourth step</w:t>", ">Fourth and last step</w:t>", 1)
        } else {
            text
        }
    });
    let output = project.run(&["pull", "edited.docx"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let after = read(&project, OVERVIEW);
    assert_ne!(before, after);
    assert!(
        after.contains("  3. Third step\n  1. Fourth and last step\n     1. A sub-step\n"),
        "{after}"
    );
}

#[test]
fn pull_refuses_conflicts_and_sides_resolve_them() {
    let project = built();
    let edited = project.path("edited.docx");
    word_edit(&project, &edited);
    project.replace(
        PANEL,
        "    introduction:\n",
        "    introduction: Written in the YAML meanwhile.\n",
    );
    let before = read(&project, PANEL);
    let output = project.run(&["pull", "edited.docx"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("panel-updates.yaml:8:19"), "{err}");
    assert!(err.contains("Written in the YAML meanwhile."), "{err}");
    assert!(err.contains("Our group met *twice*"), "{err}");
    assert_eq!(read(&project, PANEL), before);

    let output = project.run(&["pull", "edited.docx", "--ours"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(read(&project, PANEL), before);

    let output = project.run(&["pull", "edited.docx", "--theirs"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(read(&project, PANEL).contains("Our group met *twice*"));
}

#[test]
fn pull_refuses_foreign_documents() {
    let project = built();
    // Our DOCX without the report's marker.
    let stripped = project.path("stripped.docx");
    edit_docx(&project.path(DOCX), &stripped, |name, text| {
        if name == "docProps/custom.xml" {
            text.replace("name=\"ReportName\"", "name=\"Other\"")
        } else {
            text
        }
    });
    let before = read(&project, PANEL);
    let output = project.run(&["pull", "stripped.docx"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("was not made by `report build`"));
    // One made for a report this project does not have.
    let other = project.path("other.docx");
    edit_docx(&project.path(DOCX), &other, |name, text| {
        if name == "docProps/custom.xml" {
            text.replace(
                "<vt:lpwstr>06-sixth-meeting</vt:lpwstr>",
                "<vt:lpwstr>09-ninth</vt:lpwstr>",
            )
        } else {
            text
        }
    });
    let output = project.run(&["pull", "other.docx"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("`09-ninth`"),
        "{}",
        stderr(&output)
    );
    // Not a DOCX at all.
    project.write("plain.docx", "hello");
    let output = project.run(&["pull", "plain.docx"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    // A field the YAML no longer has.
    let output = project.run(&["pull", DOCX]);
    assert!(output.status.success());
    project.replace(
        PANEL,
        "  - name: { en: Network Resiliency, fr: Résilience des réseaux }\n    previous_mandate:\n    introduction:\n    discussion:\n",
        "",
    );
    let edited = project.path("edited.docx");
    word_edit(&project, &edited);
    let shrunk = read(&project, PANEL);
    let output = project.run(&["pull", "edited.docx"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no longer has"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read(&project, PANEL), shrunk);
    assert_ne!(before, shrunk);
}

#[test]
fn pull_reports_text_typed_outside_fields() {
    let project = built();
    let edited = project.path("edited.docx");
    edit_docx(&project.path(DOCX), &edited, |name, text| {
        if name == "word/document.xml" {
            text.replacen("This initiative is", "A stray note. This initiative is", 1)
        } else {
            text
        }
    });
    let output = project.run(&["pull", "edited.docx"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("text outside any field was not pulled"),
        "{err}"
    );
    assert!(err.contains("A stray note. This initiative is"), "{err}");
    assert!(err.contains("page "), "{err}");
}

/// LibreOffice opens the edited DOCX and saves it as DOCX again; pulling
/// that gives the same YAML as pulling Word's file.
#[test]
fn pull_after_a_libreoffice_round_trip() {
    let project = built();
    let edited = project.path("edited.docx");
    word_edit(&project, &edited);
    let saved = libreoffice_convert(&edited, "docx", &project.path("lo"), &[]);
    let before = read(&project, PANEL);
    let overview = read(&project, OVERVIEW);
    let output = project.run(&["pull", saved.to_str().unwrap()]);
    // The overview's fields, untouched, span several paragraphs: their
    // bookmarks survive LibreOffice's save, and nothing outside moved.
    assert_eq!(read(&project, OVERVIEW), overview, "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("outside any field"),
        "{}",
        stderr(&output)
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        read(&project, PANEL),
        before.replacen("    introduction:\n", PULLED, 1),
        "{}",
        stderr(&output)
    );
}

mod property {
    use proptest::prelude::*;

    use super::*;

    fn prose() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("word".to_string()),
                Just("*italic*".to_string()),
                Just("**bold**".to_string()),
                Just("[link](https://example.org)".to_string()),
                Just("\n\n- item".to_string()),
                Just("\n\n1. first".to_string()),
                Just("\n\n".to_string()),
                Just("TODO".to_string()),
                Just("a\\*b".to_string()),
                "[a-zé ]{1,12}",
            ],
            1..12,
        )
        .prop_map(|parts| parts.join(" ").trim().to_string())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

        /// Build, then pull the untouched DOCX: no byte of any source changes,
        /// whatever the fields held.
        #[test]
        fn build_then_pull_changes_nothing(intro in prose(), discussion in prose()) {
            let project = TempProject::new(None);
            let quoted = |t: &str| serde_json::to_string(t).unwrap();
            project.replace(
                PANEL,
                "    introduction:\n    discussion:\n\n  - name: { en: Labeling, fr: Étiquetage }",
                &format!(
                    "    introduction: {}\n    discussion: {}\n\n  - name: {{ en: Labeling, fr: Étiquetage }}",
                    quoted(&intro),
                    quoted(&discussion)
                ),
            );
            let output = project.run(&["build", "--docx-only"]);
            prop_assert!(output.status.success(), "{}", stderr(&output));
            let before: Vec<String> = ["panel-updates", "overview", "meeting", "agenda", "stakeholders"]
                .iter()
                .map(|f| read(&project, &format!("report-data/06-sixth-meeting/{f}.yaml")))
                .collect();
            let output = project.run(&["pull", DOCX]);
            prop_assert!(output.status.success(), "{}", stderr(&output));
            let after: Vec<String> = ["panel-updates", "overview", "meeting", "agenda", "stakeholders"]
                .iter()
                .map(|f| read(&project, &format!("report-data/06-sixth-meeting/{f}.yaml")))
                .collect();
            prop_assert_eq!(before, after);
        }
    }
}

/// Replaces, inside the field at `path`, the text `old` of a run by `new`,
/// as Word saves a word typed over.
fn retype(docx_text: String, bookmark: &str, old: &str, new: &str) -> String {
    let start = docx_text
        .find(&format!("w:name=\"{bookmark}\""))
        .expect("the field's bookmark");
    let at = start
        + docx_text[start..]
            .find(&format!(">{old}</w:t>"))
            .expect("the old text");
    format!(
        "{}>{new}</w:t>{}",
        &docx_text[..at],
        &docx_text[at + old.len() + 7..]
    )
}

#[test]
fn pull_takes_back_names_places_and_agenda_items() {
    let project = built();
    let docx = project.path(DOCX);
    let edits = [
        (
            "location.en",
            "Ottawa, Ontario Canada",
            "Gatineau, Quebec Canada",
        ),
        ("groups[1].name.en", "Labeling", "Labelling *and* Marks"),
        ("items[4].item.en", "Break", "Coffee break"),
        ("items[2].details.en", "Labeling", "Labelling"),
    ];
    let bookmarks: Vec<String> = edits
        .iter()
        .map(|(path, _, _)| bookmark_of(&docx, path))
        .collect();
    let edited = project.path("edited.docx");
    edit_docx(&docx, &edited, |name, text| {
        if name != "word/document.xml" {
            return text;
        }
        edits
            .iter()
            .zip(&bookmarks)
            .fold(text, |text, ((_, old, new), bookmark)| {
                retype(text, bookmark, old, new)
            })
    });
    let output = project.run(&["pull", "edited.docx"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let meeting = read(&project, "report-data/06-sixth-meeting/meeting.yaml");
    assert!(
        meeting.contains("  en: Gatineau, Quebec Canada\n  fr: Ottawa (Ontario) Canada\n"),
        "{meeting}"
    );
    let panel = read(&project, PANEL);
    assert!(
        panel.contains("  - name: { en: Labelling *and* Marks, fr: Étiquetage }"),
        "a plain field takes its text as it reads, not as Markdown: {panel}"
    );
    let agenda = read(&project, "report-data/06-sixth-meeting/agenda.yaml");
    assert!(
        agenda.contains("      en: Coffee break\n      fr: Pause\n"),
        "{agenda}"
    );
    assert!(agenda.contains("        - Consumer Education\n        - Labelling\n        - Network Resiliency\n      fr: |"), "{agenda}");
    // The other details, with the same words, are untouched.
    assert_eq!(agenda.matches("- Labeling\n").count(), 1, "{agenda}");
    // Built again, the document reads the new text.
    let output = project.run(&["build", "--pdf-only"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let pdf = pdf_text(&project.path("out/06-sixth-meeting.pdf"));
    for text in [
        "Gatineau, Quebec Canada",
        "Labelling *and* Marks",
        "Coffee break",
    ] {
        assert!(pdf.contains(text), "{text} in {pdf}");
    }
}

#[test]
fn pull_takes_back_the_text_of_added_sections() {
    let project = TempProject::new(Some("sections"));
    let output = project.run(&["build", "--docx-only"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let file = "report-data/06-sixth-meeting/recommendations.yaml";
    let before = read(&project, file);
    // Nothing edited, nothing changed.
    let output = project.run(&["pull", DOCX]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(read(&project, file), before);
    let docx = project.path(DOCX);
    let heading = bookmark_of(&docx, "subsections[2].heading");
    let body = bookmark_of(&docx, "body");
    let typed = project.path("typed.docx");
    word_edit_in(&project, DOCX, "subsections[1].body", &typed);
    let edited = project.path("edited.docx");
    edit_docx(&typed, &edited, |name, text| {
        if name != "word/document.xml" {
            return text;
        }
        let text = retype(text, &heading, "Network Resiliency", "Network Resilience");
        retype(
            text,
            &body,
            "The multistakeholder group adopted the recommendations below, as finalised in the breakout groups.",
            "The multistakeholder group adopted the recommendations below, as agreed in the breakout groups.",
        )
    });
    let output = project.run(&["pull", "edited.docx"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let after = read(&project, file);
    assert!(
        after.contains("  - heading: Labeling\n    body: |\n      Our group met *twice*"),
        "{after}"
    );
    assert!(
        after.contains("  - heading: Network Resilience\n"),
        "{after}"
    );
    assert!(after.contains("agreed in the breakout groups."), "{after}");
    assert!(after.starts_with("# Recommendations: text, then one sub-section"));
}

const EDUCATION: &str = "  - name: { en: Consumer Education, fr: Sensibilisation des consommateurs }\n    previous_mandate: \"[link to last report with page #s]\"\n    introduction:\n    discussion:\n\n";
const LABELING: &str = "  - name: { en: Labeling, fr: Étiquetage }\n    previous_mandate:\n    introduction:\n    discussion:\n\n";

/// Labeling's introduction typed in the DOCX, then the groups reordered
/// in the YAML: the text goes to Labeling, wherever it now stands.
#[test]
fn pull_follows_groups_reordered_since_the_build() {
    let project = built();
    let edited = project.path("edited.docx");
    word_edit_in(&project, DOCX, "groups[1].introduction", &edited);
    project.replace(
        PANEL,
        &format!("{EDUCATION}{LABELING}"),
        &format!("{LABELING}{EDUCATION}"),
    );
    let swapped = read(&project, PANEL);
    assert!(swapped.find("en: Labeling") < swapped.find("en: Consumer Education"));

    let output = project.run(&["pull", "edited.docx"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let expected = swapped.replacen(
        "  - name: { en: Labeling, fr: Étiquetage }\n    previous_mandate:\n    introduction:\n",
        &format!("  - name: {{ en: Labeling, fr: Étiquetage }}\n    previous_mandate:\n{PULLED}"),
        1,
    );
    assert_ne!(expected, swapped);
    assert_eq!(read(&project, PANEL), expected, "{}", stderr(&output));
    assert!(read(&project, PANEL).contains(EDUCATION));

    // Pulling it again changes nothing more.
    let output = project.run(&["pull", "edited.docx"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(read(&project, PANEL), expected);
}

/// An agenda item retyped in the DOCX goes to its own row after the
/// editor inserted a row before it, which moved every row down.
#[test]
fn pull_follows_agenda_items_moved_by_an_insertion() {
    let project = built();
    let agenda = "report-data/06-sixth-meeting/agenda.yaml";
    let docx = project.path(DOCX);
    let bookmark = bookmark_of(&docx, "items[4].item.en");
    let edited = project.path("edited.docx");
    edit_docx(&docx, &edited, |name, text| {
        if name == "word/document.xml" {
            retype(text, &bookmark, "Break", "Coffee break")
        } else {
            text
        }
    });
    project.replace(
        agenda,
        "items:\n",
        "items:\n  - time: 8:00 am\n    item: Doors open\n\n",
    );
    let output = project.run(&["pull", "edited.docx"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let after = read(&project, agenda);
    assert!(
        after.contains("  - time: 10:30 am\n    item:\n      en: Coffee break\n      fr: Pause\n"),
        "{after}"
    );
    assert!(after.contains("    item: Doors open\n"), "{after}");
}

/// Labeling's introduction typed in the DOCX, and Labeling renamed,
/// removed, or made a twin of another group in the YAML: pull cannot tell
/// where the text goes, says so naming the group, and writes nothing.
#[test]
fn pull_refuses_a_group_it_cannot_find_again() {
    let project = built();
    let edited = project.path("edited.docx");
    word_edit_in(&project, DOCX, "groups[1].introduction", &edited);
    let original = read(&project, PANEL);
    let cases = [
        (
            "renamed",
            original.replacen("en: Labeling,", "en: Labelling and Marks,", 1),
            "no longer has",
        ),
        (
            "removed",
            original.replacen(LABELING, "", 1),
            "no longer has",
        ),
        (
            "twinned",
            original.replacen("en: Consumer Education,", "en: Labeling,", 1),
            "cannot be told apart",
        ),
    ];
    for (case, yaml, says) in cases {
        assert_ne!(yaml, original, "{case}");
        project.write(PANEL, &yaml);
        for args in [
            &["pull", "edited.docx"][..],
            &["pull", "edited.docx", "--theirs"],
        ] {
            let output = project.run(args);
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(1), "{case}: {err}");
            assert!(err.contains("working group “Labeling”"), "{case}: {err}");
            assert!(err.contains(says), "{case}: {err}");
            assert!(err.contains("panel-updates.yaml:5:1"), "{case}: {err}");
            assert!(err.contains("Our group met *twice*"), "{case}: {err}");
            assert!(err.contains("nothing was written"), "{case}: {err}");
            assert_eq!(read(&project, PANEL), yaml, "{case}");
        }
    }
}

#[test]
fn a_link_in_a_footnote_survives_the_round_trip() {
    let project = TempProject::new(None);
    project.replace(
        OVERVIEW,
        "  The goal of the sixth multistakeholder meeting",
        "  The goal[^1] of the sixth multistakeholder meeting",
    );
    let text = read(&project, OVERVIEW);
    project.write(
        OVERVIEW,
        &format!(
            "{}\n\n  [^1]: See [the site](https://www.cira.ca/) for more.\n",
            text.trim_end()
        ),
    );
    let output = project.run(&["build", "--docx-only"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let docx = project.path(DOCX);
    // Untouched, it pulls nothing: the field reads as it was built.
    let output = project.run(&["pull", DOCX]);
    assert!(
        stderr(&output).contains("nothing to pull"),
        "{}",
        stderr(&output)
    );
    // Edited beside the footnote, the footnote keeps its link.
    let edited = project.path("edited.docx");
    edit_docx(&docx, &edited, |name, text| {
        if name == "word/document.xml" {
            text.replacen(
                "of the sixth multistakeholder",
                "of the sixth (and last) multistakeholder",
                1,
            )
        } else {
            text
        }
    });
    let output = project.run(&["pull", "edited.docx"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let pulled = read(&project, OVERVIEW);
    assert!(pulled.contains("(and last)"), "{pulled}");
    assert!(
        pulled.contains("[^1]: See [the site](https://www.cira.ca/) for more."),
        "{pulled}"
    );
}

#[test]
fn a_reference_to_another_report_comes_back_as_a_reference() {
    let project = TempProject::new(Some("series"));
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let docx = project.path(DOCX);
    let bookmark = bookmark_of(&docx, "groups[0].previous_mandate");
    let edited = project.path("edited.docx");
    // Words typed before the printed reference, in its field.
    edit_docx(&docx, &edited, |name, text| {
        if name != "word/document.xml" {
            return text;
        }
        let start = format!("w:name=\"{bookmark}\" />");
        text.replacen(
            &start,
            &format!("{start}<w:r><w:t xml:space=\"preserve\">As given in </w:t></w:r>"),
            1,
        )
    });
    let output = project.run(&["pull", "edited.docx"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let panel = read(&project, PANEL);
    // Not the page it was printed with, which would go stale.
    assert!(
        panel.contains(
            "previous_mandate: As given in <report:05-fifth-meeting#consumer-education>\n"
        ),
        "{panel}"
    );
    let check = project.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn a_heading_deleted_in_the_docx_is_named_not_pulled() {
    let project = built();
    let docx = project.path(DOCX);
    let before = read(&project, PANEL);
    let edited = project.path("edited.docx");
    edit_docx(&docx, &edited, |name, text| {
        if name != "word/document.xml" {
            return text;
        }
        // The heading, after its entry in the contents.
        let heading = ">Panel Updates and Group Discussion</w:t>";
        let at = text.rfind(heading).unwrap();
        format!("{}></w:t>{}", &text[..at], &text[at + heading.len()..])
    });
    let output = project.run(&["pull", "edited.docx"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: 1 text outside the fields (a heading, a label, the contents) was deleted or changed in the DOCX, and is not pulled"),
        "{err}"
    );
    assert_eq!(read(&project, PANEL), before);
}
