//! Runs the parsed command line against a [`Project`].

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use crate::cli::{Cli, Command};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::watch::Noticing;
use crate::{BuildOptions, DATA_DIR, LAYOUTS_DIR, Outcome, Project, RunSummary, Strictness};

/// The `report` program: parses arguments, runs, prints, exits.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // clap uses 0 for --help and --version and 2 for usage errors,
            // which is what the README documents.
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    ExitCode::from(run(&cli).exit_code())
}

/// Runs a parsed command line, printing diagnostics to stderr.
///
/// Meant to be the process's last work: `build` leaves what it loaded
/// (fonts, Typst worlds) for the process's end to reclaim.
pub fn run(cli: &Cli) -> Outcome {
    let project = Project::new(&cli.root);
    let strictness = |final_build: bool| {
        if final_build {
            Strictness::Final
        } else {
            Strictness::Draft
        }
    };
    match &cli.command {
        Command::Build(args) => {
            let options = BuildOptions {
                strictness: strictness(args.final_build),
                out_dir: if cli.root == std::path::Path::new(".") {
                    args.out.clone()
                } else {
                    cli.root.join(&args.out)
                },
                pdf: !args.docx_only,
                docx: !args.pdf_only,
                jobs: args.jobs,
                language: args.lang.clone(),
            };
            let mut cache = crate::BuildCache::default();
            let summary = project.rebuild(&args.selection.reports, &options, &mut cache);
            // The process ends with this build: its fonts and worlds go back
            // to the system with it, at once, instead of being taken apart
            // piece by piece first (about a millisecond of a small report,
            // much of it unmapping the font files' bytes).
            std::mem::forget(cache);
            print_summary(&project, &summary);
            for path in &summary.written {
                eprintln!(
                    "wrote {}",
                    path.strip_prefix(&cli.root).unwrap_or(path).display()
                );
            }
            summary.outcome
        }
        Command::Watch(args) => {
            // A misspelt name would otherwise be watched for until stopped.
            let missing: Vec<Diagnostic> = args
                .selection
                .reports
                .iter()
                .filter_map(|name| project.missing_report(name))
                .collect();
            if !missing.is_empty() {
                return fail(&project, missing, Outcome::Unreadable);
            }
            let options = BuildOptions {
                strictness: Strictness::Draft,
                out_dir: out_dir(cli, &args.out),
                pdf: true,
                docx: true,
                jobs: None,
                language: None,
            };
            let settings = crate::watch::WatchSettings {
                max_builds: args.max_builds,
                events_only: args.events_only,
            };
            let mut last = None;
            crate::watch::watch(
                &project,
                &args.selection.reports,
                &options,
                &settings,
                |update| match update {
                    crate::watch::Update::Noticing(Noticing::Events) => {
                        eprintln!("watching {DATA_DIR}/ and {LAYOUTS_DIR}/ (Ctrl-C to stop)");
                    }
                    crate::watch::Update::Noticing(Noticing::Polling) => eprintln!(
                        "watching {DATA_DIR}/ and {LAYOUTS_DIR}/, looking every {} ms: \
                         file-system events are not available here (Ctrl-C to stop)",
                        crate::watch::POLL_INTERVAL.as_millis()
                    ),
                    crate::watch::Update::Built(summary, elapsed) => {
                        print_watched_build(&project, summary, elapsed);
                        last = Some(summary.outcome);
                    }
                },
            );
            last.unwrap_or_else(|| {
                eprintln!("error: file-system events are not available here");
                Outcome::Unreadable
            })
        }
        Command::CompileTypst(args) => compile_typst(&project, args),
        Command::Check(args) => {
            let summary = project.check_in(
                &args.selection.reports,
                strictness(args.final_build),
                args.lang.as_deref(),
            );
            print_summary(&project, &summary);
            if summary.outcome == Outcome::Success {
                eprintln!("check passed");
            }
            summary.outcome
        }
        Command::Placeholders(selection) => {
            let summary = project.check(&selection.reports, Strictness::Draft);
            let mut stdout = std::io::stdout().lock();
            let mut others = Diagnostics::new();
            for diagnostic in summary.diagnostics.iter() {
                match &diagnostic.location {
                    Some(location) if diagnostic.code == Some(crate::check::PLACEHOLDER) => {
                        let note = diagnostic
                            .message
                            .strip_prefix("placeholder: ")
                            .unwrap_or(&diagnostic.message);
                        let _ = writeln!(stdout, "{location}: {note}");
                    }
                    // What references resolve to is check's to list.
                    _ if diagnostic.severity == Severity::Note => {}
                    _ => others.push(diagnostic.clone()),
                }
            }
            if !others.is_empty() {
                eprint!("{}", others.render(project.root()));
            }
            summary.outcome
        }
        Command::Source(args) => print_source(&project, args),
        Command::New(args) => new_report(&project, args),
        Command::Schema(args) => write_schemas(&project, &out_dir(cli, &args.dir)),
        Command::Pull(args) => crate::pull::run(&project, args),
    }
}

