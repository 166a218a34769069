//! # errguard
//!
//! Retry failing async work without hoarding its errors.
//!
//! A job worker that retries a failing actor can keep every failed attempt's error alive: the
//! last error held across the backoff sleep, a history of attempts, a log line that formats a
//! 128 MB payload. errguard's runner guarantees that within one actor call **at most one error
//! is alive**, that it is reported through [`tracing`] with a **bounded** rendering, measured,
//! and **dropped before the backoff sleep**, and that only bounded reports escape.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use std::time::Duration;
//! use errguard::{FailureKind, RetryPolicy};
//!
//! let policy = RetryPolicy::new()
//!     .max_retries(2)
//!     .min_backoff(Duration::from_millis(1))
//!     .max_report_len(64);
//! let failure = errguard::run("import", &policy, |_attempt| async {
//!     Err::<(), _>(std::io::Error::other("x".repeat(1_000_000)))
//! })
//! .await
//! .unwrap_err();
//! assert_eq!(failure.kind(), FailureKind::Exhausted);
//! assert_eq!(failure.attempts(), 3);
//! assert!(failure.message().len() <= 64);
//! # }
//! ```
//!
//! Modules: [`policy`] (the builder), [`runner`] (the loop), [`render`] (bounded text),
//! [`footprint`] (heap measurement), [`report`] (what hooks see), [`stats`] (counters).

pub mod failure;
pub mod footprint;
pub mod policy;
pub mod render;
pub mod report;
pub mod runner;
pub mod stats;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use failure::{ActorFailure, FailureKind};
pub use footprint::Footprint;
pub use policy::{Jitter, Oversize, PolicyError, ReportHook, RetryPolicy};
pub use report::{AttemptFailure, ErrorReport};
pub use runner::{Attempt, RetryAfter, Runner, run, run_if};

pub use errguard_macros::{Footprint, allow, retryable_actor};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
