//! [`RetryPolicy`]: how many attempts, how long to wait between them, and the limits that keep
//! a failing actor's errors small.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::report::ErrorReport;

/// How the backoff delay is randomised.
///
/// ```
/// use std::time::Duration;
/// use errguard::{Jitter, RetryPolicy};
///
/// let policy = RetryPolicy::new()
///     .min_backoff(Duration::from_millis(400))
///     .jitter(Jitter::Equal);
/// // The second argument is the random draw in [0, 1): Equal jitter keeps at least half.
/// assert_eq!(policy.jittered_delay(1, 0.0), Duration::from_millis(200));
/// assert_eq!(policy.clone().jitter(Jitter::Full).jittered_delay(1, 0.0), Duration::ZERO);
/// assert_eq!(policy.jitter(Jitter::None).jittered_delay(1, 0.0), Duration::from_millis(400));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Jitter {
    /// The exact exponential delay.
    None,
    /// A uniform delay in `[0, d]` ("full jitter"): the best spread for many clients.
    #[default]
    Full,
    /// A uniform delay in `[d/2, d]`: spreads clients, never waits less than half.
    Equal,
}

/// What the runner does with an error whose heap footprint is over
/// [`RetryPolicy::max_error_heap`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use errguard::{FailureKind, Footprint, Oversize, RetryPolicy, Runner};
///
/// #[derive(Debug, Footprint)]
/// struct Rejected { body: Vec<u8> }
/// # impl std::fmt::Display for Rejected {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("rejected") }
/// # }
/// # impl std::error::Error for Rejected {}
///
/// let policy = RetryPolicy::new()
///     .max_error_heap(1024)
///     .on_oversize(Oversize::Fail);
/// // A 1 MiB error: reported as oversize, dropped, and the run ends at once.
/// let failure = Runner::new("upload", &policy)
///     .measured()
///     .run(|_| async { Err::<(), _>(Rejected { body: vec![0; 1 << 20] }) })
///     .await
///     .unwrap_err();
/// assert_eq!(failure.kind(), FailureKind::Oversize);
/// assert_eq!(failure.attempts(), 1);
/// assert!(!failure.has_error());
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Oversize {
    /// Report it as oversize, drop it and retry as usual.
    #[default]
    Retry,
    /// Report it as oversize, drop it and end the run with [`FailureKind::Oversize`](crate::FailureKind::Oversize).
    Fail,
}

/// A policy the builder refused, naming the field that is wrong.
///
/// ```
/// use std::time::Duration;
/// use errguard::RetryPolicy;
///
/// let error = RetryPolicy::new()
///     .min_backoff(Duration::from_secs(10))
///     .max_backoff(Duration::from_secs(1))
///     .validate()
///     .unwrap_err();
/// assert_eq!(error.field(), "min_backoff");
/// assert!(error.to_string().contains("must not be greater than `max_backoff`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    field: &'static str,
    problem: String,
}

impl PolicyError {
    fn new(field: &'static str, problem: impl Into<String>) -> Self {
        Self {
            field,
            problem: problem.into(),
        }
    }

    /// The builder field that holds the bad value, e.g. `"min_backoff"`.
    pub fn field(&self) -> &'static str {
        self.field
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid retry policy: `{}` {}", self.field, self.problem)
    }
}

impl std::error::Error for PolicyError {}

/// A hook that sees every failed attempt's bounded [`ErrorReport`], never the error itself.
/// [`RetryPolicy::on_report`] builds one from a closure; a panic in it is caught and reported,
/// never unwinding out of the run.
///
/// ```
/// use std::sync::Arc;
/// use errguard::ReportHook;
///
/// let hook: ReportHook = Arc::new(|report| {
///     tracing::info!(attempt = report.attempt(), "an attempt failed");
/// });
/// # let _ = hook;
/// ```
pub type ReportHook = Arc<dyn Fn(&ErrorReport) + Send + Sync>;

