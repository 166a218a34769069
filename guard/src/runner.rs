//! The retrying runner: [`run`], [`Runner`] and the per-attempt [`Attempt`].
//!
//! Per failed attempt, in this order: classify (predicate, Retry-After) → box → measure →
//! render bounded → report (`tracing` WARN event, then the policy's hook) → drop (or keep, for
//! the final failure, when measured and within `max_error_heap`) → sleep. Nothing from a failed
//! attempt is alive during the sleep.
//!
//! # Spans
//!
//! A call runs in an `actor` span (field `actor`) and each attempt in an `attempt` span (field
//! `attempt`) below it; the runner's own events also carry `actor` and `attempt` as fields.
//! Until an attempt fails, both spans are at DEBUG level: a subscriber at INFO (the usual
//! production filter) never creates them, which is what keeps the success path free of
//! allocation. From the first failure on, the call's span is a WARN-level `actor` span, so
//! every WARN/ERROR event of the runner and every retry's `attempt` span sits inside it at INFO
//! too; only the first attempt's own events are outside errguard's spans at INFO (wrap the call
//! in a span of your own if they need the actor's name). At DEBUG, the call has one span from
//! the start.
//!
//! # User callbacks
//!
//! A panic in a callback the runner calls (the retry predicate, the Retry-After reader, the
//! footprint measure, the report hook) never escapes `run`: it is caught, reported as a WARN
//! event `callback panicked` (fields `actor`, `attempt`, `callback`, `panic`), and the runner
//! goes on as follows. A panicking predicate counts as "not retryable" (the run ends
//! [`Rejected`](FailureKind::Rejected)): the runner could not tell that the error is safe to
//! retry, and a visible failure beats retrying blind. A panicking Retry-After reader counts as
//! "no delay asked" (the backoff schedule applies), a panicking measure as "unmeasured"
//! (footprint `None`, so the error is not kept), and a panicking hook is skipped.

use std::any::Any;
use std::error::Error;
use std::future::{Future, poll_fn};
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::time::Duration;

use tokio::time::Instant;
use tracing::Instrument;

use crate::failure::{ActorFailure, FailureKind};
use crate::policy::RetryPolicy;
use crate::render;
use crate::report::{AttemptFailure, ErrorReport};
use crate::stats;

/// The attempt a closure is asked to run: its number and how many are allowed.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use errguard::RetryPolicy;
///
/// let policy = RetryPolicy::new().max_retries(2).min_backoff(std::time::Duration::ZERO);
/// let result = errguard::run("counts", &policy, |attempt| async move {
///     if attempt.is_last() { Ok(attempt.number()) } else { Err(std::fmt::Error) }
/// })
/// .await;
/// assert_eq!(result.unwrap(), 3);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    number: u32,
    max_retries: u32,
}

impl Attempt {
    /// Which attempt this is, counting from 1.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// Whether this is a retry (number > 1).
    pub fn is_retry(&self) -> bool {
        self.number > 1
    }

    /// Whether no retry follows this attempt, whatever it returns.
    pub fn is_last(&self) -> bool {
        // Attempt numbers stop at `u32::MAX`, so that one is last even under
        // `max_retries(u32::MAX)`.
        self.number > self.max_retries || self.number == u32::MAX
    }

    /// Attempts still allowed after this one.
    pub fn retries_left(&self) -> u32 {
        // `max_retries + 1 - number`, without overflowing at `max_retries(u32::MAX)`.
        self.max_retries
            .saturating_sub(self.number.saturating_sub(1))
    }
}

/// An error that can ask for its own delay before the next attempt (an HTTP 429/503
/// `Retry-After`, a broker's back-pressure hint).
///
/// The runner honours it, clamped to `max_backoff`, and it never adds attempts beyond
/// `max_retries`. `#[retryable_actor]` picks it up by itself; with [`Runner`], pass
/// [`Runner::retry_after`] or call [`Runner::honour_retry_after`].
///
/// ```
/// use std::time::Duration;
///
/// #[derive(Debug)]
/// struct Throttled { wait: Duration }
/// # impl std::fmt::Display for Throttled {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("throttled") }
/// # }
/// # impl std::error::Error for Throttled {}
/// impl errguard::RetryAfter for Throttled {
///     fn retry_after(&self) -> Option<Duration> { Some(self.wait) }
/// }
/// ```
pub trait RetryAfter {
    /// The delay this error asks for, if any.
    fn retry_after(&self) -> Option<Duration>;
}

