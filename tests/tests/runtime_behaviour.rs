//! The runner's behaviour: drop order, schedule, jitter, Retry-After, timeouts, panics,
//! cancellation, budgets, oversize errors and what reports and events carry.

use std::error::Error;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use errguard::{
    AttemptFailure, ErrorReport, FailureKind, Jitter, Oversize, RetryAfter, RetryPolicy, Runner,
};
use errguard_tests::{Upload, zero_backoff};
use tokio::time::Instant;

/// Counts instances alive: `+1` on creation, `-1` on drop.
#[derive(Clone, Default)]
struct Alive(Arc<AtomicUsize>);

impl Alive {
    fn token(&self) -> Token {
        self.0.fetch_add(1, Ordering::SeqCst);
        Token(Arc::clone(&self.0))
    }

    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Debug)]
struct Token(Arc<AtomicUsize>);

impl Drop for Token {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An error that counts itself alive.
#[derive(Debug)]
struct Tracked {
    _token: Token,
}

impl fmt::Display for Tracked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tracked failure")
    }
}

impl Error for Tracked {}

#[tokio::test(start_paused = true)]
async fn each_error_is_dropped_before_the_next_attempt_and_during_the_sleep() {
    let alive = Alive::default();
    let seen_alive_at_start = Arc::new(Mutex::new(Vec::new()));
    let attempt_starts = Mutex::new(Vec::new());
    let policy = RetryPolicy::new()
        .max_retries(5)
        .min_backoff(Duration::from_secs(1))
        .jitter(Jitter::None);
    // Attempts start at 0, 1, 3, 7, 15 and 31 s; one sample in the middle of each of the five
    // sleeps, all measured from one start (not each from the previous wake).
    let t0 = Instant::now();
    let watcher = {
        let alive = alive.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            for at in [500, 2_000, 5_000, 11_000, 23_000] {
                tokio::time::sleep_until(t0 + Duration::from_millis(at)).await;
                samples.push((Instant::now(), alive.count()));
            }
            samples
        })
    };
    let failure = Runner::new("drops", &policy)
        .run(|attempt| {
            attempt_starts.lock().unwrap().push(Instant::now());
            seen_alive_at_start.lock().unwrap().push(alive.count());
            let token = alive.token();
            async move {
                let _ = attempt;
                Err::<(), _>(Tracked { _token: token })
            }
        })
        .await
        .unwrap_err();
    let ended = Instant::now();
    assert_eq!(failure.attempts(), 6);
    assert_eq!(*seen_alive_at_start.lock().unwrap(), vec![0; 6]);
    // Unmeasured errors are not kept in the failure either.
    assert!(!failure.has_error());
    assert_eq!(alive.count(), 0);
    let samples = watcher.await.unwrap();
    let starts = attempt_starts.into_inner().unwrap();
    assert_eq!(samples.len(), 5);
    for (sleep, (at, count)) in samples.iter().enumerate() {
        // Strictly between attempt `sleep + 1` and the next one: inside that backoff sleep.
        assert!(
            starts[sleep] < *at && *at < starts[sleep + 1],
            "sample {sleep} at {:?} is outside sleep {:?}..{:?}",
            *at - t0,
            starts[sleep] - t0,
            starts[sleep + 1] - t0
        );
        assert_eq!(*count, 0, "an error was alive during backoff sleep {sleep}");
    }
    assert!(
        samples[4].0 < ended,
        "the last sample came after the run ended"
    );
}

#[tokio::test(start_paused = true)]
async fn the_schedule_without_jitter_is_exponential_and_capped() {
    let policy = RetryPolicy::new()
        .max_retries(5)
        .min_backoff(Duration::from_millis(100))
        .max_backoff(Duration::from_millis(500))
        .factor(2.0)
        .jitter(Jitter::None);
    let gaps = attempt_gaps(&policy).await;
    let expected = [100, 200, 400, 500, 500].map(Duration::from_millis);
    assert_eq!(gaps, expected);
}

