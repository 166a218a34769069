//! The incident behind errguard, reproduced: an async actor fails with an error that holds a
//! large payload and is retried with a 1 ms backoff. The resident memory (RSS) of the process is
//! sampled every 50 ms while different retry loops run it:
//!
//! - `errguard`: the real `#[errguard::retryable_actor]`;
//! - `naive-hold`: a loop that keeps the last error until the next attempt has failed;
//! - `naive-history`: a loop that keeps every error for a final report (stopped at `--cap-mib`);
//! - `backon`: the `backon` crate's `Retryable` with a `ConstantBuilder`.
//!
//! ```sh
//! cargo run --release -p errguard --example memory_profile -- --runner all --seconds 30 --payload-mib 128 --actors 4
//! ```
//!
//! `--runner all` runs each runner in a fresh child process of itself (a clean RSS baseline),
//! then the log-bomb case, then prints the tables and checks and draws the chart. Each runner
//! writes `t_ms,rss_mib,attempts` to `--out` (default `docs/memory_profile/`).

use std::error::Error;
use std::fmt::{self, Write as _};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};

const MIB: u64 = 1024 * 1024;

// ------------------------------------------------------------------------------------------
// Command line
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RunnerKind {
    /// Every runner in turn, each in a fresh child process, then the log-bomb case.
    All,
    /// `#[errguard::retryable_actor]`.
    Errguard,
    /// Keeps the last error until the next attempt has failed.
    NaiveHold,
    /// Keeps every error for a final report.
    NaiveHistory,
    /// `backon::Retryable` with a `ConstantBuilder`.
    Backon,
    /// Bytes of log per failed attempt: errguard's report vs `tracing::warn!(error = ?err)`.
    LogBomb,
}

impl RunnerKind {
    const MEMORY: [RunnerKind; 4] = [
        RunnerKind::Errguard,
        RunnerKind::NaiveHold,
        RunnerKind::NaiveHistory,
        RunnerKind::Backon,
    ];

    fn name(self) -> &'static str {
        match self {
            RunnerKind::All => "all",
            RunnerKind::Errguard => "errguard",
            RunnerKind::NaiveHold => "naive-hold",
            RunnerKind::NaiveHistory => "naive-history",
            RunnerKind::Backon => "backon",
            RunnerKind::LogBomb => "log-bomb",
        }
    }
}

/// Reproduces the incident: RSS of an actor retried with a 1 ms backoff whose error holds a
/// large payload, under errguard and under naive retry loops.
#[derive(Debug, Clone, Parser)]
#[command(version, about)]
struct Args {
    /// Which retry loop to run.
    #[arg(long, value_enum, default_value = "all")]
    runner: RunnerKind,
    /// How long each runner retries, in seconds.
    #[arg(long, default_value_t = 30.0)]
    seconds: f64,
    /// Size of the payload each error holds, in MiB (written, so it is resident).
    #[arg(long, default_value_t = 128)]
    payload_mib: u64,
    /// Actors retrying at once on a multi-thread Tokio runtime.
    #[arg(long, default_value_t = 4)]
    actors: usize,
    /// Stop a run when the process RSS would pass this many MiB.
    #[arg(long, default_value_t = 4096)]
    cap_mib: u64,
    /// Sampling interval of the RSS sampler, in milliseconds.
    #[arg(long, default_value_t = 50)]
    sample_ms: u64,
    /// Where the CSV files go.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/memory_profile"))]
    out: PathBuf,
    /// Where the chart goes (`--runner all` only).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/memory_profile.png"))]
    chart: PathBuf,
    /// Payload of the log-bomb case, in MiB.
    #[arg(long, default_value_t = 8)]
    log_payload_mib: u64,
    /// Failed attempts in each log-bomb case.
    #[arg(long, default_value_t = 4)]
    log_attempts: u32,
    /// One log-bomb case, in this process (what `--runner log-bomb` runs in each child).
    #[arg(long, value_enum, hide = true)]
    log_case: Option<LogCase>,
}

impl Args {
    fn payload_bytes(&self) -> u64 {
        self.payload_mib * MIB
    }

    /// The arguments a child gets: the same, with one runner.
    fn child_args(&self, runner: RunnerKind) -> Vec<String> {
        vec![
            "--runner".into(),
            runner.name().into(),
            "--seconds".into(),
            self.seconds.to_string(),
            "--payload-mib".into(),
            self.payload_mib.to_string(),
            "--actors".into(),
            self.actors.to_string(),
            "--cap-mib".into(),
            self.cap_mib.to_string(),
            "--sample-ms".into(),
            self.sample_ms.to_string(),
            "--out".into(),
            self.out.display().to_string(),
            "--log-payload-mib".into(),
            self.log_payload_mib.to_string(),
            "--log-attempts".into(),
            self.log_attempts.to_string(),
        ]
    }
}

// ------------------------------------------------------------------------------------------
// The failing actor
// ------------------------------------------------------------------------------------------

/// The error of a failed attempt. It owns the payload the attempt built, like the incident's
/// exception did; its derived `Debug` prints every byte of it.
#[errguard::allow(heap-buffer, reason = "the example reproduces the incident: the error owns the attempt's payload on purpose")]
#[derive(Debug, errguard::Footprint)]
struct PayloadError {
    attempt: u64,
    payload: Vec<u8>,
}

impl PayloadError {
    /// Allocates `bytes` and writes every byte, so every page is resident.
    fn with_payload(attempt: u64, bytes: u64) -> Self {
        let payload = vec![0xA5_u8; usize::try_from(bytes).expect("payload fits in memory")];
        Self { attempt, payload }
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "attempt {} failed holding a {} MiB payload",
            self.attempt,
            self.payload.len() as u64 / MIB
        )
    }
}

impl Error for PayloadError {}

/// Attempts started, across all actors of the process.
static ATTEMPTS: AtomicU64 = AtomicU64::new(0);

