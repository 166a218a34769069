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
//! then the log-bomb case, then prints the tables and checks, draws the chart and writes the
//! tables to `summary.md`. Each runner writes `t_ms,rss_mib,attempts,heap_mib` to `--out`
//! (default `docs/memory_profile/`).
//!
//! Besides the sampled RSS, each run records two exact figures the 50 ms samples can miss: the
//! kernel's peak RSS (`VmHWM` in `/proc/self/status`) and, from a counting global allocator, the
//! peak of live heap bytes and of payload-sized blocks alive at once.

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
// Allocator: glibc's mmap threshold pinned, and every allocation counted
// ------------------------------------------------------------------------------------------

/// glibc's initial mmap threshold. Pinning it there stops glibc from raising it.
const MMAP_THRESHOLD: i32 = 128 * 1024;

/// Pins glibc's mmap threshold so RSS tracks live memory at every payload size.
///
/// glibc serves a block above the threshold with its own `mmap` and unmaps it on `free`. But
/// after such a block is freed it raises the threshold to the block's size (up to 32 MiB), so
/// later payloads under 32 MiB come from the heap and stay resident after `free`: RSS then
/// shows two payloads where one is alive. Setting the threshold explicitly turns that off.
/// Returns whether glibc accepted it (false on other C libraries).
fn pin_mmap_threshold() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::ffi::c_int;
        const M_MMAP_THRESHOLD: c_int = -3;
        unsafe extern "C" {
            fn mallopt(param: c_int, value: c_int) -> c_int;
        }
        // SAFETY: `mallopt` takes no pointers and only sets an allocator parameter under
        // glibc's own lock; it is called before any other thread of ours exists.
        unsafe { mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

/// The system allocator, counting live bytes and live payload-sized blocks, so a run has an
/// exact heap peak whatever the allocator does with freed memory and whenever the sampler runs.
struct CountingAlloc;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

static HEAP_LIVE: AtomicU64 = AtomicU64::new(0);
static HEAP_PEAK: AtomicU64 = AtomicU64::new(0);
/// Blocks of at least this many bytes count as payloads (none until a run sets it).
static PAYLOAD_MIN: AtomicU64 = AtomicU64::new(u64::MAX);
static PAYLOADS_LIVE: AtomicU64 = AtomicU64::new(0);
static PAYLOADS_PEAK: AtomicU64 = AtomicU64::new(0);
/// Live bytes in blocks smaller than a payload: reports, tasks, buffers.
static OTHER_LIVE: AtomicU64 = AtomicU64::new(0);
static OTHER_PEAK: AtomicU64 = AtomicU64::new(0);

fn on_alloc(size: usize) {
    let size = size as u64;
    let live = HEAP_LIVE.fetch_add(size, Ordering::Relaxed) + size;
    HEAP_PEAK.fetch_max(live, Ordering::Relaxed);
    if size >= PAYLOAD_MIN.load(Ordering::Relaxed) {
        let alive = PAYLOADS_LIVE.fetch_add(1, Ordering::Relaxed) + 1;
        PAYLOADS_PEAK.fetch_max(alive, Ordering::Relaxed);
    } else {
        let other = OTHER_LIVE.fetch_add(size, Ordering::Relaxed) + size;
        OTHER_PEAK.fetch_max(other, Ordering::Relaxed);
    }
}

fn on_dealloc(size: usize) {
    let size = size as u64;
    HEAP_LIVE.fetch_sub(size, Ordering::Relaxed);
    if size >= PAYLOAD_MIN.load(Ordering::Relaxed) {
        PAYLOADS_LIVE.fetch_sub(1, Ordering::Relaxed);
    } else {
        OTHER_LIVE.fetch_sub(size, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// bookkeeping is plain atomics and never allocates.
unsafe impl std::alloc::GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let ptr = unsafe { std::alloc::System.alloc(layout) };
        if !ptr.is_null() {
            on_alloc(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: forwarded contract.
        unsafe { std::alloc::System.dealloc(ptr, layout) };
        on_dealloc(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let new = unsafe { std::alloc::System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            on_dealloc(layout.size());
            on_alloc(new_size);
        }
        new
    }
}

/// Starts a measurement: blocks of `payload_bytes` or more count as payloads from now on, and
/// the peaks restart from the current values. Call it while no block of that size is alive.
/// Returns the live heap bytes at this point.
fn start_heap_measurement(payload_bytes: u64) -> u64 {
    PAYLOAD_MIN.store(payload_bytes, Ordering::Relaxed);
    PAYLOADS_PEAK.store(PAYLOADS_LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    let live = HEAP_LIVE.load(Ordering::Relaxed);
    HEAP_PEAK.store(live, Ordering::Relaxed);
    OTHER_LIVE.store(live, Ordering::Relaxed);
    OTHER_PEAK.store(live, Ordering::Relaxed);
    live
}

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
    /// Leave glibc's mmap threshold dynamic (its default) instead of pinning it, to see how RSS
    /// then keeps freed payloads under 32 MiB.
    #[arg(long)]
    dynamic_mmap_threshold: bool,
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
        let mut args: Vec<String> = vec![
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
        ];
        if self.dynamic_mmap_threshold {
            args.push("--dynamic-mmap-threshold".into());
        }
        args
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
        Self::fill(attempt, allocate(bytes))
    }

    /// Writes every byte of an allocated, empty payload.
    fn fill(attempt: u64, mut payload: Vec<u8>) -> Self {
        payload.resize(payload.capacity(), 0xA5);
        Self { attempt, payload }
    }
}

/// An empty `Vec` with room for exactly `bytes`; its pages are not touched yet.
fn allocate(bytes: u64) -> Vec<u8> {
    Vec::with_capacity(usize::try_from(bytes).expect("payload fits in memory"))
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
    /// Held while an actor checks the cap and allocates its payload, so actors running at once
    /// cannot all pass the check and overshoot the cap together.
    cap_lock: std::sync::Mutex<()>,
}

impl Job {
    fn new(payload_bytes: u64, seconds: f64, cap_bytes: u64) -> Self {
        let started = Instant::now();
        Self {
            payload_bytes,
            deadline: started + Duration::from_secs_f64(seconds),
            cap_bytes,
            capped: AtomicBool::new(false),
            capped_at_ms: AtomicU64::new(0),
            started,
            cap_lock: std::sync::Mutex::new(()),
        }
    }

    /// The next attempt's payload, allocated but not written; `None` when the run is over: past
    /// the deadline, or one more payload would take RSS or the live heap past the cap. (The heap
    /// counts a payload as soon as it is allocated; RSS only once it is written.)
    fn next_payload(&self) -> Option<Vec<u8>> {
        if self.capped.load(Ordering::Relaxed) || Instant::now() >= self.deadline {
            return None;
        }
        let _guard = self.cap_lock.lock().unwrap_or_else(|e| e.into_inner());
        let used = rss_bytes().max(HEAP_LIVE.load(Ordering::Relaxed));
        if used + self.payload_bytes > self.cap_bytes {
            if !self.capped.swap(true, Ordering::Relaxed) {
                let ms = self.started.elapsed().as_millis() as u64;
                self.capped_at_ms.store(ms, Ordering::Relaxed);
            }
            return None;
        }
        Some(allocate(self.payload_bytes))
    }
}

/// One attempt of the actor: succeeds once the run is over, else builds the payload and fails
/// with an error holding it. Writing the payload blocks the worker thread (100–200 ms for
/// 128 MiB on a busy 2-core machine), which is why the runtime has one worker thread per actor.
async fn attempt(job: &Job) -> Result<(), PayloadError> {
    let Some(payload) = job.next_payload() else {
        return Ok(());
    };
    let number = ATTEMPTS.fetch_add(1, Ordering::Relaxed) + 1;
    Err(PayloadError::fill(number, payload))
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

/// The kernel's peak RSS of this process (`VmHWM` in `/proc/self/status`), in bytes. The kernel
/// records its high-water mark whenever memory is unmapped (every freed payload) and when the
/// file is read, so it catches the peaks that samples taken every 50 ms miss.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    vm_hwm_kib(&status).map(|kib| kib * 1024)
}

/// The `VmHWM:` line of a `/proc/<pid>/status` text, in KiB.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kib = line.trim().strip_suffix("kB")?;
    kib.trim().parse().ok()
}

/// One sample of the process.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    t_ms: u64,
    rss_mib: f64,
    attempts: u64,
    /// Live heap bytes (the counting allocator), MiB.
    heap_mib: f64,
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
            heap_mib: HEAP_LIVE.load(Ordering::Relaxed) as f64 / MIB as f64,
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

/// The peaks of one run that do not depend on when the sampler ran. Sizes in MiB.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Peaks {
    /// The kernel's peak RSS (`VmHWM`); `None` where `/proc/self/status` has no such line.
    rss_hwm: Option<f64>,
    /// Live heap bytes when the run started (the counting allocator).
    heap_baseline: f64,
    /// The highest live heap bytes during the run.
    heap_peak: f64,
    /// The highest live heap bytes outside payload-sized blocks.
    other_peak: f64,
    /// The most payload-sized blocks alive at once.
    payloads: u64,
}

impl Peaks {
    /// The `key=value` fields of a `@summary` line.
    fn to_fields(self) -> String {
        format!(
            "rss_hwm_mib={} heap_baseline_mib={:.3} heap_peak_mib={:.3} other_peak_mib={:.3} payloads_peak={}",
            self.rss_hwm
                .map_or_else(|| "-".to_owned(), |v| format!("{v:.3}")),
            self.heap_baseline,
            self.heap_peak,
            self.other_peak,
            self.payloads
        )
    }

    fn from_summary_line(line: &str) -> Result<Self, String> {
        let field = |name: &str| {
            summary_field(line, name).ok_or_else(|| format!("no `{name}` in {line:?}"))
        };
        let number = |name: &str| -> Result<f64, String> {
            field(name)?
                .parse()
                .map_err(|_| format!("`{name}` is not a number in {line:?}"))
        };
        Ok(Self {
            rss_hwm: match field("rss_hwm_mib")? {
                "-" => None,
                _ => Some(number("rss_hwm_mib")?),
            },
            heap_baseline: number("heap_baseline_mib")?,
            heap_peak: number("heap_peak_mib")?,
            other_peak: number("other_peak_mib")?,
            payloads: field("payloads_peak")?
                .parse()
                .map_err(|_| format!("`payloads_peak` is not a count in {line:?}"))?,
        })
    }
}

/// The incident's figures for one runner. All sizes in MiB.
#[derive(Debug, Clone, PartialEq)]
struct Summary {
    runner: String,
    /// RSS before any actor started (the first sample).
    baseline: f64,
    min: f64,
    /// The highest sampled RSS.
    max: f64,
    mean: f64,
    /// When the window of `floor` and `growth` starts, in seconds (see [`warm_up_ms`]).
    warm_up: f64,
    /// The lowest RSS after the warm-up: what stays alive between attempts.
    floor: f64,
    /// How much the running level rose from the warm-up to the end (see [`growth`]).
    growth: f64,
    attempts: u64,
    attempts_per_s: f64,
    /// How long the run lasted, in seconds.
    seconds: f64,
    /// When the RSS cap stopped it, in seconds.
    capped_at: Option<f64>,
    peaks: Peaks,
}

impl Summary {
    /// The peak RSS: the higher of `VmHWM` and the highest sample (both come from the kernel's
    /// approximate per-CPU counters, so `VmHWM` can sit a little below a sample).
    fn peak_rss(&self) -> f64 {
        self.peaks.rss_hwm.unwrap_or(self.max).max(self.max)
    }
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

/// The end of the warm-up: second 5, or the first fifth of a run shorter than 25 s.
fn warm_up_ms(samples: &[Sample]) -> u64 {
    let end = samples.last().map_or(0, |s| s.t_ms);
    if end >= 25_000 { 5_000 } else { end / 5 }
}

/// Growth of the memory level that stays, in MiB: the mean RSS of the last quarter of the run
/// minus the mean RSS of the first quarter after the warm-up.
///
/// RSS rises and falls by whole payloads while attempts build them, so one sample against
/// another measures the phase of the actors, not what accumulates; means over windows of many
/// attempts do not.
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

fn summarize(runner: &str, samples: &[Sample], capped_at_ms: Option<u64>, peaks: Peaks) -> Summary {
    let rss: Vec<f64> = samples.iter().map(|s| s.rss_mib).collect();
    let first = samples.first().copied().unwrap_or(Sample {
        t_ms: 0,
        rss_mib: 0.0,
        attempts: 0,
        heap_mib: 0.0,
    });
    let last = samples.last().copied().unwrap_or(first);
    let seconds = last.t_ms as f64 / 1000.0;
    let warm = warm_up_ms(samples);
    Summary {
        runner: runner.to_owned(),
        baseline: first.rss_mib,
        min: min_of(&rss),
        max: max_of(&rss),
        mean: mean_of(&rss),
        warm_up: warm as f64 / 1000.0,
        floor: min_of(&window(samples, warm, u64::MAX)),
        growth: growth(samples),
        attempts: last.attempts,
        attempts_per_s: if seconds > 0.0 {
            last.attempts as f64 / seconds
        } else {
            0.0
        },
        seconds,
        capped_at: capped_at_ms.map(|ms| ms as f64 / 1000.0),
        peaks,
    }
}

const CSV_HEADER: &str = "t_ms,rss_mib,attempts,heap_mib";

fn to_csv(samples: &[Sample]) -> String {
    let mut text = String::from(CSV_HEADER);
    text.push('\n');
    for s in samples {
        let _ = writeln!(
            text,
            "{},{:.1},{},{:.1}",
            s.t_ms, s.rss_mib, s.attempts, s.heap_mib
        );
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
            let bad = || format!("line {}: expected {CSV_HEADER}: {line:?}", i + 2);
            if fields.len() != 4 {
                return Err(bad());
            }
            Ok(Sample {
                t_ms: fields[0].trim().parse().map_err(|_| bad())?,
                rss_mib: fields[1].trim().parse().map_err(|_| bad())?,
                attempts: fields[2].trim().parse().map_err(|_| bad())?,
                heap_mib: fields[3].trim().parse().map_err(|_| bad())?,
            })
        })
        .collect()
}

/// The incident's table, one column per runner (a markdown table).
fn markdown_table(summaries: &[Summary], payload_mib: u64, actors: usize) -> String {
    let mut rows: Vec<(String, Vec<String>)> = [
        "baseline (MiB)",
        "min (MiB)",
        "max, sampled every 50 ms (MiB)",
        "peak RSS, VmHWM (MiB)",
        "mean (MiB)",
        "floor after second 5 (MiB)",
        "peak RSS − baseline, in payloads per actor",
        "live heap: peak − start (MiB)",
        "payloads alive at once, at most",
        "rest of the heap: peak − start (KiB)",
        "growth, second 5 → end (MiB)",
        "attempts",
        "attempts/s",
        "ran (s)",
    ]
    .into_iter()
    .map(|label| (label.to_owned(), Vec::new()))
    .collect();
    let per_actor = (payload_mib as f64) * actors.max(1) as f64;
    for s in summaries {
        let ran = match s.capped_at {
            Some(at) => format!("{:.1} (stopped at the cap)", at),
            None => format!("{:.1}", s.seconds),
        };
        // A run shorter than 25 s has no "second 5 to the end" worth the name: say which
        // window the figure covers instead.
        let over = if s.seconds < 25.0 {
            format!(" (over {:.1}–{:.1} s)", s.warm_up, s.seconds)
        } else {
            String::new()
        };
        let cells = [
            format!("{:.0}", s.baseline),
            format!("{:.0}", s.min),
            format!("{:.0}", s.max),
            s.peaks
                .rss_hwm
                .map_or_else(|| "n/a".to_owned(), |v| format!("{v:.0}")),
            format!("{:.0}", s.mean),
            format!("{:.0}{over}", s.floor),
            format!("{:.2}", (s.peak_rss() - s.baseline) / per_actor),
            format!("{:.0}", s.peaks.heap_peak - s.peaks.heap_baseline),
            s.peaks.payloads.to_string(),
            format!(
                "{:.0}",
                (s.peaks.other_peak - s.peaks.heap_baseline) * 1024.0
            ),
            format!("{:+.1}{over}", s.growth),
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

/// The payloads errguard's peak may add to the baseline, as the issue sets it: 1.1 for one
/// actor (one payload plus 10 % for everything else), `actors` for more (one each).
fn payload_allowance(actors: usize) -> f64 {
    if actors == 1 { 1.1 } else { actors as f64 }
}

/// What errguard may hold on the heap besides the payloads, in MiB: its bounded reports, the
/// tasks, tracing's buffers. A runner that kept formatted or copied errors would go over it.
const OTHER_HEAP_LIMIT_MIB: f64 = 1.0;

/// How [`payload_allowance`] reads in a check and on the chart.
fn allowance_text(payload_mib: u64, actors: usize) -> String {
    if actors == 1 {
        format!("1.1 x {payload_mib} MiB")
    } else {
        format!("{actors} x {payload_mib} MiB")
    }
}

/// errguard's checks: its peak RSS (sampled and `VmHWM`) stays within the baseline plus
/// [`payload_allowance`] payloads; on the heap, no more than one payload per actor is ever
/// alive and everything else stays within [`OTHER_HEAP_LIMIT_MIB`] of the start; with one
/// actor, its growth after second 5 is under 5 % of one payload.
fn checks(s: &Summary, payload_mib: u64, actors: usize) -> Vec<(String, bool)> {
    let allowed = payload_allowance(actors) * payload_mib as f64;
    let allowance = allowance_text(payload_mib, actors);
    let limit = s.baseline + allowed;
    let flat_limit = 0.05 * payload_mib as f64;
    let mut out = vec![(
        format!(
            "sampled peak RSS {:.1} MiB <= baseline {:.1} + {allowance} = {limit:.1} MiB",
            s.max, s.baseline
        ),
        s.max <= limit,
    )];
    if let Some(hwm) = s.peaks.rss_hwm {
        out.push((
            format!(
                "peak RSS (VmHWM) {hwm:.1} MiB <= baseline {:.1} + {allowance} = {limit:.1} MiB",
                s.baseline
            ),
            hwm <= limit,
        ));
    }
    out.push((
        format!(
            "payloads alive at once {} <= {actors} (one per actor)",
            s.peaks.payloads
        ),
        s.peaks.payloads <= actors as u64,
    ));
    let other = s.peaks.other_peak - s.peaks.heap_baseline;
    out.push((
        format!(
            "rest of the heap at its peak: start + {:.0} KiB <= start + {OTHER_HEAP_LIMIT_MIB} MiB",
            other * 1024.0
        ),
        other <= OTHER_HEAP_LIMIT_MIB,
    ));
    // The issue asks for flatness of one actor. With several actors the window means wander
    // with the actors' phases by about as much as 5 % of a payload, so there the heap checks
    // above (no payload kept, nothing else growing) are the test of what accumulates.
    if actors == 1 {
        out.push((
            format!(
                "growth {:+.1} MiB < 5 % of the payload = {flat_limit:.1} MiB",
                s.growth
            ),
            s.growth < flat_limit,
        ));
    }
    out
}

/// errguard's checks as `PASS …`/`FAIL …` lines, and whether all passed.
fn check_report(s: &Summary, payload_mib: u64, actors: usize) -> (String, bool) {
    let mut text = String::new();
    let mut all_pass = true;
    for (what, pass) in checks(s, payload_mib, actors) {
        all_pass &= pass;
        let _ = writeln!(
            text,
            "{} errguard {what}",
            if pass { "PASS" } else { "FAIL" }
        );
    }
    if actors > 1 {
        let _ = writeln!(
            text,
            "info errguard growth {:+.1} MiB (a check with one actor only)",
            s.growth
        );
    }
    (text, all_pass)
}

/// `n` and `noun`, plural unless `n` is 1.
fn count(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// What a runner other than errguard peaked at, for the record next to the checks.
fn info_line(s: &Summary, payload_mib: u64, actors: usize, cap_mib: u64) -> String {
    format!(
        "info {}: peak RSS (VmHWM) {:.0} MiB = baseline + {:.2} payloads per actor; at most {} alive at once{}",
        s.runner,
        s.peak_rss(),
        (s.peak_rss() - s.baseline) / (payload_mib as f64 * actors as f64),
        count(s.peaks.payloads, "payload"),
        s.capped_at
            .map(|at| format!("; stopped at the {cap_mib} MiB cap after {at:.1} s"))
            .unwrap_or_default()
    )
}

/// One log-bomb case.
#[derive(Debug, Clone, PartialEq)]
struct LogBomb {
    case: String,
    attempts: u64,
    log_bytes: u64,
    /// Peak RSS over the case's baseline, MiB.
    peak_over_baseline: f64,
    /// Peak live heap over its start (the counting allocator), MiB.
    heap_over_start: f64,
}

const LOG_BOMB_HEADER: &str = "case,payload_mib,failed_attempts,log_bytes,log_bytes_per_attempt,peak_rss_over_baseline_mib,peak_heap_over_start_mib";

fn log_bomb_csv(cases: &[LogBomb], payload_mib: u64) -> String {
    let mut text = format!("{LOG_BOMB_HEADER}\n");
    for c in cases {
        let _ = writeln!(
            text,
            "{},{},{},{},{},{:.1},{:.1}",
            c.case,
            payload_mib,
            c.attempts,
            c.log_bytes,
            c.log_bytes / c.attempts.max(1),
            c.peak_over_baseline,
            c.heap_over_start
        );
    }
    text
}

fn log_bomb_table(cases: &[LogBomb], payload_mib: u64) -> String {
    let mut text = format!(
        "| {payload_mib} MiB payload | failed attempts | log bytes | log bytes per attempt | peak RSS over baseline (MiB) | peak live heap over start (MiB) |\n|---|---:|---:|---:|---:|---:|\n"
    );
    for c in cases {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {:.0} | {:.0} |",
            LogCase::from_id(&c.case).map_or(c.case.as_str(), |case| case.label()),
            c.attempts,
            c.log_bytes,
            c.log_bytes / c.attempts.max(1),
            c.peak_over_baseline,
            c.heap_over_start
        );
    }
    text
}

// ------------------------------------------------------------------------------------------
// Running one runner (in this process)
// ------------------------------------------------------------------------------------------

/// A multi-thread runtime with one worker thread per actor. Writing a payload blocks the
/// thread that runs the attempt, so with fewer workers than actors (Tokio's default is one per
/// core) the actors would take turns and fewer payloads than actors could be alive at once.
fn runtime(actors: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(actors)
        .enable_time()
        .build()
        .expect("a Tokio runtime")
}

/// Runs `runner` with `args.actors` actors until the deadline, sampling RSS; writes the CSV
/// and prints a `@summary` line for the parent.
fn run_memory(args: &Args, runner: RunnerKind) -> Result<Summary, Box<dyn Error>> {
    let sink = CountingSink::default();
    tracing::subscriber::set_global_default(sink.subscriber())?;
    let rt = runtime(args.actors);
    let job = Arc::new(Job::new(
        args.payload_bytes(),
        args.seconds,
        args.cap_mib * MIB,
    ));
    let heap_start = start_heap_measurement(args.payload_bytes());
    // The samples cover the retrying, up to the deadline or the cap; not the tear-down.
    let watched = Arc::clone(&job);
    let sampler = Sampler::start(
        Duration::from_millis(args.sample_ms),
        job.started,
        move || watched.capped.load(Ordering::Relaxed) || Instant::now() >= watched.deadline,
    );
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
    // Read before the tear-down; the attempts running at the deadline are in these peaks.
    let peaks = Peaks {
        rss_hwm: peak_rss_bytes().map(|b| b as f64 / MIB as f64),
        heap_baseline: heap_start as f64 / MIB as f64,
        heap_peak: HEAP_PEAK.load(Ordering::Relaxed) as f64 / MIB as f64,
        other_peak: OTHER_PEAK.load(Ordering::Relaxed) as f64 / MIB as f64,
        payloads: PAYLOADS_PEAK.load(Ordering::Relaxed),
    };
    drop(rt);
    let stats = errguard::stats::snapshot().since(&before);

    std::fs::create_dir_all(&args.out)?;
    let path = args.out.join(format!("{}.csv", runner.name()));
    std::fs::write(&path, to_csv(&samples))?;
    let capped_at = job
        .capped
        .load(Ordering::Relaxed)
        .then(|| job.capped_at_ms.load(Ordering::Relaxed));
    let summary = summarize(runner.name(), &samples, capped_at, peaks);
    let attempts = summary.attempts.max(1);
    println!(
        "@summary runner={} log_bytes={} log_bytes_per_attempt={} capped_at_ms={} errguard_oversize={} errguard_dropped={} {}",
        runner.name(),
        sink.bytes(),
        sink.bytes() / attempts,
        capped_at.map_or("-".to_owned(), |ms| ms.to_string()),
        stats.oversize,
        stats.errors_dropped,
        peaks.to_fields(),
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
    let heap_start = start_heap_measurement(u64::MAX);
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
        heap_over_start: (HEAP_PEAK.load(Ordering::Relaxed) - heap_start) as f64 / MIB as f64,
    }
}

fn log_bomb_line(c: &LogBomb) -> String {
    format!(
        "@logbomb case={} attempts={} log_bytes={} peak_over_baseline_mib={:.1} heap_over_start_mib={:.1}",
        c.case, c.attempts, c.log_bytes, c.peak_over_baseline, c.heap_over_start
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
        heap_over_start: field("heap_over_start_mib")?.parse().ok()?,
    })
}

/// Every log-bomb case, each in a fresh child process (a clean RSS baseline and a fresh
/// allocator).
fn run_log_bomb(args: &Args) -> Result<Vec<LogBomb>, Box<dyn Error>> {
    let mut cases = Vec::new();
    for case in LogCase::ALL {
        let mut child_args = args.child_args(RunnerKind::LogBomb);
        child_args.extend(["--log-case".to_owned(), case.id().to_owned()]);
        let lines = run_child(&child_args, &format!("log bomb: {}", case.id()), false)?;
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
    bound: Option<(f64, String)>,
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
        .chain(bound.as_ref().map(|(y, _)| *y))
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
    if let Some((bound, label)) = bound {
        let grey = ShapeStyle::from(RGBColor(120, 120, 120)).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, bound), (x_max, bound)],
                8,
                6,
                grey,
            ))?
            .label(label)
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
/// With `checks_may_fail`, [`CHECKS_FAILED`] (an errguard run's checks failed) is not an error:
/// the parent runs the same checks on the same figures and reports them with the rest.
fn run_child(
    child_args: &[String],
    title: &str,
    checks_may_fail: bool,
) -> Result<Vec<String>, Box<dyn Error>> {
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
    let checks_failed = checks_may_fail && status.code() == Some(CHECKS_FAILED);
    if !(status.success() || checks_failed) {
        return Err(format!("the `{title}` run failed: {status}").into());
    }
    Ok(tagged)
}

fn run_all(args: &Args) -> Result<bool, Box<dyn Error>> {
    let mut summaries = Vec::new();
    let mut series = Vec::new();
    let mut log_lines = Vec::new();
    for runner in RunnerKind::MEMORY {
        let lines = run_child(&args.child_args(runner), runner.name(), true)?;
        let summary_line = lines
            .iter()
            .find(|l| l.starts_with("@summary "))
            .ok_or("a child printed no @summary line")?;
        let capped = summary_field(summary_line, "capped_at_ms").and_then(|v| v.parse().ok());
        let peaks = Peaks::from_summary_line(summary_line)?;
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
        summaries.push(summarize(runner.name(), &samples, capped, peaks));
        series.push((runner.name().to_owned(), samples));
    }
    let bombs = run_log_bomb(args)?;
    std::fs::write(
        args.out.join("log_bomb.csv"),
        log_bomb_csv(&bombs, args.log_payload_mib),
    )?;

    let bound = summaries.iter().find(|s| s.runner == "errguard").map(|s| {
        (
            s.baseline + payload_allowance(args.actors) * args.payload_mib as f64,
            format!(
                "errguard's bound: baseline + {}",
                allowance_text(args.payload_mib, args.actors).replace(" x ", " × ")
            ),
        )
    });
    let title = format!(
        "RSS of {} retried every 1 ms, each error holding {} MiB",
        count(args.actors as u64, "actor"),
        args.payload_mib
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

    let mut report = String::new();
    let _ = writeln!(
        report,
        "## Memory: {}, {} MiB payload, 1 ms backoff, {} s, sampled every {} ms\n",
        count(args.actors as u64, "actor"),
        args.payload_mib,
        args.seconds,
        args.sample_ms
    );
    report.push_str(&markdown_table(&summaries, args.payload_mib, args.actors));
    report.push('\n');
    for line in &log_lines {
        let _ = writeln!(report, "- {line}");
    }
    report.push_str("\n## Log bomb\n\n");
    report.push_str(&log_bomb_table(&bombs, args.log_payload_mib));
    report.push_str("\n## Checks\n\n```text\n");
    let mut all_pass = true;
    if let Some(errguard) = summaries.iter().find(|s| s.runner == "errguard") {
        let (text, pass) = check_report(errguard, args.payload_mib, args.actors);
        report.push_str(&text);
        all_pass = pass;
    }
    for s in summaries.iter().filter(|s| s.runner != "errguard") {
        let _ = writeln!(
            report,
            "{}",
            info_line(s, args.payload_mib, args.actors, args.cap_mib)
        );
    }
    report.push_str("```\n");
    let summary_path = args.out.join("summary.md");
    std::fs::write(
        &summary_path,
        format!(
            "# memory_profile: {}\n\n{report}",
            std::env::args().skip(1).collect::<Vec<_>>().join(" ")
        ),
    )?;
    println!("\n{report}");
    println!(
        "wrote {}, {} and the CSV files in {}",
        args.chart.display(),
        summary_path.display(),
        args.out.display()
    );
    Ok(all_pass)
}

/// The exit code of a run whose figures failed a check; 1 stays "could not run" (an `Err` from
/// `main`), so a parent can tell the two apart.
const CHECKS_FAILED: i32 = 3;

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    if args.payload_mib == 0 || args.actors == 0 || args.seconds <= 0.0 {
        return Err("--payload-mib, --actors and --seconds must be greater than zero".into());
    }
    // Before any payload is allocated or any thread starts.
    if !args.dynamic_mmap_threshold && !pin_mmap_threshold() {
        eprintln!("note: not glibc, the mmap threshold is not pinned; RSS may keep freed payloads");
    }
    match args.runner {
        RunnerKind::All => {
            if !run_all(&args)? {
                std::process::exit(CHECKS_FAILED);
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
                let (text, pass) = check_report(&summary, args.payload_mib, args.actors);
                print!("{text}");
                if !pass {
                    std::process::exit(CHECKS_FAILED);
                }
            } else {
                println!(
                    "{}",
                    info_line(&summary, args.payload_mib, args.actors, args.cap_mib)
                );
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
                heap_mib: rss_mib / 2.0,
            })
            .collect()
    }

    /// Peaks whose heap outside payloads peaked 0.25 MiB over its start.
    fn peaks(rss_hwm: f64, heap_baseline: f64, heap_peak: f64, payloads: u64) -> Peaks {
        Peaks {
            rss_hwm: Some(rss_hwm),
            heap_baseline,
            heap_peak,
            other_peak: heap_baseline + 0.25,
            payloads,
        }
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
            peaks(31.0, 1.0, 2.0, 1),
        );
        assert_eq!(s.baseline, 10.0);
        assert_eq!((s.min, s.max, s.mean), (10.0, 30.0, 20.0));
        assert_eq!(s.attempts, 2);
        assert_eq!(s.attempts_per_s, 1.0);
        assert_eq!(s.seconds, 2.0);
        assert_eq!(s.capped_at, Some(1.5));
        // A 2 s run: the window starts at its first fifth, 0.4 s.
        assert_eq!(s.warm_up, 0.4);
        assert_eq!(s.floor, 20.0);
        assert_eq!(s.peak_rss(), 31.0);
        let unknown = Peaks {
            rss_hwm: None,
            ..Peaks::default()
        };
        let s = summarize("x", &samples(&[(0, 10.0), (1000, 30.0)]), None, unknown);
        assert_eq!(s.peak_rss(), 30.0);
    }

    #[test]
    fn peaks_round_trip_through_the_summary_line() {
        let mut p = peaks(140.5, 0.25, 128.5, 2);
        p.other_peak = 0.75;
        let line = format!("@summary runner=x capped_at_ms=- {}", p.to_fields());
        assert_eq!(Peaks::from_summary_line(&line), Ok(p));
        let none = Peaks::default();
        let line = format!("@summary {}", none.to_fields());
        assert_eq!(Peaks::from_summary_line(&line), Ok(none));
        let err = Peaks::from_summary_line("@summary rss_hwm_mib=1").unwrap_err();
        assert!(err.contains("heap_baseline_mib"), "{err}");
        let err = Peaks::from_summary_line(
            "@summary rss_hwm_mib=x heap_baseline_mib=0 heap_peak_mib=0 other_peak_mib=0 payloads_peak=0",
        )
        .unwrap_err();
        assert!(err.contains("rss_hwm_mib"), "{err}");
    }

    #[test]
    fn children_get_the_parents_settings() {
        let mut args = Args::parse_from(["memory_profile", "--actors", "1", "--payload-mib", "16"]);
        let child = args.child_args(RunnerKind::Errguard);
        let parsed = Args::parse_from(std::iter::once("memory_profile".to_owned()).chain(child));
        assert_eq!(parsed.runner, RunnerKind::Errguard);
        assert_eq!((parsed.actors, parsed.payload_mib), (1, 16));
        assert!(!parsed.dynamic_mmap_threshold);
        args.dynamic_mmap_threshold = true;
        let child = args.child_args(RunnerKind::Backon);
        let parsed = Args::parse_from(std::iter::once("memory_profile".to_owned()).chain(child));
        assert!(parsed.dynamic_mmap_threshold);
    }

    #[test]
    fn counts_read_well() {
        assert_eq!(count(1, "actor"), "1 actor");
        assert_eq!(count(4, "payload"), "4 payloads");
        let s = summarize(
            "naive-hold",
            &samples(&[(0, 4.0), (1000, 260.0)]),
            Some(1000),
            peaks(260.0, 0.0, 256.0, 2),
        );
        assert_eq!(
            info_line(&s, 128, 1, 4096),
            "info naive-hold: peak RSS (VmHWM) 260 MiB = baseline + 2.00 payloads per actor; at most 2 payloads alive at once; stopped at the 4096 MiB cap after 1.0 s"
        );
    }

    #[test]
    fn vm_hwm_line() {
        let status = "Name:\tx\nVmPeak:\t  900 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 1 kB\n";
        assert_eq!(vm_hwm_kib(status), Some(123_456));
        assert_eq!(vm_hwm_kib("VmRSS:\t 1 kB\n"), None);
        assert_eq!(vm_hwm_kib("VmHWM:\t 12 MB\n"), None);
        // This process's own status has the line. (Not compared with `rss_bytes`: the tests
        // around this one allocate and free concurrently.)
        assert!(peak_rss_bytes().unwrap() > MIB);
    }

    #[test]
    fn the_allocator_counts_live_bytes_and_payload_blocks() {
        // 64 MiB blocks: nothing else in these tests allocates that much, so the payload count
        // is this test's alone even while other tests run.
        let start = start_heap_measurement(64 * MIB);
        let one = allocate(64 * MIB);
        let two = allocate(64 * MIB);
        assert_eq!(PAYLOADS_PEAK.load(Ordering::Relaxed), 2);
        drop((one, two));
        let three = PayloadError::with_payload(3, 64 * MIB);
        assert_eq!(three.payload.len() as u64, 64 * MIB);
        assert!(three.payload.iter().all(|&b| b == 0xA5));
        drop(three);
        assert_eq!(PAYLOADS_PEAK.load(Ordering::Relaxed), 2);
        assert_eq!(PAYLOADS_LIVE.load(Ordering::Relaxed), 0);
        assert!(HEAP_PEAK.load(Ordering::Relaxed) >= start + 128 * MIB);
        PAYLOAD_MIN.store(u64::MAX, Ordering::Relaxed);
    }

    #[test]
    fn csv_round_trips_and_rejects_garbage() {
        let s = samples(&[(0, 5.5), (50, 133.5)]);
        let text = to_csv(&s);
        assert!(text.starts_with("t_ms,rss_mib,attempts,heap_mib\n0,5.5,0,2.8\n"));
        let back = parse_csv(&text).unwrap();
        assert_eq!(
            back[1],
            Sample {
                heap_mib: 66.8,
                ..s[1]
            }
        );
        assert!(parse_csv("a,b\n1,2").is_err());
        let err = parse_csv("t_ms,rss_mib,attempts,heap_mib\n1,x,2,3").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
        assert!(parse_csv("t_ms,rss_mib,attempts,heap_mib\n1,2,3").is_err());
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
        let a = summarize(
            "errguard",
            &samples(&[(0, 10.0), (1000, 138.0)]),
            None,
            peaks(140.0, 1.0, 129.0, 1),
        );
        let b = summarize(
            "naive-history",
            &samples(&[(0, 10.0), (1000, 900.0)]),
            Some(900),
            peaks(1000.0, 1.0, 1000.0, 7),
        );
        let table = markdown_table(&[a, b], 128, 1);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "| | errguard | naive-history |");
        assert_eq!(lines[1], "|---|---:|---:|");
        for row in [
            "| max, sampled every 50 ms (MiB) | 138 | 900 |",
            "| peak RSS, VmHWM (MiB) | 140 | 1000 |",
            "| peak RSS − baseline, in payloads per actor | 1.02 | 7.73 |",
            "| live heap: peak − start (MiB) | 128 | 999 |",
            "| payloads alive at once, at most | 1 | 7 |",
            "| rest of the heap: peak − start (KiB) | 256 | 256 |",
            // A 1 s run has no second 5: the cells say which window they cover.
            "| floor after second 5 (MiB) | 138 (over 0.2–1.0 s) | 900 (over 0.2–1.0 s) |",
        ] {
            assert!(lines.contains(&row), "no {row:?} in\n{table}");
        }
        assert!(table.contains("0.9 (stopped at the cap)"));
        assert!(lines.iter().all(|l| l.matches('|').count() == 4));
        let long: Vec<(u64, f64)> = (0..=600).map(|i| (i * 50, 10.0)).collect();
        let c = summarize("errguard", &samples(&long), None, Peaks::default());
        let table = markdown_table(&[c], 128, 1);
        assert!(
            table.contains("| floor after second 5 (MiB) | 10 |"),
            "{table}"
        );
    }

    #[test]
    fn checks_pass_and_fail() {
        let run = |max: f64, p: Peaks| {
            summarize("errguard", &samples(&[(0, 10.0), (1000, max)]), None, p)
        };
        let failed = |c: Vec<(String, bool)>| -> Vec<String> {
            c.into_iter()
                .filter(|(_, pass)| !pass)
                .map(|(what, _)| what)
                .collect()
        };
        // One actor: baseline + 1.1 payloads = 150.8 MiB.
        let ok = run(140.0, peaks(150.0, 1.0, 141.0, 1));
        assert!(failed(checks(&ok, 128, 1)).is_empty());
        let sampled = failed(checks(&run(151.0, peaks(151.0, 1.0, 141.0, 1)), 128, 1));
        assert_eq!(sampled.len(), 2, "{sampled:?}");
        assert!(sampled[0].starts_with(
            "sampled peak RSS 151.0 MiB <= baseline 10.0 + 1.1 x 128 MiB = 150.8 MiB"
        ));
        assert!(sampled[1].starts_with("peak RSS (VmHWM) 151.0"));
        let hwm = failed(checks(&run(140.0, peaks(160.0, 1.0, 141.0, 1)), 128, 1));
        assert_eq!(hwm.len(), 1);
        assert!(hwm[0].starts_with("peak RSS (VmHWM)"));
        let two = failed(checks(&run(140.0, peaks(150.0, 1.0, 257.0, 2)), 128, 1));
        assert_eq!(two, ["payloads alive at once 2 <= 1 (one per actor)"]);
        let mut kept = peaks(150.0, 1.0, 141.0, 1);
        kept.other_peak = 3.0;
        let other = failed(checks(&run(140.0, kept), 128, 1));
        assert_eq!(
            other,
            ["rest of the heap at its peak: start + 2048 KiB <= start + 1 MiB"]
        );
        // Four actors: baseline + 4 payloads = 522 MiB, not 1.1 × 4.
        let four = failed(checks(&run(523.0, peaks(523.0, 1.0, 513.0, 4)), 128, 4));
        assert_eq!(four.len(), 2, "{four:?}");
        assert!(four[0].contains("= 522.0 MiB"), "{four:?}");
        assert!(failed(checks(&run(522.0, peaks(522.0, 1.0, 513.0, 4)), 128, 4)).is_empty());
        let five = failed(checks(&run(500.0, peaks(500.0, 1.0, 641.0, 5)), 128, 4));
        assert_eq!(five, ["payloads alive at once 5 <= 4 (one per actor)"]);
        // Growth: a ramp of 1 MiB/s over 30 s grows by 18.75 MiB, over 5 % of 128 MiB.
        let ramp: Vec<(u64, f64)> = (0..=600)
            .map(|i| (i * 50, 10.0 + i as f64 / 20.0))
            .collect();
        let grows = summarize("errguard", &samples(&ramp), None, peaks(41.0, 1.0, 2.0, 1));
        let g = failed(checks(&grows, 128, 1));
        assert_eq!(g.len(), 1, "{g:?}");
        assert!(g[0].starts_with("growth +18.8"), "{g:?}");
        let (text, pass) = check_report(&grows, 128, 1);
        assert!(!pass);
        assert!(
            text.lines().any(|l| l.starts_with("FAIL errguard growth")),
            "{text}"
        );
        assert!(
            text.lines()
                .any(|l| l.starts_with("PASS errguard sampled peak")),
            "{text}"
        );
        // With four actors the growth is reported, not checked.
        assert!(failed(checks(&grows, 128, 4)).is_empty());
        let (text, pass) = check_report(&grows, 128, 4);
        assert!(pass, "{text}");
        assert!(text.contains("info errguard growth +18.8 MiB"), "{text}");
    }

    #[test]
    fn log_bomb_lines_round_trip() {
        let c = LogBomb {
            case: "naive-debug".to_owned(),
            attempts: 4,
            log_bytes: 100,
            peak_over_baseline: 42.0,
            heap_over_start: 40.5,
        };
        assert_eq!(parse_log_bomb_line(&log_bomb_line(&c)).as_ref(), Some(&c));
        assert_eq!(parse_log_bomb_line("@summary x=1"), None);
        assert!(
            log_bomb_csv(std::slice::from_ref(&c), 8)
                .ends_with("\nnaive-debug,8,4,100,25,42.0,40.5\n")
        );
        let table = log_bomb_table(std::slice::from_ref(&c), 8);
        assert!(
            table.contains(
                "| naive: `tracing::warn!(error = ?err)` per attempt | 4 | 100 | 25 | 42 | 40 |"
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
        let job = Job::new(1024, 0.03, u64::MAX);
        let rt = runtime(1);
        let before = ATTEMPTS.load(Ordering::Relaxed);
        let stats_before = errguard::stats::snapshot();
        assert!(rt.block_on(errguard_actor(&job)).is_ok());
        // `ATTEMPTS` counts the failed attempts (the payloads built).
        let failed = ATTEMPTS.load(Ordering::Relaxed) - before;
        assert!(
            failed > 0,
            "the run should fail at least once before its deadline"
        );
        // Every failed attempt's error was dropped by the runner, none kept.
        let stats = errguard::stats::snapshot().since(&stats_before);
        assert_eq!(stats.failures, failed);
        assert_eq!(stats.errors_dropped, failed);
        assert!(!job.capped.load(Ordering::Relaxed));
    }

    #[test]
    fn the_cap_ends_a_run() {
        // A cap below what the process already holds: no attempt may allocate.
        let job = Job::new(1024, 60.0, 1);
        assert!(job.next_payload().is_none());
        assert!(job.capped.load(Ordering::Relaxed));
        let roomy = Job::new(1024, 60.0, u64::MAX);
        assert_eq!(roomy.next_payload().map(|p| p.capacity()), Some(1024));
        let late = Job::new(1024, 0.0, u64::MAX);
        assert!(late.next_payload().is_none());
        assert!(!late.capped.load(Ordering::Relaxed));
    }

    #[test]
    fn runtime_has_a_worker_per_actor() {
        let rt = runtime(3);
        assert_eq!(rt.metrics().num_workers(), 3);
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
            Some((150.0, "bound".to_owned())),
            &[(0.5, 900.0, "a note".into())],
        )
        .unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 1000);
        let _ = std::fs::remove_dir_all(dir);
    }
}