/// A configured run of one actor: its name, policy and how its error type is classified and
/// measured. [`run`] is `Runner::new(name, policy).run(f)`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use errguard::{Footprint, FailureKind, RetryPolicy, Runner};
///
/// #[derive(Debug, Footprint)]
/// struct Upload { status: u16, body: Vec<u8> }
/// # impl std::fmt::Display for Upload {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "status {}", self.status) }
/// # }
/// # impl std::error::Error for Upload {}
///
/// let policy = RetryPolicy::new().max_retries(3).min_backoff(std::time::Duration::ZERO);
/// let failure = Runner::new("upload", &policy)
///     .retry_if(|e: &Upload| e.status >= 500)
///     .measured()
///     .run(|_| async { Err::<(), _>(Upload { status: 404, body: vec![0; 10] }) })
///     .await
///     .unwrap_err();
/// assert_eq!(failure.kind(), FailureKind::Rejected);
/// assert_eq!(failure.attempts(), 1);
/// assert_eq!(failure.footprint(), Some(10));
/// assert_eq!(failure.downcast_ref::<Upload>().unwrap().status, 404);
/// # }
/// ```
pub struct Runner<'a, E> {
    name: &'a str,
    policy: &'a RetryPolicy,
    retry_if: Option<fn(&E) -> bool>,
    retry_after: Option<fn(&E) -> Option<Duration>>,
    measure: Option<fn(&E) -> usize>,
    retain_unmeasured: bool,
}

impl<E> Clone for Runner<'_, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E> Copy for Runner<'_, E> {}

