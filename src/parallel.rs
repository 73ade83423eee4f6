//! Building the reports of a series side by side.
//!
//! Each report is read and modelled, then laid out and exported, on one
//! thread from start to end,
//! by a fixed number of workers that take the next report when they are
//! done: no more reports are in memory at once than there are workers, and
//! the results come back in the order the reports were given, so messages
//! and outputs do not depend on which finished first.

use std::num::NonZeroUsize;
use std::sync::Mutex;

/// The memory one report may take while it is built: a 120-group report
/// (131 pages) peaks at about 200 MiB for the whole process, fonts
/// included.
const REPORT_MEMORY: u64 = 256 * 1024 * 1024;

/// How many reports to build at once: `jobs` when given, else one per core
/// and no more than the memory available holds; never more than there are
/// reports.
pub(crate) fn workers(reports: usize, jobs: Option<NonZeroUsize>) -> usize {
    // One report needs no look at the cores or the memory.
    if reports <= 1 {
        return 1;
    }
    let wanted = jobs.map_or_else(
        || {
            let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
            let fit = available_memory().map_or(usize::MAX, |bytes| {
                usize::try_from(bytes / REPORT_MEMORY).unwrap_or(usize::MAX)
            });
            cores.min(fit)
        },
        NonZeroUsize::get,
    );
    wanted.min(reports).max(1)
}

/// The memory the system can give without swapping, where it says.
fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?;
    let kib: u64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

/// Applies `work` to every item on `workers` threads (on the calling thread
/// when one), and returns the results in the items' order.
pub(crate) fn map_in_order<T: Send, R: Send>(
    items: Vec<T>,
    workers: usize,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    if workers <= 1 || items.len() <= 1 {
        return items.into_iter().map(work).collect();
    }
    let count = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..count).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers.min(count) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().ok().and_then(|mut queue| queue.next());
                    let Some((at, item)) = next else { return };
                    let result = work(item);
                    if let Ok(mut results) = results.lock() {
                        results[at] = Some(result);
                    }
                }
            });
        }
    });
    // A worker that panicked has made the scope panic already, so every
    // slot is filled here.
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..40).collect();
        let squares = map_in_order(items, 3, |n| {
            // Later items finish first.
            std::thread::sleep(std::time::Duration::from_micros(400 - n * 10));
            n * n
        });
        assert_eq!(squares, (0..40).map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn never_more_workers_than_reports() {
        assert_eq!(workers(1, None), 1);
        assert_eq!(workers(3, NonZeroUsize::new(8)), 3);
        assert_eq!(workers(12, NonZeroUsize::new(2)), 2);
        assert!(workers(12, None) >= 1);
    }
}
