//! [`ActorFailure`]: what a run returns when it gives up.

use std::error::Error;
use std::fmt;

use crate::report::ErrorReport;

/// Why a run ended without success.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use errguard::{FailureKind, RetryPolicy};
///
/// let policy = RetryPolicy::new().max_retries(5).retry_panics(false);
/// let failure = errguard::run("panics", &policy, |_| async {
///     std::panic::resume_unwind(Box::new("bug"));
///     #[allow(unreachable_code)]
///     Ok::<(), std::fmt::Error>(())
/// })
/// .await
/// .unwrap_err();
/// assert_eq!(failure.kind(), FailureKind::Panicked);
/// assert_eq!(failure.kind().as_str(), "panicked");
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// Every attempt failed (`max_retries + 1` of them).
    Exhausted,
    /// The retry predicate called the error permanent.
    Rejected,
    /// The last attempt panicked.
    Panicked,
    /// The last attempt ran past the per-attempt timeout.
    TimedOut,
    /// The error was over `max_error_heap` and the policy says [`Oversize::Fail`](crate::Oversize::Fail).
    Oversize,
    /// The run's `max_elapsed` budget ran out.
    Elapsed,
    /// The policy was invalid; no attempt ran.
    InvalidPolicy,
}

impl FailureKind {
    /// A short lowercase name, as used in events.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Exhausted => "exhausted",
            FailureKind::Rejected => "rejected",
            FailureKind::Panicked => "panicked",
            FailureKind::TimedOut => "timed out",
            FailureKind::Oversize => "oversize",
            FailureKind::Elapsed => "elapsed",
            FailureKind::InvalidPolicy => "invalid policy",
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A run that gave up: the bounded report of its last failed attempt, why it ended, and the
/// last error itself only when it was measured and within `max_error_heap`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use errguard::{FailureKind, RetryPolicy};
///
/// let policy = RetryPolicy::new().max_retries(0);
/// let failure = errguard::run("fetch", &policy, |_| async {
///     Err::<(), _>(std::fmt::Error)
/// })
/// .await
/// .unwrap_err();
/// assert_eq!(failure.kind(), FailureKind::Exhausted);
/// assert_eq!(failure.attempts(), 1);
/// assert_eq!(failure.error_type(), "core::fmt::Error");
/// # }
/// ```
pub struct ActorFailure {
    pub(crate) kind: FailureKind,
    pub(crate) attempts: u32,
    // Boxed so that `Result<T, ActorFailure>` stays small (clippy's `result_large_err` and
    // errguard's own `large-inline` rule): the report is only built on failure anyway.
    pub(crate) report: Box<ErrorReport>,
    pub(crate) error: Option<Box<dyn Error + Send + Sync + 'static>>,
}

impl ActorFailure {
    /// The actor's name.
    pub fn actor(&self) -> &str {
        self.report.actor()
    }

    /// Attempts made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Why the run ended.
    pub fn kind(&self) -> FailureKind {
        self.kind
    }

    /// The last error's bounded rendering (with its source chain).
    pub fn message(&self) -> &str {
        self.report.message()
    }

    /// The last error's type name (`"panic"` / `"timeout"` for those).
    pub fn error_type(&self) -> &'static str {
        self.report.error_type()
    }

    /// The last error's measured heap footprint, when its type is measured.
    pub fn footprint(&self) -> Option<usize> {
        self.report.footprint()
    }

    /// The bounded report of the last failed attempt.
    pub fn report(&self) -> &ErrorReport {
        &self.report
    }

    /// The last error, when it was kept (measured and within `max_error_heap`, or the policy
    /// retains unmeasured errors) and is an `E`.
    pub fn downcast_ref<E: Error + 'static>(&self) -> Option<&E> {
        self.error.as_deref()?.downcast_ref::<E>()
    }

    /// Whether the last error was kept.
    pub fn has_error(&self) -> bool {
        self.error.is_some()
    }

    /// Takes the kept error out, leaving the bounded report.
    pub fn take_error(&mut self) -> Option<Box<dyn Error + Send + Sync + 'static>> {
        self.error.take()
    }
}

impl fmt::Display for ActorFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "actor `{}` failed ({}) after {} attempt{}: {}",
            self.actor(),
            self.kind,
            self.attempts,
            if self.attempts == 1 { "" } else { "s" },
            self.message()
        )
    }
}

impl fmt::Debug for ActorFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The kept error is shown by type only: its own Debug may be unbounded.
        f.debug_struct("ActorFailure")
            .field("actor", &self.actor())
            .field("kind", &self.kind)
            .field("attempts", &self.attempts)
            .field("error_type", &self.error_type())
            .field("message", &self.message())
            .field("footprint", &self.footprint())
            .field("kept_error", &self.error.is_some())
            .finish()
    }
}

impl Error for ActorFailure {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.error.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_small_enough_to_return_by_value() {
        // The same limit `#[retryable_actor]` and the lint apply to error types.
        assert!(std::mem::size_of::<ActorFailure>() <= 32);
    }
}