impl<'a, E> Runner<'a, E>
where
    E: Into<Box<dyn Error + Send + Sync + 'static>> + Send + 'static,
{
    /// A runner named `name` (it appears in every event and report) under `policy`.
    pub fn new(name: &'a str, policy: &'a RetryPolicy) -> Self {
        Self {
            name,
            policy,
            retry_if: None,
            retry_after: None,
            measure: None,
            retain_unmeasured: false,
        }
    }

    /// Retries only errors for which `predicate` is true; a false ends the run at once with
    /// [`FailureKind::Rejected`].
    pub fn retry_if(mut self, predicate: fn(&E) -> bool) -> Self {
        self.retry_if = Some(predicate);
        self
    }

    /// Lets each error ask for its own delay (clamped to `max_backoff`).
    pub fn retry_after(mut self, delay: fn(&E) -> Option<Duration>) -> Self {
        self.retry_after = Some(delay);
        self
    }

    /// Uses `E`'s [`RetryAfter`] impl for the delay.
    pub fn honour_retry_after(self) -> Self
    where
        E: RetryAfter,
    {
        self.retry_after(<E as RetryAfter>::retry_after)
    }

    /// Measures each error's heap footprint with `measure`.
    pub fn measure_with(mut self, measure: fn(&E) -> usize) -> Self {
        self.measure = Some(measure);
        self
    }

    /// Measures each error with its [`Footprint`](crate::Footprint) impl.
    pub fn measured(self) -> Self
    where
        E: crate::Footprint,
    {
        self.measure_with(<E as crate::Footprint>::heap_footprint)
    }

    /// Keeps the final error in [`ActorFailure`] even when its type is unmeasured (off by
    /// default: an unmeasured error might hold any amount of memory).
    pub fn retain_unmeasured(mut self, retain: bool) -> Self {
        self.retain_unmeasured = retain;
        self
    }

    /// Runs `attempt_fn` until it succeeds or the policy gives up.
    ///
    /// Needs a Tokio runtime with the time driver for timeouts and backoff sleeps. The returned
    /// future is `Send` when `attempt_fn` and its futures are; dropping it drops the attempt in
    /// flight or the pending sleep, and everything they hold.
    pub async fn run<T, F, Fut>(self, mut attempt_fn: F) -> Result<T, ActorFailure>
    where
        F: FnMut(Attempt) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Err(problem) = self.policy.check() {
            return Err(self.invalid_policy(&problem));
        }
        let policy = self.policy;
        // Only a run with a time budget reads the clock.
        let started = policy.max_elapsed.map(|_| Instant::now());
        // DEBUG until an attempt fails (see "Spans" in the module docs): at INFO, creating a
        // span allocates in the subscriber, and the success path must not.
        let mut call_span = tracing::debug_span!("actor", actor = self.name);
        let mut number: u32 = 1;
        loop {
            let attempt = Attempt {
                number,
                max_retries: policy.max_retries,
            };
            // A span per attempt, not a field recorded on the call's span: subscribers append
            // recorded values, so a long-retrying actor's span text would grow without bound.
            let attempt_span = if number == 1 {
                tracing::debug_span!(parent: &call_span, "attempt", attempt = number)
            } else {
                tracing::warn_span!(parent: &call_span, "attempt", attempt = number)
            };
            stats::attempt_started();
            let budget_left = policy
                .max_elapsed
                .zip(started)
                .map(|(budget, started)| budget.saturating_sub(started.elapsed()));
            let outcome = match run_one(attempt_fn(attempt), policy.attempt_timeout, budget_left)
                .instrument(attempt_span)
                .await
            {
                Attempted::Succeeded(value) => return Ok(value),
                Attempted::Failed(outcome) => outcome,
            };
            if call_span.is_disabled() {
                call_span = tracing::warn_span!("actor", actor = self.name);
            }
            let delay = call_span.in_scope(|| self.after_failure(outcome, attempt, started))?;
            if !delay.is_zero() {
                tokio::time::sleep(delay)
                    .instrument(call_span.clone())
                    .await;
            }
            number = number.saturating_add(1);
        }
    }

    /// Assesses, reports and drops a failed attempt's error; the delay before the next attempt,
    /// or the run's failure.
    fn after_failure(
        &self,
        outcome: Outcome<E>,
        attempt: Attempt,
        started: Option<Instant>,
    ) -> Result<Duration, ActorFailure> {
        let failed = match outcome {
            Outcome::Failed(error) => self.assess_error(error, attempt),
            Outcome::Panicked(payload) => self.assess_panic(payload, attempt),
            Outcome::TimedOut { by_budget } => self.assess_timeout(attempt, by_budget),
        };
        stats::attempt_failed();
        let delay = match self.decide(&failed, attempt, started) {
            Decision::Retry(delay) => delay,
            Decision::Stop(kind) => return Err(self.finish(failed, kind, attempt)),
        };
        let Failed {
            report,
            error,
            dropped_bytes,
            ..
        } = failed;
        self.publish(report, Some(delay));
        // The error is gone before the sleep: nothing from this attempt stays alive.
        drop_counted(error, dropped_bytes);
        stats::retry_scheduled();
        Ok(delay)
    }

    /// Calls a user callback; a panic in it is caught, reported and dropped (`None`), so user
    /// code never unwinds out of `run`.
    fn guarded<R>(&self, attempt: u32, callback: &'static str, f: impl FnOnce() -> R) -> Option<R> {
        match panic::catch_unwind(AssertUnwindSafe(f)) {
            Ok(value) => Some(value),
            Err(payload) => {
                let message = render::panic_bounded(&*payload, self.policy.max_report_len);
                render::drop_quietly(payload);
                tracing::warn!(
                    actor = self.name,
                    attempt,
                    callback,
                    panic = message.as_str(),
                    "callback panicked"
                );
                None
            }
        }
    }

    fn assess_error(&self, error: E, attempt: Attempt) -> Failed {
        // Classified and measured as `E`, before the conversion: the box may hide `E` (an
        // `anyhow::Error` converts into a private wrapper of its own).
        let retryable = self.retry_if.is_none_or(|predicate| {
            self.guarded(attempt.number, "retry_if", || predicate(&error))
                .unwrap_or(false)
        });
        let asked_delay = self.retry_after.and_then(|delay| {
            self.guarded(attempt.number, "retry_after", || delay(&error))
                .flatten()
        });
        let footprint = self
            .measure
            .and_then(|measure| self.guarded(attempt.number, "measure", || measure(&error)));
        let inline_size = std::mem::size_of::<E>();
        let boxed: BoxedError = error.into();
        let oversize = footprint.is_some_and(|bytes| bytes > self.policy.max_error_heap);
        if oversize {
            stats::oversize();
        }
        let limit = self.policy.max_report_len;
        let depth = self.policy.max_chain_depth;
        let report = self.report(
            attempt,
            AttemptFailure::Error,
            std::any::type_name::<E>(),
            render::error_bounded(&*boxed, limit, depth),
            render::chain_bounded(&*boxed, limit, depth),
            footprint,
            inline_size,
            oversize,
        );
        // What the box frees: the value behind it (for `E = Box<dyn Error>` or `anyhow::Error`,
        // the error they point to, not the pointer) plus its measured heap.
        let dropped_bytes = std::mem::size_of_val(&*boxed).saturating_add(footprint.unwrap_or(0));
        Failed {
            report,
            error: Some(Held::Error(boxed)),
            dropped_bytes,
            retryable,
            asked_delay,
        }
    }

    fn assess_panic(&self, payload: Box<dyn Any + Send>, attempt: Attempt) -> Failed {
        stats::panicked();
        // Only the two payloads `panic!` makes are measured; any other type is unmeasured.
        let footprint = if payload.is::<&'static str>() {
            Some(0)
        } else {
            payload.downcast_ref::<String>().map(String::capacity)
        };
        let inline_size = std::mem::size_of_val(&*payload);
        let report = self.report(
            attempt,
            AttemptFailure::Panic,
            "panic",
            render::panic_bounded(&*payload, self.policy.max_report_len),
            Vec::new(),
            footprint,
            0,
            false,
        );
        Failed {
            report,
            error: Some(Held::Panic(payload)),
            dropped_bytes: inline_size.saturating_add(footprint.unwrap_or(0)),
            retryable: self.policy.retry_panics,
            asked_delay: None,
        }
    }

    fn assess_timeout(&self, attempt: Attempt, by_budget: bool) -> Failed {
        stats::timed_out();
        let message = if by_budget {
            "attempt stopped: the run's max_elapsed budget ran out".to_owned()
        } else {
            let timeout = self.policy.attempt_timeout.unwrap_or_default();
            format!("attempt timed out after {timeout:?}")
        };
        let report = self.report(
            attempt,
            AttemptFailure::Timeout,
            "timeout",
            render::display_bounded(&message, self.policy.max_report_len),
            Vec::new(),
            Some(0),
            0,
            false,
        );
        Failed {
            report,
            error: None,
            dropped_bytes: 0,
            retryable: !by_budget,
            asked_delay: None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        attempt: Attempt,
        failure: AttemptFailure,
        error_type: &'static str,
        message: String,
        chain: Vec<String>,
        footprint: Option<usize>,
        inline_size: usize,
        oversize: bool,
    ) -> ErrorReport {
        ErrorReport {
            actor: self.name.to_owned(),
            attempt: attempt.number,
            max_retries: self.policy.max_retries,
            failure,
            error_type,
            message,
            chain,
            footprint,
            inline_size,
            oversize,
            next_delay: None,
        }
    }

    fn decide(&self, failed: &Failed, attempt: Attempt, started: Option<Instant>) -> Decision {
        let policy = self.policy;
        let last_kind = match failed.report.failure {
            AttemptFailure::Error => FailureKind::Exhausted,
            AttemptFailure::Panic => FailureKind::Panicked,
            AttemptFailure::Timeout => FailureKind::TimedOut,
        };
        if !failed.retryable {
            return Decision::Stop(match failed.report.failure {
                AttemptFailure::Error => FailureKind::Rejected,
                AttemptFailure::Timeout => FailureKind::Elapsed,
                AttemptFailure::Panic => FailureKind::Panicked,
            });
        }
        if failed.report.oversize && policy.on_oversize == crate::Oversize::Fail {
            return Decision::Stop(FailureKind::Oversize);
        }
        if attempt.is_last() {
            return Decision::Stop(last_kind);
        }
        let retry = attempt.number;
        let delay = match failed.asked_delay {
            Some(asked) => asked.min(policy.max_backoff),
            None => policy.jittered_delay(retry, fastrand::f64()),
        };
        if let (Some(budget), Some(started)) = (policy.max_elapsed, started)
            && started.elapsed().saturating_add(delay) >= budget
        {
            return Decision::Stop(FailureKind::Elapsed);
        }
        Decision::Retry(delay)
    }

    fn publish(&self, mut report: ErrorReport, next_delay: Option<Duration>) -> ErrorReport {
        report.next_delay = next_delay;
        tracing::warn!(
            actor = self.name,
            attempt = report.attempt,
            max_retries = report.max_retries,
            delay_ms = next_delay.map(|d| d.as_millis() as u64),
            error.r#type = report.error_type,
            error.message = report.message.as_str(),
            error.footprint = report.footprint.map(|b| b as u64),
            error.oversize = report.oversize,
            "attempt failed"
        );
        if let Some(hook) = &self.policy.hook {
            self.guarded(report.attempt, "on_report", || hook(&report));
        }
        report
    }

    fn finish(&self, failed: Failed, kind: FailureKind, attempt: Attempt) -> ActorFailure {
        let Failed {
            report,
            error,
            dropped_bytes,
            ..
        } = failed;
        let report = self.publish(report, None);
        let within_limit = match report.footprint {
            Some(bytes) => !report.oversize && bytes <= self.policy.max_error_heap,
            None => self.retain_unmeasured,
        };
        let kept = match error {
            Some(Held::Error(boxed)) if within_limit => Some(boxed),
            other => {
                drop_counted(other, dropped_bytes);
                None
            }
        };
        tracing::error!(
            actor = self.name,
            attempts = attempt.number,
            kind = kind.as_str(),
            error.r#type = report.error_type,
            error.message = report.message.as_str(),
            error.footprint = report.footprint.map(|b| b as u64),
            "actor failed"
        );
        ActorFailure {
            kind,
            attempts: attempt.number,
            report: Box::new(report),
            error: kept,
        }
    }

    fn invalid_policy(&self, problem: &crate::PolicyError) -> ActorFailure {
        let message = render::display_bounded(problem, self.policy.max_report_len.max(256));
        tracing::error!(
            actor = self.name,
            error.message = message.as_str(),
            "invalid retry policy"
        );
        ActorFailure {
            kind: FailureKind::InvalidPolicy,
            attempts: 0,
            report: Box::new(ErrorReport {
                actor: self.name.to_owned(),
                attempt: 0,
                max_retries: self.policy.max_retries,
                failure: AttemptFailure::Error,
                error_type: std::any::type_name::<crate::PolicyError>(),
                message,
                chain: Vec::new(),
                footprint: None,
                inline_size: 0,
                oversize: false,
                next_delay: None,
            }),
            error: None,
        }
    }
}