/// What every actor of one run shares.
struct Job {
    payload_bytes: u64,
    deadline: Instant,
    cap_bytes: u64,
    /// Set when the RSS cap stopped the run.
    capped: AtomicBool,
    /// When the cap stopped the run, in ms since the start.
    capped_at_ms: AtomicU64,
    started: Instant,
}

impl Job {
    /// Whether the run is over: past the deadline, or the next payload would pass the cap.
    fn over(&self) -> bool {
        if self.capped.load(Ordering::Relaxed) || Instant::now() >= self.deadline {
            return true;
        }
        if rss_bytes() + self.payload_bytes > self.cap_bytes {
            if !self.capped.swap(true, Ordering::Relaxed) {
                let ms = self.started.elapsed().as_millis() as u64;
                self.capped_at_ms.store(ms, Ordering::Relaxed);
            }
            return true;
        }
        false
    }
}

/// One attempt of the actor: succeeds once the run is over, else builds the payload and fails
/// with an error holding it.
async fn attempt(job: &Job) -> Result<(), PayloadError> {
    if job.over() {
        return Ok(());
    }
    let number = ATTEMPTS.fetch_add(1, Ordering::Relaxed) + 1;
    Err(PayloadError::with_payload(number, job.payload_bytes))
}

const BACKOFF: Duration = Duration::from_millis(1);

/// errguard: the real attribute. Retries (practically) forever with a 1 ms backoff; the run
/// ends when `attempt` succeeds at the deadline.
#[errguard::retryable_actor(
    max_retries = 4294967295,
    min_backoff = "1ms",
    max_backoff = "1ms",
    jitter = "none",
    max_report_len = 1024,
    name = "memory-profile"
)]
async fn errguard_actor(job: &Job) -> Result<(), PayloadError> {
    attempt(job).await
}

/// The usual hand-written loop: the last error is kept (for a final report) and replaced only
/// when the next attempt has failed, so two payloads are alive while an attempt runs.
async fn naive_hold(job: &Job) -> Option<String> {
    let mut last_error: Option<PayloadError> = None;
    loop {
        match attempt(job).await {
            Ok(()) => return last_error.map(|e| e.to_string()),
            Err(err) => {
                tracing::warn!(error = %err, "attempt failed, retrying");
                last_error = Some(err);
                tokio::time::sleep(BACKOFF).await;
            }
        }
    }
}

/// Keeps every attempt's error for a final report of all attempts.
async fn naive_history(job: &Job) -> usize {
    let mut history: Vec<PayloadError> = Vec::new();
    loop {
        match attempt(job).await {
            Ok(()) => return history.len(),
            Err(err) => {
                tracing::warn!(error = %err, "attempt failed, retrying");
                history.push(err);
                tokio::time::sleep(BACKOFF).await;
            }
        }
    }
}

/// backon 1.x: `Retryable::retry` with a constant 1 ms backoff and no limit on retries. backon
/// hands the error to `notify` by reference, then drops it before it sleeps (its state moves
/// from `Polling` to `Sleeping`, which holds only the sleep future).
async fn backon_actor(job: &Job) -> Result<(), PayloadError> {
    use backon::{ConstantBuilder, Retryable};
    let backoff = ConstantBuilder::new()
        .with_delay(BACKOFF)
        .without_max_times();
    (|| attempt(job))
        .retry(backoff)
        .notify(|err: &PayloadError, _delay: Duration| {
            tracing::warn!(error = %err, "attempt failed, retrying");
        })
        .await
}

// ------------------------------------------------------------------------------------------
// RSS sampling
// ------------------------------------------------------------------------------------------

/// Resident bytes of this process, from `/proc/self/statm` (resident pages × page size).
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|text| resident_pages(&text))
        .map_or(0, |pages| pages * page_size())
}

/// The second field of a `statm` line: resident pages.
fn resident_pages(statm: &str) -> Option<u64> {
    statm.split_whitespace().nth(1)?.parse().ok()
}

/// The page size, from the auxiliary vector (`AT_PAGESZ`) in `/proc/self/auxv`; 4 KiB when it
/// cannot be read.
fn page_size() -> u64 {
    static PAGE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *PAGE.get_or_init(|| {
        std::fs::read("/proc/self/auxv")
            .ok()
            .and_then(|auxv| page_size_from_auxv(&auxv))
            .unwrap_or(4096)
    })
}

/// `AT_PAGESZ` (6) in an auxiliary vector of native-endian `(u64 key, u64 value)` pairs.
fn page_size_from_auxv(auxv: &[u8]) -> Option<u64> {
    const AT_PAGESZ: u64 = 6;
    auxv.chunks_exact(16).find_map(|pair| {
        let key = u64::from_ne_bytes(pair[..8].try_into().ok()?);
        let value = u64::from_ne_bytes(pair[8..].try_into().ok()?);
        (key == AT_PAGESZ).then_some(value)
    })
}

/// One sample of the process.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    t_ms: u64,
    rss_mib: f64,
    attempts: u64,
}

/// A thread that samples RSS and the attempt counter every `interval` until stopped, or until
/// `done` says the run is over.
struct Sampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<Sample>>,
}

impl Sampler {
    fn sample(started: Instant) -> Sample {
        Sample {
            t_ms: started.elapsed().as_millis() as u64,
            rss_mib: rss_bytes() as f64 / MIB as f64,
            attempts: ATTEMPTS.load(Ordering::Relaxed),
        }
    }

    /// Takes the first sample (the baseline) on the calling thread, then starts the thread.
    fn start(
        interval: Duration,
        started: Instant,
        done: impl Fn() -> bool + Send + 'static,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let first = Self::sample(started);
        let thread = std::thread::spawn(move || {
            let mut samples = vec![first];
            let mut next = started + interval;
            loop {
                if let Some(wait) = next.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                next += interval;
                if flag.load(Ordering::Relaxed) || done() {
                    return samples;
                }
                samples.push(Self::sample(started));
            }
        });
        Self { stop, thread }
    }

