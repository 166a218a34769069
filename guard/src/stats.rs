//! Process-wide counters of what every runner did, read as a [`StatsSnapshot`].
//!
//! Relaxed atomics: each counter is exact, a snapshot is not a single instant across counters.

use std::sync::atomic::{AtomicU64, Ordering};

static ATTEMPTS: AtomicU64 = AtomicU64::new(0);
static FAILURES: AtomicU64 = AtomicU64::new(0);
static RETRIES: AtomicU64 = AtomicU64::new(0);
static PANICS: AtomicU64 = AtomicU64::new(0);
static TIMEOUTS: AtomicU64 = AtomicU64::new(0);
static OVERSIZE: AtomicU64 = AtomicU64::new(0);
static ERRORS_DROPPED: AtomicU64 = AtomicU64::new(0);
static ERROR_BYTES_DROPPED: AtomicU64 = AtomicU64::new(0);

/// The counters at one moment.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use errguard::RetryPolicy;
///
/// let policy = RetryPolicy::new().max_retries(1).min_backoff(Duration::ZERO);
/// let before = errguard::stats::snapshot();
/// let _ = errguard::run("disk", &policy, |_| async {
///     Err::<(), _>(std::io::Error::other("disk full"))
/// })
/// .await;
/// // A doctest is a process of its own: nothing else moved the counters.
/// let delta = errguard::stats::snapshot().since(&before);
/// assert_eq!((delta.attempts, delta.failures, delta.retries), (2, 2, 1));
/// // Both errors were dropped (an unmeasured error is never kept), counted at their inline size.
/// assert_eq!(delta.errors_dropped, 2);
/// assert_eq!(delta.error_bytes_dropped, 2 * size_of::<std::io::Error>() as u64);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatsSnapshot {
    /// Attempts started.
    pub attempts: u64,
    /// Attempts that failed (error, panic or timeout).
    pub failures: u64,
    /// Retries scheduled after a failed attempt.
    pub retries: u64,
    /// Attempts that panicked.
    pub panics: u64,
    /// Attempts ended by the per-attempt timeout or cut short by the run's `max_elapsed`
    /// budget.
    pub timeouts: u64,
    /// Errors whose measured heap footprint was over the policy's limit.
    pub oversize: u64,
    /// Errors and panic payloads the runner dropped instead of keeping.
    pub errors_dropped: u64,
    /// Inline size plus measured heap footprint of the dropped errors and payloads (the
    /// inline size alone for an unmeasured one; a panic payload is measured when it is a
    /// `&'static str` or a `String`).
    pub error_bytes_dropped: u64,
}

impl StatsSnapshot {
    /// Counters of `self` minus those of `earlier`, for measuring one stretch of work (see
    /// the example on [`StatsSnapshot`]).
    pub fn since(&self, earlier: &StatsSnapshot) -> StatsSnapshot {
        StatsSnapshot {
            attempts: self.attempts.saturating_sub(earlier.attempts),
            failures: self.failures.saturating_sub(earlier.failures),
            retries: self.retries.saturating_sub(earlier.retries),
            panics: self.panics.saturating_sub(earlier.panics),
            timeouts: self.timeouts.saturating_sub(earlier.timeouts),
            oversize: self.oversize.saturating_sub(earlier.oversize),
            errors_dropped: self.errors_dropped.saturating_sub(earlier.errors_dropped),
            error_bytes_dropped: self
                .error_bytes_dropped
                .saturating_sub(earlier.error_bytes_dropped),
        }
    }
}

/// Reads every counter.
///
/// ```
/// let now = errguard::stats::snapshot();
/// // A doctest is a process of its own, and this one ran no actor.
/// assert_eq!(now, errguard::stats::StatsSnapshot::default());
/// ```
pub fn snapshot() -> StatsSnapshot {
    StatsSnapshot {
        attempts: ATTEMPTS.load(Ordering::Relaxed),
        failures: FAILURES.load(Ordering::Relaxed),
        retries: RETRIES.load(Ordering::Relaxed),
        panics: PANICS.load(Ordering::Relaxed),
        timeouts: TIMEOUTS.load(Ordering::Relaxed),
        oversize: OVERSIZE.load(Ordering::Relaxed),
        errors_dropped: ERRORS_DROPPED.load(Ordering::Relaxed),
        error_bytes_dropped: ERROR_BYTES_DROPPED.load(Ordering::Relaxed),
    }
}

pub(crate) fn attempt_started() {
    ATTEMPTS.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn attempt_failed() {
    FAILURES.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn retry_scheduled() {
    RETRIES.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn panicked() {
    PANICS.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn timed_out() {
    TIMEOUTS.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn oversize() {
    OVERSIZE.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn dropped(bytes: usize) {
    ERRORS_DROPPED.fetch_add(1, Ordering::Relaxed);
    ERROR_BYTES_DROPPED.fetch_add(bytes as u64, Ordering::Relaxed);
}