/// Runs `attempt_fn` under `policy` until it succeeds or the policy gives up.
///
/// The attempt's error type `E` only needs to convert into
/// `Box<dyn Error + Send + Sync + 'static>` (and be `Send + 'static`): every
/// `E: Error + Send + Sync + 'static` does, so does `anyhow::Error` (an `anyhow::Result<T>`
/// attempt works as is) and so does that box itself. Each error is converted as soon as the
/// attempt returns. It is not measured (use [`Runner::measured`] or `#[retryable_actor]` for
/// that) and every error is retried.
///
/// [`ActorFailure::downcast_ref`] finds the kept error by the type the box holds: `E` itself
/// for a std error type, the boxed error's own type for a `Box<dyn Error …>`; `anyhow::Error`
/// converts into a private wrapper of its own, so read an anyhow run's failure through
/// [`ActorFailure::message`] and [`ActorFailure::report`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use errguard::RetryPolicy;
///
/// let policy = RetryPolicy::new().max_retries(4).min_backoff(Duration::from_millis(1));
/// let mut calls = 0;
/// let value = errguard::run("flaky", &policy, |attempt| {
///     calls += 1;
///     async move {
///         if attempt.number() < 3 {
///             Err(std::io::Error::other("not yet"))
///         } else {
///             Ok(42)
///         }
///     }
/// })
/// .await
/// .unwrap();
/// assert_eq!((value, calls), (42, 3));
/// # }
/// ```
pub async fn run<T, E, F, Fut>(
    name: &str,
    policy: &RetryPolicy,
    attempt_fn: F,
) -> Result<T, ActorFailure>
where
    F: FnMut(Attempt) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: Into<Box<dyn Error + Send + Sync + 'static>> + Send + 'static,
{
    Runner::new(name, policy).run(attempt_fn).await
}

