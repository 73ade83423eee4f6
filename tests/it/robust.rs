//! Nothing lost, nothing escapes: atomic outputs and the sandbox.

use std::process::Command;
use std::time::Duration;

use crate::support::*;

const PDF: &str = "out/06-sixth-meeting.pdf";
const DOCX: &str = "out/06-sixth-meeting.docx";

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_or_the_new_file() {
    let project = TempProject::new(None);
    assert!(project.run(&["build"]).status.success());
    let old = (
        std::fs::read(project.path(PDF)).unwrap(),
        std::fs::read(project.path(DOCX)).unwrap(),
    );
    let path = "report-data/06-sixth-meeting/meeting.yaml";
    project.replace(path, "Ottawa", "Gatineau");
    // The new outputs, made aside, to compare against.
    assert!(project.run(&["build", "--out", "new"]).status.success());
    let new = (
        std::fs::read(project.path("new/06-sixth-meeting.pdf")).unwrap(),
        std::fs::read(project.path("new/06-sixth-meeting.docx")).unwrap(),
    );
    assert!(old.0 != new.0 && old.1 != new.1);
    // Kill builds after growing delays, so some die before, some during and
    // some after writing.
    for step in 0..24u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_report"))
            .arg("build")
            .current_dir(project.root())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(step * 4));
        let _ = child.kill();
        let _ = child.wait();
        let pdf = std::fs::read(project.path(PDF)).unwrap();
        let docx = std::fs::read(project.path(DOCX)).unwrap();
        assert!(
            pdf == old.0 || pdf == new.0,
            "a truncated or foreign PDF after a kill at step {step}"
        );
        assert!(
            docx == old.1 || docx == new.1,
            "a truncated or foreign DOCX after a kill at step {step}"
        );
    }
    assert!(project.run(&["build"]).status.success());
    let leftovers: Vec<String> = std::fs::read_dir(project.path("out"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "a finished build clears what killed ones left: {leftovers:?}"
    );
}

fn with_template_line(project: &TempProject, line: &str) {
    let path = "layouts/typst/overview.typ.hbs";
    let template = std::fs::read_to_string(project.path(path)).unwrap();
    project.write(path, &format!("{template}\n{line}\n"));
}

#[test]
fn templates_cannot_read_files_or_fetch_packages() {
    for (line, expected) in [
        (r#"#read("/etc/passwd")"#, "access denied"),
        (
            r#"#read("../report-data/series.yaml")"#,
            "would escape the project root",
        ),
        (
            r#"#image("/usr/share/pixmaps/debian-logo.png")"#,
            "access denied",
        ),
        (r#"#import "@preview/cetz:0.3.0": *"#, "access denied"),
    ] {
        let project = TempProject::new(None);
        with_template_line(&project, line);
        let output = project.run(&["build"]);
        assert_eq!(output.status.code(), Some(1), "{line} must fail");
        let message = stderr(&output);
        assert!(
            message.to_lowercase().contains(expected),
            "{line}: {message}"
        );
        assert!(
            message.contains("--> layouts/typst/overview.typ.hbs:"),
            "{line}: {message}"
        );
        assert!(!project.path(PDF).exists(), "{line}: nothing written");
    }
}

#[test]
fn sources_cannot_lead_outside_the_project() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("overview.yaml"),
        "introduction: x\nparagraphs: y\n",
    )
    .unwrap();
    let project = TempProject::new(None);
    let link = project.path("report-data/06-sixth-meeting/overview.yaml");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(outside.path().join("overview.yaml"), &link).unwrap();
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("overview.yaml leads outside the project"),
        "{}",
        stderr(&output)
    );

    let project = TempProject::new(None);
    project.replace(
        "layouts/report.yaml",
        "file: overview.yaml",
        "file: ../../etc/passwd",
    );
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the file of the `overview` section must be a plain file name"),
        "{}",
        stderr(&output)
    );

    let project = TempProject::new(None);
    let output = project.run(&["check", "../.."]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn watch_rebuilds_on_save_and_keeps_the_last_good_outputs() {
    use std::io::{BufRead, BufReader};
    let project = TempProject::new(None);
    let mut child = Command::new(env!("CARGO_BIN_EXE_report"))
        .args(["watch", "--max-builds", "3"])
        .current_dir(project.root())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // A watch that misses an edit would wait forever: stop it after a minute.
    let guard = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        let _ = Command::new("kill").arg(pid.to_string()).status();
    });
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut wait_for = |needle: &str| loop {
        let line = lines.next().expect("watch ended early").unwrap();
        if line.contains(needle) {
            return line;
        }
    };
    wait_for("built 2 files");
    let path = "report-data/06-sixth-meeting/meeting.yaml";
    project.replace(path, "Ottawa", "Gatineau");
    wait_for("built 2 files");
    assert!(pdf_text(&project.path(PDF)).contains("Gatineau"));
    let good = std::fs::read(project.path(PDF)).unwrap();
    project.write(path, "number: [\n");
    wait_for("not built; the previous outputs are kept");
    assert!(std::fs::read(project.path(PDF)).unwrap() == good);
    let _ = child.wait();
    drop(guard);
}