    fn finish(self) -> Vec<Sample> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("sampler thread")
    }
}

// ------------------------------------------------------------------------------------------
// Log sink
// ------------------------------------------------------------------------------------------

/// An `io::Write` that counts bytes and discards them.
#[derive(Clone, Default)]
struct CountingSink(Arc<AtomicU64>);

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl CountingSink {
    fn bytes(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// A `tracing_subscriber::fmt` subscriber (INFO and up, no colours) writing here.
    fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync + 'static {
        let sink = self.clone();
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || sink.clone())
            .finish()
    }
}

// ------------------------------------------------------------------------------------------
// Statistics, CSV, tables (pure, unit-tested)
// ------------------------------------------------------------------------------------------

/// The incident's figures for one runner. All sizes in MiB.
#[derive(Debug, Clone, PartialEq)]
struct Summary {
    runner: String,
    /// RSS before any actor started (the first sample).
    baseline: f64,
    min: f64,
    max: f64,
    mean: f64,
    /// The lowest RSS after the warm-up: what stays alive between attempts.
    floor: f64,
    /// How much the running level rose from second 5 to the end (see [`growth`]).
    growth: f64,
    attempts: u64,
    attempts_per_s: f64,
    /// How long the run lasted, in seconds.
    seconds: f64,
    /// When the RSS cap stopped it, in seconds.
    capped_at: Option<f64>,
}

fn min_of(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max_of(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

fn mean_of(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// The RSS values of the samples taken in `[from_ms, to_ms)`.
fn window(samples: &[Sample], from_ms: u64, to_ms: u64) -> Vec<f64> {
    samples
        .iter()
        .filter(|s| s.t_ms >= from_ms && s.t_ms < to_ms)
        .map(|s| s.rss_mib)
        .collect()
}

/// Growth of the memory level that stays, in MiB: the mean RSS of the last quarter of the run
/// minus the mean RSS of the first quarter after the warm-up (second 5, or the first fifth of a
/// run shorter than 25 s).
///
/// RSS rises and falls by whole payloads while attempts build them, so one sample against
/// another measures the phase of the actors, not what accumulates; means over windows of many
/// attempts do not.
/// The end of the warm-up: second 5, or the first fifth of a run shorter than 25 s.
fn warm_up_ms(samples: &[Sample]) -> u64 {
    let end = samples.last().map_or(0, |s| s.t_ms);
    if end >= 25_000 { 5_000 } else { end / 5 }
}

fn growth(samples: &[Sample]) -> f64 {
    let end = samples.last().map_or(0, |s| s.t_ms);
    let warm = warm_up_ms(samples);
    let quarter = (end - warm) / 4;
    let early = window(samples, warm, warm + quarter);
    let late = window(samples, end - quarter, end + 1);
    if early.is_empty() || late.is_empty() {
        return 0.0;
    }
    mean_of(&late) - mean_of(&early)
}

fn summarize(runner: &str, samples: &[Sample], capped_at_ms: Option<u64>) -> Summary {
    let rss: Vec<f64> = samples.iter().map(|s| s.rss_mib).collect();
    let first = samples.first().copied().unwrap_or(Sample {
        t_ms: 0,
        rss_mib: 0.0,
        attempts: 0,
    });
    let last = samples.last().copied().unwrap_or(first);
    let seconds = last.t_ms as f64 / 1000.0;
    Summary {
        runner: runner.to_owned(),
        baseline: first.rss_mib,
        min: min_of(&rss),
        max: max_of(&rss),
        mean: mean_of(&rss),
        floor: min_of(&window(samples, warm_up_ms(samples), u64::MAX)),
        growth: growth(samples),
        attempts: last.attempts,
        attempts_per_s: if seconds > 0.0 {
            last.attempts as f64 / seconds
        } else {
            0.0
        },
        seconds,
        capped_at: capped_at_ms.map(|ms| ms as f64 / 1000.0),
    }
}

const CSV_HEADER: &str = "t_ms,rss_mib,attempts";

fn to_csv(samples: &[Sample]) -> String {
    let mut text = String::from(CSV_HEADER);
    text.push('\n');
    for s in samples {
        let _ = writeln!(text, "{},{:.1},{}", s.t_ms, s.rss_mib, s.attempts);
    }
    text
}

fn parse_csv(text: &str) -> Result<Vec<Sample>, String> {
    let mut lines = text.lines();
    match lines.next() {
        Some(header) if header.trim() == CSV_HEADER => {}
        other => return Err(format!("expected header `{CSV_HEADER}`, got {other:?}")),
    }
    lines
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split(',').collect();
            let bad = || format!("line {}: expected t_ms,rss_mib,attempts: {line:?}", i + 2);
            if fields.len() != 3 {
                return Err(bad());
            }
            Ok(Sample {
                t_ms: fields[0].trim().parse().map_err(|_| bad())?,
                rss_mib: fields[1].trim().parse().map_err(|_| bad())?,
                attempts: fields[2].trim().parse().map_err(|_| bad())?,
            })
        })
        .collect()
}

/// The incident's table, one column per runner (a markdown table).
fn markdown_table(summaries: &[Summary], payload_mib: u64, actors: usize) -> String {
    let mut rows: Vec<(String, Vec<String>)> = vec![
        ("baseline (MiB)".into(), Vec::new()),
        ("min (MiB)".into(), Vec::new()),
        ("max (MiB)".into(), Vec::new()),
        ("mean (MiB)".into(), Vec::new()),
        ("floor after second 5 (MiB)".into(), Vec::new()),
        ("max − baseline, in payloads per actor".into(), Vec::new()),
        ("growth, second 5 → end (MiB)".into(), Vec::new()),
        ("attempts".into(), Vec::new()),
        ("attempts/s".into(), Vec::new()),
        ("ran (s)".into(), Vec::new()),
    ];
    let per_actor = (payload_mib as f64) * actors.max(1) as f64;
    for s in summaries {
        let ran = match s.capped_at {
            Some(at) => format!("{:.1} (stopped at the cap)", at),
            None => format!("{:.1}", s.seconds),
        };
        let cells = [
            format!("{:.0}", s.baseline),
            format!("{:.0}", s.min),
            format!("{:.0}", s.max),
            format!("{:.0}", s.mean),
            format!("{:.0}", s.floor),
            format!("{:.2}", (s.max - s.baseline) / per_actor),
            format!("{:+.1}", s.growth),
            s.attempts.to_string(),
            format!("{:.1}", s.attempts_per_s),
            ran,
        ];
        for (row, cell) in rows.iter_mut().zip(cells) {
            row.1.push(cell);
        }
    }
    let mut text = String::from("| |");
    for s in summaries {
        let _ = write!(text, " {} |", s.runner);
    }
    text.push_str("\n|---|");
    for _ in summaries {
        text.push_str("---:|");
    }
    text.push('\n');
    for (label, cells) in rows {
        let _ = write!(text, "| {label} |");
        for cell in cells {
            let _ = write!(text, " {cell} |");
        }
        text.push('\n');
    }
    text
}

/// errguard's two checks: its peak stays within `baseline + 1.1 × payload × actors`, and its
/// growth after second 5 is under 5 % of one payload.
fn checks(s: &Summary, payload_mib: u64, actors: usize) -> Vec<(String, bool)> {
    let limit = s.baseline + 1.1 * payload_mib as f64 * actors as f64;
    let flat_limit = 0.05 * payload_mib as f64;
    vec![
        (
            format!(
                "peak {:.0} MiB <= baseline {:.0} + 1.1 x {} MiB x {} actors = {:.0} MiB",
                s.max, s.baseline, payload_mib, actors, limit
            ),
            s.max <= limit,
        ),
        (
            format!(
                "growth {:+.1} MiB < 5 % of the payload = {:.1} MiB",
                s.growth, flat_limit
            ),
            s.growth < flat_limit,
        ),
    ]
}

/// One log-bomb case.
#[derive(Debug, Clone, PartialEq)]
struct LogBomb {
    case: String,
    attempts: u64,
    log_bytes: u64,
    /// Peak RSS over the case's baseline, MiB.
    peak_over_baseline: f64,
}

const LOG_BOMB_HEADER: &str =
    "case,payload_mib,failed_attempts,log_bytes,log_bytes_per_attempt,peak_rss_over_baseline_mib";

fn log_bomb_csv(cases: &[LogBomb], payload_mib: u64) -> String {
    let mut text = format!("{LOG_BOMB_HEADER}\n");
    for c in cases {
        let _ = writeln!(
            text,
            "{},{},{},{},{},{:.1}",
            c.case,
            payload_mib,
            c.attempts,
            c.log_bytes,
            c.log_bytes / c.attempts.max(1),
            c.peak_over_baseline
        );
    }
    text
}

fn log_bomb_table(cases: &[LogBomb], payload_mib: u64) -> String {
    let mut text = format!(
        "| {payload_mib} MiB payload | failed attempts | log bytes | log bytes per attempt | peak RSS over baseline (MiB) |\n|---|---:|---:|---:|---:|\n"
    );
    for c in cases {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {:.0} |",
            LogCase::from_id(&c.case).map_or(c.case.as_str(), |case| case.label()),
            c.attempts,
            c.log_bytes,
            c.log_bytes / c.attempts.max(1),
            c.peak_over_baseline
        );
    }
    text
}

