//! `make bench`: the whole pipeline against the typesetter's own floor.
//!
//! For synthetic reports of 1, 50 and 120 working groups it measures, as
//! whole processes (median of several runs after a warm-up), the wall time
//! and peak memory of building the PDF alone and the PDF plus DOCX, and of
//! compiling the Typst source our layout generated for that report with the
//! same fonts and export settings: the floor. Every figure is printed as a
//! ratio to the floor. It then measures `report watch`'s incremental rebuild
//! after a one-field edit against a cold build, and memory over many
//! rebuilds. The table is written into README.md between the bench markers.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use report::{BuildCache, BuildOptions, Outcome, Project, Strictness};

const SIZES: [usize; 3] = [1, 50, 120];
const RUNS: usize = 7;
const REPORT: &str = "06-sixth-meeting";

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let rebuilds: usize = std::env::var("BENCH_REBUILDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut rows = Vec::new();
    for groups in SIZES {
        let project = synthetic_project(&repo, groups);
        rows.push(measure_size(project.path(), groups));
    }
    let watch = measure_watch(&repo, rebuilds);
    let table = render_table(&rows, &watch, rebuilds);
    println!("{table}");
    write_into_readme(&repo.join("README.md"), &table);
}

struct SizeRow {
    groups: usize,
    pages: usize,
    floor: Sample,
    pdf: Sample,
    both: Sample,
}

#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    peak_kib: u64,
}

struct WatchRow {
    cold: Duration,
    rebuild: Duration,
    rss_start_kib: u64,
    rss_end_kib: u64,
}

fn measure_size(root: &Path, groups: usize) -> SizeRow {
    let binary = env!("CARGO_BIN_EXE_report");
    let source = Command::new(binary)
        .args(["source", REPORT])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        source.status.success(),
        "{}",
        String::from_utf8_lossy(&source.stderr)
    );
    std::fs::write(root.join("generated.typ"), &source.stdout).unwrap();
    let floor = median_run(root, &["compile-typst", "generated.typ", "floor.pdf"]);
    let pdf = median_run(root, &["build", "--pdf-only", "--out", "pdf-only"]);
    let both = median_run(root, &["build", "--out", "both"]);
    let info = Command::new("pdfinfo")
        .arg(root.join("both").join(format!("{REPORT}.pdf")))
        .output();
    let pages = info
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout).lines().find_map(|l| {
                l.strip_prefix("Pages:")
                    .map(|p| p.trim().parse().unwrap_or(0))
            })
        })
        .unwrap_or(0);
    SizeRow {
        groups,
        pages,
        floor,
        pdf,
        both,
    }
}

/// Runs the binary once to warm caches, then `RUNS` times; the median wall
/// time and the median peak resident memory.
fn median_run(root: &Path, args: &[&str]) -> Sample {
    let binary = env!("CARGO_BIN_EXE_report");
    let mut samples = Vec::new();
    for run in 0..=RUNS {
        let started = Instant::now();
        let child = Command::new(binary)
            .args(args)
            .current_dir(root)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let (status, peak_kib) = wait_with_peak_memory(child);
        let wall = started.elapsed();
        assert!(status == 0, "report {args:?} failed with {status}");
        if run > 0 {
            samples.push(Sample { wall, peak_kib });
        }
    }
    let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    walls.sort();
    let mut peaks: Vec<u64> = samples.iter().map(|s| s.peak_kib).collect();
    peaks.sort_unstable();
    Sample {
        wall: walls[walls.len() / 2],
        peak_kib: peaks[peaks.len() / 2],
    }
}

/// Waits for a child and reads its own peak resident memory (wait4).
#[allow(unsafe_code)]
fn wait_with_peak_memory(child: std::process::Child) -> (i32, u64) {
    let pid = i32::try_from(child.id()).unwrap();
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct that wait4 fills in; the pid is our
    // own child, waited for exactly once.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    std::mem::forget(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, u64::try_from(usage.ru_maxrss).unwrap_or(0))
}