/// `report new NAME`: the next meeting's report folder, then a draft check
/// of it that lists what is still to be written.
fn new_report(project: &Project, args: &crate::cli::NewArgs) -> Outcome {
    if !crate::scaffold::is_report_name(&args.name) {
        let problem = Diagnostic::error(format!("`{}` cannot name a report folder", args.name))
            .with_hint("use letters, digits and -, e.g. 07-seventh-meeting");
        return fail(project, [problem], Outcome::Unreadable);
    }
    let from = match &args.from {
        Some(from) => from.clone(),
        None => match project.report_names() {
            Ok(names) if !names.is_empty() => names[names.len() - 1].clone(),
            Ok(_) => {
                let problem =
                    Diagnostic::error(format!("{DATA_DIR}/ holds no report to start from"))
                        .with_hint("write the first report's folder by hand, or copy a fixture");
                return fail(project, [problem], Outcome::Unreadable);
            }
            Err(d) => return fail(project, [d], Outcome::Unreadable),
        },
    };
    let (layout, fonts) = match layout_and_fonts(project) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let mut diagnostics = Diagnostics::new();
    let mut unreadable = false;
    let Some(prepared) = project
        .prepare(
            &layout,
            &from,
            Strictness::Draft,
            &fonts,
            &mut diagnostics,
            &mut unreadable,
        )
        .filter(|_| !diagnostics.has_errors())
    else {
        let outcome = if unreadable {
            Outcome::Unreadable
        } else {
            Outcome::Problems
        };
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned();
        return fail(project, errors, outcome);
    };
    // The same report in its other languages, so that what carries over
    // keeps its translations, printed by the layout or not yet.
    let translations: Vec<_> = project
        .other_written_languages(&layout, &from)
        .iter()
        .filter_map(|language| {
            let mut quiet = Diagnostics::new();
            project.prepare_in(
                &layout,
                &from,
                language,
                Strictness::Draft,
                &fonts,
                &mut quiet,
                &mut unreadable,
            )
        })
        .collect();
    match crate::scaffold::write_new_report(project.root(), &args.name, &prepared, &translations) {
        Ok(folder) => {
            eprintln!(
                "wrote {} from {from}; what is still to be written:",
                folder.display()
            );
            let summary = project.check(std::slice::from_ref(&args.name), Strictness::Draft);
            print_summary(project, &summary);
            summary.outcome
        }
        Err(problem) => fail(project, [problem], Outcome::Unreadable),
    }
}

/// `report schema DIR`: the JSON Schemas of the layout's source files.
fn write_schemas(project: &Project, dir: &std::path::Path) -> Outcome {
    let layout = match project.layout() {
        Ok(layout) => layout,
        Err(problems) => return fail(project, problems, Outcome::Problems),
    };
    let schemas = crate::schema::schemas(&layout);
    for (name, schema) in &schemas {
        let path = dir.join(name);
        let text = crate::schema::to_text(schema);
        if let Err(problem) = crate::output::write_atomically(&path, text.as_bytes()) {
            return fail(project, [problem], Outcome::OutputFailed);
        }
        eprintln!(
            "wrote {}",
            path.strip_prefix(project.root()).unwrap_or(&path).display()
        );
    }
    // A schema left from a section since removed would point editors at
    // keys no file has any more; other files in the folder are not ours.
    let current: Vec<&str> = schemas.iter().map(|(name, _)| name.as_str()).collect();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".schema.json") && !current.contains(&name.as_str()) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => eprintln!("removed {name}, whose section the layout no longer declares"),
                Err(error) => {
                    let problem = Diagnostic::error(format!(
                        "cannot remove the stale schema {}: {error}",
                        entry.path().display()
                    ));
                    return fail(project, [problem], Outcome::OutputFailed);
                }
            }
        }
    }
    Outcome::Success
}

/// Prints problems the way every command does, and gives back `outcome`.
fn fail(
    project: &Project,
    problems: impl IntoIterator<Item = Diagnostic>,
    outcome: Outcome,
) -> Outcome {
    let mut diagnostics = Diagnostics::new();
    diagnostics.extend(problems);
    eprint!("{}", diagnostics.render(project.root()));
    outcome
}

/// Loads the layout and the fonts, printing what stops them loading.
fn layout_and_fonts(
    project: &Project,
) -> Result<
    (
        crate::layout::Layout,
        std::sync::Arc<crate::render::pdf::Fonts>,
    ),
    Outcome,
