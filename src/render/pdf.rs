//! The PDF backend: a Typst World of our own, compiled in-process.
//!
//! The world serves exactly one file, the generated `/report.typ`, and the
//! fonts of `fonts/`. Every other file access is denied, there are no
//! packages and no network, and the date comes from the report's data, so
//! the same sources give the same PDF on every machine.

use std::path::Path;
use std::sync::Arc;

use typst::diag::{FileError, FileResult, Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::introspection::Introspector as _;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::{FontSource, FontStore};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::render::{
    FontData, FontFace, HeadingPage, coverage_ranges, font_scan, merged_ranges, ranges_contain,
};

/// The fonts of the project's `fonts/` folder, loaded lazily.
pub struct Fonts {
    store: FontStore,
    /// The code points some face has a glyph for, as sorted, disjoint,
    /// inclusive ranges: the model asks of every character of the sources.
    covered: Vec<(u32, u32)>,
    /// The same for ASCII, one bit per character, since most characters
    /// asked about are.
    covered_ascii: u128,
    /// Family names found, lower-case, for checking the layout's choices.
    pub families: Vec<String>,
    /// Every face with its file, for the DOCX to embed.
    faces: Vec<FontFace>,
}

impl Fonts {
    /// The TrueType and OpenType fonts of `dir` (recursively), as the last
    /// run's scan kept them while the folder is unchanged, else scanned
    /// ([`font_scan::faces`]).
    ///
    /// Only the font tables' metadata is read now; glyph data is read when
    /// Typst first needs a font.
    pub fn load(dir: &Path) -> Result<Fonts, Diagnostic> {
        Self::from_scan(dir, font_scan::faces(dir))
    }

    /// The fonts of `dir` scanned now, as typst's command line scans a
    /// `--font-path` on every run: what the benchmarks' floor uses.
    pub fn scan(dir: &Path) -> Result<Fonts, Diagnostic> {
        Self::from_scan(dir, font_scan::scan(dir))
    }

    fn from_scan(dir: &Path, scanned: Vec<font_scan::ScannedFace>) -> Result<Fonts, Diagnostic> {
        let mut store = FontStore::new();
        let mut families = Vec::new();
        let mut faces = Vec::new();
        // A 10 MB colour emoji font costs nothing until a glyph of it is
        // set: faces are loaded when Typst first asks for them. The scan is
        // in file order, so the faces of one collection come together and
        // share their file's bytes.
        for (path, info) in scanned {
            let data = match faces.last() {
                Some(FontFace { data, .. }) if data.path() == path.path => data.clone(),
                _ => FontData::new(path.path.clone()),
            };
            families.push(info.family.to_lowercase());
            faces.push(FontFace {
                family: info.family.clone(),
                weight: info.variant.weight.to_number(),
                italic: info.variant.style != typst::text::FontStyle::Normal,
                data: data.clone(),
                index: path.index,
                coverage: coverage_ranges(info.coverage.iter()),
            });
            store.push((
                LoadedFace {
                    data,
                    index: path.index,
                },
                info,
            ));
        }
        if families.is_empty() {
            return Err(Diagnostic::error("no fonts were found in the fonts folder")
                .at(Location::file(dir))
                .with_hint("the project ships its fonts in fonts/; restore the folder from version control"));
        }
        families.sort();
        families.dedup();
        let covered = merged_ranges(faces.iter().flat_map(|face| face.coverage.iter().copied()));
        Ok(Fonts {
            store,
            covered_ascii: (0..128u8)
                .filter(|&b| ranges_contain(&covered, char::from(b)))
                .fold(0, |bits, b| bits | 1 << b),
            covered,
            families,
            faces,
        })
    }

    /// Whether some font has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        match u8::try_from(c) {
            Ok(b) if b.is_ascii() => self.covered_ascii & (1 << b) != 0,
            _ => ranges_contain(&self.covered, c),
        }
    }

    /// Whether a family is available.
    pub fn has_family(&self, family: &str) -> bool {
        self.families.iter().any(|f| f == &family.to_lowercase())
    }

    /// The font at an index of the book.
    pub fn font(&self, index: usize) -> Option<Font> {
        self.store.font(index)
    }

    /// The font book.
    pub fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    /// Every face of every font file, in file order.
    pub fn faces(&self) -> &[FontFace] {
        &self.faces
    }
}

// The trait's own `shows_every` is made for `Fonts`, with `covers`
// inlined in its loop.
impl crate::model::GlyphCoverage for Fonts {
    fn has_glyph(&self, c: char) -> bool {
        self.covers(c)
    }
}

/// A face as Typst loads it: from the bytes the DOCX reads too.
struct LoadedFace {
    data: FontData,
    index: u32,
}

impl FontSource for LoadedFace {
    fn load(&self) -> Option<Font> {
        Font::new(self.data.get()?.clone(), self.index)
    }
}

/// The Typst world of one report: its generated source and the fonts.
///
/// A world can live across rebuilds ([`ReportWorld::set_source`]), so that
/// Typst's incremental compilation reuses what did not change.
pub struct ReportWorld {
    fonts: Arc<Fonts>,
    main: Source,
    today: Option<Datetime>,
}

/// Typst's standard library, the same for every report: made once, on
/// first use, and shared by every world (a few hundred microseconds each).
pub fn standard_library() -> &'static LazyHash<Library> {
    static LIBRARY: std::sync::OnceLock<LazyHash<Library>> = std::sync::OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// The virtual path of the generated source.