#[tokio::test(start_paused = true)]
async fn full_and_equal_jitter_stay_within_their_bounds_and_do_jitter() {
    for jitter in [Jitter::Full, Jitter::Equal] {
        // Each gap as a fraction of its un-jittered base, over 20 runs of 4 retries.
        let mut fractions = Vec::new();
        for _ in 0..20 {
            let policy = RetryPolicy::new()
                .max_retries(4)
                .min_backoff(Duration::from_millis(100))
                .max_backoff(Duration::from_secs(10))
                .jitter(jitter);
            let gaps = attempt_gaps(&policy).await;
            assert_eq!(gaps.len(), 4);
            for (i, gap) in gaps.iter().enumerate() {
                let base = Duration::from_millis(100 << i);
                let low = if jitter == Jitter::Equal {
                    base / 2
                } else {
                    Duration::ZERO
                };
                assert!(
                    *gap >= low && *gap <= base,
                    "{jitter:?} retry {}: {gap:?} outside [{low:?}, {base:?}]",
                    i + 1
                );
                fractions.push(gap.as_secs_f64() / base.as_secs_f64());
            }
        }
        // Ignoring the jitter would give 1.0 every time. With 80 uniform draws, a gap under
        // 99% of its base and two different fractions are certain but for ~1e-160.
        assert!(
            fractions.iter().any(|&f| f < 0.99),
            "{jitter:?}: no gap below its base: {fractions:?}"
        );
        let (min, max) = fractions
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), &f| (lo.min(f), hi.max(f)));
        assert!(
            max - min > 0.01,
            "{jitter:?}: every gap the same: {fractions:?}"
        );
        if jitter == Jitter::Full {
            // Full jitter reaches below half the base (Equal never does): 2^-80 to miss.
            assert!(
                min < 0.5,
                "full jitter never went below half: {fractions:?}"
            );
        }
    }
}

async fn attempt_gaps(policy: &RetryPolicy) -> Vec<Duration> {
    let starts = Mutex::new(Vec::new());
    let _ = errguard::run("schedule", policy, |_| {
        starts.lock().unwrap().push(Instant::now());
        async { Err::<(), _>(fmt::Error) }
    })
    .await;
    let starts = starts.into_inner().unwrap();
    starts.windows(2).map(|w| w[1] - w[0]).collect()
}

#[derive(Debug)]
struct Throttled(Duration);

impl fmt::Display for Throttled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "throttled, retry after {:?}", self.0)
    }
}

impl Error for Throttled {}

impl RetryAfter for Throttled {
    fn retry_after(&self) -> Option<Duration> {
        Some(self.0)
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_clamped_and_never_adds_attempts() {
    let policy = RetryPolicy::new()
        .max_retries(3)
        .min_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_secs(2))
        .jitter(Jitter::None);
    let starts = Mutex::new(Vec::new());
    let asks = [Duration::from_millis(700), Duration::from_secs(3600)];
    let failure = Runner::new("throttled", &policy)
        .honour_retry_after()
        .run(|attempt| {
            starts.lock().unwrap().push(Instant::now());
            let ask = asks[(attempt.number() as usize) % 2];
            async move { Err::<(), _>(Throttled(ask)) }
        })
        .await
        .unwrap_err();
    assert_eq!(failure.attempts(), 4, "Retry-After must not add attempts");
    assert_eq!(failure.kind(), FailureKind::Exhausted);
    let starts = starts.into_inner().unwrap();
    let gaps: Vec<_> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    // Attempt 1 asks an hour (clamped to 2 s), attempt 2 asks 700 ms, attempt 3 an hour again.
    assert_eq!(
        gaps,
        [2_000, 700, 2_000].map(Duration::from_millis).to_vec()
    );
}

#[tokio::test(start_paused = true)]
async fn a_hung_attempt_is_ended_by_the_timeout() {
    let alive = Alive::default();
    let policy = zero_backoff(2).attempt_timeout(Duration::from_secs(5));
    let started = Instant::now();
    let failure = errguard::run("hangs", &policy, |_| {
        let token = alive.token();
        async move {
            let _held = token;
            std::future::pending::<Result<(), fmt::Error>>().await
        }
    })
    .await
    .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::TimedOut);
    assert_eq!(failure.attempts(), 3);
    assert_eq!(failure.report().failure(), AttemptFailure::Timeout);
    assert_eq!(started.elapsed(), Duration::from_secs(15));
    assert_eq!(alive.count(), 0, "a timed-out attempt's state was kept");
}