/// [`run`] with a retry predicate over the error: `true` retries, `false` ends the run at once
/// with [`FailureKind::Rejected`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::io;
/// use errguard::{FailureKind, RetryPolicy};
///
/// let policy = RetryPolicy::new();
/// let failure = errguard::run_if(
///     "open",
///     &policy,
///     |e: &io::Error| e.kind() != io::ErrorKind::NotFound,
///     |_| async { Err::<(), _>(io::Error::from(io::ErrorKind::NotFound)) },
/// )
/// .await
/// .unwrap_err();
/// assert_eq!(failure.kind(), FailureKind::Rejected);
/// # }
/// ```
pub async fn run_if<T, E, F, Fut>(
    name: &str,
    policy: &RetryPolicy,
    retry_if: fn(&E) -> bool,
    attempt_fn: F,
) -> Result<T, ActorFailure>
where
    F: FnMut(Attempt) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: Into<Box<dyn Error + Send + Sync + 'static>> + Send + 'static,
{
    Runner::new(name, policy)
        .retry_if(retry_if)
        .run(attempt_fn)
        .await
}

/// How one attempt ended.
enum Attempted<T, E> {
    Succeeded(T),
    Failed(Outcome<E>),
}

/// How an attempt failed.
enum Outcome<E> {
    Failed(E),
    Panicked(Box<dyn Any + Send>),
    TimedOut { by_budget: bool },
}