// ------------------------------------------------------------------------------------------
// Running one runner (in this process)
// ------------------------------------------------------------------------------------------

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()
        .expect("a Tokio runtime")
}

/// Runs `runner` with `args.actors` actors until the deadline, sampling RSS; writes the CSV
/// and prints a `@summary` line for the parent.
fn run_memory(args: &Args, runner: RunnerKind) -> Result<Summary, Box<dyn Error>> {
    let sink = CountingSink::default();
    tracing::subscriber::set_global_default(sink.subscriber())?;
    let rt = runtime();
    let started = Instant::now();
    let job = Arc::new(Job {
        payload_bytes: args.payload_bytes(),
        deadline: started + Duration::from_secs_f64(args.seconds),
        cap_bytes: args.cap_mib * MIB,
        capped: AtomicBool::new(false),
        capped_at_ms: AtomicU64::new(0),
        started,
    });
    // The samples cover the retrying, up to the deadline or the cap; not the tear-down.
    let watched = Arc::clone(&job);
    let sampler = Sampler::start(Duration::from_millis(args.sample_ms), started, move || {
        watched.capped.load(Ordering::Relaxed) || Instant::now() >= watched.deadline
    });
    let before = errguard::stats::snapshot();
    rt.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..args.actors {
            let job = Arc::clone(&job);
            tasks.push(tokio::spawn(async move {
                match runner {
                    RunnerKind::Errguard => {
                        if let Err(failure) = errguard_actor(&job).await {
                            eprintln!("errguard actor failed: {failure}");
                        }
                    }
                    RunnerKind::NaiveHold => {
                        naive_hold(&job).await;
                    }
                    RunnerKind::NaiveHistory => {
                        naive_history(&job).await;
                    }
                    RunnerKind::Backon => {
                        if let Err(err) = backon_actor(&job).await {
                            eprintln!("backon actor failed: {err}");
                        }
                    }
                    RunnerKind::All | RunnerKind::LogBomb => unreachable!(),
                }
            }));
        }
        for task in tasks {
            task.await.expect("actor task");
        }
    });
    let samples = sampler.finish();
    drop(rt);
    let stats = errguard::stats::snapshot().since(&before);

    std::fs::create_dir_all(&args.out)?;
    let path = args.out.join(format!("{}.csv", runner.name()));
    std::fs::write(&path, to_csv(&samples))?;
    let capped_at = job
        .capped
        .load(Ordering::Relaxed)
        .then(|| job.capped_at_ms.load(Ordering::Relaxed));
    let summary = summarize(runner.name(), &samples, capped_at);
    let attempts = summary.attempts.max(1);
    println!(
        "@summary runner={} log_bytes={} log_bytes_per_attempt={} capped_at_ms={} errguard_oversize={} errguard_dropped={}",
        runner.name(),
        sink.bytes(),
        sink.bytes() / attempts,
        capped_at.map_or("-".to_owned(), |ms| ms.to_string()),
        stats.oversize,
        stats.errors_dropped,
    );
    println!("wrote {}", path.display());
    Ok(summary)
}

