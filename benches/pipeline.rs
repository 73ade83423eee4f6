//! `make bench`: the whole pipeline against the typesetter's own floor.
//!
//! For synthetic reports of 1, 50 and 120 working groups it measures, as
//! whole processes (after a warm-up, the median of several runs, the
//! commands compared taken in turn so that the machine's slower spells weigh
//! on each alike), the wall time
//! and peak memory of building the PDF alone and the PDF plus DOCX, and of
//! compiling the Typst source our layout generated for that report with the
//! same fonts and export settings: the floor. Every figure is printed as a
//! ratio to the floor. The floor is compiled by this tool's own hidden
//! `compile-typst` (typst's compile and export as a library, nothing of
//! ours); typst's command line of the same version compiling the same
//! source, with the same fonts and PDF standards, is measured beside it
//! when `make bench` could install it (`TYPST_CLI` names it). It then measures `report watch` at 50 groups: the
//! incremental rebuild after a one-field edit against a cold build, the
//! time from saving that edit to both outputs replaced (the watch's own
//! file-system events and debounce included; the cold builds taken
//! between the saves), and memory over many rebuilds. Last, a series of twelve different 9-page reports built one at
//! a time (`--jobs 1`) and side by side, with the processor time each took.
//! The tables are written into README.md between the bench markers.
//!
//! For profiling by hand: `BENCH_PROJECTS=DIR` writes the synthetic
//! projects into DIR and measures nothing; `BENCH_ONLY_WATCH=1` measures
//! the watch alone and prints its figures without touching the README.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use report::watch::{Update, WatchSettings};
use report::{BuildCache, BuildOptions, Outcome, Project, Strictness};

const SIZES: [usize; 3] = [1, 50, 120];
/// The size `report watch` is measured at.
const WATCH_GROUPS: usize = 50;
const RUNS: usize = 7;
/// Runs of each command for the one-group report, some 30 ms each.
const SMALL_RUNS: usize = 21;
const REPORT: &str = "06-sixth-meeting";
/// Saves timed through `report watch`.
const SAVES: usize = 25;
/// Saves timed between two cold builds of the watch's report.
const SAVES_PER_COLD: usize = 5;
/// The series: this many reports of this many working groups (9 pages).
const SERIES_REPORTS: usize = 12;
const SERIES_GROUPS: usize = 7;

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let rebuilds: usize = std::env::var("BENCH_REBUILDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    if std::env::var_os("BENCH_ONLY_WATCH").is_some() {
        // For profiling the watch's rebuilds alone; the README is left as is.
        let watch = measure_watch(&repo, rebuilds);
        println!(
            "cold {:?}, rebuild {:?}, saved {:?}",
            watch.cold, watch.rebuild, watch.saved
        );
        return;
    }
    if let Some(dir) = std::env::var_os("BENCH_PROJECTS") {
        keep_projects(&repo, Path::new(&dir));
        return;
    }
    let mut rows = Vec::new();
    for groups in SIZES {
        let project = synthetic_project(&repo, groups);
        rows.push(measure_size(project.path(), groups));
    }
    // Before the watch's measures, which grow this process: a child's peak
    // memory counts what it shares of its parent's until it runs `report`.
    let series = measure_series(&repo);
    let watch = measure_watch(&repo, rebuilds);
    let table = render_table(&rows, &watch, &series, rebuilds);
    println!("{table}");
    write_into_readme(&repo.join("README.md"), &table);
}

struct SizeRow {
    groups: usize,
    pages: usize,
    floor: Sample,
    /// typst's command line, when installed.
    typst_cli: Option<Sample>,
    pdf: Sample,
    both: Sample,
}

#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    /// Processor time, user and system, of every thread.
    cpu: Duration,
    peak_kib: u64,
}

struct WatchRow {
    cold: Duration,
    rebuild: Duration,
    saved: Duration,
    rss_start_kib: u64,
    rss_end_kib: u64,
}