#[test]
fn watch_replaces_both_outputs_on_the_file_systems_events() {
    use std::io::{BufRead, BufReader};
    let project = TempProject::new(None);
    // Events alone: a watch that could only notice the edits by looking
    // at the files would stop at once, and one that missed them would wait.
    let mut child = Command::new(env!("CARGO_BIN_EXE_report"))
        .args(["watch", "--events-only", "--max-builds", "3"])
        .current_dir(project.root())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let guard = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        let _ = Command::new("kill").arg(pid.to_string()).status();
    });
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut wait_for = |needle: &str| loop {
        let line = lines
            .next()
            .expect("watch ended early: no file-system events here?")
            .unwrap();
        if line.contains(needle) {
            return line;
        }
    };
    let first = wait_for("watching");
    assert!(!first.contains("looking every"), "{first}");
    wait_for("built 2 files");
    let before = (
        std::fs::read(project.path(PDF)).unwrap(),
        std::fs::read(project.path(DOCX)).unwrap(),
    );
    // Saved in place, as most editors do.
    let path = "report-data/06-sixth-meeting/meeting.yaml";
    project.replace(path, "Ottawa", "Gatineau");
    wait_for("built 2 files");
    assert!(pdf_text(&project.path(PDF)).contains("Gatineau"));
    assert!(docx_text(&project.path(DOCX)).contains("Gatineau"));
    assert!(std::fs::read(project.path(PDF)).unwrap() != before.0);
    assert!(std::fs::read(project.path(DOCX)).unwrap() != before.1);
    // What the watch kept from the build before changes nothing.
    assert!(project.run(&["build", "--out", "fresh"]).status.success());
    for (rebuilt, fresh) in [
        (PDF, "fresh/06-sixth-meeting.pdf"),
        (DOCX, "fresh/06-sixth-meeting.docx"),
    ] {
        assert!(
            std::fs::read(project.path(rebuilt)).unwrap()
                == std::fs::read(project.path(fresh)).unwrap(),
            "{rebuilt} rebuilt by the watch differs from a fresh build"
        );
    }
    // Saved aside and renamed into place, as some editors do.
    let text = std::fs::read_to_string(project.path(path)).unwrap();
    let aside = "report-data/06-sixth-meeting/.meeting.yaml.tmp";
    project.write(aside, &text.replace("Gatineau", "Hull"));
    std::fs::rename(project.path(aside), project.path(path)).unwrap();
    wait_for("built 2 files");
    assert!(pdf_text(&project.path(PDF)).contains("Hull"));
    assert!(docx_text(&project.path(DOCX)).contains("Hull"));
    let _ = child.wait();
    drop(guard);
}

#[test]
fn watch_refuses_a_report_that_does_not_exist() {
    let project = TempProject::new(None);
    // Were it to start watching, `--max-builds 1` would end it after a
    // build instead of the refusal.
    let output = project.run(&["watch", "--max-builds", "1", "05-fifht-meeting"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("error: there is no report `05-fifht-meeting`")
            && err.contains("the reports are: 06-sixth-meeting"),
        "{err}"
    );
    assert!(!err.contains("watching"), "{err}");
    assert!(!project.path("out").exists());
}