> {
    let layout = project
        .layout()
        .map_err(|problems| fail(project, problems, Outcome::Problems))?;
    let fonts = project
        .fonts()
        .map_err(|d| fail(project, [d], Outcome::Unreadable))?;
    Ok((layout, fonts))
}

/// `report source`: the Typst source the layout generates.
fn print_source(project: &Project, args: &crate::cli::SourceArgs) -> Outcome {
    let (layout, fonts) = match layout_and_fonts(project) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let mut diagnostics = Diagnostics::new();
    let mut unreadable = false;
    let strictness = if args.final_build {
        Strictness::Final
    } else {
        Strictness::Draft
    };
    let language = match &args.lang {
        None => layout.languages.primary().clone(),
        Some(wanted) => match layout.languages.find(wanted) {
            Some(language) => language.clone(),
            None => {
                let problem = Diagnostic::error(format!("the layout has no language `{wanted}`"))
                    .with_hint("name one of the languages in `languages:` of layouts/report.yaml");
                return fail(project, [problem], Outcome::Unreadable);
            }
        },
    };
    let prepared = project.prepare_in(
        &layout,
        &args.report,
        &language,
        strictness,
        &fonts,
        &mut diagnostics,
        &mut unreadable,
    );
    match prepared.map(|p| project.typst_source(&layout, &p, strictness, &fonts)) {
        Some(Ok(source)) => {
            print!("{}", source.text);
            Outcome::Success
        }
        Some(Err(problems)) => {
            diagnostics.extend(problems);
            fail(project, diagnostics, Outcome::Problems)
        }
        None => fail(
            project,
            diagnostics,
            if unreadable {
                Outcome::Unreadable
            } else {
                Outcome::Problems
            },
        ),
    }
}

/// The output folder, relative to the project root.
fn out_dir(cli: &Cli, out: &std::path::Path) -> std::path::PathBuf {
    if cli.root == std::path::Path::new(".") {
        out.to_path_buf()
    } else {
        cli.root.join(out)
    }
}

/// Compiles a Typst file in the project's world: what the report's own
/// compile costs, without loading, checking, templates or the DOCX.
fn compile_typst(project: &Project, args: &crate::cli::CompileTypstArgs) -> Outcome {
    let source = match std::fs::read_to_string(&args.input) {
        Ok(source) => source,
        Err(error) => {
            let problem =
                Diagnostic::error(format!("cannot read {}: {error}", args.input.display()));
            return fail(project, [problem], Outcome::Unreadable);
        }
    };
    // Scanned on every run, as typst's command line scans its font path,
    // not read back from the scan an earlier run kept.
    let fonts = match crate::render::pdf::Fonts::scan(&project.root().join(crate::FONTS_DIR)) {
        Ok(fonts) => std::sync::Arc::new(fonts),
        Err(d) => return fail(project, [d], Outcome::Unreadable),
    };
    let world = crate::render::pdf::ReportWorld::new(source, fonts, None);
    let origin = |line: usize| crate::diagnostics::Location::at(&args.input, line, 1);
    let exported = crate::render::pdf::lay_out(&world, &origin)
        .and_then(|laid_out| crate::render::pdf::export(&world, &laid_out, &origin));
    match exported {
        Ok(pdf) => match crate::output::write_atomically(&args.output, &pdf) {
            Ok(()) => Outcome::Success,
            Err(d) => fail(project, [d], Outcome::OutputFailed),
        },
        Err(problems) => fail(project, problems, Outcome::Problems),
    }
}

/// What `report watch` prints after a build: errors in full; warnings,
/// the same on every save, as a count.
fn print_watched_build(project: &Project, summary: &RunSummary, elapsed: std::time::Duration) {
    let mut errors = Diagnostics::new();
    errors.extend(
        summary
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned(),
    );
    if !errors.is_empty() {
        eprint!("{}", errors.render(project.root()));
    }
    let warnings = summary.diagnostics.count(Severity::Warning);
    if warnings > 0 {
        eprintln!(
            "{warnings} warning{} (report check lists them)",
            if warnings == 1 { "" } else { "s" }
        );
    }
    match summary.outcome {
        Outcome::Success => eprintln!(
            "built {} file{} in {} ms",
            summary.written.len(),
            if summary.written.len() == 1 { "" } else { "s" },
            elapsed.as_millis()
        ),
        _ => eprintln!(
            "not built; the previous outputs are kept ({} ms)",
            elapsed.as_millis()
        ),
    }
}

fn print_summary(project: &Project, summary: &RunSummary) {
    if !summary.diagnostics.is_empty() {
        eprint!("{}", summary.diagnostics.render(project.root()));
    }
}
