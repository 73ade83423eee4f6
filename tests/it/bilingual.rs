//! Both official languages from one source: `languages: [en-CA, fr-CA]`
//! gives an English and a French PDF and DOCX, the English identical in
//! text to an English-only build, the French in French with each missing
//! translation flagged and listed.

use std::path::Path;

use crate::support::*;

const EN_PDF: &str = "out/06-sixth-meeting.en.pdf";
const FR_PDF: &str = "out/06-sixth-meeting.fr.pdf";
const EN_DOCX: &str = "out/06-sixth-meeting.en.docx";
const FR_DOCX: &str = "out/06-sixth-meeting.fr.docx";
const OVERVIEW: &str = "report-data/06-sixth-meeting/overview.yaml";

/// The seed project with the shipped layout in both languages.
fn bilingual() -> TempProject {
    let project = TempProject::new(None);
    project.replace(
        "layouts/report.yaml",
        "\nlanguage: en-CA\n",
        "\nlanguages: [en-CA, fr-CA]\n",
    );
    project
}

fn build(project: &TempProject, args: &[&str]) -> String {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let output = project.run(&all);
    assert!(output.status.success(), "{}", stderr(&output));
    stderr(&output)
}

/// The words of a document's body, without its running header and
/// footer, which differ by page.
fn body_words(text: &str) -> Vec<String> {
    let lines = text.lines().filter(|line| {
        let line = line.trim();
        !line.starts_with("Page ") && !line.contains(" · ")
    });
    normalise(&lines.collect::<Vec<_>>().join("\n"))
        .split(' ')
        // The draft's watermark: in the PDF's text, and in the DOCX's
        // headers, which its body's text leaves out.
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c == '.') && *w != "ÉBAUCHE")
        .map(str::to_string)
        .collect()
}

#[test]
fn the_english_documents_read_as_an_english_only_build() {
    let english = TempProject::new(None);
    build(&english, &[]);
    let project = bilingual();
    let said = build(&project, &[]);
    for file in [EN_PDF, EN_DOCX, FR_PDF, FR_DOCX] {
        assert!(project.path(file).is_file(), "{file} is written: {said}");
        assert!(said.contains(&format!("wrote {file}")), "{said}");
    }
    assert!(!project.path("out/06-sixth-meeting.pdf").exists());
    assert_eq!(
        pdf_text(&english.path("out/06-sixth-meeting.pdf")),
        pdf_text(&project.path(EN_PDF)),
        "the English PDF reads as before"
    );
    assert_eq!(
        docx_text(&english.path("out/06-sixth-meeting.docx")),
        docx_text(&project.path(EN_DOCX)),
        "the English DOCX reads as before"
    );
}

