//! `report watch`: rebuild when a source or layout file is saved.
//!
//! Saves are noticed by the file system's own events (inotify on Linux,
//! FSEvents on macOS, ReadDirectoryChangesW on Windows, through `notify`),
//! so a rebuild starts as soon as the save is complete instead of at the
//! next look. A save is complete when the file written is closed or renamed
//! into place; then a short [`SETTLE`] gathers the other files of a "save
//! all". Where the platform does not say when a file is closed, or a file
//! stays open, the build waits for [`QUIET`] without events instead, so an
//! editor that writes a file in several steps is read once, whole.
//!
//! Where no events can be had (no watcher could be started, or it stopped),
//! the modification times of `report-data/` and `layouts/` are polled every
//! [`POLL_INTERVAL`] (a few hundred small files: cheaper than it sounds, and
//! it works the same on every file system). With events, the same look
//! every [`SAFETY_INTERVAL`] catches what events can miss, such as a folder
//! replaced whole.
//!
//! A rebuild reuses what the edit left alone (see [`crate::BuildCache`]):
//! the fonts, the layout, the parsed sources that did not change, and each
//! report's Typst world, so Typst compiles incrementally; comemo's cache is
//! trimmed after each rebuild, so memory stays flat over hours. An invalid
//! edit leaves the last good outputs in place, as every build does.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
use notify::{Event, EventKind, RecursiveMode, Watcher as _};

use crate::{BuildCache, BuildOptions, DATA_DIR, LAYOUTS_DIR, Project, RunSummary};

/// How often the files are looked at where there are no events.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// How often the files are looked at all the same when events come.
pub const SAFETY_INTERVAL: Duration = Duration::from_secs(2);

/// How long a complete save waits for more events before the build starts:
/// long enough for the next file of an editor's "save all", short beside a
/// build. A file saved later still is read by the build after.
pub const SETTLE: Duration = Duration::from_millis(2);

/// How long a save whose file may still be open waits without events.
pub const QUIET: Duration = Duration::from_millis(100);

/// How many compilations comemo's cache entries may go unused before they
/// are evicted.
const CACHE_MAX_AGE: usize = 5;

/// How [`watch`] notices changes and when it stops.
#[derive(Debug, Clone, Default)]
pub struct WatchSettings {
    /// Stop after this many builds (for tests and benchmarks).
    pub max_builds: Option<usize>,
    /// Notice changes by file-system events alone, without polling even as
    /// a safety net; stop at once where there are none. For tests that
    /// must know what noticed an edit.
    pub events_only: bool,
}

/// How changes are being noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noticing {
    /// By the file system's events.
    Events,
    /// By looking at the files every [`POLL_INTERVAL`].
    Polling,
}

/// What [`watch`] tells its caller.
pub enum Update<'a> {
    /// How changes are noticed from now on: before the first build, and
    /// again if events stop.
    Noticing(Noticing),
    /// A build ended, with its summary and how long it took.
    Built(&'a RunSummary, Duration),
}

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

/// The file system's events for `report-data/` and `layouts/`.
struct Events {
    /// Kept alive for as long as events are wanted.
    _watcher: notify::RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<Event>>,
    /// Files whose events never start a build.
    ignored: Ignored,
}

/// Why [`Events::next_change`] returned.
enum Woken {
    /// A save is complete.
    Changed,
    /// Nothing happened for [`SAFETY_INTERVAL`].
    Idle,
    /// The watcher stopped.
    Closed,
}

