//! Fuzzing the YAML → model → Typst path (`make fuzz`; ignored by default).
//!
//! Any text in any field must build: no panic, no Typst compile error. Any
//! bytes in a source file must end in a diagnostic, never a panic.

use proptest::prelude::*;
use report::{BuildOptions, Outcome, Project, Strictness};

use crate::support::*;

fn build(project: &TempProject) -> Outcome {
    let options = BuildOptions {
        strictness: Strictness::Draft,
        out_dir: project.path("out"),
        pdf: true,
        docx: true,
        jobs: None,
        language: None,
    };
    let summary = Project::new(project.root()).build(&[], &options);
    if summary.outcome != Outcome::Success {
        let errors: Vec<String> = summary
            .diagnostics
            .iter()
            .map(|d| d.render(project.root()))
            .collect();
        eprintln!("{}", errors.join("\n"));
    }
    summary.outcome
}

/// Text of every kind: printable, controls, markup of every language the
/// pipeline touches, right-to-left, combining marks, emoji.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just("#".to_string()),
                Just("[".to_string()),
                Just("]".to_string()),
                Just("{{".to_string()),
                Just("}}".to_string()),
                Just("</w:t>".to_string()),
                Just("\\".to_string()),
                Just("\"".to_string()),
                Just("\n\n".to_string()),
                Just("- ".to_string()),
                Just("1. ".to_string()),
                Just("*".to_string()),
                Just("$".to_string()),
                Just("é".to_string()),
                Just("ש".to_string()),
                Just("🎉".to_string()),
                "[a-z ]{1,8}",
            ],
            0..40
        )
        .prop_map(|parts| parts.concat()),
    ]
}

/// Markdown nested by a random mix of every construct that nests, from a
/// few levels to far past the tool's bound, with text at every level.
fn nested_markdown() -> impl Strategy<Value = String> {
    let opener = prop_oneof![
        Just(("> ", "")),
        Just(("- ", "")),
        Just(("1. ", "")),
        Just(("*", "*")),
        Just(("**", "**")),
        Just(("_", "_")),
        Just(("~~", "~~")),
        Just(("[", "](https://example.org)")),
    ];
    (proptest::collection::vec(opener, 1..60), "[a-z]{1,6}").prop_map(|(levels, word)| {
        // Block openers stack at the start of the line; inline ones wrap
        // the word, innermost last, and a footnote carries a copy.
        let mut prefix = String::new();
        let mut inner = word.clone();
        for (open, close) in levels.iter().rev() {
            if close.is_empty() {
                prefix.insert_str(0, open);
            } else {
                inner = format!("{open}{word} {inner}{close}");
            }
        }
        format!("{prefix}{inner}[^n]\n\n[^n]: {inner}\n")
    })
}

/// YAML nested by flow and block collections, from a few levels to past
/// serde_yaml's limit.
fn nested_yaml() -> impl Strategy<Value = String> {
    (1usize..400, any::<bool>()).prop_map(|(depth, flow)| {
        if flow {
            format!(
                "number: 6\nnotes: {}x{}\n",
                "[".repeat(depth),
                "]".repeat(depth)
            )
        } else {
            let mut text = String::from("number: 6\nnotes:\n");
            for level in 0..depth {
                text.push_str(&"  ".repeat(level + 1));
                text.push_str("- k:\n");
            }
            text
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    #[ignore = "run by make fuzz"]
    fn any_text_in_any_field_builds(plain in any_text(), prose in any_text()) {
        let project = TempProject::new(None);
        let (p, m) = (serde_json::to_string(&plain).unwrap(), serde_json::to_string(&prose).unwrap());
        let dir = "report-data/06-sixth-meeting";
        project.write(&format!("{dir}/overview.yaml"), &format!("introduction: {m}\nparagraphs: {m}\n"));
        project.write(&format!("{dir}/stakeholders.yaml"), &format!("lead_in: {p}\norganisations:\n  - {p}\n"));
        project.write(
            &format!("{dir}/panel-updates.yaml"),
            &format!("groups:\n  - name: {p}\n    previous_mandate: {m}\n    introduction: {m}\n    discussion: {m}\n"),
        );
        project.write(
            &format!("{dir}/agenda.yaml"),
            &format!("items:\n  - time: 9:00 am\n    item: {p}\n    speakers:\n      - name: {p}\n    details: {m}\n"),
        );
        let outcome = build(&project);
        // Markdown the report cannot hold (HTML, headings) is a located
        // problem; everything else must build.
        prop_assert!(outcome == Outcome::Success || outcome == Outcome::Problems, "{outcome:?}");
        if outcome == Outcome::Problems {
            let summary = Project::new(project.root()).check(&[], Strictness::Draft);
            prop_assert!(summary.diagnostics.iter().all(|d| d.location.is_some()), "every problem is located");
        }
    }

    #[test]
    #[ignore = "run by make fuzz"]
    fn any_bytes_in_a_source_end_in_a_diagnostic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let project = TempProject::new(None);
        std::fs::write(project.path("report-data/06-sixth-meeting/meeting.yaml"), &bytes).unwrap();
        let outcome = build(&project);
        prop_assert!(matches!(outcome, Outcome::Success | Outcome::Problems | Outcome::Unreadable), "{outcome:?}");
    }

    #[test]
    #[ignore = "run by make fuzz"]
    fn deep_nesting_in_prose_builds_or_is_located_in_the_source(markdown in nested_markdown()) {
        let project = TempProject::new(None);
        let m = serde_json::to_string(&markdown).unwrap();
        project.write(
            "report-data/06-sixth-meeting/panel-updates.yaml",
            &format!("groups:\n  - name: A\n    previous_mandate: {m}\n    introduction: {m}\n    discussion: {m}\n"),
        );
        let outcome = build(&project);
        prop_assert!(outcome == Outcome::Success || outcome == Outcome::Problems, "{outcome:?}");
        let summary = Project::new(project.root()).check(&[], Strictness::Draft);
        for d in summary.diagnostics.iter().filter(|d| d.severity == report::diagnostics::Severity::Error) {
            let file = d.location.as_ref().map(|l| l.file.to_string_lossy().into_owned()).unwrap_or_default();
            prop_assert!(file.ends_with("panel-updates.yaml"), "blamed on {file}: {}", d.message);
        }
        if outcome == Outcome::Problems {
            prop_assert!(
                summary.diagnostics.iter().any(|d| d.message.contains("levels deep")),
                "a failed build of nested Markdown says it is nested too deep"
            );
        }
    }

    #[test]
    #[ignore = "run by make fuzz"]
    fn deep_nesting_in_yaml_is_a_located_diagnostic(yaml in nested_yaml()) {
        let project = TempProject::new(None);
        project.write("report-data/06-sixth-meeting/meeting.yaml", &yaml);
        let summary = Project::new(project.root()).check(&[], Strictness::Draft);
        prop_assert!(summary.outcome == Outcome::Problems, "{:?}", summary.outcome);
        prop_assert!(summary.diagnostics.iter().filter(|d| d.severity == report::diagnostics::Severity::Error).all(|d| d.location.as_ref().is_some_and(|l| l.line > 0)), "every error has its line");
    }
}
