//! Stage timings for profiling: with `REPORT_TIMINGS=1` in the environment,
//! each stage prints how long it took to standard error, and when it ended
//! counted from the first stage's start: with reports built side by side,
//! that shows what the build waited on.

use std::sync::OnceLock;
use std::time::Instant;

/// When the first measured stage started.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("REPORT_TIMINGS").is_some_and(|v| v != "0"))
}

/// Runs `work`, printing its duration under `stage` when timings are on.
pub fn measure<T>(stage: &str, work: impl FnOnce() -> T) -> T {
    if !enabled() {
        return work();
    }
    let epoch = epoch();
    let started = Instant::now();
    let result = work();
    let ended = Instant::now();
    eprintln!(
        "timing: {stage:<22} {:>8.2} ms   ended at {:>8.2} ms",
        (ended - started).as_secs_f64() * 1000.0,
        (ended - epoch).as_secs_f64() * 1000.0
    );
    result
}
