//! A series built side by side: the same files, byte for byte, and the same
//! messages in the same order as reports built one at a time.

use crate::support::*;

const SEED: &str = "06-sixth-meeting";
const COPIES: [&str; 3] = ["01-first-copy", "02-second-copy", "03-third-copy"];

/// A fixture's report (the seed's when `None`) under several names.
fn series(fixture: Option<&str>) -> TempProject {
    let project = TempProject::new(fixture);
    for name in COPIES {
        copy_tree(
            &project.path(&format!("report-data/{SEED}")),
            &project.path(&format!("report-data/{name}")),
        );
    }
    project
}

fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = COPIES.to_vec();
    names.push(SEED);
    names.sort_unstable();
    names
}

#[test]
fn reports_built_side_by_side_are_the_files_each_gives_alone() {
    // The rich report has several links and footnotes, which docx-rs
    // numbers from counters shared by every report of a process.
    for fixture in [None, Some("rich")] {
        same_files_side_by_side(fixture);
    }
}

fn same_files_side_by_side(fixture: Option<&str>) {
    let project = series(fixture);
    let output = project.run(&["build", "--jobs", "3", "--out", "side"]);
    assert!(output.status.success(), "{}", stderr(&output));
    for name in names() {
        let alone = project.run(&["build", name, "--out", &format!("alone-{name}")]);
        assert!(alone.status.success(), "{}", stderr(&alone));
        for extension in ["pdf", "docx"] {
            let file = format!("{name}.{extension}");
            let side = std::fs::read(project.path(&format!("side/{file}"))).unwrap();
            let alone = std::fs::read(project.path(&format!("alone-{name}/{file}"))).unwrap();
            assert!(
                side == alone,
                "{file} built beside the others differs from {file} built alone"
            );
        }
    }
}

#[test]
fn messages_come_in_name_order_whatever_finishes_first() {
    // The seed's placeholders are warned about in each copy.
    let project = series(None);
    let side = project.run(&["build", "--jobs", "3", "--out", "side"]);
    let one = project.run(&["build", "--jobs", "1", "--out", "side"]);
    assert!(side.status.success(), "{}", stderr(&side));
    assert_eq!(
        stderr(&side),
        stderr(&one),
        "building side by side must say what building one at a time says"
    );
    // Each report's warnings, report by report, then the files written.
    let text = stderr(&side);
    let warned: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split_once("--> report-data/"))
        .filter_map(|(_, rest)| rest.split_once('/').map(|(name, _)| name))
        .collect();
    let mut sorted = warned.clone();
    sorted.sort_unstable();
    assert!(
        warned.len() > names().len(),
        "the seed report has placeholders to warn about:\n{text}"
    );
    assert_eq!(warned, sorted, "warnings out of name order:\n{text}");
    let wrote: Vec<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix("wrote side/"))
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = names()
        .into_iter()
        .flat_map(|name| [format!("{name}.pdf"), format!("{name}.docx")])
        .collect();
    assert_eq!(wrote, expected);
}