#[test]
fn the_french_documents_are_in_french() {
    let project = bilingual();
    build(&project, &[]);
    let pdf = pdf_text(&project.path(FR_PDF));
    let docx = docx_text(&project.path(FR_DOCX));
    // pdftotext prints a no-break space as a space: the spacing itself is
    // checked in the DOCX's XML and the Typst source below.
    let flat = |text: &str| {
        text.replace('\u{A0}', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for text in [flat(&pdf), flat(&docx)] {
        for expected in [
            "Rapport sur la sixième et dernière réunion multipartite",
            "Processus multipartite canadien\u{A0}: Améliorer la sécurité de l’IdO",
            "Lieu\u{A0}:",
            "Ottawa (Ontario) Canada",
            "18 avril 2019",
            "Table des matières",
            "Aperçu",
            "Cette initiative est un partenariat entre l’Internet Society, Innovation, Sciences et Développement économique Canada, l’Autorité canadienne pour les enregistrements Internet, CANARIE et la CIPPIC.",
            "La section canadienne de l’Internet Society participe également à cette initiative.",
            "Sensibilisation des consommateurs",
            "Annexe A\u{A0}: Ordre du jour",
            "Sixième et dernière réunion multipartite\u{A0}: Améliorer la sécurité de l’IdO",
            "Présence sur place\u{A0}: ~40",
            "9 h 40",
            "13 h 00",
            "À FAIRE\u{A0}: texte à rédiger",
            "À FAIRE\u{A0}: traduction française manquante\u{A0}: «\u{A0}The goal of the sixth",
        ] {
            let expected = flat(expected);
            assert!(text.contains(&expected), "lacks {expected:?}:\n{text}");
        }
        for english in ["Overview", "Location", "April", "am ", "TO DO", "Page 1 of"] {
            assert!(!text.contains(english), "still says {english:?}:\n{text}");
        }
    }
    assert!(flat(&pdf).contains("Page 1 de 3"));
    let xml = docx_part(&project.path(FR_DOCX), "word/document.xml");
    for spaced in [
        "Lieu\u{A0}:",
        "Annexe A\u{A0}: Ordre du jour",
        "«\u{A0}The goal",
    ] {
        assert!(xml.contains(spaced), "the DOCX lacks {spaced:?}");
    }
    let source = project.run(&["source", "06-sixth-meeting", "--lang", "fr"]);
    let source = String::from_utf8_lossy(&source.stdout).into_owned();
    assert!(source.contains("lang: \"fr\""), "{source}");
    assert!(source.contains("region: \"CA\""));
    assert!(source.contains("Lieu\u{A0}:") || source.contains("\"Lieu\""));
    assert!(source.contains("\"À FAIRE\u{A0}: \""), "{source}");
    assert!(
        pdf.contains("ÉBAUCHE") || pdf.contains('É'),
        "the draft mark"
    );
    let header = docx_part(&project.path(FR_DOCX), "word/header1.xml");
    assert!(header.contains(r#"string="ÉBAUCHE""#), "{header}");
    // The same words in the same order in both.
    assert_eq!(body_words(&pdf), body_words(&docx));
}

#[test]
fn each_document_says_its_language() {
    let project = bilingual();
    build(&project, &[]);
    let info = tool("pdfinfo", &[project.path(FR_PDF).to_str().unwrap()]);
    assert!(
        info.contains("Title:           Rapport sur la sixième et dernière réunion multipartite"),
        "{info}"
    );
    let plain = project.path("fr-plain.pdf");
    tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            project.path(FR_PDF).to_str().unwrap(),
            plain.to_str().unwrap(),
        ],
    );
    let raw = String::from_utf8_lossy(&std::fs::read(&plain).unwrap()).into_owned();
    assert!(raw.contains("/Lang (fr-CA)"), "the catalog's /Lang");
    assert!(raw.contains("pdfuaid:part>1<") || raw.contains("pdfuaid:part=\"1\""));
    assert!(raw.contains("pdfaid:part>2<") || raw.contains("pdfaid:part=\"2\""));
    assert!(raw.contains("pdfaid:conformance>B<") || raw.contains("pdfaid:conformance=\"B\""));
    assert!(raw.contains("<dc:language>") && raw.contains("fr-CA"));
    tool("qpdf", &["--check", project.path(FR_PDF).to_str().unwrap()]);
    let styles = docx_part(&project.path(FR_DOCX), "word/styles.xml");
    assert!(styles.contains(r#"w:lang w:val="fr-CA""#), "{styles}");
    let core = docx_part(&project.path(FR_DOCX), "docProps/core.xml");
    assert!(core.contains("<dc:language>fr-CA</dc:language>"), "{core}");
    assert!(core.contains("Rapport sur la sixième"), "{core}");
    let english = docx_part(&project.path(EN_DOCX), "word/styles.xml");
    assert!(english.contains(r#"w:lang w:val="en-CA""#));
}

#[test]
fn check_lists_missing_translations_by_language() {
    let project = bilingual();
    let output = project.run(&["check", "--lang", "fr"]);
    let said = stderr(&output);
    assert!(output.status.success(), "a draft check passes: {said}");
    assert!(
        said.contains("French translation missing for `paragraphs`"),
        "{said}"
    );
    assert!(
        said.contains("report-data/06-sixth-meeting/overview.yaml:21:"),
        "located at the field: {said}"
    );
    assert!(said.contains("French translation missing for `items[6].details`"));
    let output = project.run(&["check", "--lang", "en"]);
    let said = stderr(&output);
    assert!(!said.contains("French"), "{said}");
    // A problem of both languages is said once.
    let output = project.run(&["check"]);
    let said = stderr(&output);
    assert_eq!(
        said.matches("The introduction of Labeling is still to be written")
            .count(),
        1,
        "{said}"
    );
    assert!(said.contains("French translation missing for `paragraphs`"));
    // A final build refuses them, in French only.
    let output = project.run(&["check", "--final", "--lang", "fr"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("error: placeholder: French translation missing"));
}

#[test]
fn a_translation_completes_the_french_only() {
    let project = bilingual();
    let overview = std::fs::read_to_string(project.path(OVERVIEW)).unwrap();
    let at = overview.find("paragraphs: |").unwrap();
    project.write(
        OVERVIEW,
        &format!(
            "{}paragraphs:\n  fr: Le but de la sixième réunion.\n  en: |\n{}",
            &overview[..at],
            overview[at..]
                .lines()
                .skip(1)
                .map(|l| if l.is_empty() {
                    String::new()
                } else {
                    format!("  {l}\n")
                })
                .collect::<Vec<_>>()
                .join("")
        ),
    );
    let output = project.run(&["check", "--lang", "fr"]);
    let said = stderr(&output);
    assert!(!said.contains("for `paragraphs`"), "{said}");
    build(&project, &["--lang", "fr"]);
    assert!(project.path(FR_PDF).is_file());
    assert!(
        !project.path(EN_PDF).exists(),
        "--lang fr builds French only"
    );
    let pdf = pdf_text(&project.path(FR_PDF));
    assert!(pdf.contains("Le but de la sixième réunion."));
    // Plain text still to translate is flagged at its section's start.
    project.replace(
        "report-data/06-sixth-meeting/panel-updates.yaml",
        "  - name: { en: Labeling, fr: Étiquetage }",
        "  - name: Labeling",
    );
    let output = project.run(&["check", "--lang", "fr"]);
    assert!(
        stderr(&output).contains("French translation missing for `groups[1].name`: \"Labeling\"")
    );
    build(&project, &["--lang", "fr"]);
    let pdf = pdf_text(&project.path(FR_PDF));
    assert!(
        pdf.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("traduction française manquante : « Labeling »"),
        "{pdf}"
    );
}

#[test]
fn two_builds_give_the_same_bytes_in_each_language() {
    let project = bilingual();
    build(&project, &[]);
    let first: Vec<Vec<u8>> = [EN_PDF, FR_PDF, EN_DOCX, FR_DOCX]
        .iter()
        .map(|f| std::fs::read(project.path(f)).unwrap())
        .collect();
    build(&project, &[]);
    for (file, before) in [EN_PDF, FR_PDF, EN_DOCX, FR_DOCX].iter().zip(first) {
        assert!(
            std::fs::read(project.path(file)).unwrap() == before,
            "{file} changed"
        );
    }
}

#[test]
fn an_unknown_language_or_a_bad_tag_is_refused() {
    let project = bilingual();
    let output = project.run(&["build", "--lang", "de"]);
    assert_eq!(output.status.code(), Some(2));
    let said = stderr(&output);
    assert!(said.contains("the layout has no language `de`"), "{said}");
    assert!(said.contains("its languages are: en, fr"), "{said}");
    for (languages, said) in [
        ("[en-CA, \"fr CA\"]", "`fr CA` is not a language tag"),
        (
            "[en-CA, fr-CA]\nlanguage: en-CA",
            "both `language:` and `languages:`",
        ),
        ("[en-CA, en-GB]", "the language `en` is named twice"),
    ] {
        let wrong = bilingual();
        wrong.replace(
            "layouts/report.yaml",
            "\nlanguages: [en-CA, fr-CA]\n",
            &format!("\nlanguages: {languages}\n"),
        );
        let output = wrong.run(&["check"]);
        assert_eq!(output.status.code(), Some(1));
        let stderr = stderr(&output);
        assert!(stderr.contains(said), "{stderr}");
        assert!(stderr.contains("layouts/report.yaml:"), "{stderr}");
    }
}

#[test]
fn a_layout_word_without_french_is_named() {
    let project = bilingual();
    project.replace(
        "layouts/report.yaml",
        "  contents: { en: Contents, fr: Table des matières }",
        "  contents: { en: Contents }",
    );
    let output = project.run(&["build", "--lang", "fr"]);
    let said = stderr(&output);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("`labels.contents` has no French wording"),
        "{said}"
    );
    assert!(pdf_text(&project.path(FR_PDF)).contains("Contents"));
}

#[test]
fn a_translation_typed_into_the_french_docx_is_pulled_beside_the_english() {
    let project = bilingual();
    build(&project, &["--docx-only"]);
    let edited = project.path("edited.fr.docx");
    crate::pull::word_edit_in(&project, FR_DOCX, "groups[0].introduction.fr", &edited);
    let output = project.run(&["pull", edited.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let panel =
        std::fs::read_to_string(project.path("report-data/06-sixth-meeting/panel-updates.yaml"))
            .unwrap();
    assert!(
        panel.contains("    introduction:\n      en:\n      fr: |\n        Our group met *twice*"),
        "{panel}"
    );
    // The English is untouched, and still to be written.
    let output = project.run(&["check", "--lang", "en"]);
    assert!(
        stderr(&output).contains("The introduction of Consumer Education is still to be written")
    );
    build(&project, &["--lang", "fr", "--pdf-only"]);
    let pdf = pdf_text(&project.path(FR_PDF));
    assert!(pdf.contains("Our group met twice"), "{pdf}");
    // The English DOCX's field is the English text: pulling the French
    // DOCX never writes over it.
    assert!(Path::new(&project.path(EN_DOCX)).is_file());
}

#[test]
fn the_next_report_keeps_translations_and_refers_in_its_language() {
    let project = bilingual();
    let output = project.run(&["new", "07-seventh-meeting"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let panel =
        std::fs::read_to_string(project.path("report-data/07-seventh-meeting/panel-updates.yaml"))
            .unwrap();
    assert!(
        panel.contains(
            "  - name:\n      en: Consumer Education\n      fr: Sensibilisation des consommateurs\n    previous_mandate: <report:06-sixth-meeting#consumer-education>\n"
        ),
        "{panel}"
    );
    build(&project, &["07-seventh-meeting"]);
    let pdf = project.path("out/07-seventh-meeting.fr.pdf");
    let text = pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains(
            "Rapport sur la sixième et dernière réunion multipartite, Sensibilisation des consommateurs, p. 1"
        ),
        "the reference reads in French, with the French edition's page: {text}"
    );
    let annotations = tool("qpdf", &["--json", pdf.to_str().unwrap()]);
    assert!(
        annotations.contains("\"/URI\": \"u:06-sixth-meeting.fr.pdf#page=1\""),
        "the PDF links to the French document"
    );
    let relationships = docx_part(
        &project.path("out/07-seventh-meeting.fr.docx"),
        "word/_rels/document.xml.rels",
    );
    assert!(relationships.contains("Target=\"06-sixth-meeting.fr.pdf#page=1\""));
    let english = pdf_text(&project.path("out/07-seventh-meeting.en.pdf"));
    assert!(
        english
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains(
                "Report on Sixth and Final Multistakeholder Meeting, Consumer Education, p. 2"
            ),
        "the English edition's page, which is not the French one's"
    );
    let annotations = tool(
        "qpdf",
        &[
            "--json",
            project
                .path("out/07-seventh-meeting.en.pdf")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(annotations.contains("\"/URI\": \"u:06-sixth-meeting.en.pdf#page=2\""));
}
