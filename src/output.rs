//! Stage 6: writing outputs atomically.
//!
//! An output is written to a temporary file beside its target, flushed to
//! disk, then renamed over the target. A build that fails or is killed at
//! any moment leaves either the previous file or the new one, never a
//! truncated one.
//!
//! Flushing waits on the disk, not the processor: from 1 to 10 ms a file on
//! the development machine, depending on what else the disk is doing, and
//! up to a third of a series build when files were written one after
//! another. A build therefore hands its documents to a
//! [`Writer`], whose threads write and flush while the next document is
//! being made; flushes that overlap are committed together by the file
//! system, and each folder's entries are flushed once, after its last
//! rename.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc;

use crate::diagnostics::{Diagnostic, Location};

/// How many files a [`Writer`] flushes at once: enough for the flushes of a
/// series to share the file system's commits, few enough that the threads,
/// which mostly wait, cost nothing to speak of.
pub const WRITER_THREADS: usize = 4;

/// Writes `bytes` to `target` atomically, creating the folder if needed.
pub fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    write_file(target, bytes)?;
    sync_folder(folder_of(target));
    Ok(())
}

/// Writes and renames into place, without flushing the folder's entries.
fn write_file(target: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let failure = |what: &str, error: std::io::Error| {
        Diagnostic::error(format!("cannot {what} {}: {error}", target.display()))
            .at(Location::file(target))
            .with_hint(
                "check that the output folder exists and is writable (report build --out DIR)",
            )
    };
    let folder = folder_of(target);
    if folder.exists() && !folder.is_dir() {
        return Err(Diagnostic::error(format!(
            "cannot write {}: the output folder {} is a file",
            target.display(),
            folder.display()
        ))
        .at(Location::file(folder))
        .with_hint("move that file away, or choose another folder with --out DIR"));
    }
    std::fs::create_dir_all(folder).map_err(|e| failure("create the folder of", e))?;
    remove_stale_temporaries(target);
    let temporary = temporary_path(target);
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, target)
    })();
    if let Err(error) = result {
        let _ = std::fs::remove_file(&temporary);
        return Err(failure("write", error));
    }
    Ok(())
}

/// The folder a target is written into.
fn folder_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Makes the renames into `folder` durable where the platform allows.
fn sync_folder(folder: &Path) {
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
}

/// A file handed to a [`Writer`], and where its outcome goes.
struct Job {
    target: PathBuf,
    bytes: Vec<u8>,
    done: mpsc::Sender<Result<(), Diagnostic>>,
}

/// Writes files atomically on threads of its own; see [`with_writer`].
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    folders: Mutex<BTreeSet<PathBuf>>,
}

/// The outcome of one file handed to a [`Writer`], known once
/// [`with_writer`] has returned.
pub struct Written {
    target: PathBuf,
    outcome: mpsc::Receiver<Result<(), Diagnostic>>,
}

impl Written {
    /// The file's path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Whether the file was written, and if not, why.
    pub fn outcome(self) -> Result<(), Diagnostic> {
        self.outcome.recv().unwrap_or_else(|_| {
            Err(
                Diagnostic::error(format!("{} was not written", self.target.display()))
                    .at(Location::file(&self.target)),
            )
        })
    }
}

impl Writer {
    /// Starts writing `bytes` to `target`, atomically; returns at once.
    pub fn write(&self, target: PathBuf, bytes: Vec<u8>) -> Written {
        let (done, outcome) = mpsc::channel();
        if let Ok(mut folders) = self.folders.lock() {
            folders.insert(folder_of(&target).to_path_buf());
        }
        let job = Job {
            target: target.clone(),
            bytes,
            done,
        };
        if let Err(mpsc::SendError(job)) = self.jobs.send(job) {
            // No thread is left to take it: write it here instead.
            let _ = job.done.send(write_file(&job.target, &job.bytes));
        }
        Written { target, outcome }
    }
}

/// Runs `work` with a [`Writer`], and returns once every file it was given
/// is in place and each folder written into is flushed.
pub fn with_writer<R>(work: impl FnOnce(&Writer) -> R) -> R {
    let (jobs, queue) = mpsc::channel::<Job>();
    let queue = Mutex::new(queue);
    let writer = Writer {
        jobs,
        folders: Mutex::new(BTreeSet::new()),
    };
    let (result, folders) = std::thread::scope(|scope| {
        for _ in 0..WRITER_THREADS {
            scope.spawn(|| {
                loop {
                    // The lock is held only while waiting for the next job.
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let outcome =
                        crate::timing::measure("write", || write_file(&job.target, &job.bytes));
                    let _ = job.done.send(outcome);
                }
            });
        }
        let result = work(&writer);
        // Closing the queue lets the threads finish what it holds and end.
        let Writer { jobs, folders } = writer;
        drop(jobs);
        (result, folders)
    });
    for folder in folders.into_inner().unwrap_or_default() {
        sync_folder(&folder);
    }
    result
}

/// A hidden name beside the target, unique to this process.
fn temporary_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Removes temporary files a killed build left beside `target`.
fn remove_stale_temporaries(target: &Path) {
    let (Some(folder), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        // Only `.NAME.PID.tmp`: another target's temporary may be in the
        // making beside this one.
        let stale = file_name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
