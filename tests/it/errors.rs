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
    let template = std::fs::read_to_string(project.path(path)).unwrap();
    project.write(
        path,
        &template.replace(
            "{{blocks body.blocks}}",
            "{{blocks body.blocks}}\n#undefined-function()",
        ),
    );
    let output = project.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("typst_error_in_template", stderr(&output));
}

#[test]
fn a_template_that_bypasses_escaping_is_refused() {
    let project = TempProject::new(None);
    let path = "layouts/typst/overview.typ.hbs";
    let template = std::fs::read_to_string(project.path(path)).unwrap();
    project.write(path, &template.replace("= #{{heading}}", "= {{{heading}}}"));
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("unescaped_template", stderr(&output));
}