/// How an actor is retried and how big its errors may be.
///
/// Built with chained setters; every setter takes and returns `self`. [`RetryPolicy::new`] has
/// these defaults. The schedule's numbers are backon's (3 retries, 1 s, 60 s, factor 2); the
/// jitter is not: backon adds none by default, errguard defaults to [`Jitter::Full`], because
/// a fleet of workers failing together would otherwise retry together (a thundering herd).
/// A team moving over from backon keeps its schedule with `.jitter(Jitter::None)`:
///
/// | setting | default |
/// |---|---|
/// | `max_retries` | 3 (so 4 attempts in all) |
/// | `min_backoff` | 1 s |
/// | `max_backoff` | 60 s |
/// | `factor` | 2.0 |
/// | `jitter` | [`Jitter::Full`] |
/// | `max_elapsed` | none |
/// | `attempt_timeout` | none |
/// | `max_error_heap` | 64 KiB |
/// | `max_report_len` | 1024 bytes |
/// | `max_chain_depth` | 8 |
/// | `retry_panics` | true |
/// | `on_oversize` | [`Oversize::Retry`] |
///
/// ```
/// use std::time::Duration;
/// use errguard::{Jitter, RetryPolicy};
///
/// let policy = RetryPolicy::new()
///     .max_retries(5)
///     .min_backoff(Duration::from_millis(100))
///     .max_backoff(Duration::from_secs(30))
///     .jitter(Jitter::Equal)
///     .validate()
///     .expect("a sound policy");
/// assert_eq!(policy.get_max_retries(), 5);
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) min_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) factor: f64,
    pub(crate) jitter: Jitter,
    pub(crate) max_elapsed: Option<Duration>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) max_error_heap: usize,
    pub(crate) max_report_len: usize,
    pub(crate) max_chain_depth: usize,
    pub(crate) retry_panics: bool,
    pub(crate) on_oversize: Oversize,
    pub(crate) hook: Option<ReportHook>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_retries", &self.max_retries)
            .field("min_backoff", &self.min_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("factor", &self.factor)
            .field("jitter", &self.jitter)
            .field("max_elapsed", &self.max_elapsed)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("max_error_heap", &self.max_error_heap)
            .field("max_report_len", &self.max_report_len)
            .field("max_chain_depth", &self.max_chain_depth)
            .field("retry_panics", &self.retry_panics)
            .field("on_oversize", &self.on_oversize)
            .field("hook", &self.hook.as_ref().map(|_| "Fn(&ErrorReport)"))
            .finish()
    }
}

/// Default heap limit for one error: 64 KiB. An error bigger than this is carrying a payload.
pub const DEFAULT_MAX_ERROR_HEAP: usize = 64 * 1024;
/// Default length limit of one rendered error message, in bytes.
pub const DEFAULT_MAX_REPORT_LEN: usize = 1024;
/// Default depth limit of a rendered `source()` chain.
pub const DEFAULT_MAX_CHAIN_DEPTH: usize = 8;

impl RetryPolicy {
    /// The default policy (see the table on [`RetryPolicy`]).
    pub fn new() -> Self {
        Self {
            max_retries: 3,
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            factor: 2.0,
            jitter: Jitter::Full,
            max_elapsed: None,
            attempt_timeout: None,
            max_error_heap: DEFAULT_MAX_ERROR_HEAP,
            max_report_len: DEFAULT_MAX_REPORT_LEN,
            max_chain_depth: DEFAULT_MAX_CHAIN_DEPTH,
            retry_panics: true,
            on_oversize: Oversize::Retry,
            hook: None,
        }
    }

    /// Retries after the first attempt: the run makes at most `max_retries + 1` attempts.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The delay before the first retry; later delays grow by [`factor`](Self::factor).
    pub fn min_backoff(mut self, delay: Duration) -> Self {
        self.min_backoff = delay;
        self
    }

