//! Stage timings for profiling: with `REPORT_TIMINGS=1` in the environment,
//! each stage prints how long it took to standard error.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("REPORT_TIMINGS").is_some_and(|v| v != "0"))
}

/// Runs `work`, printing its duration under `stage` when timings are on.
pub fn measure<T>(stage: &str, work: impl FnOnce() -> T) -> T {
    if !enabled() {
        return work();
    }
    let started = Instant::now();
    let result = work();
    eprintln!(
        "timing: {stage:<22} {:>8.2} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    result
}
