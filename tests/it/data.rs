//! Data is never markup: hostile text in every field reaches both documents
//! literally.

use crate::support::*;

/// The meeting's location as the seed writes it, in both languages.
const LOCATION: &str = "location:\n  en: Ottawa, Ontario Canada\n  fr: Ottawa (Ontario) Canada";

/// Strings that would break a pipeline that let data become Typst,
/// Handlebars or XML.
fn hostile() -> Vec<String> {
    vec![
        r#"#*_$=<>@\`~'"/ // /* */ -- ---"#.to_string(),
        "= not a heading".to_string(),
        "- not a list".to_string(),
        "+ not an enum".to_string(),
        "1. not numbered".to_string(),
        "/ not: a term".to_string(),
        r#"#read("/etc/passwd")"#.to_string(),
        r#"#panic("x")"#.to_string(),
        "{{x}} {{{y}}} {{#each z}}".to_string(),
        "</w:t></w:r> &amp; &lt; <![CDATA[x]]>".to_string(),
        "Élaboration des normes — café, naïve, Québec".to_string(),
        "e\u{301}le\u{300}ve".to_string(),
        "שלום עולם".to_string(),
        "emoji 🔒🎉".to_string(),
        "https://example.org/a_b_c?x=1&y=$2".to_string(),
        "a".repeat(300),
    ]
}

