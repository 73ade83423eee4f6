//! Assembles the meeting reports of a report series from structured YAML
//! into a print-ready PDF (Typst, compiled in-process) and an editable DOCX.
//!
//! The pipeline reads in stage order:
//!
//! 1. [`sources`]: the editor's YAML files, with positions;
//! 2. [`model`]: the typed, validated report (no I/O);
//! 3. [`check`]: required sections and placeholders, every problem at once;
//! 4. [`layout`] and [`view`]: the layout's declarations and templates, and
//!    the report with every word final;
//! 5. [`render`]: Typst source, the PDF, the DOCX;
//! 6. [`output`]: files written atomically.
//!
//! Beside the pipeline, [`schema`] gives the JSON Schemas editors check the
//! sources with as they type, made from the model's own file shapes.
//!
//! [`Project`] ties them together; the `report` binary is a thin shell over
//! it, and the tests call it directly.

mod cache;
pub mod check;
pub mod cli;
pub mod commands;
pub mod diagnostics;
pub mod language;
pub mod layout;
pub mod model;
pub mod output;
mod parallel;
pub mod pull;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod series;
pub mod sources;
pub mod timing;
pub mod user_cache;
pub mod view;
pub mod watch;

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::check::Strictness;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::language::Language;
use crate::layout::Layout;
use crate::model::{Report, ReportSources};
use crate::render::pdf::{Fonts, ReportWorld};

/// The folder of the sources, below the project root.
pub const DATA_DIR: &str = "report-data";
/// The folder of the layout, below the project root.
pub const LAYOUTS_DIR: &str = "layouts";
/// The folder of the fonts, below the project root.
pub const FONTS_DIR: &str = "fonts";

/// How a run ended, and the exit code it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Everything worked; there may be warnings.
    Success,
    /// The report has problems: invalid sources, a missing required
    /// section, placeholders in a final build, a layout error.
    Problems,
    /// Bad usage or unreadable input: a missing folder, a file that cannot
    /// be read or is not UTF-8.
    Unreadable,
    /// An output could not be written; previous outputs are untouched.
    OutputFailed,
}

impl Outcome {
    /// The process exit code documented in the README.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Problems => 1,
            Outcome::Unreadable => 2,
            Outcome::OutputFailed => 3,
        }
    }
}

/// What a run did.
#[derive(Debug)]
pub struct RunSummary {
    /// Every problem found.
    pub diagnostics: Diagnostics,
    /// How it ended.
    pub outcome: Outcome,
    /// The files written.
    pub written: Vec<PathBuf>,
}

/// Which outputs to write.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Draft or final.
    pub strictness: Strictness,
    /// Where outputs go.
    pub out_dir: PathBuf,
    /// Write the PDF.
    pub pdf: bool,
    /// Write the DOCX.
    pub docx: bool,
    /// How many reports to build at once; `None`: one per core, as many as
    /// memory holds.
    pub jobs: Option<NonZeroUsize>,
    /// Build only the documents in this language (code or tag); `None`:
    /// every language of the layout.
    pub language: Option<String>,
}

/// What rendering one report gave: its warnings and errors, and the files
/// handed to the writer, in the order they were.
struct Rendered {
    diagnostics: Vec<Diagnostic>,
    written: Vec<output::Written>,
}

/// What builds of the same reports can share: the fonts, loaded once, and
/// one Typst world per report, so a rebuild compiles incrementally; the
/// layout while `layouts/` is unchanged, and the parsed sources whose text
/// is unchanged, so a rebuild reads again only what the edit touched.
#[derive(Default)]
pub struct BuildCache {
    fonts: Option<Arc<Fonts>>,
    worlds: HashMap<String, ReportWorld>,
    layout: cache::LayoutCache,
    sources: cache::ParsedSources,
}

/// A report project: `report-data/`, `layouts/` and `fonts/` below a root.
pub struct Project {
    root: PathBuf,
}