/// The incremental rebuild after a one-field edit, against a cold build, at
/// the 50-group size; and resident memory over many rebuilds.
fn measure_watch(repo: &Path, rebuilds: usize) -> WatchRow {
    let project = synthetic_project(repo, 50);
    let root = project.path();
    let runner = Project::new(root);
    let options = BuildOptions {
        strictness: Strictness::Draft,
        out_dir: root.join("out"),
        pdf: true,
        docx: true,
    };
    let names = vec![REPORT.to_string()];
    let mut colds = Vec::new();
    for _ in 0..3 {
        // Cold: no world kept, and Typst's memoization cache emptied.
        typst::comemo::evict(0);
        let started = Instant::now();
        let summary = runner.rebuild(&names, &options, &mut BuildCache::default());
        assert_eq!(summary.outcome, Outcome::Success);
        colds.push(started.elapsed());
    }
    colds.sort();
    let mut cache = BuildCache::default();
    assert_eq!(
        runner.rebuild(&names, &options, &mut cache).outcome,
        Outcome::Success
    );
    let path = root
        .join("report-data")
        .join(REPORT)
        .join("panel-updates.yaml");
    let original = std::fs::read_to_string(&path).unwrap();
    let mut times = Vec::new();
    let mut rss_start = 0;
    for i in 0..rebuilds.max(5) {
        // One field changes: a word of the 25th group's discussion.
        let edited = edit_nth(
            &original,
            "working group discussed",
            25,
            &format!("working group discussed ({i})"),
        );
        std::fs::write(&path, edited).unwrap();
        let started = Instant::now();
        let summary = runner.rebuild(&names, &options, &mut cache);
        typst::comemo::evict(5);
        times.push(started.elapsed());
        assert_eq!(summary.outcome, Outcome::Success);
        if i == 9 {
            rss_start = resident_kib();
        }
    }
    let mut first = times[..5].to_vec();
    first.sort();
    WatchRow {
        cold: colds[1],
        rebuild: first[2],
        rss_start_kib: rss_start,
        rss_end_kib: resident_kib(),
    }
}

/// Replaces the `n`th occurrence of `needle` only: an edit to one field.
fn edit_nth(text: &str, needle: &str, n: usize, replacement: &str) -> String {
    match text.match_indices(needle).nth(n) {
        Some((at, _)) => format!("{}{replacement}{}", &text[..at], &text[at + needle.len()..]),
        None => format!("{text}\n"),
    }
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmRSS:")
                    .map(|v| v.trim().trim_end_matches(" kB").trim().parse().unwrap_or(0))
            })
        })
        .unwrap_or(0)
}

fn render_table(rows: &[SizeRow], watch: &WatchRow, rebuilds: usize) -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
            })
        })
        .unwrap_or_else(|| "unknown processor".into());
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mib = |k: u64| k as f64 / 1024.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Machine: {cores} cores, {cpu}; release build; median of {RUNS} runs after a warm-up.\n"
    );
    let _ = writeln!(
        out,
        "| groups | pages | floor: typst compile + export | PDF | ratio | PDF + DOCX | ratio | floor peak memory | PDF + DOCX peak memory | ratio |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} ms | {:.0} ms | {:.2} | {:.0} ms | {:.2} | {:.0} MiB | {:.0} MiB | {:.2} |",
            row.groups,
            row.pages,
            ms(row.floor.wall),
            ms(row.pdf.wall),
            ms(row.pdf.wall) / ms(row.floor.wall),
            ms(row.both.wall),
            ms(row.both.wall) / ms(row.floor.wall),
            mib(row.floor.peak_kib),
            mib(row.both.peak_kib),
            row.both.peak_kib as f64 / row.floor.peak_kib as f64,
        );
    }
    let _ = writeln!(
        out,
        "\nWatch, 50 groups: cold build {:.0} ms, rebuild after a one-field edit {:.0} ms (ratio {:.2}); resident memory {:.0} MiB after 10 rebuilds, {:.0} MiB after {rebuilds}.",
        ms(watch.cold),
        ms(watch.rebuild),
        ms(watch.rebuild) / ms(watch.cold),
        mib(watch.rss_start_kib),
        mib(watch.rss_end_kib),
    );
    out
}