    /// The longest delay between two attempts, also the cap of an error's own Retry-After.
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Growth of the delay from one retry to the next; at least 1.
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = factor;
        self
    }

    /// How the delay is randomised.
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Total time budget of a run, from the first attempt; no retry starts after it and no
    /// sleep runs past it.
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = Some(budget);
        self
    }

    /// Ends an attempt that runs longer than this; the attempt counts as failed (timed out).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Heap bytes one error may hold (when the error type is measured, see
    /// [`Footprint`](crate::Footprint)); over it the error is oversize and never retained.
    pub fn max_error_heap(mut self, bytes: usize) -> Self {
        self.max_error_heap = bytes;
        self
    }

    /// Longest rendered message, in bytes, in reports, events and the final failure.
    pub fn max_report_len(mut self, bytes: usize) -> Self {
        self.max_report_len = bytes;
        self
    }

    /// How many `source()` links a report follows.
    pub fn max_chain_depth(mut self, depth: usize) -> Self {
        self.max_chain_depth = depth;
        self
    }

    /// Whether a panicking attempt is retried (`true`) or ends the run at once.
    pub fn retry_panics(mut self, retry: bool) -> Self {
        self.retry_panics = retry;
        self
    }

    /// What an oversize error does to the run.
    pub fn on_oversize(mut self, action: Oversize) -> Self {
        self.on_oversize = action;
        self
    }

    /// Calls `hook` with each failed attempt's bounded report, after the `tracing` event.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// use errguard::RetryPolicy;
    ///
    /// let seen = Arc::new(AtomicUsize::new(0));
    /// let counter = Arc::clone(&seen);
    /// let policy = RetryPolicy::new().on_report(move |report| {
    ///     counter.fetch_add(report.message().len(), Ordering::Relaxed);
    /// });
    /// # drop(policy);
    /// ```
    pub fn on_report(mut self, hook: impl Fn(&ErrorReport) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Checks the policy as a whole and returns it, or names the first wrong field.
    ///
    /// [`run`](crate::run) calls this too, so a bad policy never retries by accident.
    pub fn validate(self) -> Result<Self, PolicyError> {
        self.check()?;
        Ok(self)
    }

    pub(crate) fn check(&self) -> Result<(), PolicyError> {
        if !(self.factor.is_finite() && self.factor >= 1.0) {
            return Err(PolicyError::new(
                "factor",
                format!("must be a finite number >= 1.0, got {}", self.factor),
            ));
        }
        if self.min_backoff > self.max_backoff {
            return Err(PolicyError::new(
                "min_backoff",
                format!(
                    "({:?}) must not be greater than `max_backoff` ({:?})",
                    self.min_backoff, self.max_backoff
                ),
            ));
        }
        if self.max_report_len < MIN_REPORT_LEN {
            return Err(PolicyError::new(
                "max_report_len",
                format!(
                    "must be at least {MIN_REPORT_LEN} bytes, got {}",
                    self.max_report_len
                ),
            ));
        }
        if self.attempt_timeout == Some(Duration::ZERO) {
            return Err(PolicyError::new(
                "attempt_timeout",
                "must be greater than zero",
            ));
        }
        Ok(())
    }

    /// Retries after the first attempt.
    pub fn get_max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The delay before the first retry.
    pub fn get_min_backoff(&self) -> Duration {
        self.min_backoff
    }

    /// The longest delay between attempts.
    pub fn get_max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The per-attempt timeout, if any.
    pub fn get_attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The run's time budget, if any.
    pub fn get_max_elapsed(&self) -> Option<Duration> {
        self.max_elapsed
    }

    /// Heap bytes one error may hold.
    pub fn get_max_error_heap(&self) -> usize {
        self.max_error_heap
    }

    /// Longest rendered message, in bytes.
    pub fn get_max_report_len(&self) -> usize {
        self.max_report_len
    }

    /// The exponential delay before retry number `retry` (1-based), before jitter, capped at
    /// `max_backoff`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use errguard::RetryPolicy;
    ///
    /// let p = RetryPolicy::new().min_backoff(Duration::from_millis(100)).factor(2.0);
    /// assert_eq!(p.base_delay(1), Duration::from_millis(100));
    /// assert_eq!(p.base_delay(3), Duration::from_millis(400));
    /// assert_eq!(p.base_delay(1_000), p.get_max_backoff());
    /// ```
    pub fn base_delay(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(i32::MAX as u32) as i32;
        let scaled = self.min_backoff.as_secs_f64() * self.factor.powi(exponent);
        if !scaled.is_finite() || scaled >= self.max_backoff.as_secs_f64() {
            self.max_backoff
        } else {
            Duration::from_secs_f64(scaled)
        }
    }

    /// The delay before retry number `retry` with jitter applied, using `unit` in `[0, 1)` as
    /// the random draw (so schedules can be tested without randomness).
    pub fn jittered_delay(&self, retry: u32, unit: f64) -> Duration {
        let base = self.base_delay(retry);
        let unit = unit.clamp(0.0, 1.0);
        match self.jitter {
            Jitter::None => base,
            Jitter::Full => base.mul_f64(unit),
            Jitter::Equal => base / 2 + (base / 2).mul_f64(unit),
        }
    }
}

