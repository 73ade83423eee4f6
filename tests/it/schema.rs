//! The JSON Schemas editors check the sources with (`report schema`):
//! committed and current, accepting every shipped source, refusing the
//! mistakes `report check` refuses, and agreeing with the model on what a
//! date, a time of day, a head count and a web address are.
//!
//! They are checked with a real JSON Schema validator, formats asserted as
//! an editor's language server asserts them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{TempProject, repo, stderr};

/// The first line that points an editor's YAML extension at a schema.
const MODELINE: &str = "# yaml-language-server: $schema=";

/// The section files the tests edit, in the `sections` fixture.
const DIR: &str = "report-data/06-sixth-meeting";

/// The `*.schema.json` files of a folder, by name.
fn schema_files(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".schema.json") {
            files.insert(name, std::fs::read_to_string(&path).unwrap());
        }
    }
    files
}

/// Runs `report schema schemas` in the project and reads what it wrote.
fn generate(project: &TempProject) -> BTreeMap<String, String> {
    let output = project.run(&["schema", "schemas"]);
    assert!(output.status.success(), "{}", stderr(&output));
    schema_files(&project.path("schemas"))
}

/// A validator for a schema's text, after checking the schema itself
/// against the draft 2020-12 meta-schema.
fn validator(text: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(text).expect("a schema is JSON");
    assert!(
        jsonschema::draft202012::meta::is_valid(&schema),
        "not a draft 2020-12 schema: {text}"
    );
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

/// What the validator finds wrong with a YAML text, one line per problem.
fn problems(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).expect("valid YAML");
    let instance = serde_json::to_value(value).expect("YAML that JSON can hold");
    validator
        .iter_errors(&instance)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

/// The layout's section ids by file name.
fn section_ids(layout: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(layout.join("report.yaml")).unwrap();
    let manifest: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    manifest["sections"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap().to_string(),
                s["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The YAML files of a `report-data/` folder: the series file, then each
/// report's files.
fn source_files(data: &Path) -> Vec<PathBuf> {
    let mut files = vec![data.join("series.yaml")];
    let mut reports: Vec<PathBuf> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    reports.sort();
    for report in reports {
        let mut own: Vec<PathBuf> = std::fs::read_dir(&report)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        own.sort();
        files.extend(own);
    }
    files
}

/// The schema a source file is checked with, by file name: the series
/// file's, or its section's.
fn schema_name(file: &Path, ids: &BTreeMap<String, String>) -> String {
    let name = file.file_name().unwrap().to_string_lossy();
    if name == "series.yaml" {
        return "series.schema.json".into();
    }
    let id = ids
        .get(name.as_ref())
        .unwrap_or_else(|| panic!("no section of the layout reads {name}"));
    format!("{id}.schema.json")
}

#[test]
fn committed_schemas_are_current() {
    let now = generate(&TempProject::new(None));
    let committed = schema_files(&repo().join("schemas"));
    let stale: std::collections::BTreeSet<&String> = now
        .keys()
        .chain(committed.keys())
        .filter(|name| now.get(*name) != committed.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "schemas/ is not what `report schema` writes now ({stale:?} differ): run `make schema` and commit schemas/"
    );
    assert!(now.contains_key("series.schema.json"));
    assert!(now.contains_key("panel-updates.schema.json"));
}

#[test]
fn shipped_sources_name_their_schema_and_validate() {
    let data = repo().join("report-data");
    let ids = section_ids(&repo().join("layouts"));
    let mut checked = 0;
    for file in source_files(&data) {
        let text = std::fs::read_to_string(&file).unwrap();
        let shown = file.strip_prefix(repo()).unwrap().display().to_string();
        let first = text.lines().next().unwrap_or_default();
        let up = if file.parent() == Some(data.as_path()) {
            "../"
        } else {
            "../../"
        };
        let expected = format!("{MODELINE}{up}schemas/{}", schema_name(&file, &ids));
        assert_eq!(first, expected, "the first line of {shown}");
        // The line names the schema relative to the file, as editors read it.
        let schema_path = file.parent().unwrap().join(&first[MODELINE.len()..]);
        let schema = std::fs::read_to_string(&schema_path)
            .unwrap_or_else(|e| panic!("{shown} names {}: {e}", schema_path.display()));
        let found = problems(&validator(&schema), &text);
        assert!(found.is_empty(), "{shown} does not validate: {found:#?}");
        checked += 1;
    }
    assert_eq!(checked, 6, "series.yaml and the sixth meeting's five files");
}

#[test]
fn fixture_sources_validate_against_their_layouts_schemas() {
    for fixture in ["sections", "rich", "long"] {
        let project = TempProject::new(Some(fixture));
        let schemas = generate(&project);
        let ids = section_ids(&project.path("layouts"));
        let files = source_files(&project.path("report-data"));
        for file in &files {
            let name = schema_name(file, &ids);
            let text = std::fs::read_to_string(file).unwrap();
            let found = problems(&validator(&schemas[&name]), &text);
            assert!(
                found.is_empty(),
                "{fixture}: {} does not validate against {name}: {found:#?}",
                file.display()
            );
        }
        if fixture == "sections" {
            assert_eq!(files.len(), 9, "the series and eight section files");
        }
    }
}

/// A project with every kind of section, its schemas written to
/// `schemas/`, that judges an edit both ways: by schema and by
/// `report check`.
struct Judge {
    project: TempProject,
    schemas: BTreeMap<String, String>,
    ids: BTreeMap<String, String>,
}

impl Judge {
    fn new() -> Self {
        let project = TempProject::new(Some("sections"));
        let schemas = generate(&project);
        let ids = section_ids(&project.path("layouts"));
        Self {
            project,
            schemas,
            ids,
        }
    }

    /// Replaces `from` by `to` in a section file, and says whether the
    /// schema and the check accept the result, with what each found; the
    /// file is put back after.
    fn judge(&self, file: &str, from: &str, to: &str) -> ((bool, Vec<String>), (bool, String)) {
        let relative = format!("{DIR}/{file}");
        let original = std::fs::read_to_string(self.project.path(&relative)).unwrap();
        assert!(original.contains(from), "{file} has no {from:?}");
        let edited = original.replacen(from, to, 1);
        self.project.write(&relative, &edited);
        let name = schema_name(Path::new(file), &self.ids);
        let found = problems(&validator(&self.schemas[&name]), &edited);
        let check = self.project.run(&["check"]);
        self.project.write(&relative, &original);
        (
            (found.is_empty(), found),
            (check.status.code() == Some(0), stderr(&check)),
        )
    }
}

#[test]
fn mistakes_are_refused_by_the_schemas_as_by_the_check() {
    let judge = Judge::new();
    for (file, from, to) in [
        ("overview.yaml", "introduction:", "introduktion:"),
        ("key-outputs.yaml", "items:", "itmes:"),
        ("meeting.yaml", "number: 6", "number: six"),
        (
            "panel-updates.yaml",
            "- name: Labeling",
            "- name: [Labeling]",
        ),
        (
            "next-steps.yaml",
            "    owner: Internet Society",
            "    ownr: Internet Society",
        ),
        (
            "recommendations.yaml",
            "- heading: Labeling",
            "- headng: Labeling",
        ),
        ("meeting.yaml", "date: 2019-04-18", "date: 2019-02-30"),
        ("meeting.yaml", "date: 2019-04-18", "date: April 18, 2019"),
        ("agenda.yaml", "time: 8:30 am", "time: 8:30 in the morning"),
        ("meeting.yaml", "in_person: ~40", "in_person: about forty"),
        (
            "meeting.yaml",
            "livestream: https://",
            "livestream: livestream.com/",
        ),
        ("series.yaml", "  - name: CANARIE", "  - nme: CANARIE"),
        (
            "series.yaml",
            "partners:\n  - name: Internet Society\n    article: the\n  - name: Innovation, Science and Economic Development\n  - name: Canadian Internet Registration Authority\n    article: the\n  - name: CANARIE\n  - name: CIPPIC\n",
            "partners: []\n",
        ),
    ] {
        let file_path = if file == "series.yaml" {
            // The series file sits above the report's folder.
            "../series.yaml"
        } else {
            file
        };
        let ((schema_ok, _), (check_ok, message)) = judge.judge(file_path, from, to);
        assert!(!schema_ok, "the schema accepts {to:?} in {file}");
        assert!(
            !check_ok,
            "report check accepts {to:?} in {file}:\n{message}"
        );
    }
}

#[test]
fn empty_keys_are_placeholders_for_the_schemas_as_for_the_check() {
    let judge = Judge::new();
    for (file, from, to) in [
        (
            "meeting.yaml",
            "location: Ottawa, Ontario Canada",
            "location:",
        ),
        ("meeting.yaml", "ordinal: Sixth and Final", "ordinal:"),
        ("meeting.yaml", "date: 2019-04-18", "date:"),
        (
            "meeting.yaml",
            "in_person: ~40\n  remote: ~15\n  total: ~55",
            "",
        ),
        (
            "meeting.yaml",
            "livestream: https://livestream.com/internetsociety/iotsecurity2018-6",
            "livestream:",
        ),
        (
            "agenda.yaml",
            "    speakers:\n      - name: Andrew Sullivan\n        title: President and CEO\n        organisation: Internet Society\n",
            "    speakers:\n",
        ),
        (
            "agenda.yaml",
            "    details: |\n      - Consumer Education\n      - Labeling\n      - Network Resiliency\n",
            "    details:\n",
        ),
        ("stakeholders.yaml", "organisations: []", "organisations:"),
        (
            "panel-updates.yaml",
            "previous_mandate: \"[link to last report with page #s]\"",
            "previous_mandate:",
        ),
        ("key-outputs.yaml", "  - \"TBD\"", "  -"),
        ("next-steps.yaml", "    due: May 2019", "    due:"),
        (
            "next-steps.yaml",
            "  - task: Circulate",
            "  -\n  - task: Circulate",
        ),
        (
            "recommendations.yaml",
            "  - heading: Labeling\n    body:",
            "  - heading: Labeling",
        ),
    ] {
        let ((schema_ok, found), (check_ok, message)) = judge.judge(file, from, to);
        assert!(schema_ok, "the schema refuses {to:?} in {file}: {found:#?}");
        assert!(
            check_ok,
            "report check refuses {to:?} in {file}:\n{message}"
        );
    }
}

#[test]
fn formats_agree_with_the_model() {
    let judge = Judge::new();
    let mut cases: Vec<(&str, String, String, bool)> = Vec::new();
    for (time, valid) in [
        ("8:30 am", true),
        ("8:30am", true),
        ("8:30 A.M.", true),
        ("12:15 PM", true),
        ("13:00", true),
        ("0:05", true),
        ("23:59", true),
        ("09:05", true),
        ("24:00", false),
        ("13:00 pm", false),
        ("0:30 am", false),
        ("8.30 am", false),
        ("8:60", false),
        ("8:30 a.m", false),
        ("noon", false),
    ] {
        cases.push((
            "agenda.yaml",
            "time: 8:30 am".into(),
            format!("time: {time}"),
            valid,
        ));
    }
    for (figure, valid) in [
        ("40", true),
        ("~40", true),
        ("~ 40", true),
        ("about 40", true),
        ("1,200", true),
        ("''", true),
        ("forty", false),
        ("-5", false),
        ("4.5", false),
        ("'~'", false),
        ("40 people", false),
        ("[40]", false),
    ] {
        // Alone, so that the sum of the three figures is not checked.
        cases.push((
            "meeting.yaml",
            "in_person: ~40\n  remote: ~15\n  total: ~55".into(),
            format!("total: {figure}"),
            valid,
        ));
    }
    for (date, valid) in [
        ("2019-04-18", true),
        ("2020-02-29", true),
        ("2019-02-29", false),
        ("2019-04-31", false),
        ("2019-13-01", false),
        ("18/04/2019", false),
    ] {
        cases.push((
            "meeting.yaml",
            "date: 2019-04-18".into(),
            format!("date: {date}"),
            valid,
        ));
    }
    for (address, valid) in [
        ("https://livestream.com/internetsociety", true),
        ("http://example.org/a?b=c#d", true),
        ("'[link to come]'", true),
        ("TBD", true),
        ("''", true),
        ("livestream.com/internetsociety", false),
        ("https://livestream", false),
        ("http://localhost:8080/live", false),
        ("ftp://example.org/live", false),
        ("'https://exa mple.org'", false),
        ("TBD.", false),
    ] {
        cases.push((
            "meeting.yaml",
            "livestream: https://livestream.com/internetsociety/iotsecurity2018-6".into(),
            format!("livestream: {address}"),
            valid,
        ));
    }
    for (file, from, to, valid) in cases {
        let ((schema_ok, found), (check_ok, message)) = judge.judge(file, &from, &to);
        assert_eq!(
            check_ok, valid,
            "report check on {to:?} in {file}:\n{message}"
        );
        assert_eq!(
            schema_ok, valid,
            "the schema on {to:?} in {file}: {found:#?}"
        );
    }
}

#[test]
fn the_schema_command_refreshes_its_folder() {
    let project = TempProject::new(None);
    project.write("schemas/dropped-section.schema.json", "{}\n");
    project.write("schemas/notes.txt", "not a schema\n");
    let output = project.run(&["schema", "schemas"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!project.path("schemas/dropped-section.schema.json").exists());
    assert!(project.path("schemas/notes.txt").exists());
    assert!(stderr(&output).contains("wrote schemas/meeting.schema.json"));

    // A folder that cannot be made is an output failure, as for a build.
    let output = project.run(&["schema", "report-data/series.yaml"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));

    // A broken layout is the report's problem.
    project.replace("layouts/report.yaml", "sections:", "sektions:");
    let output = project.run(&["schema", "schemas"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}
