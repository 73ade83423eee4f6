//! Shared helpers: temporary projects, running the binary, reading outputs
//! through real tools.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary project: the repository's layouts and fonts, and the
/// `report-data/` of a fixture (or of the repository when `None`).
pub struct TempProject {
    pub dir: tempfile::TempDir,
}

impl TempProject {
    pub fn new(fixture: Option<&str>) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        copy_tree(&repo().join("layouts"), &dir.path().join("layouts"));
        copy_tree(&repo().join("fonts"), &dir.path().join("fonts"));
        let data = match fixture {
            Some(name) => repo().join("tests/fixtures").join(name).join("report-data"),
            None => repo().join("report-data"),
        };
        copy_tree(&data, &dir.path().join("report-data"));
        Self { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Edits a file of the project: replaces every `from` with `to`.
    pub fn replace(&self, relative: &str, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.path(relative)).unwrap();
        assert!(text.contains(from), "{relative} has no {from:?} to replace");
        self.write(relative, &text.replace(from, to));
    }

    /// Runs the `report` binary in the project.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_report"))
            .args(args)
            .current_dir(self.root())
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("the report binary runs")
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Standard error as text, with the temporary folder's path removed.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a tool, panicking with its output when it fails.
pub fn tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed (make test installs it): {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The text of a PDF in content order, without the draft watermark.
pub fn pdf_text(pdf: &Path) -> String {
    tool(
        "pdftotext",
        &["-raw", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
    )
    .lines()
    .filter(|line| line.trim() != "DRAFT")
    .collect::<Vec<_>>()
    .join("\n")
}

/// A DOCX part as text.
pub fn docx_part(docx: &Path, part: &str) -> String {
    let file = std::fs::File::open(docx).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut entry = archive
        .by_name(part)
        .unwrap_or_else(|_| panic!("{part} in the DOCX"));
    let mut text = String::new();
    std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
    text
}

/// The text of a DOCX's body, paragraph by paragraph, from its XML.
pub fn docx_text(docx: &Path) -> String {
    let xml = docx_part(docx, "word/document.xml");
    let mut text = String::new();
    let mut rest = xml.as_str();
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        let tag = &rest[open..close];
        if tag.starts_with("<w:t>") || tag.starts_with("<w:t ") {
            let end = rest[close..]
                .find("</w:t>")
                .map_or(rest.len(), |e| close + e);
            text.push_str(&unescape(&rest[close..end]));
            rest = &rest[end..];
            continue;
        }
        if tag == "</w:p>" {
            text.push('\n');
        } else if tag.starts_with("<w:tab") || tag.starts_with("<w:br") {
            text.push(' ');
        }
        rest = &rest[close..];
    }
    text
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Folds whitespace, list bullets and flag wording, so texts from
/// different tools compare.
pub fn normalise(text: &str) -> String {
    text.replace("TO DO: ", "")
        .replace(['•', '◦', '▪', '\u{2060}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sentences of the seed draft, as a reader would find them.
pub fn seed_sentences() -> Vec<String> {
    let seed = std::fs::read_to_string(repo().join("tests/fixtures/seed-draft.txt")).unwrap();
    let mut units = Vec::new();
    for line in seed.lines() {
        let line = strip_tags(line)
            .replace(['<', '>'], " ")
            .replace("?- ", "? - ");
        // The agenda's nested items are "- " and "o " markers in the draft.
        for unit in line.split(" - ").flat_map(|u| u.split(" o ")) {
            let unit = unit.trim().trim_end_matches(':').trim();
            if unit.is_empty() {
                continue;
            }
            units.extend(split_sentences(unit));
        }
    }
    units
}

fn strip_tags(line: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in line.chars() {
        match c {
            '<' if line.contains("</") || line.contains("<ul") => depth += 1,
            '>' if depth > 0 => {
                depth -= 1;
                out.push(' ');
            }
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn split_sentences(unit: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let words: Vec<&str> = unit.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        let ends = word.ends_with(['.', '?', '!'])
            && words
                .get(i + 1)
                .is_some_and(|w| w.starts_with(char::is_uppercase));
        if ends {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Converts `input` with LibreOffice headless to `format` (`pdf`, `docx`)
/// in `out_dir`, with a profile of its own inside `out_dir` (instances
/// sharing a profile refuse to start while another runs) and the extra
/// environment `env`; returns the converted file.
pub fn libreoffice_convert(
    input: &Path,
    format: &str,
    out_dir: &Path,
    env: &[(&str, &Path)],
) -> PathBuf {
    std::fs::create_dir_all(out_dir).unwrap();
    let profile = format!("file://{}", out_dir.join("profile").display());
    let output = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(out_dir)
        .arg(input)
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .output()
        .unwrap_or_else(|e| panic!("soffice must be installed (make test installs it): {e}"));
    let stem = input.file_stem().unwrap().to_str().unwrap();
    let converted = out_dir.join(format!("{stem}.{format}"));
    assert!(
        output.status.success() && converted.is_file(),
        "LibreOffice could not convert {}:\n{}\n{}",
        input.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    converted
}