/// What a failed attempt left: its report and what is still held (the boxed error or the panic
/// payload) until the runner drops or keeps it.
struct Failed {
    report: ErrorReport,
    error: Option<Held>,
    /// Size of what `error` holds (the value behind the box) plus its measured heap, for the
    /// stats.
    dropped_bytes: usize,
    retryable: bool,
    asked_delay: Option<Duration>,
}

/// What every attempt's error becomes as soon as the attempt returns.
type BoxedError = Box<dyn Error + Send + Sync + 'static>;

enum Held {
    Error(BoxedError),
    Panic(
        #[expect(
            dead_code,
            reason = "never read: held only so that the runner drops it when it chooses"
        )]
        Box<dyn Any + Send>,
    ),
}

enum Decision {
    Retry(Duration),
    Stop(FailureKind),
}

fn drop_counted(held: Option<Held>, bytes: usize) {
    let Some(held) = held else { return };
    render::drop_quietly(held);
    stats::dropped(bytes);
}

/// Polls one attempt, catching a panic and applying the per-attempt timeout (and the run's
/// remaining budget). The attempt's future lives on this frame: no allocation on success.
async fn run_one<T, E>(
    attempt: impl Future<Output = Result<T, E>>,
    timeout: Option<Duration>,
    budget_left: Option<Duration>,
) -> Attempted<T, E> {
    let mut attempt = pin!(attempt);
    let guarded = poll_fn(|cx| {
        panic::catch_unwind(AssertUnwindSafe(|| attempt.as_mut().poll(cx))).map_or_else(
            |payload| std::task::Poll::Ready(Err(payload)),
            |poll| poll.map(Ok),
        )
    });
    let (limit, by_budget) = match (timeout, budget_left) {
        (None, None) => (None, false),
        (Some(t), None) => (Some(t), false),
        (None, Some(b)) => (Some(b), true),
        (Some(t), Some(b)) => (Some(t.min(b)), b < t),
    };
    let result = match limit {
        None => guarded.await,
        Some(limit) => match tokio::time::timeout(limit, guarded).await {
            Ok(result) => result,
            Err(_) => return Attempted::Failed(Outcome::TimedOut { by_budget }),
        },
    };
    Attempted::Failed(match result {
        Ok(Ok(value)) => return Attempted::Succeeded(value),
        Ok(Err(error)) => Outcome::Failed(error),
        Err(payload) => Outcome::Panicked(payload),
    })
}

#[cfg(test)]
mod tests {
    use super::Attempt;

    #[test]
    fn the_attempt_numbered_u32_max_is_the_last_whatever_the_policy() {
        let attempt = |number| Attempt {
            number,
            max_retries: u32::MAX,
        };
        assert!(!attempt(u32::MAX - 1).is_last());
        assert!(attempt(u32::MAX).is_last());
        assert_eq!(attempt(1).retries_left(), u32::MAX);
    }
}