/// One report in one language, prepared up to the view.
pub struct PreparedReport {
    /// The report's folder name.
    pub name: String,
    /// The report's folder, relative to the project root.
    pub dir: PathBuf,
    /// The validated report, read in `language`.
    pub report: Report,
    /// The language of its documents.
    pub language: Language,
    /// What its outputs are named: the folder name, and the language's
    /// code when the layout has several (`06-sixth-meeting.fr`).
    pub stem: String,
}

/// The name of a report's outputs in `language`, before `.pdf`/`.docx`.
fn output_stem(layout: &Layout, name: &str, language: &Language) -> String {
    format!("{name}{}", language_suffix(layout, language))
}

/// What names of documents in `language` carry after the report's name:
/// `.fr` when the layout has several languages, else nothing.
fn language_suffix(layout: &Layout, language: &Language) -> String {
    if layout.languages.several() {
        format!(".{}", language.code)
    } else {
        String::new()
    }
}

impl Project {
    /// A project rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The names of the report folders in `report-data/`, sorted.
    pub fn report_names(&self) -> Result<Vec<String>, Diagnostic> {
        let dir = self.root.join(DATA_DIR);
        let entries = std::fs::read_dir(&dir).map_err(|_| {
            Diagnostic::error(format!("there is no {DATA_DIR}/ folder here"))
                .at(Location::file(DATA_DIR))
                .with_hint("run the command from the project's root folder, or pass --root")
        })?;
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        Ok(names)
    }

    /// The error for `name` when it names no report folder of the
    /// project, with the reports there are; `None` when it names one.
    pub fn missing_report(&self, name: &str) -> Option<Diagnostic> {
        let dir = Path::new(DATA_DIR).join(name);
        if !name.contains(['/', '\\']) && name != ".." && self.root.join(&dir).is_dir() {
            return None;
        }
        Some(
            Diagnostic::error(format!("there is no report `{name}`"))
                .at(Location::file(&dir))
                .with_hint(match self.report_names() {
                    Ok(names) if !names.is_empty() => {
                        format!("the reports are: {}", names.join(", "))
                    }
                    _ => format!("a report is a folder in {DATA_DIR}/"),
                }),
        )
    }

    /// Loads the layout.
    pub fn layout(&self) -> Result<Layout, Vec<Diagnostic>> {
        Layout::load(&self.root, Path::new(LAYOUTS_DIR))
    }

    /// Loads the fonts.
    pub fn fonts(&self) -> Result<Arc<Fonts>, Diagnostic> {
        Fonts::load(&self.root.join(FONTS_DIR)).map(Arc::new)
    }

    /// Reads, validates and checks one report, in the layout's primary
    /// language.
    ///
    /// Returns the report when it could be built, with every problem in
    /// `diagnostics`; `unreadable` is set when a file could not be read.
    pub fn prepare(
        &self,
        layout: &Layout,
        name: &str,
        strictness: Strictness,
        fonts: &Fonts,
        diagnostics: &mut Diagnostics,
        unreadable: &mut bool,
    ) -> Option<PreparedReport> {
        let primary = layout.languages.primary().clone();
        self.prepare_in(
            layout,
            name,
            &primary,
            strictness,
            fonts,
            diagnostics,
            unreadable,
        )
    }

    /// The languages that the maps by language of report `name`'s section
    /// files are written in, other than the layout's primary one, by code
    /// and in the layout's order, then any others in code order: all those
    /// a report started from it must keep, even those the layout does not
    /// print. A file that cannot be read adds none.
    pub fn other_written_languages(&self, layout: &Layout, name: &str) -> Vec<Language> {
        let dir = Path::new(DATA_DIR).join(name);
        let mut keys = std::collections::BTreeSet::new();
        for section in &layout.manifest.sections {
            let Ok(file) = sources::read_source(&self.root, &dir.join(&section.file)) else {
                continue;
            };
            if let Ok(document) = sources::parse_yaml(file) {
                sources::localize::written_languages(&document.value, &layout.languages, &mut keys);
            }
        }
        let mut languages: Vec<Language> = layout.languages.all()[1..].to_vec();
        for key in keys {
            let Ok(language) = Language::parse(&key) else {
                continue;
            };
            let known = |l: &Language| l.code == language.code;
            if !known(layout.languages.primary()) && !languages.iter().any(known) {
                languages.push(language);
            }
        }
        languages
    }

