//! `report watch`: rebuild when a source or layout file is saved.
//!
//! Polls the modification times of `report-data/` and `layouts/` (a few
//! hundred small files: cheaper than it sounds, and it works the same on
//! every file system). A rebuild reuses the fonts and each report's Typst
//! world, so Typst compiles incrementally; comemo's cache is trimmed after
//! each rebuild, so memory stays flat over hours. An invalid edit leaves the
//! last good outputs in place, as every build does.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::{BuildCache, BuildOptions, DATA_DIR, LAYOUTS_DIR, Project, RunSummary};

/// How often the files are looked at.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// How many compilations comemo's cache entries may go unused before they
/// are evicted.
const CACHE_MAX_AGE: usize = 5;

/// The state of the watched files: every path with its size and time.
#[derive(Debug, PartialEq, Eq, Default)]
struct Snapshot(Vec<(PathBuf, u64, Option<SystemTime>)>);

impl Snapshot {
    fn take(root: &Path) -> Self {
        let mut entries = Vec::new();
        for dir in [DATA_DIR, LAYOUTS_DIR] {
            collect(&root.join(dir), &mut entries);
        }
        entries.sort();
        Snapshot(entries)
    }
}

fn collect(dir: &Path, out: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        if metadata.is_dir() {
            collect(&entry.path(), out);
        } else {
            out.push((entry.path(), metadata.len(), metadata.modified().ok()));
        }
    }
}

/// Builds, then rebuilds on every change, calling `report` after each build
/// with its summary and how long it took. Returns after `max_builds` builds
/// when given, else never.
pub fn watch(
    project: &Project,
    names: &[String],
    options: &BuildOptions,
    max_builds: Option<usize>,
    mut report: impl FnMut(&RunSummary, Duration),
) {
    let mut cache = BuildCache::default();
    let mut builds = 0;
    let mut seen = Snapshot::default();
    loop {
        let now = Snapshot::take(project.root());
        if now != seen {
            seen = now;
            let started = Instant::now();
            let summary = project.rebuild(names, options, &mut cache);
            typst::comemo::evict(CACHE_MAX_AGE);
            report(&summary, started.elapsed());
            builds += 1;
            if max_builds.is_some_and(|max| builds >= max) {
                return;
            }
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}