struct SeriesRow {
    pages: (usize, usize),
    each_alone: Sample,
    one_at_a_time: Sample,
    side_by_side: Sample,
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
    // A small report's run is short enough for the machine's moods to show
    // in it: more runs, and the three commands taken in turn, so that a
    // slower spell weighs on the floor as on the build.
    let runs = if groups == 1 { SMALL_RUNS } else { RUNS };
    let mut floor = || run_once(root, &["compile-typst", "generated.typ", "floor.pdf"]);
    let mut pdf = || run_once(root, &["build", "--pdf-only", "--out", "pdf-only"]);
    let mut both = || run_once(root, &["build", "--out", "both"]);
    let pages = |name: &str| pdf_pages(&root.join(name));
    let (floor, typst_cli, pdf, both) = match typst_cli() {
        Some(cli) => {
            let mut by_cli = || {
                run_program(
                    &cli,
                    root,
                    &[
                        "compile",
                        "--root",
                        ".",
                        "--font-path",
                        "fonts",
                        "--ignore-system-fonts",
                        "--ignore-embedded-fonts",
                        "--pdf-standard",
                        "a-2b,ua-1",
                        "generated.typ",
                        "typst-cli.pdf",
                    ],
                )
            };
            let [floor, by_cli, pdf, both] =
                interleaved_medians(runs, [&mut floor, &mut by_cli, &mut pdf, &mut both]);
            // The same document, or the comparison means nothing.
            let by_cli_pages = pages("typst-cli.pdf");
            assert!(by_cli_pages > 0 && by_cli_pages == pages("floor.pdf"));
            (floor, Some(by_cli), pdf, both)
        }
        None => {
            let [floor, pdf, both] = interleaved_medians(runs, [&mut floor, &mut pdf, &mut both]);
            (floor, None, pdf, both)
        }
    };
    SizeRow {
        groups,
        pages: pages(&format!("both/{REPORT}.pdf")),
        floor,
        typst_cli,
        pdf,
        both,
    }
}

/// typst's command line, from `TYPST_CLI` (which `make bench` sets to the
/// copy it installs), if it runs.
fn typst_cli() -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var_os("TYPST_CLI")?);
    let runs = Command::new(&path)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !runs {
        eprintln!(
            "TYPST_CLI={} does not run; measuring without typst's command line",
            path.display()
        );
    }
    runs.then_some(path)
}

/// One run of the binary.
fn run_once(root: &Path, args: &[&str]) -> Sample {
    run_program(Path::new(env!("CARGO_BIN_EXE_report")), root, args)
}

/// One run of `program` in `root`.
fn run_program(program: &Path, root: &Path, args: &[&str]) -> Sample {
    let started = Instant::now();
    let child = Command::new(program)
        .args(args)
        .current_dir(root)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (status, cpu, peak_kib) = wait_with_usage(child);
    let wall = started.elapsed();
    assert!(
        status == 0,
        "{} {args:?} failed with {status}",
        program.display()
    );
    Sample {
        wall,
        cpu,
        peak_kib,
    }
}