    /// [`Project::prepare`] in one of the layout's languages.
    #[allow(clippy::too_many_arguments)]
    pub fn prepare_in(
        &self,
        layout: &Layout,
        name: &str,
        language: &Language,
        strictness: Strictness,
        fonts: &Fonts,
        diagnostics: &mut Diagnostics,
        unreadable: &mut bool,
    ) -> Option<PreparedReport> {
        let mut parsed = cache::ParsedSources::default();
        self.prepare_parsed(
            layout,
            name,
            std::slice::from_ref(language),
            strictness,
            fonts,
            diagnostics,
            unreadable,
            &mut parsed,
        )
        .pop()
    }

    /// [`Project::prepare`] in each of `languages`, reading the sources
    /// once and parsing only those whose text is not what `parsed` holds.
    /// A problem found in every language is reported once.
    #[allow(clippy::too_many_arguments)]
    fn prepare_parsed(
        &self,
        layout: &Layout,
        name: &str,
        languages: &[Language],
        strictness: Strictness,
        fonts: &Fonts,
        diagnostics: &mut Diagnostics,
        unreadable: &mut bool,
        parsed: &mut cache::ParsedSources,
    ) -> Vec<PreparedReport> {
        let dir = Path::new(DATA_DIR).join(name);
        if let Some(missing) = self.missing_report(name) {
            diagnostics.push(missing);
            *unreadable = true;
            return Vec::new();
        }
        let mut problems = Vec::new();
        let mut sources = ReportSources::default();
        let series_path = Path::new(DATA_DIR).join(&layout.manifest.series_file);
        match sources::read_source(&self.root, &series_path).and_then(|file| parsed.parse(file)) {
            Ok(doc) => sources.series = Some(doc),
            Err(d) => {
                *unreadable |= !self.root.join(&series_path).is_file();
                problems.push(d.with_hint(format!(
                    "every report needs the series file {}, shared by the series' reports",
                    series_path.display()
                )));
            }
        }
        for section in &layout.manifest.sections {
            let path = dir.join(&section.file);
            if !self.root.join(&path).exists() {
                continue;
            }
            match sources::read_source(&self.root, &path) {
                Ok(file) => match parsed.parse(file) {
                    Ok(doc) => {
                        sources.sections.insert(section.id.clone(), doc);
                    }
                    Err(d) => problems.push(d),
                },
                Err(d) => {
                    *unreadable = true;
                    problems.push(d);
                }
            }
        }
        // The registration export stakeholders.yaml names: only its three
        // columns reach the model (see `sources::registrations`).
        if let Some(doc) = sources
            .sections
            .get(model::SectionKind::Stakeholders.name())
        {
            match sources::registrations::Request::from_stakeholders(doc, &dir) {
                Ok(Some(request)) => {
                    sources.registrations = sources::registrations::read(
                        &self.root,
                        &request,
                        &mut problems,
                        unreadable,
                    );
                }
                Ok(None) => {}
                Err(d) => problems.push(d),
            }
        }
        let present = |file: &str| self.root.join(&dir).join(file).is_file();
        problems.extend(check::required_sections(&layout.manifest, &dir, &present));
        let files: Vec<String> = std::fs::read_dir(self.root.join(&dir))
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.file_name().to_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        problems.extend(check::stray_files(&layout.manifest, &dir, &files));
        let mut prepared = Vec::new();
        // What earlier languages found: the same problem found again in
        // another language is the same line of the same file.
        let mut seen: Vec<Diagnostic> = Vec::new();
        let mut registrations = sources.registrations.take();
        for language in languages {
            let translating = (language != layout.languages.primary()).then_some(language);
            let read = |doc: &sources::YamlDocument| doc.in_language(language, &layout.languages);
            let localized = ReportSources {
                series: sources.series.as_ref().map(read),
                sections: sources
                    .sections
                    .iter()
                    .map(|(id, doc)| (id.clone(), read(doc)))
                    .collect(),
                registrations: registrations.take(),
            };
            let mut found = Vec::new();
            let report = model::build_report(
                &localized,
                &layout.added_sections(),
                fonts,
                translating,
                &mut found,
            );
            registrations = localized.registrations;
            if let Some(report) = &report {
                found.extend(check::placeholders(report, strictness));
            }
            found.retain(|problem| !seen.iter().any(|p| p.same_problem(problem)));
            seen.extend(found.iter().cloned());
            problems.extend(found);
            prepared.extend(report.map(|report| PreparedReport {
                name: name.to_string(),
                dir: dir.clone(),
                report,
                language: language.clone(),
                stem: output_stem(layout, name, language),
            }));
        }
        for document in sources
            .series
            .take()
            .into_iter()
            .chain(sources.sections.into_values())
        {
            parsed.give_back(document);
        }
        diagnostics.extend(problems);
        prepared
    }