pub const MAIN_PATH: &str = "/report.typ";

impl ReportWorld {
    /// A world whose main file is `source` and whose "today" is `date`.
    pub fn new(source: String, fonts: Arc<Fonts>, date: Option<(u16, u8, u8)>) -> Self {
        let vpath = VirtualPath::new(MAIN_PATH).expect("the main path is a valid virtual path");
        let id = FileId::new(RootedPath::new(VirtualRoot::Project, vpath));
        Self {
            fonts,
            main: Source::new(id, source),
            today: to_datetime(date),
        }
    }

    /// Replaces the generated source and date, keeping what Typst can reuse.
    pub fn set_source(&mut self, source: &str, date: Option<(u16, u8, u8)>) {
        if self.main.text() != source {
            self.main.replace(source);
        }
        self.today = to_datetime(date);
    }
}

fn to_datetime(date: Option<(u16, u8, u8)>) -> Option<Datetime> {
    date.and_then(|(y, m, d)| Datetime::from_ymd(i32::from(y), m, d))
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        standard_library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

/// A report laid out by Typst, ready to export.
pub struct LaidOut {
    document: PagedDocument,
    /// The headings, in order, with the pages they fell on: what the DOCX
    /// needs to know of the PDF's pagination.
    pub headings: Vec<HeadingPage>,
    /// Typst's warnings, as diagnostics.
    pub warnings: Vec<Diagnostic>,
}

impl LaidOut {
    /// The number of pages.
    pub fn page_count(&self) -> usize {
        self.document.pages().len()
    }
}

/// Lays the generated Typst source out.
pub fn lay_out(
    world: &ReportWorld,
    origin: &dyn Fn(usize) -> Location,
) -> Result<LaidOut, Vec<Diagnostic>> {
    let convert_all = |world: &ReportWorld, diagnostics: &[SourceDiagnostic]| {
        diagnostics
            .iter()
            .map(|d| convert(world, d, origin))
            .collect::<Vec<_>>()
    };
    let warned = crate::timing::measure("typst layout", || typst::compile::<PagedDocument>(world));
    let warnings = convert_all(world, &warned.warnings);
    let document = warned
        .output
        .map_err(|errors| convert_all(world, &errors))?;
    let headings = heading_pages(&document);
    Ok(LaidOut {
        document,
        headings,
        warnings,
    })
}

/// Exports a laid-out report as a PDF/A-2b, PDF/UA-1 file.
pub fn export(
    world: &ReportWorld,
    laid_out: &LaidOut,
    origin: &dyn Fn(usize) -> Location,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let standards = PdfStandards::new(&[PdfStandard::A_2b, PdfStandard::Ua_1])
        .map_err(|e| vec![Diagnostic::error(format!("PDF standards: {}", e.message()))])?;
    let options = PdfOptions {
        ident: Smart::Custom("report".into()),
        creator: Smart::Custom(Some(format!("report {}", env!("CARGO_PKG_VERSION")))),
        timestamp: world.today.map(Timestamp::new_utc),
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    crate::timing::measure("pdf export", || {
        typst_pdf::pdf(&laid_out.document, &options)
    })
    .map_err(|errors| errors.iter().map(|d| convert(world, d, origin)).collect())
}

/// Lays the document out without exporting it, for the pages its headings
/// fall on: what another report's references to this one need.
pub fn headings(
    world: &ReportWorld,
    origin: &dyn Fn(usize) -> Location,
) -> Result<Vec<HeadingPage>, Vec<Diagnostic>> {
    let warned = crate::timing::measure("typst layout (referenced report)", || {
        typst::compile::<PagedDocument>(world)
    });
    let document = warned.output.map_err(|errors| {
        errors
            .iter()
            .map(|d| convert(world, d, origin))
            .collect::<Vec<_>>()
    })?;
    Ok(heading_pages(&document))
}

fn heading_pages(document: &PagedDocument) -> Vec<HeadingPage> {
    use typst::foundations::{NativeElement as _, Selector};
    use typst::model::HeadingElem;
    let introspector = document.introspector();
    introspector
        .query(&Selector::Elem(HeadingElem::ELEM, None))
        .iter()
        .filter_map(|content| {
            let heading = content.to_packed::<HeadingElem>()?;
            let location = content.location()?;
            let page = introspector.page(location)?.get();
            let level = heading
                .resolve_level(typst::foundations::StyleChain::default())
                .get();
            Some(HeadingPage {
                text: heading.body.plain_text().to_string(),
                level,
                page,
            })
        })
        .collect()
}

/// Turns a Typst diagnostic into ours, placed where `origin` says the
/// generated line came from.
fn convert(
    world: &ReportWorld,
    diagnostic: &SourceDiagnostic,
    origin: &dyn Fn(usize) -> Location,
) -> Diagnostic {
    let severity = match diagnostic.severity {
        TypstSeverity::Error => Severity::Error,
        TypstSeverity::Warning => Severity::Warning,
    };
    let mut ours = Diagnostic {
        severity,
        message: diagnostic.message.to_string(),
        location: None,
        hint: None,
        code: None,
    };
    if let Some(range) = world.range(diagnostic.span) {
        let line = world.main.text()[..range.start.min(world.main.text().len())]
            .matches('\n')
            .count()
            + 1;
        ours.location = Some(origin(line));
    }
    if let Some(hint) = diagnostic.hints.first() {
        ours.hint = Some(hint.v.to_string());
    }
    ours
}