/// Each of `commands` once to warm caches, then `runs` rounds of each in
/// turn; the median of each figure, per command.
fn interleaved_medians<const N: usize>(
    runs: usize,
    mut commands: [&mut dyn FnMut() -> Sample; N],
) -> [Sample; N] {
    for command in &mut commands {
        command();
    }
    let mut samples: [Vec<Sample>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..runs {
        for (command, taken) in commands.iter_mut().zip(&mut samples) {
            taken.push(command());
        }
    }
    samples.map(|taken| median(&taken))
}

/// The median wall time, processor time and peak memory of `samples`.
fn median(samples: &[Sample]) -> Sample {
    let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    walls.sort();
    let mut cpus: Vec<Duration> = samples.iter().map(|s| s.cpu).collect();
    cpus.sort();
    let mut peaks: Vec<u64> = samples.iter().map(|s| s.peak_kib).collect();
    peaks.sort_unstable();
    Sample {
        wall: walls[walls.len() / 2],
        cpu: cpus[cpus.len() / 2],
        peak_kib: peaks[peaks.len() / 2],
    }
}

/// Waits for a child and reads its processor time and peak resident memory
/// (wait4).
#[allow(unsafe_code)]
fn wait_with_usage(child: std::process::Child) -> (i32, Duration, u64) {
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
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    (
        code,
        time(usage.ru_utime) + time(usage.ru_stime),
        u64::try_from(usage.ru_maxrss).unwrap_or(0),
    )
}

/// The incremental rebuild after a one-field edit, against a cold build, at
/// the [`WATCH_GROUPS`] size; and resident memory over many rebuilds.
fn measure_watch(repo: &Path, rebuilds: usize) -> WatchRow {
    let project = synthetic_project(repo, WATCH_GROUPS);
    let root = project.path();
    let runner = Project::new(root);
    let options = BuildOptions {
        strictness: Strictness::Draft,
        out_dir: root.join("out"),
        pdf: true,
        docx: true,
        jobs: None,
        language: None,
    };
    let names = vec![REPORT.to_string()];
    let path = root
        .join("report-data")
        .join(REPORT)
        .join("panel-updates.yaml");
    let original = std::fs::read_to_string(&path).unwrap();
    // Before the many rebuilds below, as an editor's session starts.
    let (saved, cold) = measure_saves(&runner, &names, &options, &path, &original);
    std::fs::write(&path, &original).unwrap();
    let mut cache = BuildCache::default();
    assert_eq!(
        runner.rebuild(&names, &options, &mut cache).outcome,
        Outcome::Success
    );
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
    let rss_end_kib = resident_kib();
    std::fs::write(&path, &original).unwrap();
    WatchRow {
        cold,
        rebuild: first[2],
        saved,
        rss_start_kib: rss_start,
        rss_end_kib,
    }
}

/// From writing a one-field edit to `report watch` having replaced both
/// outputs, through the watch's own file-system events and debounce: the
/// median of [`SAVES`] saves, each made when the watch is idle; and the
/// median of the cold builds taken between them, one before every
/// [`SAVES_PER_COLD`] saves, so that the two are measured over the same
/// stretch of time as the size table's commands are.
fn measure_saves(
    runner: &Project,
    names: &[String],
    options: &BuildOptions,
    path: &Path,
    original: &str,
) -> (Duration, Duration) {
    let (built, done) = std::sync::mpsc::channel();
    let colds_taken = SAVES.div_ceil(SAVES_PER_COLD);
    let settings = WatchSettings {
        // The first build, the saves, and one after each cold build.
        max_builds: Some(1 + SAVES + colds_taken),
        events_only: true,
    };
    let cold = || {
        // No world kept, and Typst's memoization cache emptied.
        typst::comemo::evict(0);
        let started = Instant::now();
        let summary = runner.rebuild(names, options, &mut BuildCache::default());
        assert_eq!(summary.outcome, Outcome::Success);
        started.elapsed()
    };
    let (mut latencies, mut colds) = std::thread::scope(|scope| {
        scope.spawn(|| {
            report::watch::watch(runner, names, options, &settings, |update| {
                if let Update::Built(summary, _) = update {
                    let _ = built.send((Instant::now(), summary.outcome));
                }
            });
        });
        let wait = || {
            done.recv_timeout(Duration::from_secs(30))
                .expect("report watch missed a save")
        };
        let save = |mark: String| {
            // Let the watch go idle, as between an editor's saves.
            std::thread::sleep(Duration::from_millis(300));
            let edited = edit_nth(original, "working group discussed", 25, &mark);
            std::fs::write(path, edited).unwrap();
            let saved = Instant::now();
            let (replaced, outcome) = wait();
            assert_eq!(outcome, Outcome::Success);
            replaced.duration_since(saved)
        };
        let (_, outcome) = wait();
        assert_eq!(outcome, Outcome::Success);
        let mut latencies = Vec::new();
        let mut colds = Vec::new();
        for i in 0..SAVES {
            if i % SAVES_PER_COLD == 0 {
                colds.push(cold());
                // The cold build emptied the cache the watch compiles
                // incrementally with: one save, not timed, fills it again.
                save(format!("working group discussed (warm {i})"));
            }
            latencies.push(save(format!("working group discussed [{i}]")));
        }
        (latencies, colds)
    });
    assert!(
        done.try_recv().is_err(),
        "report watch built more often than it was saved"
    );
    latencies.sort();
    colds.sort();
    (latencies[latencies.len() / 2], colds[colds.len() / 2])
}

/// A series of different 9-page reports, built one at a time and side by
/// side, as whole processes.
fn measure_series(repo: &Path) -> SeriesRow {
    let project = synthetic_series(repo, SERIES_REPORTS, SERIES_GROUPS);
    let root = project.path();
    let names = Project::new(root).report_names().unwrap();
    let [each_alone, one_at_a_time, side_by_side] = interleaved_medians(
        RUNS,
        [
            &mut || {
                let mut total = Sample {
                    wall: Duration::ZERO,
                    cpu: Duration::ZERO,
                    peak_kib: 0,
                };
                for name in &names {
                    let one = run_once(root, &["build", name, "--out", "alone"]);
                    total.wall += one.wall;
                    total.cpu += one.cpu;
                    total.peak_kib = total.peak_kib.max(one.peak_kib);
                }
                total
            },
            &mut || run_once(root, &["build", "--jobs", "1", "--out", "one"]),
            &mut || run_once(root, &["build", "--out", "side"]),
        ],
    );
    let mut pages = (usize::MAX, 0);
    for entry in std::fs::read_dir(root.join("side")).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "pdf") {
            let count = pdf_pages(&path);
            pages = (pages.0.min(count), pages.1.max(count));
        }
        for one_by_one in ["one", "alone"] {
            let alone = root.join(one_by_one).join(entry.file_name());
            assert!(
                std::fs::read(&alone).unwrap() == std::fs::read(&path).unwrap(),
                "{} differs when built side by side",
                path.display()
            );
        }
    }
    SeriesRow {
        pages,
        each_alone,
        one_at_a_time,
        side_by_side,
    }
}