    /// Runs the layout's templates for a prepared report.
    ///
    /// References to other reports are resolved first, laying those out
    /// with `fonts`.
    pub fn typst_source(
        &self,
        layout: &Layout,
        prepared: &PreparedReport,
        strictness: Strictness,
        fonts: &Arc<Fonts>,
    ) -> Result<render::TypstSource, Vec<Diagnostic>> {
        let (index, problems) = self.series_index(
            layout,
            fonts,
            &[prepared],
            &prepared.language,
            strictness,
            &mut HashMap::new(),
        );
        if problems
            .iter()
            .any(|d| d.severity == diagnostics::Severity::Error)
        {
            return Err(problems);
        }
        let view = view::build(
            &prepared.report,
            layout.manifest_in(&prepared.language),
            strictness == Strictness::Draft,
            &prepared.dir,
            &index,
        );
        render::typst_source(layout, &view).map_err(|d| vec![d])
    }

    /// Lays out every report that the references of `prepared` (all in
    /// `language`) reach, in that language, to the pages they point at
    /// (see [`series`]). Problems of the referenced reports themselves are
    /// not repeated here: a reference to a report that cannot be laid out
    /// is reported instead.
    fn series_index(
        &self,
        layout: &Layout,
        fonts: &Arc<Fonts>,
        prepared: &[&PreparedReport],
        language: &Language,
        strictness: Strictness,
        worlds: &mut HashMap<String, ReportWorld>,
    ) -> (series::SeriesIndex, Vec<Diagnostic>) {
        let suffix = language_suffix(layout, language);
        let start: Vec<(String, Vec<model::rich::ReportRef>)> = prepared
            .iter()
            .map(|p| {
                let refs = p
                    .report
                    .references()
                    .iter()
                    .map(|(r, _)| r.clone())
                    .collect();
                (p.name.clone(), refs)
            })
            .collect();
        if start.iter().all(|(_, refs)| refs.is_empty()) {
            return (series::SeriesIndex::with_suffix(&suffix), Vec::new());
        }
        // Reports reached only through references are read once, quietly:
        // their own problems are theirs to check.
        let known = self.report_names().unwrap_or_default();
        let mut others: HashMap<String, Option<PreparedReport>> = HashMap::new();
        let mut queue: Vec<String> = start
            .iter()
            .flat_map(|(_, refs)| refs.iter().map(|r| r.report.clone()))
            .collect();
        while let Some(name) = queue.pop() {
            if others.contains_key(&name) || start.iter().any(|(n, _)| *n == name) {
                continue;
            }
            let prepared = known
                .contains(&name)
                .then(|| {
                    let mut quiet = Diagnostics::new();
                    let mut unreadable = false;
                    self.prepare_in(
                        layout,
                        &name,
                        language,
                        strictness,
                        fonts,
                        &mut quiet,
                        &mut unreadable,
                    )
                    .filter(|_| !quiet.has_errors())
                })
                .flatten();
            if let Some(p) = &prepared {
                queue.extend(p.report.references().iter().map(|(r, _)| r.report.clone()));
            }
            others.insert(name, prepared);
        }
        let draft = strictness == Strictness::Draft;
        let mut references_of = |name: &str| {
            others.get(name).and_then(Option::as_ref).map(|p| {
                p.report
                    .references()
                    .iter()
                    .map(|(r, _)| r.clone())
                    .collect()
            })
        };
        let mut lay_out = |name: &str, index: &series::SeriesIndex| {
            let target = prepared
                .iter()
                .find(|p| p.name == name)
                .copied()
                .or_else(|| others.get(name).and_then(Option::as_ref))?;
            let view = view::build(
                &target.report,
                layout.manifest_in(language),
                draft,
                &target.dir,
                index,
            );
            let source = render::typst_source(layout, &view).ok()?;
            let date = Some((
                view.document_date.year,
                view.document_date.month,
                view.document_date.day,
            ));
            let world = worlds
                .entry(output_stem(layout, name, language))
                .and_modify(|world| world.set_source(&source.text, date))
                .or_insert_with(|| ReportWorld::new(source.text.clone(), Arc::clone(fonts), date));
            let headings = render::pdf::headings(world, &|line| source.origin(line)).ok()?;
            let mut found = series::TargetReport::from_view(&view);
            found.set_pages(&headings);
            Some(found)
        };
        match series::resolve_pages(&start, &mut references_of, &mut lay_out) {
            Ok(index) => (series::SeriesIndex { suffix, ..index }, Vec::new()),
            Err(problem) => (series::SeriesIndex::with_suffix(&suffix), vec![problem]),
        }
    }

