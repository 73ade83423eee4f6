//! The DOCX as Word reads it: every WordprocessingML part in the element
//! order of its schema, for the seed report, every fixture, and a report
//! holding every construct the tool writes. LibreOffice, which the other
//! DOCX tests read with, accepts elements in any order; Word does not.

use std::path::{Path, PathBuf};
use std::process::Command;

use report::render::docx::schema_order::order_findings;

use crate::support::*;

/// Prose with every construct a prose field can hold, nested as deep as
/// list levels go.
const EVERY_CONSTRUCT: &str = r#"paragraphs: |
  *Italic*, **bold**, ***both***, `code`, a [link](https://www.example.org)
  and <https://www.example.org>, a hard\
  break, a footnote,[^note] TODO and [an editor's note].

  > A quote with a list:
  >
  > - quoted item

  1. one
     - bullet
       3. three
          - four levels deep
            1. five
  2. two

  Then:

  7. a list that starts at seven

  [^note]: A footnote with **bold** text and a [link](https://www.example.org).
"#;

/// The projects to check: the repository's reports, each fixture, and the
/// seed with [`EVERY_CONSTRUCT`] as its overview.
fn projects() -> Vec<(String, TempProject)> {
    let mut projects = vec![("seed".to_string(), TempProject::new(None))];
    let mut fixtures: Vec<String> = std::fs::read_dir(repo().join("tests/fixtures"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("report-data").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    fixtures.sort();
    for fixture in fixtures {
        let project = TempProject::new(Some(&fixture));
        projects.push((fixture, project));
    }
    let constructs = TempProject::new(None);
    let overview = "report-data/06-sixth-meeting/overview.yaml";
    let text = std::fs::read_to_string(constructs.path(overview)).unwrap();
    let start = text
        .find("paragraphs:")
        .expect("the overview has paragraphs");
    constructs.write(overview, &format!("{}{EVERY_CONSTRUCT}", &text[..start]));
    projects.push(("every construct".to_string(), constructs));
    projects
}

/// Builds each project and returns the DOCX files written, with the
/// projects that hold them.
fn built_docx() -> (Vec<(String, TempProject)>, Vec<PathBuf>) {
    let projects = projects();
    let mut files = Vec::new();
    for (name, project) in &projects {
        let output = project.run(&["build", "--docx-only"]);
        // The errors fixture fails on purpose; any report it still writes
        // is checked all the same.
        if name != "errors" {
            assert!(
                output.status.success(),
                "{name}: build failed:\n{}",
                stderr(&output)
            );
        }
        let Ok(out) = std::fs::read_dir(project.path("out")) else {
            continue;
        };
        let mut docx: Vec<PathBuf> = out
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "docx"))
            .collect();
        docx.sort();
        files.extend(docx);
    }
    assert!(
        files.len() >= 3,
        "the seed, the rich fixture and every construct give a DOCX each: {files:?}"
    );
    (projects, files)
}

/// The WordprocessingML parts of a DOCX: `word/*.xml`, with their text.
fn wordprocessing_parts(docx: &Path) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .filter(|n| {
            n.strip_prefix("word/")
                .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".xml"))
        })
        .map(str::to_string)
        .collect();
    names
        .into_iter()
        .map(|name| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut archive.by_name(&name).unwrap(), &mut text).unwrap();
            (name, text)
        })
        .collect()
}

#[test]
fn every_part_of_every_docx_is_in_schema_order() {
    let (_projects, files) = built_docx();
    let mut findings = Vec::new();
    for docx in &files {
        let parts = wordprocessing_parts(docx);
        for part in ["word/document.xml", "word/styles.xml", "word/numbering.xml"] {
            assert!(
                parts.iter().any(|(name, _)| name == part),
                "{} lacks {part}",
                docx.display()
            );
        }
        for (name, xml) in &parts {
            findings.extend(
                order_findings(name, xml)
                    .into_iter()
                    .map(|f| format!("{}: {f}", docx.display())),
            );
        }
    }
    assert!(findings.is_empty(), "{findings:#?}");
}

/// `docx-schema` beside the repository: full validation against the
/// ISO/IEC 29500-4 transitional schemas and ECMA-376's run-property order.
fn schema_tool() -> Option<PathBuf> {
    [
        repo().join("../shared/tools/docx-schema"),
        PathBuf::from("/work/shared/tools/docx-schema"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

#[test]
fn every_docx_validates_against_the_wordprocessingml_schema() {
    let Some(tool) = schema_tool() else {
        eprintln!("note: ../shared/tools/docx-schema is absent; full schema validation skipped");
        return;
    };
    let (_projects, files) = built_docx();
    let output = Command::new(&tool)
        .args(&files)
        .output()
        .expect("docx-schema runs");
    assert!(
        output.status.success(),
        "{} found problems:\n{}\n{}",
        tool.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The relationship ids a part names (`r:id`, `r:embed` and the like).
fn relationship_ids(xml: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for prefix in [" r:id=\"", " r:embed=\"", " r:link=\""] {
        for (at, _) in xml.match_indices(prefix) {
            let rest = &xml[at + prefix.len()..];
            if let Some(end) = rest.find('"') {
                ids.push(rest[..end].to_string());
            }
        }
    }
    ids
}

#[test]
fn every_relationship_a_part_names_exists() {
    // Word refuses a document in which one does not: a link in a
    // footnote, for one, needs the footnotes' own relationships.
    let (_projects, files) = built_docx();
    let mut missing = Vec::new();
    let mut checked = 0;
    for docx in &files {
        for (name, xml) in wordprocessing_parts(docx) {
            let ids = relationship_ids(&xml);
            if ids.is_empty() {
                continue;
            }
            let rels_name = format!("word/_rels/{}.rels", &name["word/".len()..]);
            let mut archive = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
            let mut rels = String::new();
            if let Ok(mut entry) = archive.by_name(&rels_name) {
                std::io::Read::read_to_string(&mut entry, &mut rels).unwrap();
            }
            for id in ids {
                checked += 1;
                if !rels.contains(&format!("Id=\"{id}\"")) {
                    missing.push(format!(
                        "{}: {name} names {id}, which {rels_name} lacks",
                        docx.display()
                    ));
                }
            }
        }
    }
    assert!(checked > 0);
    assert!(missing.is_empty(), "{missing:#?}");
}
