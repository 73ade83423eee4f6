//! Bad input: every problem reported at once, with file, line, column and
//! a hint, and a documented exit code.

use crate::support::*;

#[test]
fn every_problem_of_every_file_is_reported_in_one_run() {
    let project = TempProject::new(Some("errors"));
    let output = project.run(&["check"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a file that is not UTF-8 is unreadable input"
    );
    insta::assert_snapshot!("errors_fixture", stderr(&output));
}

#[test]
fn an_unknown_report_is_bad_usage() {
    let project = TempProject::new(None);
    let output = project.run(&["check", "no-such-report"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("unknown_report", stderr(&output));
}

#[test]
fn bad_arguments_are_bad_usage() {
    let project = TempProject::new(None);
    let output = project.run(&["build", "--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn an_unwritable_output_folder_is_reported_and_exits_3() {
    let project = TempProject::new(None);
    project.write("blocked", "a file where the output folder should be");
    let output = project.run(&["build", "--out", "blocked"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "cannot write blocked/06-sixth-meeting.pdf: the output folder blocked is a file"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_template_error_points_at_the_template() {
    let project = TempProject::new(None);
    let path = "layouts/typst/overview.typ.hbs";
    project.replace(
        path,
        "{{blocks body.blocks}}",
        "{{blocks body.blocks}}\n#undefined-function()",
    );
    let output = project.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("typst_error_in_template", stderr(&output));
}

#[test]
fn a_template_that_bypasses_escaping_is_refused() {
    let project = TempProject::new(None);
    let path = "layouts/typst/overview.typ.hbs";
    project.replace(path, "= #{{heading}}", "= {{{heading}}}");
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("unescaped_template", stderr(&output));
}

#[test]
fn every_broken_template_is_located_in_file_order() {
    // Templates compile on two threads; their problems still come in the
    // order of the files, each at its line and column.
    let project = TempProject::new(None);
    project.replace("layouts/typst/agenda.typ.hbs", "{{/each}}", "{{/if}}");
    project.replace(
        "layouts/typst/overview.typ.hbs",
        "= #{{heading}}",
        "= {{{heading}}}",
    );
    project.replace("layouts/typst/stakeholders.typ.hbs", "{{#each", "{{#each }");
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("broken_templates", stderr(&output));
}

const MEETING: &str = "report-data/06-sixth-meeting/meeting.yaml";

#[test]
fn an_alias_bomb_is_refused_quickly_with_its_location() {
    let project = TempProject::new(None);
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        bomb.push_str(&format!("{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"));
    }
    project.write(MEETING, &bomb);
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("alias_bomb", stderr(&output));
}

#[test]
fn a_huge_file_is_refused_before_it_is_read() {
    let project = TempProject::new(None);
    let file = std::fs::File::create(project.path(MEETING)).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let output = project.run(&["check"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a file the tool cannot take in is unreadable input"
    );
    assert!(
        stderr(&output)
            .contains("meeting.yaml is 50.0 MB, larger than the 4 MB a report source may be"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn empty_files_and_wrong_types_are_explained() {
    let project = TempProject::new(None);
    project.write(MEETING, "\n");
    project.write(
        "report-data/06-sixth-meeting/agenda.yaml",
        "items: \"not a list\"\n",
    );
    let output = project.run(&["check"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "an empty file is unreadable input"
    );
    insta::assert_snapshot!("empty_and_wrong_type", stderr(&output));
}

#[test]
fn a_byte_order_mark_and_windows_line_ends_are_accepted() {
    let project = TempProject::new(None);
    let plain = project.run(&["build", "--out", "plain"]);
    assert!(plain.status.success());
    for file in ["meeting.yaml", "overview.yaml", "agenda.yaml"] {
        let path = format!("report-data/06-sixth-meeting/{file}");
        let text = std::fs::read_to_string(project.path(&path)).unwrap();
        project.write(&path, &format!("\u{feff}{}", text.replace('\n', "\r\n")));
    }
    let windows = project.run(&["build", "--out", "windows"]);
    assert!(windows.status.success(), "{}", stderr(&windows));
    let same = |name: &str| {
        std::fs::read(project.path(&format!("plain/{name}"))).unwrap()
            == std::fs::read(project.path(&format!("windows/{name}"))).unwrap()
    };
    assert!(
        same("06-sixth-meeting.pdf") && same("06-sixth-meeting.docx"),
        "the same documents either way"
    );
}

#[test]
fn a_missing_font_family_is_named() {
    let project = TempProject::new(None);
    std::fs::remove_dir_all(project.path("fonts/carlito")).unwrap();
    let output = project.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("error: the font family `Carlito` is not in fonts/"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn two_working_groups_of_one_name_are_an_error_at_the_second() {
    let project = TempProject::new(None);
    let panel = "report-data/06-sixth-meeting/panel-updates.yaml";
    let text = std::fs::read_to_string(project.path(panel)).unwrap();
    let first = text
        .lines()
        .position(|l| l.contains("Consumer Education"))
        .unwrap()
        + 1;
    // Different in case and punctuation, the same anchor.
    project.replace(panel, "en: Network Resiliency", "en: consumer education!");
    let second = std::fs::read_to_string(project.path(panel))
        .unwrap()
        .lines()
        .position(|l| l.contains("consumer education!"))
        .unwrap()
        + 1;
    let output = project.run(&["check"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: two working groups are named `consumer education!`"),
        "{err}"
    );
    assert!(
        err.contains(&format!("--> {panel}:{second}:")),
        "at the second name: {err}"
    );
    assert!(
        err.contains(&format!("the first is at line {first};")),
        "{err}"
    );
}

#[test]
fn a_raw_control_character_is_located_and_named() {
    let project = TempProject::new(None);
    let overview = "report-data/06-sixth-meeting/overview.yaml";
    // What Word pastes for a line break typed with Shift+Enter.
    project.replace(
        overview,
        "Canadian Multistakeholder",
        "Canadian \u{B}Multistakeholder",
    );
    let text = std::fs::read_to_string(project.path(overview)).unwrap();
    let line = text.lines().position(|l| l.contains('\u{B}')).unwrap() + 1;
    let column = text
        .lines()
        .nth(line - 1)
        .unwrap()
        .chars()
        .position(|c| c == '\u{B}')
        .unwrap()
        + 1;
    let output = project.run(&["check"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: a control character, U+000B (a line break pasted from Word), which YAML does not allow"),
        "{err}"
    );
    assert!(
        err.contains(&format!("--> {overview}:{line}:{column}\n")),
        "{err}"
    );
    assert!(
        !err.contains('\u{B}'),
        "the quoted line does not print it: {err}"
    );
}

#[test]
fn a_key_written_twice_is_located_at_the_second() {
    let project = TempProject::new(None);
    let meeting = "report-data/06-sixth-meeting/meeting.yaml";
    let text = std::fs::read_to_string(project.path(meeting)).unwrap();
    // At the top, and in a nested mapping, where serde_yaml names the
    // mapping's path.
    for (after, repeated) in [
        ("\ndate: ", "date: 2019-04-19"),
        ("\n  in_person: ", "  in_person: 41"),
    ] {
        let at = text.find(after).unwrap() + 1;
        let end = at + text[at..].find('\n').unwrap() + 1;
        let line = text[..end].lines().count() + 1;
        project.write(
            meeting,
            &format!("{}{repeated}\n{}", &text[..end], &text[end..]),
        );
        let output = project.run(&["check"]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        let key = repeated.trim().split(':').next().unwrap();
        assert!(
            err.contains(&format!(
                "error: the key \"{key}\" is written twice in the same place"
            )),
            "{err}"
        );
        let column = repeated.len() - repeated.trim_start().len() + 1;
        assert!(
            err.contains(&format!("--> {meeting}:{line}:{column}\n")),
            "{err}"
        );
    }
}