    /// Checks the named reports (all when `names` is empty).
    pub fn check(&self, names: &[String], strictness: Strictness) -> RunSummary {
        self.check_in(names, strictness, None)
    }

    /// Checks the named reports in one language (code or tag), or in
    /// every language of the layout.
    pub fn check_in(
        &self,
        names: &[String],
        strictness: Strictness,
        language: Option<&str>,
    ) -> RunSummary {
        self.run(
            names,
            strictness,
            language,
            None,
            &mut BuildCache::default(),
        )
    }

    /// Builds the named reports (all when `names` is empty).
    pub fn build(&self, names: &[String], options: &BuildOptions) -> RunSummary {
        self.run(
            names,
            options.strictness,
            options.language.as_deref(),
            Some(options),
            &mut BuildCache::default(),
        )
    }

    /// Builds again, reusing the fonts and the Typst worlds of earlier
    /// builds kept in `cache`, as `report watch` does.
    pub fn rebuild(
        &self,
        names: &[String],
        options: &BuildOptions,
        cache: &mut BuildCache,
    ) -> RunSummary {
        self.run(
            names,
            options.strictness,
            options.language.as_deref(),
            Some(options),
            cache,
        )
    }

    fn run(
        &self,
        names: &[String],
        strictness: Strictness,
        only_language: Option<&str>,
        build: Option<&BuildOptions>,
        cache: &mut BuildCache,
    ) -> RunSummary {
        let mut diagnostics = Diagnostics::new();
        let mut written = Vec::new();
        let mut unreadable = false;
        let mut output_failed = false;
        let finish = |diagnostics: Diagnostics,
                      unreadable: bool,
                      output_failed: bool,
                      written: Vec<PathBuf>| {
            let outcome = if unreadable {
                Outcome::Unreadable
            } else if diagnostics.has_errors() && !output_failed {
                Outcome::Problems
            } else if output_failed {
                Outcome::OutputFailed
            } else {
                Outcome::Success
            };
            RunSummary {
                diagnostics,
                outcome,
                written,
            }
        };
        let names = if names.is_empty() {
            match self.report_names() {
                Ok(names) if !names.is_empty() => names,
                Ok(_) => {
                    diagnostics.push(
                        Diagnostic::error(format!("{DATA_DIR}/ holds no report folder"))
                            .at(Location::file(DATA_DIR))
                            .with_hint("each report is a folder of section files in report-data/"),
                    );
                    return finish(diagnostics, true, false, written);
                }
                Err(d) => {
                    diagnostics.push(d);
                    return finish(diagnostics, true, false, written);
                }
            }
        } else {
            names.to_vec()
        };
        let layouts = self.root.join(LAYOUTS_DIR);
        // The fonts are scanned while the layout loads: neither needs the
        // other, and each is a few milliseconds of a small report's build.
        let (loaded, scanned) = std::thread::scope(|scope| {
            let scanning = match &cache.fonts {
                Some(kept) => Ok(Arc::clone(kept)),
                None => Err(scope.spawn(|| {
                    let fonts = timing::measure("fonts", || self.fonts());
                    // Typst's standard library too: its first compile
                    // would otherwise make it while the build waits.
                    timing::measure("typst library", render::pdf::standard_library);
                    fonts
                })),
            };
            let loaded = timing::measure("layout", || cache.layout.get(&layouts, || self.layout()));
            let scanned = scanning.or_else(|scanning| {
                scanning
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            });
            (loaded, scanned)
        });
        let layout = match loaded {
            Ok(layout) => layout,
            Err(problems) => {
                diagnostics.extend(problems);
                return finish(diagnostics, false, false, written);
            }
        };
        let fonts = match scanned {
            Ok(fonts) => {
                cache.fonts = Some(Arc::clone(&fonts));
                fonts
            }
            Err(d) => {
                diagnostics.push(d);
                return finish(diagnostics, true, false, written);
            }
        };
        let manifest = || Location::file(Path::new(LAYOUTS_DIR).join(layout::MANIFEST_FILE));
        for family in std::iter::once(&layout.manifest.fonts.body)
            .chain(&layout.manifest.fonts.fallback)
            .chain(std::iter::once(&layout.manifest.fonts.monospace))
        {
            if !fonts.has_family(family) {
                diagnostics.push(
                    Diagnostic::error(format!("the font family `{family}` is not in {FONTS_DIR}/"))
                        .at(manifest())
                        .with_hint(format!(
                            "add its files to {FONTS_DIR}/ with their licence, or name one of: {}",
                            fonts.families.join(", ")
                        )),
                );
            }
        }
        let languages: Vec<Language> = match only_language {
            None => layout.languages.all().to_vec(),
            Some(wanted) => match layout.languages.find(wanted) {
                Some(language) => vec![language.clone()],
                None => {
                    diagnostics.push(
                        Diagnostic::error(format!("the layout has no language `{wanted}`"))
                            .at(manifest())
                            .with_hint(format!(
                                "its languages are: {}",
                                layout
                                    .languages
                                    .all()
                                    .iter()
                                    .map(|l| l.code.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                    );
                    return finish(diagnostics, true, false, written);
                }
            },
        };
        diagnostics.extend(layout.warnings.iter().cloned());
        if diagnostics.has_errors() {
            return finish(diagnostics, false, false, written);
        }
        // Reports are read and modelled side by side as they are rendered,
        // each with the parsed files of its own folder, and their problems
        // put back in the reports' order.
        let workers = parallel::workers(names.len(), build.and_then(|options| options.jobs));
        let jobs: Vec<(&String, cache::ParsedSources)> = names
            .iter()
            .map(|name| {
                let below = cache.sources.take_below(&Path::new(DATA_DIR).join(name));
                (name, below)
            })
            .collect();
        let prepared_all = parallel::map_in_order(jobs, workers, |(name, mut parsed)| {
            let mut found = Diagnostics::new();
            let mut unreadable = false;
            let prepared = timing::measure("sources, model, check", || {
                self.prepare_parsed(
                    &layout,
                    name,
                    &languages,
                    strictness,
                    &fonts,
                    &mut found,
                    &mut unreadable,
                    &mut parsed,
                )
            });
            (prepared, found, unreadable, parsed)
        });
        let mut reports = Vec::new();
        for (prepared, found, was_unreadable, parsed) in prepared_all {
            cache.sources.absorb(parsed);
            unreadable |= was_unreadable;
            let clean = found.count(diagnostics::Severity::Error) == 0;
            diagnostics.extend(found);
            reports.extend(prepared.into_iter().map(|p| (p, clean)));
        }
        let mut indexes = HashMap::new();
        for language in &languages {
            let all: Vec<&PreparedReport> = reports
                .iter()
                .map(|(p, _)| p)
                .filter(|p| p.language == *language)
                .collect();
            let (index, problems) = timing::measure("series references", || {
                self.series_index(
                    &layout,
                    &fonts,
                    &all,
                    language,
                    strictness,
                    &mut cache.worlds,
                )
            });
            diagnostics.extend(problems);
            indexes.insert(language.code.clone(), index);
        }
        let series_names = self.report_names().unwrap_or_default();
        // Judged in name order; the reports to build are then rendered side
        // by side, and their messages put back in that same order.
        let mut judged_reports = Vec::new();
        for (prepared, clean) in &reports {
            let index = &indexes[&prepared.language.code];
            let labels = &layout.manifest_in(&prepared.language).labels;
            let judged = index.judge(
                prepared.report.references(),
                &series_names,
                &|resolution| view::reference_text(labels, resolution),
                build.is_none(),
            );
            let clean = *clean
                && !judged
                    .iter()
                    .any(|d| d.severity == diagnostics::Severity::Error);
            judged_reports.push((prepared, judged, clean && build.is_some()));
        }
        let to_render: Vec<&PreparedReport> = judged_reports
            .iter()
            .filter(|(_, _, render)| *render)
            .map(|(prepared, _, _)| *prepared)
            .collect();
        let mut rendered = match build {
            Some(options) if !to_render.is_empty() => self.render_all(
                &layout,
                &fonts,
                options,
                &indexes,
                &to_render,
                &mut cache.worlds,
            ),
            _ => Vec::new(),
        }
        .into_iter();
        for (_, judged, render) in judged_reports {
            diagnostics.extend(judged);
            let Some(done) = render.then(|| rendered.next()).flatten() else {
                continue;
            };
            diagnostics.extend(done.diagnostics);
            for file in done.written {
                let path = file.target().to_path_buf();
                match file.outcome() {
                    Ok(()) => written.push(path),
                    Err(d) => {
                        diagnostics.push(d);
                        output_failed = true;
                    }
                }
            }
        }
        finish(diagnostics, unreadable, output_failed, written)
    }

    /// Renders `reports` side by side (see [`parallel`]), each in its own
    /// Typst world, taken out of `worlds` for the time and put back after,
    /// and puts each document on disk as soon as it is made. Returns once
    /// every file is written, with the reports' results in their order.
    fn render_all(
        &self,
        layout: &Layout,
        fonts: &Arc<Fonts>,
        options: &BuildOptions,
        indexes: &HashMap<String, series::SeriesIndex>,
        reports: &[&PreparedReport],
        worlds: &mut HashMap<String, ReportWorld>,
    ) -> Vec<Rendered> {
        let workers = parallel::workers(reports.len(), options.jobs);
        let jobs: Vec<(&PreparedReport, Option<ReportWorld>)> = reports
            .iter()
            .map(|prepared| (*prepared, worlds.remove(&prepared.stem)))
            .collect();
        let done = output::with_writer(|writer| {
            parallel::map_in_order(jobs, workers, |(prepared, mut world)| {
                let rendered = self.render(
                    layout,
                    prepared,
                    fonts,
                    options,
                    &indexes[&prepared.language.code],
                    &mut world,
                    writer,
                );
                (prepared, world, rendered)
            })
        });
        done.into_iter()
            .map(|(prepared, world, rendered)| {
                if let Some(world) = world {
                    worlds.insert(prepared.stem.clone(), world);
                }
                rendered
            })
            .collect()
    }

    /// Renders one report's documents and hands them to `writer`: the PDF
    /// as soon as it is exported, the DOCX after it. A report that does not
    /// compile keeps both previous outputs; a DOCX that cannot be assembled
    /// (docx-rs refusing what it was given) keeps only the previous DOCX.
    ///
    /// The DOCX is made on a thread of its own, which starts once the
    /// templates have made the Typst source: the DOCX needs only the pages
    /// its table of contents gives, so the rest of it is made while Typst
    /// lays the pages out (and given up if Typst fails), and finished
    /// while the PDF is exported. Reports built side by side do the same:
    /// their threads fill what the cores leave while Typst waits on its
    /// own. docx-rs numbers paragraphs per thread, so a fresh thread gives
    /// every DOCX the numbers it has when built alone.
    #[allow(clippy::too_many_arguments)]
    fn render(
        &self,
        layout: &Layout,
        prepared: &PreparedReport,
        fonts: &Arc<Fonts>,
        options: &BuildOptions,
        index: &series::SeriesIndex,
        world: &mut Option<ReportWorld>,
        writer: &output::Writer,
    ) -> Rendered {
        let view = view::build(
            &prepared.report,
            layout.manifest_in(&prepared.language),
            options.strictness == Strictness::Draft,
            &prepared.dir,
            index,
        );
        let mut rendered = Rendered {
            diagnostics: Vec::new(),
            written: Vec::new(),
        };
        let failed = std::thread::scope(|scope| {
            let source = timing::measure("templates", || render::typst_source(layout, &view))
                .map_err(|d| vec![d])?;
            let (send_pages, pages_laid_out) = std::sync::mpsc::channel();
            let view = &view;
            // The DOCX, or `None` when the PDF is never laid out.
            let beside =
                options.docx.then(|| {
                    scope.spawn(move || {
                        let made =
                            timing::measure("docx", || render::docx::render(view, fonts.faces()));
                        let headings: Vec<render::HeadingPage> = pages_laid_out.recv().ok()?;
                        Some(made.and_then(|docx| {
                            timing::measure("docx pages", || docx.finish(&headings))
                        }))
                    })
                });
            let date = Some((
                view.document_date.year,
                view.document_date.month,
                view.document_date.day,
            ));
            let origin = |line: usize| source.origin(line);
            let world = match world {
                Some(world) => {
                    world.set_source(&source.text, date);
                    world
                }
                None => world.insert(ReportWorld::new(
                    source.text.clone(),
                    Arc::clone(fonts),
                    date,
                )),
            };
            // On an error, `send_pages` is dropped and the DOCX given up.
            let laid_out = render::pdf::lay_out(world, &origin)?;
            rendered
                .diagnostics
                .extend(laid_out.warnings.iter().cloned());
            if beside.is_some() {
                // Sending fails only if the DOCX's thread panicked, which
                // the join below raises again.
                let _ = send_pages.send(laid_out.headings.clone());
            }
            let pdf = render::pdf::export(world, &laid_out, &origin)?;
            if options.pdf {
                let path = options.out_dir.join(format!("{}.pdf", prepared.stem));
                rendered.written.push(writer.write(path, pdf));
            }
            let made = beside.and_then(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            });
            match made {
                Some(Ok(bytes)) => {
                    let path = options.out_dir.join(format!("{}.docx", prepared.stem));
                    rendered.written.push(writer.write(path, bytes));
                }
                Some(Err(e)) => rendered.diagnostics.push(Diagnostic::error(format!(
                    "the DOCX could not be assembled: {e}"
                ))),
                None => {}
            }
            Ok::<(), Vec<Diagnostic>>(())
        });
        if let Err(problems) = failed {
            rendered.diagnostics.extend(problems);
        }
        rendered
    }
}