// ------------------------------------------------------------------------------------------
// The log bomb
// ------------------------------------------------------------------------------------------

/// The log-bomb cases: the same failing attempt, logged three ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogCase {
    /// errguard's own WARN event per failed attempt (a bounded report), plus its final ERROR.
    Errguard,
    /// A hand-written loop logging `tracing::warn!(error = ?err)` per failed attempt.
    NaiveDebug,
    /// backon with `notify` logging `?err` (as backon's docs do) and the final error logged too.
    BackonDebug,
}

impl LogCase {
    const ALL: [LogCase; 3] = [LogCase::Errguard, LogCase::NaiveDebug, LogCase::BackonDebug];

    fn id(self) -> &'static str {
        match self {
            LogCase::Errguard => "errguard",
            LogCase::NaiveDebug => "naive-debug",
            LogCase::BackonDebug => "backon-debug",
        }
    }

    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|case| case.id() == id)
    }

    fn label(self) -> &'static str {
        match self {
            LogCase::Errguard => "errguard: its WARN event per attempt (bounded report)",
            LogCase::NaiveDebug => "naive: `tracing::warn!(error = ?err)` per attempt",
            LogCase::BackonDebug => "backon: `notify` logging `?err`, final error logged",
        }
    }
}

/// Failed attempts per log-bomb case; read by [`log_bomb_policy`].
static LOG_ATTEMPTS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(4);

/// The log bomb's schedule: `--log-attempts` attempts, 1 ms apart.
fn log_bomb_policy() -> errguard::RetryPolicy {
    errguard::RetryPolicy::new()
        .max_retries(LOG_ATTEMPTS.load(Ordering::Relaxed).saturating_sub(1))
        .min_backoff(BACKOFF)
        .max_backoff(BACKOFF)
        .jitter(errguard::Jitter::None)
        .max_report_len(1024)
}

/// errguard in the log bomb: the real attribute, with a policy built at run time.
#[errguard::retryable_actor(policy = log_bomb_policy(), name = "log-bomb")]
async fn errguard_log_actor(payload_bytes: u64) -> Result<(), PayloadError> {
    let number = ATTEMPTS.fetch_add(1, Ordering::Relaxed) + 1;
    Err(PayloadError::with_payload(number, payload_bytes))
}

/// Runs one log-bomb case in this process under a counting subscriber, sampling RSS.
fn run_log_case(args: &Args, case: LogCase) -> LogBomb {
    let payload = args.log_payload_mib * MIB;
    let attempts = args.log_attempts.max(1);
    LOG_ATTEMPTS.store(attempts, Ordering::Relaxed);
    let sink = CountingSink::default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a Tokio runtime");
    let started = Instant::now();
    let sampler = Sampler::start(Duration::from_millis(5), started, || false);
    tracing::subscriber::with_default(sink.subscriber(), || {
        rt.block_on(async {
            match case {
                LogCase::Errguard => {
                    let _ = errguard_log_actor(payload).await;
                }
                LogCase::NaiveDebug => {
                    for _ in 0..attempts {
                        let number = ATTEMPTS.fetch_add(1, Ordering::Relaxed) + 1;
                        let err = PayloadError::with_payload(number, payload);
                        tracing::warn!(error = ?err, "attempt failed, retrying");
                        drop(err);
                        tokio::time::sleep(BACKOFF).await;
                    }
                }
                LogCase::BackonDebug => {
                    use backon::{ConstantBuilder, Retryable};
                    let backoff = ConstantBuilder::new()
                        .with_delay(BACKOFF)
                        .with_max_times(attempts as usize - 1);
                    let result = (|| async {
                        let number = ATTEMPTS.fetch_add(1, Ordering::Relaxed) + 1;
                        Err::<(), _>(PayloadError::with_payload(number, payload))
                    })
                    .retry(backoff)
                    .notify(|err: &PayloadError, _| {
                        tracing::warn!(error = ?err, "attempt failed, retrying");
                    })
                    .await;
                    if let Err(err) = result {
                        tracing::error!(error = ?err, "gave up");
                    }
                }
            }
        });
    });
    let samples = sampler.finish();
    let baseline = samples.first().map_or(0.0, |s| s.rss_mib);
    let peak = max_of(&samples.iter().map(|s| s.rss_mib).collect::<Vec<_>>());
    LogBomb {
        case: case.id().to_owned(),
        attempts: ATTEMPTS.load(Ordering::Relaxed),
        log_bytes: sink.bytes(),
        peak_over_baseline: peak - baseline,
    }
}

fn log_bomb_line(c: &LogBomb) -> String {
    format!(
        "@logbomb case={} attempts={} log_bytes={} peak_over_baseline_mib={:.1}",
        c.case, c.attempts, c.log_bytes, c.peak_over_baseline
    )
}

