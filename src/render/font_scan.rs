//! The fonts folder scanned, or read back from the last run's scan.
//!
//! Scanning reads the descriptive tables of every face, each file mapped
//! into memory: about a millisecond and a half for the project's dozen
//! faces, a large part of a small report's build. The scan's result is
//! kept in the user's cache folder (see [`crate::user_cache`]) with the
//! state of the folder it was made from: every file below it, with its
//! size and time of change, and the tool that made it. It is used only
//! while all of that is the same, so a font added, removed or replaced,
//! or a new build of the tool, scans again.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use typst::text::FontInfo;
use typst_kit::fonts::FontPath;

/// A face found: its file, its index in the file, and what Typst knows of
/// it.
pub type ScannedFace = (FontPath, FontInfo);

/// How many fonts folders' scans are kept: one per project folder, so
/// projects made and thrown away (by tests, say) do not pile up.
const KEPT_SCANS: usize = 32;

/// Folders nested deeper than this below the fonts folder are not watched
/// for changes (nor, with symbolic links, looped through).
const MAX_DEPTH: usize = 16;

/// The faces of `dir`, in file order: read back from the last scan when
/// the folder is as it was, else scanned (and the scan kept).
pub fn faces(dir: &Path) -> Vec<ScannedFace> {
    faces_kept_in(dir, crate::user_cache::dir("font-scans"))
}

/// [`faces`], with the scans kept in the folder `cache`.
fn faces_kept_in(dir: &Path, cache: Option<PathBuf>) -> Vec<ScannedFace> {
    let kept = cache.and_then(|cache| KeptScan::file(dir, &cache));
    let state = FolderState::read(dir);
    let tool = tool_identity();
    if let Some(faces) = kept
        .as_deref()
        .and_then(crate::user_cache::read)
        .and_then(|bytes| serde_json::from_slice::<KeptScan>(&bytes).ok())
        .filter(|scan| tool.is_some() && scan.tool == tool && scan.folder == state)
        .map(|scan| scan.faces_in(dir))
    {
        return faces;
    }
    let faces = scan(dir);
    if let Some(file) = kept {
        let scan = KeptScan {
            tool,
            folder: state,
            faces: faces
                .iter()
                .map(|(path, info)| {
                    (
                        path.path
                            .strip_prefix(dir)
                            .unwrap_or(&path.path)
                            .to_path_buf(),
                        path.index,
                        info.clone(),
                    )
                })
                .collect(),
        };
        if let Ok(bytes) = serde_json::to_vec(&scan) {
            crate::user_cache::store(&file, &bytes);
            crate::user_cache::keep_newest(&file, KEPT_SCANS);
        }
    }
    faces
}

/// Scans `dir` as typst's command line scans a `--font-path`: fontdb over
/// memory-mapped files, only the tables that describe a face read. Sorted,
/// so the fonts are in the same order on every machine.
pub fn scan(dir: &Path) -> Vec<ScannedFace> {
    let mut found: Vec<ScannedFace> = if dir.is_dir() {
        typst_kit::fonts::scan(dir).collect()
    } else {
        Vec::new()
    };
    found.sort_by(|(a, _), (b, _)| a.path.cmp(&b.path).then(a.index.cmp(&b.index)));
    found
}

/// A scan as the cache keeps it.
#[derive(Serialize, Deserialize)]
struct KeptScan {
    /// The tool that made it, since Typst's idea of a face may change
    /// between builds.
    tool: ToolIdentity,
    folder: FolderState,
    /// Each face's file (below the folder where it is), index and
    /// description.
    faces: Vec<(PathBuf, u32, FontInfo)>,
}

impl KeptScan {
    /// The file in `cache` keeping the scan of the fonts folder `dir`: one
    /// per folder, named for where it is.
    fn file(dir: &Path, cache: &Path) -> Option<PathBuf> {
        let absolute = std::fs::canonicalize(dir).ok()?;
        let name = format!(
            "{:08x}.json",
            crc32fast::hash(absolute.to_string_lossy().as_bytes())
        );
        Some(cache.join(name))
    }

    fn faces_in(self, dir: &Path) -> Vec<ScannedFace> {
        self.faces
            .into_iter()
            .map(|(path, index, info)| {
                (
                    FontPath {
                        path: dir.join(path),
                        index,
                    },
                    info,
                )
            })
            .collect()
    }
}

/// A time of change as seconds and nanoseconds since 1970.
type Changed = Option<(u64, u32)>;

/// A file below the fonts folder, with its size and time of change.
type FileState = (PathBuf, u64, Changed);

/// The running tool's executable: its size and time of change.
type ToolIdentity = Option<(u64, Changed)>;

fn tool_identity() -> ToolIdentity {
    let metadata = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    Some((metadata.len(), changed(&metadata)))
}

fn changed(metadata: &std::fs::Metadata) -> Changed {
    let since = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some((since.as_secs(), since.subsec_nanos()))
}

/// Every file below a folder, with its size and time of change, in order.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct FolderState(Vec<FileState>);

impl FolderState {
    fn read(dir: &Path) -> Self {
        let mut files = Vec::new();
        collect(dir, Path::new(""), 0, &mut files);
        files.sort();
        FolderState(files)
    }
}

fn collect(dir: &Path, below: &Path, depth: usize, out: &mut Vec<FileState>) {
    let Ok(entries) = std::fs::read_dir(dir.join(below)) else {
        return;
    };
    for entry in entries.flatten() {
        let relative = below.join(entry.file_name());
        // Followed through links, as the scan follows them.
        let Ok(metadata) = std::fs::metadata(entry.path()) else {
            continue;
        };
        if metadata.is_dir() {
            if depth < MAX_DEPTH {
                collect(dir, &relative, depth + 1, out);
            }
        } else {
            out.push((relative, metadata.len(), changed(&metadata)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_fonts(to: &Path) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/carlito");
        std::fs::create_dir_all(to).unwrap();
        for name in ["Carlito-Regular.ttf", "Carlito-Bold.ttf"] {
            std::fs::copy(from.join(name), to.join(name)).unwrap();
        }
    }

    fn described(faces: &[ScannedFace]) -> Vec<(PathBuf, u32, FontInfo)> {
        faces
            .iter()
            .map(|(p, i)| (p.path.clone(), p.index, i.clone()))
            .collect()
    }

    #[test]
    fn a_kept_scan_gives_what_scanning_gives_until_the_folder_changes() {
        let project = tempfile::tempdir().unwrap();
        let dir = project.path().join("fonts");
        copy_fonts(&dir);
        let cache = tempfile::tempdir().unwrap();
        let kept_in = || faces_kept_in(&dir, Some(cache.path().to_path_buf()));
        let first = kept_in();
        assert_eq!(described(&first), described(&scan(&dir)));
        let file = KeptScan::file(&dir, cache.path()).unwrap();
        assert!(file.is_file(), "the scan is kept");
        // Read back, not scanned: a kept scan changed by hand shows it.
        let bytes = crate::user_cache::read(&file).unwrap();
        let mut kept: KeptScan = serde_json::from_slice(&bytes).unwrap();
        kept.faces[0].2.family = "Kept".into();
        crate::user_cache::store(&file, &serde_json::to_vec(&kept).unwrap());
        assert_eq!(kept_in()[0].1.family, "Kept");
        // A face removed: scanned again, and the new scan kept.
        std::fs::remove_file(dir.join("Carlito-Bold.ttf")).unwrap();
        let after = kept_in();
        assert_eq!(described(&after), described(&scan(&dir)));
        assert_eq!(after.len(), 1);
        assert_eq!(described(&kept_in()), described(&after));
    }
}
