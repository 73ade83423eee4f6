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
}