fn parse_log_bomb_line(line: &str) -> Option<LogBomb> {
    let rest = line.strip_prefix("@logbomb ")?;
    let field = |name: &str| {
        rest.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    };
    Some(LogBomb {
        case: field("case")?.to_owned(),
        attempts: field("attempts")?.parse().ok()?,
        log_bytes: field("log_bytes")?.parse().ok()?,
        peak_over_baseline: field("peak_over_baseline_mib")?.parse().ok()?,
    })
}

/// Every log-bomb case, each in a fresh child process (a clean RSS baseline and a clean
/// allocator: glibc keeps freed 8 MiB blocks in its heap once its mmap threshold has grown).
fn run_log_bomb(args: &Args) -> Result<Vec<LogBomb>, Box<dyn Error>> {
    let mut cases = Vec::new();
    for case in LogCase::ALL {
        let mut child_args = args.child_args(RunnerKind::LogBomb);
        child_args.extend(["--log-case".to_owned(), case.id().to_owned()]);
        let lines = run_child(&child_args, &format!("log bomb: {}", case.id()))?;
        cases.extend(lines.iter().filter_map(|l| parse_log_bomb_line(l)));
    }
    Ok(cases)
}

/// A field of a `@summary` line.
fn summary_field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    line.strip_prefix("@summary ")?
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

// ------------------------------------------------------------------------------------------
// The chart
// ------------------------------------------------------------------------------------------

fn draw_chart(
    path: &Path,
    series: &[(String, Vec<Sample>)],
    title: &str,
    bound: Option<f64>,
    notes: &[(f64, f64, String)],
) -> Result<(), Box<dyn Error>> {
    use plotters::prelude::*;
    use plotters::style::FontStyle;

    plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
        .map_err(|_| "the embedded DejaVu Sans font did not load")?;
    plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold())
        .map_err(|_| "the embedded DejaVu Sans Bold font did not load")?;

    let x_max = series
        .iter()
        .flat_map(|(_, s)| s.last())
        .map(|s| s.t_ms as f64 / 1000.0)
        .fold(1.0, f64::max);
    let y_max = series
        .iter()
        .flat_map(|(_, s)| s.iter().map(|s| s.rss_mib))
        .chain(bound)
        .fold(1.0, f64::max)
        * 1.08;

    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let root = BitMapBackend::new(path, (1200, 720)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 24).into_font().style(FontStyle::Bold))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)?;
    chart
        .configure_mesh()
        .x_desc("seconds")
        .y_desc("RSS (MiB)")
        .label_style(("sans-serif", 16))
        .x_label_formatter(&|x| {
            if x_max >= 10.0 {
                format!("{x:.0}")
            } else {
                format!("{x:.1}")
            }
        })
        .y_label_formatter(&|y| format!("{y:.0}"))
        .axis_desc_style(("sans-serif", 18))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;

    let colour_of = |name: &str| match name {
        "errguard" => RGBColor(0, 114, 178),     // blue
        "naive-hold" => RGBColor(230, 159, 0),   // orange
        "naive-history" => RGBColor(213, 94, 0), // vermilion
        "backon" => RGBColor(0, 158, 115),       // green
        _ => RGBColor(204, 121, 167),            // purple
    };
    // errguard last, so it is drawn on top of the lines it shares its band with.
    let mut order: Vec<&(String, Vec<Sample>)> = series.iter().collect();
    order.sort_by_key(|(name, _)| name == "errguard");
    for (name, samples) in order {
        let style = ShapeStyle::from(colour_of(name)).stroke_width(2);
        chart
            .draw_series(LineSeries::new(
                samples.iter().map(|s| (s.t_ms as f64 / 1000.0, s.rss_mib)),
                style,
            ))?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], style.stroke_width(4))
            });
    }
    for (x, y, text) in notes {
        chart.draw_series(std::iter::once(Text::new(
            text.clone(),
            (*x, *y),
            ("sans-serif", 16).into_font().color(&RGBColor(60, 60, 60)),
        )))?;
    }
    if let Some(bound) = bound {
        let grey = ShapeStyle::from(RGBColor(120, 120, 120)).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, bound), (x_max, bound)],
                8,
                6,
                grey,
            ))?
            .label("baseline + 1.1 × payload × actors")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], grey));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(("sans-serif", 16))
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(180, 180, 180))
        .draw()?;
    root.present()?;
    Ok(())
}

// ------------------------------------------------------------------------------------------
// `--runner all`: each runner in a fresh child process, then the tables, checks and chart
// ------------------------------------------------------------------------------------------

/// Runs this binary again with `child_args`; forwards its output and returns its `@` lines.
fn run_child(child_args: &[String], title: &str) -> Result<Vec<String>, Box<dyn Error>> {
    eprintln!("== {title} ==");
    let mut child = Command::new(std::env::current_exe()?)
        .args(child_args)
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().expect("piped stdout");
    let mut tagged = Vec::new();
    for line in io::BufReader::new(stdout).lines() {
        let line = line?;
        if line.starts_with('@') {
            tagged.push(line);
        } else {
            eprintln!("   {line}");
        }
    }
    let status = child.wait()?;
    if !status.success() {
        return Err(format!("the `{title}` run failed: {status}").into());
    }
    Ok(tagged)
}