impl Events {
    fn start(root: &Path, out_dir: &Path) -> Option<Events> {
        let (sender, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(sender).ok()?;
        for dir in [DATA_DIR, LAYOUTS_DIR] {
            let folder = root.join(dir).canonicalize().ok()?;
            watcher.watch(&folder, RecursiveMode::Recursive).ok()?;
        }
        Some(Events {
            _watcher: watcher,
            events,
            ignored: Ignored::new(out_dir),
        })
    }

    /// Waits until a save is complete and has settled, or for
    /// [`SAFETY_INTERVAL`] when nothing happens.
    fn next_change(&self) -> Woken {
        let mut writing: HashSet<PathBuf> = HashSet::new();
        let mut last: Option<Instant> = None;
        let idle_until = Instant::now() + SAFETY_INTERVAL;
        loop {
            let deadline = match last {
                Some(at) if writing.is_empty() => at + SETTLE,
                Some(at) => at + QUIET,
                None => idle_until,
            };
            let wait = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(wait) {
                Ok(Ok(event)) => {
                    if note(&self.ignored, &event, &mut writing) {
                        last = Some(Instant::now());
                    }
                }
                // The watcher lost track (its queue overflowed, say): a
                // build reads everything afresh.
                Ok(Err(_)) => last = Some(Instant::now()),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return if last.is_some() {
                        Woken::Changed
                    } else {
                        Woken::Idle
                    };
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Woken::Closed,
            }
        }
    }
}

/// Notes what `event` says of the files being written; whether it
/// concerns a file the build reads.
fn note(ignored: &Ignored, event: &Event, writing: &mut HashSet<PathBuf>) -> bool {
    // Numbered before the others are set aside: a rename's paths are
    // its two ends, in order.
    let ends: Vec<(usize, &PathBuf)> = event
        .paths
        .iter()
        .enumerate()
        .filter(|(_, p)| !ignored.covers(p))
        .collect();
    if ends.is_empty() && !event.paths.is_empty() {
        return false;
    }
    let paths = ends.iter().map(|(_, path)| *path);
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
            for path in paths {
                writing.remove(path);
            }
            true
        }
        // Our own reads, and anyone else's.
        EventKind::Access(_) => false,
        // Times and permissions: a `touch` is caught by the safety look.
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Create(CreateKind::Folder) | EventKind::Remove(_) => {
            for path in paths {
                writing.remove(path);
            }
            true
        }
        EventKind::Create(_) | EventKind::Modify(ModifyKind::Data(_)) => {
            writing.extend(paths.cloned());
            true
        }
        EventKind::Modify(ModifyKind::Name(mode)) => {
            for &(at, path) in &ends {
                let arrived = match mode {
                    RenameMode::To => true,
                    RenameMode::From => false,
                    RenameMode::Both => at > 0,
                    // The platform does not say which end this is.
                    _ => path.exists(),
                };
                if arrived {
                    writing.remove(path);
                } else {
                    writing.insert(path.clone());
                }
            }
            true
        }
        // A change the platform does not describe (Windows says only
        // "modified"): the file may still be open.
        _ => {
            writing.extend(paths.cloned());
            true
        }
    }
}

/// Files whose changes are not the editor's sources: the outputs, should
/// they be written inside a watched folder, and editors' swap, backup and
/// temporary files (the temporary file an editor renames into place is
/// seen by its rename).
struct Ignored {
    out_dir: Option<PathBuf>,
}

impl Ignored {
    fn new(out_dir: &Path) -> Self {
        Ignored {
            out_dir: real_path(out_dir),
        }
    }

    fn covers(&self, path: &Path) -> bool {
        if self
            .out_dir
            .as_ref()
            .is_some_and(|out| path.starts_with(out))
        {
            return true;
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return false;
        };
        name.starts_with(['.', '#'])
            || name.ends_with('~')
            || name == "4913"
            || [
                ".swp",
                ".swx",
                ".swo",
                ".tmp",
                "___jb_tmp___",
                "___jb_old___",
            ]
            .iter()
            .any(|suffix| name.ends_with(suffix))
    }
}

/// `path` as events name it: through the real path of its nearest existing
/// parent, as the output folder may not exist yet.
fn real_path(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut missing = Vec::new();
    let mut ancestor = absolute.as_path();
    loop {
        if let Ok(real) = ancestor.canonicalize() {
            return Some(
                missing
                    .iter()
                    .rev()
                    .fold(real, |path, name| path.join(name)),
            );
        }
        missing.push(ancestor.file_name()?);
        ancestor = ancestor.parent()?;
    }
}

