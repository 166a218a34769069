//! [`ErrorReport`]: the owned, bounded account of one failed attempt. Hooks and `tracing`
//! events see this, never the error itself.

use std::time::Duration;

/// What went wrong in one attempt.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use errguard::{AttemptFailure, RetryPolicy};
///
/// let policy = RetryPolicy::new()
///     .max_retries(0)
///     .attempt_timeout(Duration::from_millis(5));
/// let failure = errguard::run("hangs", &policy, |_| {
///     std::future::pending::<Result<(), std::fmt::Error>>()
/// })
/// .await
/// .unwrap_err();
/// assert_eq!(failure.report().failure(), AttemptFailure::Timeout);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptFailure {
    /// The attempt returned `Err`.
    Error,
    /// The attempt panicked; the payload was rendered and dropped.
    Panic,
    /// The attempt ran past the per-attempt timeout and was dropped.
    Timeout,
}

/// One failed attempt, owned and bounded: every string is at most the policy's
/// `max_report_len`, the chain at most `max_chain_depth` links.
///
/// ```
/// use errguard::{ErrorReport, RetryPolicy};
/// use std::sync::{Arc, Mutex};
///
/// let reports: Arc<Mutex<Vec<ErrorReport>>> = Arc::default();
/// let sink = Arc::clone(&reports);
/// let policy = RetryPolicy::new().on_report(move |r| sink.lock().unwrap().push(r.clone()));
/// # drop(policy);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReport {
    pub(crate) actor: String,
    pub(crate) attempt: u32,
    pub(crate) max_retries: u32,
    pub(crate) failure: AttemptFailure,
    pub(crate) error_type: &'static str,
    pub(crate) message: String,
    pub(crate) chain: Vec<String>,
    pub(crate) footprint: Option<usize>,
    pub(crate) inline_size: usize,
    pub(crate) oversize: bool,
    pub(crate) next_delay: Option<Duration>,
}

impl ErrorReport {
    /// The actor's name.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Which attempt failed, counting from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The policy's `max_retries` (attempts in all = this + 1).
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// Error, panic or timeout.
    pub fn failure(&self) -> AttemptFailure {
        self.failure
    }

    /// `std::any::type_name` of the error (`"panic"` or `"timeout"` for those).
    pub fn error_type(&self) -> &'static str {
        self.error_type
    }

    /// The error's `Display`, bounded; with its source chain appended after `": "`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Each `source()` below the error, bounded.
    pub fn chain(&self) -> &[String] {
        &self.chain
    }

    /// Heap bytes the error held, when its type is measured (see [`Footprint`](crate::Footprint)).
    pub fn footprint(&self) -> Option<usize> {
        self.footprint
    }

    /// `size_of` the error type.
    pub fn inline_size(&self) -> usize {
        self.inline_size
    }

    /// Whether the footprint was over the policy's `max_error_heap`.
    pub fn is_oversize(&self) -> bool {
        self.oversize
    }

    /// The sleep before the next attempt; `None` when this attempt was the last.
    pub fn next_delay(&self) -> Option<Duration> {
        self.next_delay
    }
}