#[tokio::test(start_paused = true)]
async fn max_elapsed_ends_the_run_without_sleeping_past_the_budget() {
    let policy = RetryPolicy::new()
        .max_retries(100)
        .min_backoff(Duration::from_millis(300))
        .factor(1.0)
        .jitter(Jitter::None)
        .max_elapsed(Duration::from_secs(1));
    let started = Instant::now();
    let failure = errguard::run("budget", &policy, |_| async { Err::<(), _>(fmt::Error) })
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Elapsed);
    // Attempts at 0, 300, 600, 900 ms; the next sleep would end at 1200 ms > 1 s.
    assert_eq!(failure.attempts(), 4);
    assert!(started.elapsed() <= Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn max_elapsed_also_cuts_a_slow_attempt() {
    let policy = zero_backoff(10).max_elapsed(Duration::from_secs(2));
    let failure = errguard::run("slow", &policy, |_| async {
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok::<(), fmt::Error>(())
    })
    .await
    .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Elapsed);
    assert_eq!(failure.attempts(), 1);
}

#[derive(Debug)]
struct BigPanicPayload {
    _bytes: Vec<u8>,
    _token: Token,
}

#[tokio::test]
async fn a_panic_is_caught_rendered_and_its_payload_dropped() {
    let alive = Alive::default();
    let policy = zero_backoff(2);
    let failure = errguard::run("panics", &policy, |attempt| {
        let token = alive.token();
        async move {
            if attempt.number() < 3 {
                std::panic::panic_any(BigPanicPayload {
                    _bytes: vec![1; 64 << 20],
                    _token: token,
                });
            }
            // A string payload longer than the report limit, without the panic hook printing it.
            std::panic::resume_unwind(Box::new("boom ".repeat(1 << 20)));
            #[allow(unreachable_code)]
            Ok::<(), fmt::Error>(())
        }
    })
    .await
    .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panicked);
    assert_eq!(failure.attempts(), 3);
    assert_eq!(failure.error_type(), "panic");
    assert!(failure.message().starts_with("boom boom"));
    assert!(failure.message().len() <= policy.get_max_report_len());
    assert_eq!(alive.count(), 0, "a panic payload was kept");
}

#[tokio::test]
async fn retry_panics_false_stops_at_the_first_panic() {
    let policy = zero_backoff(5).retry_panics(false);
    let failure = errguard::run("panics-once", &policy, |_| async {
        std::panic::resume_unwind(Box::new("no retry"));
        #[allow(unreachable_code)]
        Ok::<(), fmt::Error>(())
    })
    .await
    .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panicked);
    assert_eq!(failure.attempts(), 1);
    assert_eq!(failure.message(), "no retry");
}

#[tokio::test(start_paused = true)]
async fn cancelling_mid_attempt_leaves_nothing_alive() {
    let alive = Alive::default();
    let policy = zero_backoff(3);
    let run = errguard::run("cancel-attempt", &policy, |_| {
        let token = alive.token();
        async move {
            let _held = token;
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok::<(), fmt::Error>(())
        }
    });
    let cancelled = tokio::time::timeout(Duration::from_secs(1), run).await;
    assert!(cancelled.is_err());
    assert_eq!(alive.count(), 0);
}

#[tokio::test(start_paused = true)]
async fn cancelling_mid_sleep_leaves_nothing_alive() {
    let alive = Alive::default();
    let attempts = AtomicUsize::new(0);
    let policy = RetryPolicy::new()
        .max_retries(3)
        .min_backoff(Duration::from_secs(60))
        .jitter(Jitter::None);
    let run = errguard::run("cancel-sleep", &policy, |_| {
        attempts.fetch_add(1, Ordering::SeqCst);
        let token = alive.token();
        async move { Err::<(), _>(Tracked { _token: token }) }
    });
    let cancelled = tokio::time::timeout(Duration::from_secs(30), run).await;
    assert!(cancelled.is_err());
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        1,
        "cancelled during the first sleep"
    );
    assert_eq!(alive.count(), 0);
}

