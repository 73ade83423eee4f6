//! Deep nesting, in Markdown and in YAML: a correct document or a located
//! error in the editor's file, never a crash and never a template's blame.

use crate::support::*;

const PANEL: &str = "report-data/06-sixth-meeting/panel-updates.yaml";
const MEETING: &str = "report-data/06-sixth-meeting/meeting.yaml";
/// The tool's bound, as the error message states it.
const LIMIT: usize = 12;

/// Writes `markdown` as the introduction of the first working group, as a
/// block scalar starting on line 8 of the file.
fn with_introduction(markdown: &str) -> TempProject {
    let project = TempProject::new(None);
    let mut text = String::from(
        "# Working groups.\ngroups:\n  - name: Consumer Education\n    previous_mandate: Set out in the fifth report.\n    discussion: Discussed.\n    introduction: |\n",
    );
    for line in markdown.lines() {
        text.push_str("      ");
        text.push_str(line);
        text.push('\n');
    }
    project.write(PANEL, &text);
    project
}

/// Checks that a build failed on the editor's file, at the introduction's
/// lines, with the nesting message, and wrote nothing.
fn assert_refused_as_too_deep(project: &TempProject) {
    let output = project.run(&["build"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("more than {LIMIT} levels deep")),
        "the message says how deep the tool allows: {err}"
    );
    assert!(
        err.contains("--> report-data/06-sixth-meeting/panel-updates.yaml:"),
        "located in the editor's file: {err}"
    );
    assert!(
        !err.contains("layouts/"),
        "never blamed on the layout: {err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "{err}"
    );
    assert!(!project.path("out/06-sixth-meeting.pdf").exists());
}

#[test]
fn thousands_of_nested_quotes_are_a_located_error() {
    let project = with_introduction(&format!("{}deep", "> ".repeat(200_000)));
    assert_refused_as_too_deep(&project);
}

#[test]
fn thousands_of_nested_emphasis_markers_are_a_located_error() {
    let project = with_introduction(&format!("{0}x{0}", "*".repeat(30_000)));
    // Runs of one delimiter pair up as strong-in-strong-in-emphasis.
    assert_refused_as_too_deep(&project);
}

#[test]
fn fifty_quotes_and_lists_hundreds_deep_are_located_errors() {
    assert_refused_as_too_deep(&with_introduction(&format!("{}x", "> ".repeat(50))));
    let mut list = String::new();
    for depth in 0..300 {
        list.push_str(&"  ".repeat(depth));
        list.push_str("- item\n");
    }
    assert_refused_as_too_deep(&with_introduction(&list));
}

#[test]
fn mixed_nesting_past_the_bound_is_a_located_error() {
    // Quote, list, strong, emphasis, link, in turn, deeper than allowed.
    let mut markdown = String::new();
    let mut prefix = String::new();
    for _ in 0..8 {
        prefix.push_str("> ");
        markdown.push_str(&format!(
            "{prefix}- **_[a *b* link](https://example.org)_**\n"
        ));
        prefix.push_str("  ");
    }
    markdown.push_str(&format!("{prefix}- {}x{}\n", "*".repeat(6), "*".repeat(6)));
    assert_refused_as_too_deep(&with_introduction(&markdown));
}

#[test]
fn nesting_up_to_the_bound_builds_both_documents() {
    let quotes = format!("{}quoted twelve deep", "> ".repeat(LIMIT));
    let mut lists = String::new();
    for depth in 0..LIMIT {
        lists.push_str(&"  ".repeat(depth));
        lists.push_str(&format!("- level {}\n", depth + 1));
    }
    // Emphasis and strong alternate so that each level is its own element.
    let mut emphasis = String::from("x");
    for level in 0..LIMIT {
        emphasis = if level % 2 == 0 {
            format!("*a {emphasis} b*")
        } else {
            format!("**a {emphasis} b**")
        };
    }
    let mixed = "> - **_[a *b* link](https://example.org)_**\n>   > 1. *x*[^n]\n\n[^n]: A **note** with *emphasis*.\n";
    for markdown in [quotes, lists, emphasis, mixed.to_string()] {
        let project = with_introduction(&markdown);
        let output = project.run(&["build"]);
        let err = stderr(&output);
        assert!(output.status.success(), "{markdown}\n{err}");
        assert!(!err.contains("layouts/"), "{err}");
        let text = pdf_text(&project.path("out/06-sixth-meeting.pdf"));
        assert!(
            text.contains("level 12")
                || text.contains("quoted twelve deep")
                || text.contains("a b link")
                || text.contains("a x b"),
            "the innermost text is printed: {markdown}"
        );
    }
}

#[test]
fn deeply_nested_yaml_names_nesting_with_its_place() {
    let project = TempProject::new(None);
    let deep = format!(
        "number: 6\nnotes: {}{}\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    project.write(MEETING, &deep);
    let output = project.run(&["check"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("nests lists and mappings more than 128 levels deep"),
        "{err}"
    );
    assert!(!err.contains("alias"), "not an alias bomb: {err}");
    // The 128th bracket of line 2, inside the file's own mapping.
    assert!(err.contains("meeting.yaml:2:135"), "{err}");

    let mut block = String::from("number: 6\n");
    for depth in 0..200 {
        block.push_str(&"  ".repeat(depth));
        block.push_str("k:\n");
    }
    project.write(MEETING, &block);
    let output = project.run(&["check"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("more than 128 levels deep"), "{err}");
    assert!(err.contains("meeting.yaml:"), "{err}");
}