/// Escapes every ASCII punctuation character, as an editor writes literal
/// characters in a Markdown field.
fn markdown_literal(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_ascii_punctuation() {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

fn yaml(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

#[test]
fn hostile_text_in_every_field_appears_literally_in_both_documents() {
    let project = TempProject::new(None);
    let plain = hostile().join(" | ");
    let prose = markdown_literal(&plain);
    let (p, m) = (yaml(&plain), yaml(&prose));
    let dir = "report-data/06-sixth-meeting";
    project.write(
        "report-data/series.yaml",
        &format!("process:\n  name: {p}\n  theme: {p}\npartners:\n  - name: {p}\n  - name: {p}\nassisting:\n  - name: {p}\n"),
    );
    project.write(
        &format!("{dir}/meeting.yaml"),
        &format!("number: 6\nordinal: {p}\nlocation: {p}\ndate: 2019-04-18\nattendance:\n  in_person: 40\n  remote: 15\n  total: 55\nlivestream: https://example.org/a_b?c=1&d=$2\n"),
    );
    project.write(
        &format!("{dir}/overview.yaml"),
        &format!("introduction: {m}\nparagraphs: {m}\n"),
    );
    project.write(
        &format!("{dir}/stakeholders.yaml"),
        &format!("lead_in: {p}\norganisations:\n  - {p}\n"),
    );
    project.write(
        &format!("{dir}/panel-updates.yaml"),
        &format!("groups:\n  - name: {p}\n    previous_mandate: {m}\n    introduction: {m}\n    discussion: {m}\n"),
    );
    project.write(
        &format!("{dir}/agenda.yaml"),
        &format!("items:\n  - time: 9:00 am\n    item: {p}\n    speakers:\n      - name: {p}\n        title: {p}\n        organisation: {p}\n    details: {m}\n"),
    );
    let output = project.run(&["build"]);
    assert!(
        output.status.success(),
        "the hostile report builds:\n{}",
        stderr(&output)
    );
    // pdftotext gives right-to-left runs in visual order, wrapped in
    // embedding marks: those are dropped, and such runs checked word by word.
    let squeeze = |text: &str| {
        text.chars()
            .filter(|c| {
                !c.is_whitespace() && *c != '\u{200B}' && !('\u{202A}'..='\u{202E}').contains(c)
            })
            .collect::<String>()
    };
    let pdf = squeeze(&pdf_text(&project.path("out/06-sixth-meeting.pdf")));
    let docx = squeeze(&docx_text(&project.path("out/06-sixth-meeting.docx")));
    // Each plain and prose field above, at the least.
    let fields = 20;
    let pieces = hostile().into_iter().flat_map(|piece| {
        if piece
            .chars()
            .any(|c| ('\u{0590}'..='\u{06FF}').contains(&c))
        {
            piece.split_whitespace().map(str::to_string).collect()
        } else {
            vec![piece]
        }
    });
    for piece in pieces {
        let piece = squeeze(&piece);
        assert!(
            pdf.matches(&piece).count() >= fields,
            "PDF shows {piece:?} {} times",
            pdf.matches(&piece).count()
        );
        assert!(
            docx.matches(&piece).count() >= fields,
            "DOCX shows {piece:?} {} times",
            docx.matches(&piece).count()
        );
    }
}

#[test]
fn control_characters_are_removed_with_a_warning() {
    let project = TempProject::new(None);
    project.replace(
        "report-data/06-sixth-meeting/meeting.yaml",
        LOCATION,
        "location: \"Ottawa,\\u0007 Ontario\\u0000 Canada\"",
    );
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("warning: `location` contains control characters; they were removed"),
        "{}",
        stderr(&output)
    );
    assert!(pdf_text(&project.path("out/06-sixth-meeting.pdf")).contains("Ottawa, Ontario Canada"));
    assert!(
        docx_text(&project.path("out/06-sixth-meeting.docx")).contains("Ottawa, Ontario Canada")
    );
}

#[test]
fn a_ten_thousand_character_word_wraps_and_is_kept_whole() {
    let project = TempProject::new(None);
    let word = format!("{}END", "x".repeat(10_000));
    let path = "report-data/06-sixth-meeting/meeting.yaml";
    project.replace(path, LOCATION, &format!("location: {word}"));
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let running = "Enhancing IoT Security · Report on Sixth and Final Multistakeholder Meeting";
    let body: String = pdf_text(&project.path("out/06-sixth-meeting.pdf"))
        .lines()
        .filter(|l| l.trim() != running && !l.starts_with("Page "))
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace() && *c != '\u{200B}')
        .collect();
    assert!(body.contains(&word), "the PDF keeps the word whole");
    assert!(docx_text(&project.path("out/06-sixth-meeting.docx")).contains(&word));
}

#[test]
fn a_long_web_address_wraps_under_itself_and_copies_whole_from_the_pdf() {
    let project = TempProject::new(None);
    let path = "report-data/06-sixth-meeting/meeting.yaml";
    let address = "https://livestream.com/internetsociety/iotsecurity2018-6/videos/189000000?utm_source=report&and=a-little-longer-still";
    let text = std::fs::read_to_string(project.path(path)).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("livestream: "))
        .unwrap();
    project.replace(path, line, &format!("livestream: {address}"));
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let pdf = pdf_text(&project.path("out/06-sixth-meeting.pdf"));
    // Typst breaks an address itself: no zero-width spaces are put in it,
    // which a reader copying it from the PDF would carry along.
    assert!(!pdf.contains('\u{200B}'), "{pdf:?}");
    let at = pdf.find("Livestream Link:").unwrap() + "Livestream Link:".len();
    let two_lines: String = pdf[at..].lines().take(2).collect();
    assert_eq!(two_lines.trim(), address, "{pdf}");
    // Its second line starts where the first line's value does, in the
    // DOCX as in the PDF: a hanging indent as wide as the labels.
    let docx = docx_part(
        &project.path("out/06-sixth-meeting.docx"),
        "word/document.xml",
    );
    assert!(docx.contains(r#"w:hanging="2310""#), "{docx}");
}

#[test]
fn a_character_no_font_has_is_named_not_printed_as_a_box() {
    let project = TempProject::new(None);
    let path = "report-data/06-sixth-meeting/meeting.yaml";
    project.replace(path, LOCATION, "location: Ottawa 中");
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "warning: `location` has characters none of the report's fonts can show: '中' (U+4E2D)"
        ),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("--> report-data/06-sixth-meeting/meeting.yaml:6:11"),
        "{}",
        stderr(&output)
    );
    assert!(pdf_text(&project.path("out/06-sixth-meeting.pdf")).contains("Ottawa U+4E2D"));
}