fn write_into_readme(readme: &Path, table: &str) {
    let Ok(text) = std::fs::read_to_string(readme) else {
        return;
    };
    let (start, end) = ("<!-- bench:start -->", "<!-- bench:end -->");
    let (Some(a), Some(b)) = (text.find(start), text.find(end)) else {
        return;
    };
    let updated = format!("{}{start}\n{table}{}", &text[..a], &text[b..]);
    let _ = std::fs::write(readme, updated);
}

/// A project whose report has `groups` working groups of realistic prose
/// and an agenda in proportion.
fn synthetic_project(repo: &Path, groups: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo.join("layouts"), &dir.path().join("layouts"));
    copy_tree(&repo.join("fonts"), &dir.path().join("fonts"));
    copy_tree(&repo.join("report-data"), &dir.path().join("report-data"));
    let report = dir.path().join("report-data").join(REPORT);
    let mut panel = String::from("groups:\n");
    for g in 0..groups {
        let name = format!("{} {}", TOPICS[g % TOPICS.len()], g + 1);
        let _ = write!(
            panel,
            "  - name: {name}\n    previous_mandate: |\n{}\n    introduction: |\n{}\n    discussion: |\n{}\n",
            indent(&prose(g, 1)),
            indent(&prose(g + 1, 2)),
            indent(&format!(
                "{}\n\n- **Recommendation one**: {}\n  - {}\n- *Recommendation two*: {}\n\n{}",
                prose(g + 2, 1),
                sentence(g),
                sentence(g + 3),
                sentence(g + 5),
                prose(g + 4, 1)
            )),
        );
    }
    std::fs::write(report.join("panel-updates.yaml"), panel).unwrap();
    let mut agenda = String::from("items:\n");
    let rows = 8 + groups / 2;
    for r in 0..rows {
        let minutes = 8 * 60 + 30 + r * 10;
        let (h, m) = ((minutes / 60) % 24, minutes % 60);
        let _ = write!(
            agenda,
            "  - time: \"{h}:{m:02}\"\n    item: {}\n",
            sentence(r)
        );
        if r % 3 == 0 {
            let _ = write!(
                agenda,
                "    details: |\n      - {}\n      - {}\n",
                TOPICS[r % TOPICS.len()],
                TOPICS[(r + 1) % TOPICS.len()]
            );
        }
    }
    std::fs::write(report.join("agenda.yaml"), agenda).unwrap();
    let stakeholders: String = (0..groups.max(3))
        .map(|i| format!("  - Organisation {i}\n"))
        .collect();
    std::fs::write(
        report.join("stakeholders.yaml"),
        format!("lead_in: \"At this meeting, the following stakeholders were represented (by registration):\"\norganisations:\n{stakeholders}"),
    )
    .unwrap();
    dir
}

const TOPICS: [&str; 3] = ["Consumer Education", "Labeling", "Network Resiliency"];

const WORDS: [&str; 24] = [
    "the working group discussed",
    "consumer devices",
    "security updates",
    "default passwords",
    "in Canada",
    "manufacturers",
    "retailers",
    "a voluntary label",
    "network operators",
    "the recommendations",
    "over the past year",
    "with stakeholders",
    "implementation",
    "a public campaign",
    "clear guidance",
    "vulnerability disclosure",
    "the next meeting",
    "international standards",
    "small businesses",
    "privacy",
    "resilience",
    "home routers",
    "procurement",
    "the multistakeholder process",
];

fn sentence(seed: usize) -> String {
    let mut words = Vec::new();
    for i in 0..9 {
        words.push(WORDS[(seed * 7 + i * 5) % WORDS.len()]);
    }
    let text = words.join(" ");
    let mut chars = text.chars();
    let first = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>())
        .unwrap_or_default();
    format!("{first}{}.", chars.as_str())
}

fn prose(seed: usize, paragraphs: usize) -> String {
    (0..paragraphs)
        .map(|p| {
            (0..4)
                .map(|s| sentence(seed * 11 + p * 4 + s))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("      {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
