//! `report new`: the next meeting's report folder, started from the last.
//!
//! The new report keeps what carries over from one meeting to the next
//! (the working groups, the stakeholders' lead-in) and leaves everything
//! else as a placeholder to fill in, so that a draft check lists exactly
//! what is still to be written. Each working group's previous mandate is a
//! reference to that group in the report it was started from.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Report, slug};
use crate::{DATA_DIR, PreparedReport};

/// The files of a new report started from `from`, by file name.
///
/// `from_name` is the folder `from` was read from. `translations` are
/// `from` read in the layout's other languages, by language code: what
/// carries over (the groups' names, the lead-in) keeps its translations.
pub fn new_report_files(
    from: &Report,
    translations: &[(&str, &Report)],
    primary: &str,
    from_name: &str,
) -> Vec<(&'static str, String)> {
    let number = from.meeting.as_ref().map_or(1, |m| m.number + 1);
    let schema =
        |id: &str| format!("# yaml-language-server: $schema=../../schemas/{id}.schema.json\n");
    let scalar = |text: &str| {
        serde_yaml::to_string(text)
            .unwrap_or_default()
            .trim_end()
            .to_string()
    };
    // A text that carries over, as a map by language at `indent` when some
    // language has its own (an untranslated one reads as the primary's).
    let by_language =
        |primary_text: &str, translated: &dyn Fn(&Report) -> Option<String>, indent: usize| {
            let entries: Vec<(&str, String)> = translations
                .iter()
                .filter_map(|(code, report)| {
                    translated(report)
                        .filter(|t| t != primary_text)
                        .map(|t| (*code, t))
                })
                .collect();
            if entries.is_empty() {
                return format!(" {}", scalar(primary_text));
            }
            let pad = " ".repeat(indent);
            let mut text = format!("\n{pad}{primary}: {}", scalar(primary_text));
            for (code, translated) in entries {
                text.push_str(&format!("\n{pad}{code}: {}", scalar(&translated)));
            }
            text
        };
    let meeting = format!(
        "{}{}",
        schema("meeting"),
        format_args!(
            "# The facts of meeting {number}. The title (\"Report on ... Multistakeholder\n\
             # Meeting\") and the agenda's title are made from `ordinal`.\n\
             number: {number}\n\
             # How the title names the meeting, e.g. Seventh.\n\
             ordinal:\n\
             # City, Province Country.\n\
             location:\n\
             # Year-month-day, e.g. 2019-06-20.\n\
             date:\n\
             attendance:\n\
             \x20 # ~ marks an approximate figure; the total must be the sum of the two.\n\
             \x20 in_person:\n\
             \x20 remote:\n\
             \x20 total:\n\
             # The recording's address, https://...\n\
             livestream:\n"
        )
    );
    let overview = format!(
        "{}# The overview. Between `introduction` and `paragraphs` the report places\n\
         # the partnership paragraph, made from ../series.yaml. Markdown.\n\
         # What the process is:\n\
         introduction:\n\
         # What this meeting set out to do and did:\n\
         paragraphs:\n",
        schema("overview")
    );
    let lead_in = from
        .stakeholders
        .as_ref()
        .map(|s| s.lead_in.clone())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| {
            "At this meeting, the following stakeholders were represented (by registration):".into()
        });
    let stakeholders = format!(
        "{}lead_in:{}\n\
         # One organisation per line, from the registration list, e.g.\n\
         #   - Internet Society\n\
         organisations: []\n\
         # Or, instead of copying the list, save the event platform's export of the\n\
         # registrations in this folder and name it (see README):\n\
         #   registrations: registrations.csv\n",
        schema("stakeholders"),
        by_language(
            &lead_in,
            &|report| {
                report
                    .stakeholders
                    .as_ref()
                    .map(|s| s.lead_in.clone())
                    .filter(|l| !l.is_empty())
            },
            2
        )
    );
    let mut panel = format!(
        "{}# One entry per working group. Each part is Markdown: **bold**, *italic*,\n\
         # [links](https://...), lists with \"- \", footnotes with [^1].\n\
         # An empty part is flagged in both documents until it is written.\n\
         # Each previous mandate refers to the group in {from_name}.\n",
        schema("panel-updates")
    );
    let groups = from
        .panel_updates
        .as_ref()
        .map(|p| p.groups.given().to_vec())
        .unwrap_or_default();
    if groups.is_empty() {
        panel.push_str("groups: []\n");
    } else {
        panel.push_str("groups:\n");
        for (i, group) in groups.iter().enumerate() {
            if i > 0 {
                panel.push('\n');
            }
            let name = by_language(
                &group.name,
                &|report| {
                    let groups = report.panel_updates.as_ref()?.groups.given();
                    groups.get(i).map(|g| g.name.clone())
                },
                6,
            );
            panel.push_str(&format!(
                "  - name:{name}\n    previous_mandate: <report:{from_name}#{}>\n    introduction:\n    discussion:\n",
                slug(&group.anchor_name)
            ));
        }
    }
    let agenda = format!(
        "{}# Appendix A. The agenda's title and date come from meeting.yaml.\n\
         # One entry per item, e.g.\n\
         #   - time: 9:00 am\n\
         #     item: Welcome and introduction\n\
         #     speakers:\n\
         #       - name: ...\n\
         #     details: Markdown, sub-items as \"- \" lists\n\
         items: []\n",
        schema("agenda")
    );
    vec![
        ("meeting.yaml", meeting),
        ("overview.yaml", overview),
        ("stakeholders.yaml", stakeholders),
        ("panel-updates.yaml", panel),
        ("agenda.yaml", agenda),
    ]
}

/// Writes the new report's folder `name` in `report-data/` below `root`,
/// started from `from`: all of it, or nothing.
/// `translations` are the same report in the layout's other languages.
pub fn write_new_report(
    root: &Path,
    name: &str,
    from: &PreparedReport,
    translations: &[PreparedReport],
) -> Result<std::path::PathBuf, Diagnostic> {
    let relative = Path::new(DATA_DIR).join(name);
    let target = root.join(&relative);
    if target.exists() {
        return Err(Diagnostic::error(format!("{} already exists", relative.display()))
            .at(Location::file(&relative))
            .with_hint("a new report needs a folder of its own; choose another name or delete that folder first"));
    }
    // Written aside, then renamed into place: a failure leaves no half
    // report for the next build to trip over.
    let aside = root.join(DATA_DIR).join(format!(".{name}.new"));
    let failed = |error: std::io::Error| {
        let _ = std::fs::remove_dir_all(&aside);
        Diagnostic::error(format!("cannot write {}: {error}", relative.display()))
            .at(Location::file(&relative))
            .with_hint("check that report-data/ is writable")
    };
    let _ = std::fs::remove_dir_all(&aside);
    std::fs::create_dir(&aside).map_err(failed)?;
    let others: Vec<(&str, &Report)> = translations
        .iter()
        .map(|t| (t.language.code.as_str(), &t.report))
        .collect();
    for (file, text) in new_report_files(&from.report, &others, &from.language.code, &from.name) {
        std::fs::write(aside.join(file), text).map_err(failed)?;
    }
    std::fs::rename(&aside, &target).map_err(failed)?;
    Ok(relative)
}

/// Whether `name` can name a report folder: letters, digits, `-` and `_`,
/// as references write it.
pub fn is_report_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
}