fn pdf_pages(pdf: &Path) -> usize {
    Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout).lines().find_map(|l| {
                l.strip_prefix("Pages:")
                    .map(|p| p.trim().parse().unwrap_or(0))
            })
        })
        .unwrap_or(0)
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

fn render_table(rows: &[SizeRow], watch: &WatchRow, series: &SeriesRow, rebuilds: usize) -> String {
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
        "Machine: {cores} cores, {cpu}; release build; after a warm-up, the median of {RUNS} runs ({SMALL_RUNS} at one group), the commands compared taken in turn.\n"
    );
    let _ = writeln!(
        out,
        "| groups | pages | floor: typst compile + export | typst command line | PDF | ratio | PDF + DOCX | ratio | to typst command line | floor peak memory | PDF + DOCX peak memory | ratio |"
    );
    let _ = writeln!(
        out,
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for row in rows {
        let (by_cli, to_cli) = match &row.typst_cli {
            Some(cli) => (
                format!("{:.0} ms", ms(cli.wall)),
                format!("{:.2}", ms(row.both.wall) / ms(cli.wall)),
            ),
            None => ("not installed".to_string(), "–".to_string()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} ms | {by_cli} | {:.0} ms | {:.2} | {:.0} ms | {:.2} | {to_cli} | {:.0} MiB | {:.0} MiB | {:.2} |",
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
        "\nWatch, {WATCH_GROUPS} groups, one field edited (in-process: the cold build, with no kept world and Typst's cache emptied, is the median of {} taken between the saves; the save is timed from the file written to both outputs replaced, median of {SAVES}):\n",
        SAVES.div_ceil(SAVES_PER_COLD)
    );
    // The same report built by `report build` from nothing, as a process.
    let to_build = rows
        .iter()
        .find(|row| row.groups == WATCH_GROUPS)
        .map_or("–".to_string(), |row| {
            format!("{:.2}", ms(watch.saved) / ms(row.both.wall))
        });
    let _ = writeln!(
        out,
        "| cold build | rebuild | ratio | save → both outputs replaced | ratio | to `report build` (PDF + DOCX, above) | resident memory after 10 rebuilds | after {rebuilds} |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        out,
        "| {:.0} ms | {:.0} ms | {:.2} | {:.0} ms | {:.2} | {to_build} | {:.0} MiB | {:.0} MiB |",
        ms(watch.cold),
        ms(watch.rebuild),
        ms(watch.rebuild) / ms(watch.cold),
        ms(watch.saved),
        ms(watch.saved) / ms(watch.cold),
        mib(watch.rss_start_kib),
        mib(watch.rss_end_kib),
    );
    let (one, side) = (&series.one_at_a_time, &series.side_by_side);
    let pages = if series.pages.0 == series.pages.1 {
        series.pages.0.to_string()
    } else {
        format!("{}–{}", series.pages.0, series.pages.1)
    };
    let _ = writeln!(
        out,
        "\nSeries: {SERIES_REPORTS} different reports of {pages} pages (outputs byte-identical either way; ratios to one at a time):\n"
    );
    let _ = writeln!(
        out,
        "| built | wall | ratio | processor time | processor / wall | peak memory |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for (label, sample) in [
        (
            "each alone (`report build NAME`, one after the other)",
            &series.each_alone,
        ),
        ("one at a time (`report build --jobs 1`)", one),
        ("side by side (`report build`)", side),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {:.0} ms | {:.2} | {:.0} ms | {:.2} | {:.0} MiB |",
            ms(sample.wall),
            ms(sample.wall) / ms(one.wall),
            ms(sample.cpu),
            ms(sample.cpu) / ms(sample.wall),
            mib(sample.peak_kib),
        );
    }
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

/// `BENCH_PROJECTS=DIR make bench` writes the synthetic projects into DIR
/// (`groups-1`, `groups-50`, `groups-120`, `series`) and measures nothing:
/// for profiling a size by hand.
fn keep_projects(repo: &Path, dir: &Path) {
    let mut projects: Vec<(String, tempfile::TempDir)> = SIZES
        .iter()
        .map(|&groups| (format!("groups-{groups}"), synthetic_project(repo, groups)))
        .collect();
    projects.push((
        "series".into(),
        synthetic_series(repo, SERIES_REPORTS, SERIES_GROUPS),
    ));
    for (name, project) in projects {
        let to = dir.join(name);
        copy_tree(project.path(), &to);
        println!("{}", to.display());
    }
}

/// A project whose report has `groups` working groups of realistic prose
/// and an agenda in proportion.
fn synthetic_project(repo: &Path, groups: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo.join("layouts"), &dir.path().join("layouts"));
    copy_tree(&repo.join("fonts"), &dir.path().join("fonts"));
    copy_tree(&repo.join("report-data"), &dir.path().join("report-data"));
    synthetic_report(&dir.path().join("report-data").join(REPORT), groups, 0);
    dir
}

