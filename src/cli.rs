//! The command line, as clap definitions only; [`crate::commands`] runs it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Assembles meeting reports from YAML sources into a PDF and a DOCX.
///
/// Each report is a folder in report-data/ with one YAML file per section;
/// the layout in layouts/ says which sections are required and how they
/// look. Sections still to be written are flagged in both documents.
#[derive(Debug, Parser)]
#[command(name = "report", version, about, long_about, after_help = EXIT_CODES)]
pub struct Cli {
    /// The project folder holding report-data/, layouts/ and fonts/.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Examples and exit codes, shown under --help.
pub const EXIT_CODES: &str = "\
Examples:
  report build                  draft PDF and DOCX of every report, into out/
  report check                  what is wrong or missing, with file:line:col
  report placeholders           what is still to be written
  report build --final          the versions partners receive
  report watch                  rebuild on every save
  report schema schemas         JSON Schemas for editors, into schemas/
  report new 07-seventh-meeting the next meeting's report, from the last one
  report pull edited.docx       the rapporteurs' text back into the YAML

Exit codes:
  0  success (warnings, such as placeholders in a draft, are allowed)
  1  the report has problems: invalid sources, a missing required section,
     placeholders in a --final run, or a layout error; report pull: a
     conflict, or a field the YAML no longer has (nothing of it written)
  2  bad usage or unreadable input: unknown report, missing folder or fonts,
     a source that cannot be read, is empty, is over 4 MB, is not UTF-8,
     or leads outside the project; report new into a folder that exists;
     report pull of a file that is not a DOCX made by report build for a
     report of this project
  3  an output could not be written (the previous outputs are untouched)";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the PDF and the DOCX of each report into the output folder.
    Build(BuildArgs),
    /// Check the sources: required sections, errors, placeholders.
    ///
    /// Writes nothing. Fails (exit 1) when a required section is missing or
    /// a source is invalid; placeholders fail it too with --final.
    Check(CheckArgs),
    /// List the placeholders still to be filled in, with their locations.
    Placeholders(ReportSelection),
    /// Print the Typst source the layout generates for a report.
    Source(SourceArgs),
    /// Build, then rebuild whenever a source or layout file is saved.
    ///
    /// Keeps the last good PDF and DOCX when an edit is invalid, and prints
    /// the problems. Stop it with Ctrl-C.
    Watch(WatchArgs),
    /// Write a JSON Schema of each source file, for editors.
    ///
    /// One `<section id>.schema.json` per section of the layout, and
    /// `series.schema.json`. A YAML file whose first line is
    /// `# yaml-language-server: $schema=PATH` is then checked as it is typed
    /// by editors with the YAML language server (VS Code's YAML extension).
    /// Schemas of sections the layout no longer declares are removed from
    /// the folder.
    Schema(SchemaArgs),
    /// Start the next meeting's report from the last one.
    ///
    /// Writes report-data/NAME/ with the next meeting number, the same
    /// working groups (each previous mandate a reference to the group in
    /// the report it starts from) and everything else left to fill in, then
    /// lists what is still to be written. Refuses to touch an existing folder.
    New(NewArgs),
    /// Bring what rapporteurs typed into a DOCX's fields back into the YAML.
    ///
    /// Reads a DOCX that `report build` made and was edited in Word or
    /// LibreOffice, and writes each field changed there into its YAML
    /// source, in place: comments, key order and untouched values stay as
    /// they were. A field changed in both the YAML and the DOCX since the
    /// build is a conflict: reported, its file left alone, exit 1.
    Pull(PullArgs),
    /// Compile a Typst file with the project's fonts (the benchmarks' floor).
    #[command(hide = true)]
    CompileTypst(CompileTypstArgs),
}

/// Options of `report pull`.
#[derive(Debug, Args)]
pub struct PullArgs {
    /// The edited DOCX.
    #[arg(value_name = "FILE.docx")]
    pub file: PathBuf,
    /// Print the changes as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// In a conflict, keep the YAML's text.
    #[arg(long, conflicts_with = "theirs")]
    pub ours: bool,
    /// In a conflict, take the DOCX's text.
    #[arg(long)]
    pub theirs: bool,
}

/// Options of `report watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Which reports.
    #[command(flatten)]
    pub selection: ReportSelection,

    /// Where the PDF and DOCX go.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,

    /// Stop after this many builds (for tests and benchmarks).
    #[arg(long, hide = true, value_name = "N")]
    pub max_builds: Option<usize>,

    /// Notice saves by file-system events alone, never by looking; fail
    /// where there are none (for tests).
    #[arg(long, hide = true)]
    pub events_only: bool,
}

/// Options of `report schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The folder the schemas go into, created if needed.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Options of `report new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new report's folder name in report-data/, e.g. 07-seventh-meeting.
    #[arg(value_name = "NAME")]
    pub name: String,

    /// The report to start from (default: the last in report-data/, by name).
    #[arg(long, value_name = "REPORT")]
    pub from: Option<String>,
}

/// Options of `report compile-typst`.
#[derive(Debug, Args)]
pub struct CompileTypstArgs {
    /// The Typst file.
    pub input: PathBuf,
    /// The PDF to write.
    pub output: PathBuf,
}

/// Which reports to work on.
#[derive(Debug, Args)]
pub struct ReportSelection {
    /// Report folders in report-data/ (all of them when none is named).
    #[arg(value_name = "REPORT")]
    pub reports: Vec<String>,
}

/// Options of `report build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Which reports.
    #[command(flatten)]
    pub selection: ReportSelection,

    /// Build the version partners receive: no watermark, and refuse while
    /// any placeholder remains.
    #[arg(long = "final")]
    pub final_build: bool,

    /// Where the PDF and DOCX go.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,

    /// Write only the PDF.
    #[arg(long, conflicts_with = "docx_only")]
    pub pdf_only: bool,

    /// Write only the DOCX.
    #[arg(long)]
    pub docx_only: bool,

    /// How many reports to build at once (default: one per core, as many
    /// as memory holds). The outputs are the same whatever the number.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,

    /// Only the documents in this language, by code or tag (`fr`,
    /// `fr-CA`), for a layout with several `languages:`.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

/// Options of `report check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Which reports.
    #[command(flatten)]
    pub selection: ReportSelection,

    /// Treat placeholders as errors, as a final build does.
    #[arg(long = "final")]
    pub final_build: bool,

    /// Only what the documents in this language lack, by code or tag
    /// (`fr` lists the French translations still missing).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

/// Options of `report source`.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// The report folder in report-data/.
    #[arg(value_name = "REPORT")]
    pub report: String,

    /// Generate the source of the final build.
    #[arg(long = "final")]
    pub final_build: bool,

    /// Only the documents in this language, by code or tag (`fr`,
    /// `fr-CA`), for a layout with several `languages:`.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}