#[tokio::test]
async fn an_oversize_error_with_fail_ends_the_run_and_is_not_kept() {
    let policy = zero_backoff(5)
        .max_error_heap(64 * 1024)
        .on_oversize(Oversize::Fail);
    let failure = Runner::new("oversize", &policy)
        .measured()
        .run(|_| async {
            Err::<(), _>(Upload {
                status: 502,
                body: vec![0; 1 << 20],
            })
        })
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Oversize);
    assert_eq!(failure.attempts(), 1);
    assert!(failure.downcast_ref::<Upload>().is_none());
    assert_eq!(failure.footprint(), Some(1 << 20));
    assert!(failure.report().is_oversize());
    // The counters it moves are checked exactly in `runtime_stats.rs`, which runs alone.
}

#[tokio::test]
async fn an_oversize_error_with_retry_is_retried_and_still_not_kept() {
    let policy = zero_backoff(2).max_error_heap(1024);
    let failure = Runner::new("oversize-retry", &policy)
        .measured()
        .run(|_| async {
            Err::<(), _>(Upload {
                status: 503,
                body: vec![0; 4096],
            })
        })
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Exhausted);
    assert_eq!(failure.attempts(), 3);
    assert!(!failure.has_error());
}

#[tokio::test]
async fn a_small_measured_error_is_kept_for_downcast() {
    let policy = zero_backoff(1);
    let failure = Runner::new("small", &policy)
        .measured()
        .run(|_| async {
            Err::<(), _>(Upload {
                status: 500,
                body: vec![9; 100],
            })
        })
        .await
        .unwrap_err();
    let kept = failure.downcast_ref::<Upload>().expect("kept");
    assert_eq!((kept.status, kept.body.len()), (500, 100));
    assert_eq!(failure.footprint(), Some(100));
    assert!(failure.source().is_some());
}

#[tokio::test]
async fn retain_unmeasured_keeps_an_unmeasured_error() {
    let policy = zero_backoff(0);
    let failure = Runner::new("unmeasured", &policy)
        .retain_unmeasured(true)
        .run(|_| async { Err::<(), _>(std::io::Error::other("disk full")) })
        .await
        .unwrap_err();
    assert_eq!(failure.footprint(), None);
    assert_eq!(
        failure
            .downcast_ref::<std::io::Error>()
            .unwrap()
            .to_string(),
        "disk full"
    );
}

#[tokio::test]
async fn a_permanent_error_is_rejected_at_once() {
    let policy = zero_backoff(5);
    let calls = AtomicUsize::new(0);
    let failure = errguard::run_if(
        "permanent",
        &policy,
        |e: &Upload| e.status >= 500,
        |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async {
                Err::<(), _>(Upload {
                    status: 404,
                    body: Vec::new(),
                })
            }
        },
    )
    .await
    .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Rejected);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn hooks_see_bounded_reports_with_the_next_delay() {
    let (policy, reports) = collecting(zero_backoff(2).max_report_len(64));
    let failure = errguard::run("hooked", &policy, |_| async {
        Err::<(), _>(std::io::Error::other("y".repeat(10_000)))
    })
    .await
    .unwrap_err();
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 3);
    for (i, report) in reports.iter().enumerate() {
        assert_eq!(report.attempt(), i as u32 + 1);
        assert_eq!(report.actor(), "hooked");
        assert_eq!(report.error_type(), "std::io::error::Error");
        assert!(report.message().len() <= 64);
        assert_eq!(report.footprint(), None);
        assert_eq!(report.inline_size(), std::mem::size_of::<std::io::Error>());
    }
    assert_eq!(reports[0].next_delay(), Some(Duration::ZERO));
    assert_eq!(reports[2].next_delay(), None);
    assert!(failure.message().len() <= 64);
    assert!(failure.to_string().len() < 200);
}

