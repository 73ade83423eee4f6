//! Files kept between runs in the user's cache folder: what an earlier run
//! worked out and the next can read back instead of working it out again.
//!
//! Every file is checked before use (a CRC-32 of its body as its last four
//! bytes) and written aside then renamed into place, so a damaged or
//! half-written file is never read; a cache that cannot be read or written
//! is no error, and the work is done again.

use std::path::{Path, PathBuf};

/// The environment variable naming the cache folder; without it,
/// `$XDG_CACHE_HOME/report`, else `~/.cache/report`.
pub const CACHE_DIR_VARIABLE: &str = "REPORT_CACHE_DIR";

/// The folder `kind` of the cache (`fonts`, `font-scans`), if there is a
/// cache folder at all.
pub(crate) fn dir(kind: &str) -> Option<PathBuf> {
    let base = match std::env::var_os(CACHE_DIR_VARIABLE) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => match std::env::var_os("XDG_CACHE_HOME") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir).join("report"),
            _ => PathBuf::from(std::env::var_os("HOME").filter(|h| !h.is_empty())?)
                .join(".cache")
                .join("report"),
        },
    };
    Some(base.join(kind))
}

/// The body of a file [`store`] wrote, if it is there and checks out.
pub(crate) fn read(file: &Path) -> Option<Vec<u8>> {
    let mut bytes = std::fs::read(file).ok()?;
    let body = bytes.len().checked_sub(4)?;
    let trailer: [u8; 4] = bytes[body..].try_into().ok()?;
    if u32::from_le_bytes(trailer) != crc32fast::hash(&bytes[..body]) {
        return None;
    }
    bytes.truncate(body);
    Some(bytes)
}

/// Keeps `body` in `file` for later runs, with its check.
pub(crate) fn store(file: &Path, body: &[u8]) {
    let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
        return;
    };
    // Every writer, in this process or another, writes its own file aside;
    // the last rename wins, and every renamed file is whole.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let aside = dir.join(format!(
        ".{}.{}.{}",
        name.to_string_lossy(),
        std::process::id(),
        WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let mut bytes = body.to_vec();
    bytes.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
    let stored = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&aside, &bytes))
        .and_then(|()| std::fs::rename(&aside, file));
    if stored.is_err() {
        let _ = std::fs::remove_file(&aside);
    }
}

/// Removes the oldest files beside `file` (by time of change) until at
/// most `keep` are left.
pub(crate) fn keep_newest(file: &Path, keep: usize) {
    let Some(dir) = file.parent() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut kept: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .collect();
    if kept.len() <= keep {
        return;
    }
    kept.sort();
    for (_, path) in &kept[..kept.len() - keep] {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_body_reads_back_and_a_damaged_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kind").join("entry.bin");
        store(&file, b"scanned faces");
        assert_eq!(read(&file).as_deref(), Some(&b"scanned faces"[..]));
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[0] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        assert_eq!(read(&file), None);
        std::fs::write(&file, b"ab").unwrap();
        assert_eq!(read(&file), None);
    }

    #[test]
    fn only_the_newest_files_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let at = |n: u64| std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000 + n);
        for n in 0..5 {
            let file = dir.path().join(format!("{n}.json"));
            store(&file, b"{}");
            std::fs::File::options()
                .write(true)
                .open(&file)
                .unwrap()
                .set_modified(at(n))
                .unwrap();
        }
        keep_newest(&dir.path().join("4.json"), 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["3.json", "4.json"]);
    }
}
