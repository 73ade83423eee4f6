//! Stage 3: judging a report against its layout.
//!
//! Collects every problem and never stops at the first: required sections
//! that are missing, placeholders (warnings in a draft, errors in a final
//! build) and files in the report's folder that no section reads.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Location};
use crate::layout::Manifest;
use crate::model::Report;
use crate::model::rich::PlaceholderOrigin;

/// How strict the check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Placeholders are warnings: the draft may go to reviewers.
    Draft,
    /// Placeholders are errors: nothing incomplete goes to partners.
    Final,
}

/// Checks that every required section of the layout has its file.
pub fn required_sections(
    manifest: &Manifest,
    report_dir: &Path,
    present: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    manifest
        .sections
        .iter()
        .filter(|section| section.required && !present(&section.file))
        .map(|section| {
            let name = section.title();
            Diagnostic::error(format!("required section `{name}` is missing"))
                .at(Location::file(report_dir.join(&section.file)))
                .with_hint(format!(
                    "create {} (the layout declares the `{}` section required in layouts/report.yaml)",
                    report_dir.join(&section.file).display(),
                    section.id
                ))
        })
        .collect()
}

/// The code of placeholder diagnostics.
pub const PLACEHOLDER: &str = "placeholder";

/// Lists the report's placeholders, as warnings or errors.
pub fn placeholders(report: &Report, strictness: Strictness) -> Vec<Diagnostic> {
    report
        .placeholders()
        .into_iter()
        .map(|placeholder| {
            let message = if placeholder.note.starts_with('[') {
                format!("placeholder: editor's note {} is still in the text", placeholder.note)
            } else {
                format!("placeholder: {}", placeholder.note)
            };
            let diagnostic = match strictness {
                Strictness::Draft => Diagnostic::warning(message),
                Strictness::Final => Diagnostic::error(message),
            };
            let hint = match (&placeholder.origin, strictness) {
                (PlaceholderOrigin::Translation { .. }, _) => {
                    "write the field as a map by language, with the translation beside the text: `{en: ..., fr: ...}`"
                }
                (_, Strictness::Draft) => "write the missing text here before the final build",
                (_, Strictness::Final) => {
                    "a final build goes to partners: write the missing text here, or build a draft"
                }
            };
            diagnostic
                .at(placeholder.location.clone())
                .with_code(PLACEHOLDER)
                .with_hint(hint)
        })
        .collect()
}

/// Warns about YAML files in the report's folder that no section reads,
/// which are most often a section file saved under the wrong name.
pub fn stray_files(manifest: &Manifest, report_dir: &Path, files: &[String]) -> Vec<Diagnostic> {
    let known: Vec<&str> = manifest.sections.iter().map(|s| s.file.as_str()).collect();
    files
        .iter()
        .filter(|f| (f.ends_with(".yaml") || f.ends_with(".yml")) && !known.contains(&f.as_str()))
        .map(|f| {
            let diagnostic =
                Diagnostic::warning(format!("{f} is not a section of the report and is ignored"))
                    .at(Location::file(report_dir.join(f)));
            match crate::diagnostics::closest(f, known.iter().copied()) {
                Some(name) => diagnostic.with_hint(format!("did you mean {name}?")),
                None => {
                    diagnostic.with_hint(format!("the sections' files are: {}", known.join(", ")))
                }
            }
        })
        .collect()
}