#[tokio::test]
async fn an_invalid_policy_fails_before_any_attempt() {
    let policy = RetryPolicy::new()
        .min_backoff(Duration::from_secs(10))
        .max_backoff(Duration::from_secs(1));
    let calls = AtomicUsize::new(0);
    let failure = errguard::run("invalid", &policy, |_| {
        calls.fetch_add(1, Ordering::SeqCst);
        async { Ok::<(), fmt::Error>(()) }
    })
    .await
    .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::InvalidPolicy);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert!(failure.message().contains("min_backoff"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_can_be_spawned_on_the_multi_thread_runtime() {
    let policy = Arc::new(zero_backoff(3));
    let handle = tokio::spawn({
        let policy = Arc::clone(&policy);
        async move {
            errguard::run("spawned", &policy, |attempt| async move {
                tokio::task::yield_now().await;
                if attempt.number() < 3 {
                    Err(std::io::Error::other("not yet"))
                } else {
                    Ok(attempt.number())
                }
            })
            .await
        }
    });
    assert_eq!(handle.await.unwrap().unwrap(), 3);
}

#[tokio::test]
async fn an_anyhow_result_attempt_runs_and_reports_its_message() {
    let policy = zero_backoff(2);
    let calls = AtomicUsize::new(0);
    let value = errguard::run("anyhow-ok", &policy, |attempt| {
        calls.fetch_add(1, Ordering::SeqCst);
        async move {
            if attempt.number() < 2 {
                anyhow::bail!("not yet (attempt {})", attempt.number());
            }
            anyhow::Ok(attempt.number())
        }
    })
    .await
    .unwrap();
    assert_eq!((value, calls.load(Ordering::SeqCst)), (2, 2));

    let failure = Runner::new("anyhow-fails", &policy)
        .retry_if(|e: &anyhow::Error| e.downcast_ref::<Upload>().is_none())
        .retain_unmeasured(true)
        .run(|_| async {
            let result: anyhow::Result<()> = Err(anyhow::Error::new(Upload {
                status: 404,
                body: Vec::new(),
            })
            .context("uploading the report"));
            result
        })
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Rejected);
    assert_eq!(failure.attempts(), 1);
    assert_eq!(failure.error_type(), "anyhow::Error");
    assert_eq!(
        failure.message(),
        "uploading the report: upload failed with status 404"
    );
    assert!(failure.has_error());
    // anyhow boxes itself as a private wrapper: the documented limit of `downcast_ref`.
    assert!(failure.downcast_ref::<Upload>().is_none());
}

#[tokio::test]
async fn a_boxed_dyn_error_attempt_is_kept_as_the_error_it_boxes() {
    let policy = zero_backoff(1);
    let failure = Runner::new("boxed", &policy)
        .retain_unmeasured(true)
        .run(|_| async {
            let boxed: Box<dyn Error + Send + Sync> = Box::new(Upload {
                status: 503,
                body: vec![1; 8],
            });
            Err::<(), _>(boxed)
        })
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Exhausted);
    assert_eq!(failure.attempts(), 2);
    assert_eq!(failure.message(), "upload failed with status 503");
    assert_eq!(failure.downcast_ref::<Upload>().unwrap().status, 503);
}

