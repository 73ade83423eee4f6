//! What a rebuild keeps from the builds before it, beside the fonts and the
//! Typst worlds: the loaded layout while `layouts/` is unchanged, and each
//! source file's parsed document while its text is.
//!
//! Both are keyed by what was read, not by modification times: a save
//! within the file system's timestamp resolution that keeps a file's size
//! (`Ottawa` → `Oshawa`) is still seen. Reading the few small files again
//! costs microseconds; what is saved is parsing them (the layout's
//! Handlebars templates, the sources' two YAML passes).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::layout::Layout;
use crate::sources::{self, SourceFile, YamlDocument};

/// The files below `layouts/` as one build read them: each path, where it
/// leads if it is a link, and its bytes.
#[derive(Debug, Default, PartialEq, Eq)]
struct LayoutFiles(Vec<(PathBuf, Option<PathBuf>, Vec<u8>)>);

impl LayoutFiles {
    fn read(dir: &Path) -> Self {
        let mut files = Vec::new();
        collect(dir, &mut files);
        files.sort();
        LayoutFiles(files)
    }
}

fn collect(dir: &Path, out: &mut Vec<(PathBuf, Option<PathBuf>, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let link = std::fs::read_link(&path).ok();
        if path.is_dir() {
            out.push((path.clone(), link, Vec::new()));
            collect(&path, out);
        } else {
            let bytes = std::fs::read(&path).unwrap_or_default();
            out.push((path, link, bytes));
        }
    }
}

/// The layout of the last build, and the files it was loaded from.
#[derive(Default)]
pub(crate) struct LayoutCache(Option<(LayoutFiles, Arc<Layout>)>);

impl LayoutCache {
    /// The layout in `dir`, loaded again only when a file below it changed.
    /// A layout with problems is not kept: its problems are reported by
    /// every build until it is fixed.
    pub(crate) fn get(
        &mut self,
        dir: &Path,
        load: impl FnOnce() -> Result<Layout, Vec<Diagnostic>>,
    ) -> Result<Arc<Layout>, Vec<Diagnostic>> {
        let files = LayoutFiles::read(dir);
        if let Some((read, layout)) = &self.0
            && *read == files
        {
            return Ok(Arc::clone(layout));
        }
        self.0 = None;
        let layout = Arc::new(load()?);
        self.0 = Some((files, Arc::clone(&layout)));
        Ok(layout)
    }
}

/// Parsed source files by their path, each kept while its text is the same.
#[derive(Default)]
pub(crate) struct ParsedSources(HashMap<PathBuf, YamlDocument>);

impl ParsedSources {
    /// The document of `file`: the one parsed before when the text is the
    /// same, else parsed now. A file that does not parse is not kept.
    ///
    /// The document is lent, not copied: [`ParsedSources::give_back`]
    /// returns it once the model has read it.
    pub(crate) fn parse(&mut self, file: SourceFile) -> Result<YamlDocument, Diagnostic> {
        match self.0.remove(&file.display_path) {
            Some(document) if document.file.text == file.text => Ok(document),
            _ => sources::parse_yaml(file),
        }
    }

    /// Keeps a document lent by [`ParsedSources::parse`] for the next build.
    pub(crate) fn give_back(&mut self, document: YamlDocument) {
        self.0.insert(document.file.display_path.clone(), document);
    }

    /// The documents one report reads, for its preparation on a thread of
    /// its own: those of the files below its folder `dir`, taken out, and
    /// copies of those beside the report folders (`report-data/series.yaml`),
    /// which every report reads.
    pub(crate) fn take_below(&mut self, dir: &Path) -> ParsedSources {
        let (below, rest): (HashMap<_, _>, HashMap<_, _>) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|(path, _)| path.starts_with(dir));
        self.0 = rest;
        let mut taken = ParsedSources(below);
        let shared = dir.parent();
        for (path, document) in &self.0 {
            if path.parent() == shared {
                taken.0.insert(path.clone(), document.clone());
            }
        }
        taken
    }

    /// Takes back documents taken out by [`ParsedSources::take_below`] and
    /// those parsed with them.
    pub(crate) fn absorb(&mut self, other: ParsedSources) {
        self.0.extend(other.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(path: &str) -> YamlDocument {
        sources::parse_yaml(SourceFile {
            display_path: PathBuf::from(path),
            text: "a: 1\n".into(),
        })
        .unwrap()
    }

    #[test]
    fn a_report_takes_its_own_files_and_copies_of_the_shared_ones() {
        let mut cache = ParsedSources::default();
        for path in [
            "report-data/05-fifth/meeting.yaml",
            "report-data/05-fifth-b/meeting.yaml",
            "report-data/06-sixth/meeting.yaml",
            "report-data/series.yaml",
        ] {
            cache.give_back(parsed(path));
        }
        let fifth = cache.take_below(Path::new("report-data/05-fifth"));
        let mut taken: Vec<&PathBuf> = fifth.0.keys().collect();
        taken.sort();
        // A folder whose name starts alike is another report's; the series
        // file is every report's, so each gets a copy.
        assert_eq!(
            taken,
            [
                Path::new("report-data/05-fifth/meeting.yaml"),
                Path::new("report-data/series.yaml")
            ]
        );
        assert_eq!(cache.0.len(), 3);
        cache.absorb(fifth);
        assert_eq!(cache.0.len(), 4);
    }
}