/// A project of `reports` synthetic reports of `groups` working groups
/// each, every sentence of each report its own, so that none reuses the
/// layout of another's paragraphs.
fn synthetic_series(repo: &Path, reports: usize, groups: usize) -> tempfile::TempDir {
    let dir = synthetic_project(repo, groups);
    let data = dir.path().join("report-data");
    for variant in 1..reports {
        let report = data.join(format!("{REPORT}-{variant:02}"));
        copy_tree(&data.join(REPORT), &report);
        synthetic_report(&report, groups, variant);
    }
    dir
}

/// Writes the working groups, agenda and stakeholders of a synthetic
/// report into its folder; a `variant` other than 0 marks every sentence
/// as that report's own.
fn synthetic_report(report: &Path, groups: usize, variant: usize) {
    let sentence = |s: usize| sentence(s, variant);
    let prose = |s: usize, paragraphs: usize| prose(s, paragraphs, variant);
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

fn sentence(seed: usize, variant: usize) -> String {
    let mut words = Vec::new();
    for i in 0..9 {
        words.push(WORDS[(seed * 7 + i * 5) % WORDS.len()]);
    }
    let mut text = words.join(" ");
    if variant > 0 {
        text = text.replacen(' ', &format!(" {variant} "), 1);
    }
    let mut chars = text.chars();
    let first = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>())
        .unwrap_or_default();
    format!("{first}{}.", chars.as_str())
}

fn prose(seed: usize, paragraphs: usize, variant: usize) -> String {
    (0..paragraphs)
        .map(|p| {
            (0..4)
                .map(|s| sentence(seed * 11 + p * 4 + s, variant))
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