#[tokio::test(start_paused = true)]
async fn max_retries_u32_max_counts_without_overflow() {
    let policy = zero_backoff(u32::MAX);
    let seen = Mutex::new(Vec::new());
    let value = errguard::run("unbounded", &policy, |attempt| {
        seen.lock()
            .unwrap()
            .push((attempt.number(), attempt.retries_left(), attempt.is_last()));
        async move {
            if attempt.number() < 4 {
                Err(fmt::Error)
            } else {
                Ok(attempt.number())
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(value, 4);
    assert_eq!(
        seen.into_inner().unwrap(),
        [
            (1, u32::MAX, false),
            (2, u32::MAX - 1, false),
            (3, u32::MAX - 2, false),
            (4, u32::MAX - 3, false),
        ]
    );

    // The largest delay there is, after a second of work, against a 10 s budget: the budget
    // check saturates instead of overflowing `elapsed + delay`, and ends the run.
    let policy = RetryPolicy::new()
        .max_retries(u32::MAX)
        .min_backoff(Duration::MAX)
        .max_backoff(Duration::MAX)
        .jitter(Jitter::None)
        .max_elapsed(Duration::from_secs(10));
    let failure = errguard::run("huge-delay", &policy, |_| async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Err::<(), _>(fmt::Error)
    })
    .await
    .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Elapsed);
    assert_eq!(failure.attempts(), 1);
}

/// Collects every report a policy's hook sees.
fn collecting(policy: RetryPolicy) -> (RetryPolicy, Arc<Mutex<Vec<ErrorReport>>>) {
    let reports: Arc<Mutex<Vec<ErrorReport>>> = Arc::default();
    let sink = Arc::clone(&reports);
    let policy = policy.on_report(move |r| sink.lock().unwrap().push(r.clone()));
    (policy, reports)
}

#[tokio::test]
async fn a_panic_payload_is_measured_only_when_it_is_a_str_or_a_string() {
    let (policy, reports) = collecting(zero_backoff(2));
    let _ = errguard::run("payloads", &policy, |attempt| async move {
        match attempt.number() {
            1 => std::panic::resume_unwind(Box::new("static text")),
            2 => std::panic::resume_unwind(Box::new(String::with_capacity(300))),
            _ => std::panic::resume_unwind(Box::new(vec![0u8; 4096])),
        }
        #[allow(unreachable_code)]
        Ok::<(), fmt::Error>(())
    })
    .await
    .unwrap_err();
    let footprints: Vec<_> = reports
        .lock()
        .unwrap()
        .iter()
        .map(ErrorReport::footprint)
        .collect();
    // A `Vec<u8>` payload holds 4 KiB the runner cannot see: unmeasured, not "0 bytes".
    assert_eq!(footprints, [Some(0), Some(300), None]);
}

fn panicking_predicate(_: &Upload) -> bool {
    std::panic::resume_unwind(Box::new("predicate bug"))
}

fn panicking_delay(_: &Upload) -> Option<Duration> {
    std::panic::resume_unwind(Box::new("retry_after bug"))
}

fn panicking_measure(_: &Upload) -> usize {
    std::panic::resume_unwind(Box::new("measure bug"))
}

fn an_upload() -> Upload {
    Upload {
        status: 503,
        body: vec![0; 16],
    }
}

#[tokio::test(start_paused = true)]
async fn a_panicking_callback_never_escapes_the_run() {
    // A predicate that panics: the error counts as not retryable.
    let failure = Runner::new("predicate", &zero_backoff(5))
        .retry_if(panicking_predicate)
        .run(|_| async { Err::<(), _>(an_upload()) })
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Rejected);
    assert_eq!(failure.attempts(), 1);

    // A Retry-After reader that panics: the backoff schedule applies.
    let policy = RetryPolicy::new()
        .max_retries(1)
        .min_backoff(Duration::from_millis(250))
        .jitter(Jitter::None);
    let started = Instant::now();
    let failure = Runner::new("delay", &policy)
        .retry_after(panicking_delay)
        .run(|_| async { Err::<(), _>(an_upload()) })
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Exhausted);
    assert_eq!(failure.attempts(), 2);
    assert_eq!(started.elapsed(), Duration::from_millis(250));

    // A measure that panics: the error is unmeasured, so it is not kept.
    let failure = Runner::new("measure", &zero_backoff(1))
        .measure_with(panicking_measure)
        .run(|_| async { Err::<(), _>(an_upload()) })
        .await
        .unwrap_err();
    assert_eq!(failure.attempts(), 2);
    assert_eq!(failure.footprint(), None);
    assert!(!failure.has_error());

    // A hook that panics on every report: skipped, and the run goes on to its last attempt.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let policy = zero_backoff(2).on_report(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        std::panic::resume_unwind(Box::new("hook bug"));
    });
    let failure = errguard::run("hook", &policy, |_| async { Err::<(), _>(an_upload()) })
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Exhausted);
    assert_eq!(failure.attempts(), 3);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}