fn run_all(args: &Args) -> Result<bool, Box<dyn Error>> {
    let mut summaries = Vec::new();
    let mut series = Vec::new();
    let mut log_lines = Vec::new();
    for runner in RunnerKind::MEMORY {
        let lines = run_child(&args.child_args(runner), runner.name())?;
        let summary_line = lines
            .iter()
            .find(|l| l.starts_with("@summary "))
            .ok_or("a child printed no @summary line")?;
        let capped = summary_field(summary_line, "capped_at_ms").and_then(|v| v.parse().ok());
        if let Some(per) = summary_field(summary_line, "log_bytes_per_attempt") {
            log_lines.push(format!("{}: {per} B of log per attempt", runner.name()));
        }
        if runner == RunnerKind::Errguard {
            let oversize = summary_field(summary_line, "errguard_oversize").unwrap_or("?");
            let dropped = summary_field(summary_line, "errguard_dropped").unwrap_or("?");
            log_lines.push(format!(
                "errguard: {dropped} errors dropped before the sleep, {oversize} reported as oversize"
            ));
        }
        let csv = std::fs::read_to_string(args.out.join(format!("{}.csv", runner.name())))?;
        let samples = parse_csv(&csv)?;
        summaries.push(summarize(runner.name(), &samples, capped));
        series.push((runner.name().to_owned(), samples));
    }
    let bombs = run_log_bomb(args)?;
    std::fs::write(
        args.out.join("log_bomb.csv"),
        log_bomb_csv(&bombs, args.log_payload_mib),
    )?;

    let bound = summaries
        .iter()
        .find(|s| s.runner == "errguard")
        .map(|s| s.baseline + 1.1 * args.payload_mib as f64 * args.actors as f64);
    let title = format!(
        "RSS of {} actors retried every 1 ms, each error holding {} MiB",
        args.actors, args.payload_mib
    );
    let notes: Vec<(f64, f64, String)> = summaries
        .iter()
        .zip(&series)
        .filter_map(|(summary, (_, samples))| {
            let last = samples.last()?;
            summary.capped_at.map(|_| {
                (
                    last.t_ms as f64 / 1000.0 + 0.2,
                    last.rss_mib,
                    format!(
                        "{}: stopped at the {} MiB cap",
                        summary.runner, args.cap_mib
                    ),
                )
            })
        })
        .collect();
    draw_chart(&args.chart, &series, &title, bound, &notes)?;

    println!();
    println!(
        "## Memory: {} actors, {} MiB payload, 1 ms backoff, {} s, sampled every {} ms\n",
        args.actors, args.payload_mib, args.seconds, args.sample_ms
    );
    print!(
        "{}",
        markdown_table(&summaries, args.payload_mib, args.actors)
    );
    println!();
    for line in &log_lines {
        println!("- {line}");
    }
    println!("\n## Log bomb\n");
    print!("{}", log_bomb_table(&bombs, args.log_payload_mib));
    println!("\n## Checks\n");
    let mut all_pass = true;
    if let Some(errguard) = summaries.iter().find(|s| s.runner == "errguard") {
        for (what, pass) in checks(errguard, args.payload_mib, args.actors) {
            all_pass &= pass;
            println!("{} errguard {what}", if pass { "PASS" } else { "FAIL" });
        }
    }
    for s in &summaries {
        if s.runner != "errguard" {
            println!(
                "info {}: peak {:.0} MiB = baseline + {:.2} payloads per actor{}",
                s.runner,
                s.max,
                (s.max - s.baseline) / (args.payload_mib as f64 * args.actors as f64),
                s.capped_at
                    .map(|at| format!(", stopped at the {} MiB cap after {at:.1} s", args.cap_mib))
                    .unwrap_or_default()
            );
        }
    }
    println!(
        "\nwrote {} and the CSV files in {}",
        args.chart.display(),
        args.out.display()
    );
    Ok(all_pass)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    if args.payload_mib == 0 || args.actors == 0 || args.seconds <= 0.0 {
        return Err("--payload-mib, --actors and --seconds must be greater than zero".into());
    }
    match args.runner {
        RunnerKind::All => {
            if !run_all(&args)? {
                std::process::exit(1);
            }
        }
        RunnerKind::LogBomb if args.log_case.is_some() => {
            let case = run_log_case(&args, args.log_case.expect("checked"));
            println!("{}", log_bomb_line(&case));
        }
        RunnerKind::LogBomb => {
            let cases = run_log_bomb(&args)?;
            print!("{}", log_bomb_table(&cases, args.log_payload_mib));
        }
        runner => {
            let summary = run_memory(&args, runner)?;
            print!(
                "{}",
                markdown_table(
                    std::slice::from_ref(&summary),
                    args.payload_mib,
                    args.actors
                )
            );
            if runner == RunnerKind::Errguard {
                for (what, pass) in checks(&summary, args.payload_mib, args.actors) {
                    println!("{} errguard {what}", if pass { "PASS" } else { "FAIL" });
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(points: &[(u64, f64)]) -> Vec<Sample> {
        points
            .iter()
            .enumerate()
            .map(|(i, &(t_ms, rss_mib))| Sample {
                t_ms,
                rss_mib,
                attempts: i as u64,
            })
            .collect()
    }

    #[test]
    fn min_max_mean() {
        let v = [3.0, 1.0, 2.0];
        assert_eq!(min_of(&v), 1.0);
        assert_eq!(max_of(&v), 3.0);
        assert_eq!(mean_of(&v), 2.0);
        assert!(mean_of(&[]).is_nan());
    }

    #[test]
    fn growth_of_a_flat_sawtooth_is_zero_and_of_a_ramp_is_its_rise() {
        // 30 s at 50 ms: a sawtooth between 10 and 138 MiB has no growth.
        let flat: Vec<(u64, f64)> = (0..=600)
            .map(|i| (i * 50, 10.0 + ((i % 4) as f64) * 32.0))
            .collect();
        assert!(growth(&samples(&flat)).abs() < 1.0);
        // A ramp of 1 MiB/s: the late quarter's mean minus the early quarter's is 18.75 MiB
        // (warm-up 5 s, quarters of 6.25 s, centres 18.75 s apart).
        let ramp: Vec<(u64, f64)> = (0..=600)
            .map(|i| (i * 50, 100.0 + (i * 50) as f64 / 1000.0))
            .collect();
        let g = growth(&samples(&ramp));
        assert!((g - 18.75).abs() < 0.2, "{g}");
    }

    #[test]
    fn growth_of_a_short_run_uses_fractions() {
        let ramp: Vec<(u64, f64)> = (0..=20).map(|i| (i * 50, i as f64)).collect();
        assert!(growth(&samples(&ramp)) > 0.0);
        assert_eq!(growth(&samples(&[(0, 5.0)])), 0.0);
        assert_eq!(growth(&[]), 0.0);
    }

    #[test]
    fn summary_figures() {
        let s = summarize(
            "x",
            &samples(&[(0, 10.0), (1000, 30.0), (2000, 20.0)]),
            Some(1500),
        );
        assert_eq!(s.baseline, 10.0);
        assert_eq!((s.min, s.max, s.mean), (10.0, 30.0, 20.0));
        assert_eq!(s.attempts, 2);
        assert_eq!(s.attempts_per_s, 1.0);
        assert_eq!(s.seconds, 2.0);
        assert_eq!(s.capped_at, Some(1.5));
        assert_eq!(s.floor, 20.0);
    }

    #[test]
    fn csv_round_trips_and_rejects_garbage() {
        let s = samples(&[(0, 5.5), (50, 133.5)]);
        let text = to_csv(&s);
        assert!(text.starts_with("t_ms,rss_mib,attempts\n0,5.5,0\n"));
        assert_eq!(parse_csv(&text).unwrap(), s);
        assert!(parse_csv("a,b\n1,2").is_err());
        assert!(parse_csv("t_ms,rss_mib,attempts\n1,x,2").is_err());
        assert!(parse_csv("t_ms,rss_mib,attempts\n1,2").is_err());
    }

    #[test]
    fn statm_resident_field() {
        assert_eq!(resident_pages("1000 250 30 1 0 400 0\n"), Some(250));
        assert_eq!(resident_pages("1000"), None);
        assert!(rss_bytes() > 0);
        let mut auxv = Vec::new();
        for (k, v) in [(3_u64, 64_u64), (6, 16384), (0, 0)] {
            auxv.extend_from_slice(&k.to_ne_bytes());
            auxv.extend_from_slice(&v.to_ne_bytes());
        }
        assert_eq!(page_size_from_auxv(&auxv), Some(16384));
        assert_eq!(page_size_from_auxv(&auxv[..16]), None);
        assert!(page_size().is_power_of_two());
    }

    #[test]
    fn table_has_a_column_per_runner() {
        let a = summarize("errguard", &samples(&[(0, 10.0), (1000, 138.0)]), None);
        let b = summarize(
            "naive-history",
            &samples(&[(0, 10.0), (1000, 900.0)]),
            Some(900),
        );
        let table = markdown_table(&[a, b], 128, 1);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "| | errguard | naive-history |");
        assert_eq!(lines[1], "|---|---:|---:|");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("| max (MiB) | 138 | 900 |"))
        );
        assert!(table.contains("0.9 (stopped at the cap)"));
        assert!(lines.iter().all(|l| l.matches('|').count() == 4));
    }

    #[test]
    fn checks_pass_and_fail() {
        let ok = summarize("errguard", &samples(&[(0, 10.0), (1000, 500.0)]), None);
        assert!(checks(&ok, 128, 4).iter().all(|(_, pass)| *pass));
        let high = summarize("errguard", &samples(&[(0, 10.0), (1000, 600.0)]), None);
        assert!(!checks(&high, 128, 4)[0].1);
    }

    #[test]
    fn log_bomb_lines_round_trip() {
        let c = LogBomb {
            case: "naive-debug".to_owned(),
            attempts: 4,
            log_bytes: 100,
            peak_over_baseline: 42.0,
        };
        assert_eq!(parse_log_bomb_line(&log_bomb_line(&c)).as_ref(), Some(&c));
        assert_eq!(parse_log_bomb_line("@summary x=1"), None);
        assert!(
            log_bomb_csv(std::slice::from_ref(&c), 8).ends_with("\nnaive-debug,8,4,100,25,42.0\n")
        );
        let table = log_bomb_table(std::slice::from_ref(&c), 8);
        assert!(
            table.contains(
                "| naive: `tracing::warn!(error = ?err)` per attempt | 4 | 100 | 25 | 42 |"
            ),
            "{table}"
        );
        for case in LogCase::ALL {
            assert_eq!(LogCase::from_id(case.id()), Some(case));
        }
        assert_eq!(
            summary_field("@summary runner=x capped_at_ms=-", "capped_at_ms"),
            Some("-")
        );
    }

    #[test]
    fn counting_sink_counts() {
        let sink = CountingSink::default();
        tracing::subscriber::with_default(sink.subscriber(), || {
            tracing::warn!(n = 1, "hello");
        });
        assert!(sink.bytes() > "hello".len() as u64);
    }

    #[test]
    fn errguard_actor_drops_every_error() {
        // A tiny run of the real attribute: it ends at the deadline with success.
        let job = Job {
            payload_bytes: 1024,
            deadline: Instant::now() + Duration::from_millis(30),
            cap_bytes: u64::MAX,
            capped: AtomicBool::new(false),
            capped_at_ms: AtomicU64::new(0),
            started: Instant::now(),
        };
        let rt = runtime();
        assert!(rt.block_on(errguard_actor(&job)).is_ok());
    }

    #[test]
    fn the_chart_draws() {
        let dir = std::env::temp_dir().join(format!("memory-profile-{}", std::process::id()));
        let path = dir.join("chart.png");
        let series = vec![
            (
                "errguard".to_owned(),
                samples(&[(0, 10.0), (500, 130.0), (1000, 12.0)]),
            ),
            (
                "naive-history".to_owned(),
                samples(&[(0, 10.0), (1000, 900.0)]),
            ),
        ];
        draw_chart(
            &path,
            &series,
            "test",
            Some(150.0),
            &[(0.5, 900.0, "a note".into())],
        )
        .unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 1000);
        let _ = std::fs::remove_dir_all(dir);
    }
}