/// Builds, then rebuilds on every change, telling `report` how changes are
/// noticed and how each build went. Returns after `settings.max_builds`
/// builds when given, at once when `settings.events_only` and no events
/// can be had, else never.
pub fn watch(
    project: &Project,
    names: &[String],
    options: &BuildOptions,
    settings: &WatchSettings,
    mut report: impl FnMut(Update<'_>),
) {
    let mut cache = BuildCache::default();
    let mut builds = 0;
    let mut seen = Snapshot::default();
    // Polling compares with the files as they were when the build started,
    // so that a save during the build is not missed; with events, which
    // report such a save themselves, the safety look's snapshot is taken
    // after the build, where it costs the editor nothing.
    let mut build = |seen: &mut Snapshot, polling: bool, report: &mut dyn FnMut(Update<'_>)| {
        if polling {
            *seen = Snapshot::take(project.root());
        }
        let started = Instant::now();
        let summary = project.rebuild(names, options, &mut cache);
        report(Update::Built(&summary, started.elapsed()));
        if !polling {
            *seen = Snapshot::take(project.root());
        }
        typst::comemo::evict(CACHE_MAX_AGE);
        builds += 1;
        settings.max_builds.is_some_and(|max| builds >= max)
    };
    // Started before the first build, so that no save during it is missed.
    let mut events = Events::start(project.root(), &options.out_dir);
    match &events {
        Some(_) => report(Update::Noticing(Noticing::Events)),
        None if settings.events_only => return,
        None => report(Update::Noticing(Noticing::Polling)),
    }
    if build(&mut seen, events.is_none(), &mut report) {
        return;
    }
    loop {
        let changed = match &events {
            Some(watching) => match watching.next_change() {
                Woken::Changed => true,
                Woken::Idle => {
                    let missed = !settings.events_only && Snapshot::take(project.root()) != seen;
                    if missed {
                        // Events missed a change: a watched folder may have
                        // been replaced, and its watch lost with it.
                        events = Events::start(project.root(), &options.out_dir).or(events);
                    }
                    missed
                }
                Woken::Closed => {
                    events = None;
                    if settings.events_only {
                        return;
                    }
                    report(Update::Noticing(Noticing::Polling));
                    false
                }
            },
            None => {
                std::thread::sleep(POLL_INTERVAL);
                Snapshot::take(project.root()) != seen
            }
        };
        if changed && build(&mut seen, events.is_none(), &mut report) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, ModifyKind, RemoveKind};

    fn event(kind: EventKind, paths: &[&str]) -> Event {
        paths.iter().fold(Event::new(kind), |event, path| {
            event.add_path(PathBuf::from(path))
        })
    }

    fn pending(events: &[Event]) -> (bool, HashSet<PathBuf>) {
        let ignored = Ignored {
            out_dir: Some(PathBuf::from("/p/out")),
        };
        let mut writing = HashSet::new();
        let mut relevant = false;
        for event in events {
            relevant |= note(&ignored, event, &mut writing);
        }
        (relevant, writing)
    }

    const FILE: &str = "/p/report-data/r/meeting.yaml";

    #[test]
    fn a_save_in_place_is_complete_when_the_file_is_closed() {
        let modified = event(
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            &[FILE],
        );
        let (relevant, writing) = pending(std::slice::from_ref(&modified));
        assert!(relevant);
        assert!(
            writing.contains(Path::new(FILE)),
            "still open: wait for quiet"
        );
        let closed = event(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            &[FILE],
        );
        let (relevant, writing) = pending(&[modified, closed]);
        assert!(relevant && writing.is_empty());
    }

    #[test]
    fn a_save_renamed_into_place_is_complete_when_it_arrives() {
        let aside = "/p/report-data/r/.meeting.yaml.tmp";
        let (relevant, writing) = pending(&[
            event(EventKind::Create(CreateKind::File), &[aside]),
            event(
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                &[aside],
            ),
            event(
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                &[aside],
            ),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                &[aside],
            ),
            event(EventKind::Modify(ModifyKind::Name(RenameMode::To)), &[FILE]),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &[aside, FILE],
            ),
        ]);
        assert!(relevant && writing.is_empty(), "{writing:?}");
    }

    #[test]
    fn reads_swap_files_and_outputs_start_nothing() {
        let (relevant, _) = pending(&[
            event(
                EventKind::Access(AccessKind::Open(notify::event::AccessMode::Any)),
                &[FILE],
            ),
            event(
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                &["/p/report-data/r/.meeting.yaml.swp"],
            ),
            event(
                EventKind::Remove(RemoveKind::File),
                &["/p/report-data/r/meeting.yaml~"],
            ),
            event(EventKind::Create(CreateKind::File), &["/p/out/r.pdf"]),
        ]);
        assert!(!relevant);
    }
}