/// Shortest accepted `max_report_len`: room for a type name and the truncation mark.
pub const MIN_REPORT_LEN: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_backon_but_for_the_jitter() {
        let p = RetryPolicy::new();
        assert_eq!(p.jitter, Jitter::Full);
        assert_eq!(p.get_max_retries(), 3);
        assert_eq!(p.get_min_backoff(), Duration::from_secs(1));
        assert_eq!(p.get_max_backoff(), Duration::from_secs(60));
        assert_eq!(p.factor, 2.0);
        assert!(p.clone().validate().is_ok());
    }

    #[test]
    fn nonsense_is_rejected_naming_the_field() {
        let cases = [
            (RetryPolicy::new().factor(0.5), "factor"),
            (RetryPolicy::new().factor(f64::NAN), "factor"),
            (RetryPolicy::new().factor(f64::INFINITY), "factor"),
            (
                RetryPolicy::new()
                    .min_backoff(Duration::from_secs(5))
                    .max_backoff(Duration::from_secs(1)),
                "min_backoff",
            ),
            (RetryPolicy::new().max_report_len(3), "max_report_len"),
            (
                RetryPolicy::new().attempt_timeout(Duration::ZERO),
                "attempt_timeout",
            ),
        ];
        for (policy, field) in cases {
            let err = policy.validate().unwrap_err();
            assert_eq!(err.field(), field);
            assert!(err.to_string().contains(field), "{err}");
        }
    }

    #[test]
    fn delays_grow_and_cap_without_overflow() {
        let p = RetryPolicy::new()
            .min_backoff(Duration::from_millis(10))
            .max_backoff(Duration::from_secs(1))
            .factor(10.0);
        assert_eq!(p.base_delay(1), Duration::from_millis(10));
        assert_eq!(p.base_delay(2), Duration::from_millis(100));
        assert_eq!(p.base_delay(3), Duration::from_secs(1));
        assert_eq!(p.base_delay(u32::MAX), Duration::from_secs(1));
    }

    #[test]
    fn jitter_draws_map_to_their_ranges() {
        let base = RetryPolicy::new().min_backoff(Duration::from_millis(400));
        let full = base.clone().jitter(Jitter::Full);
        let equal = base.clone().jitter(Jitter::Equal);
        let none = base.jitter(Jitter::None);
        assert_eq!(full.jittered_delay(1, 0.0), Duration::ZERO);
        assert_eq!(full.jittered_delay(1, 1.0), Duration::from_millis(400));
        assert_eq!(equal.jittered_delay(1, 0.0), Duration::from_millis(200));
        assert_eq!(equal.jittered_delay(1, 1.0), Duration::from_millis(400));
        assert_eq!(none.jittered_delay(1, 0.3), Duration::from_millis(400));
    }
}
