//! Stage 6: writing outputs atomically.
//!
//! An output is written to a temporary file beside its target, flushed to
//! disk, then renamed over the target. A build that fails or is killed at
//! any moment leaves either the previous file or the new one, never a
//! truncated one.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Location};

/// Writes `bytes` to `target` atomically, creating the folder if needed.
pub fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let failure = |what: &str, error: std::io::Error| {
        Diagnostic::error(format!("cannot {what} {}: {error}", target.display()))
            .at(Location::file(target))
            .with_hint(
                "check that the output folder exists and is writable (report build --out DIR)",
            )
    };
    let folder = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
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
    // Make the rename itself durable where the platform allows.
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
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
        if file_name.starts_with(&prefix) && file_name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
