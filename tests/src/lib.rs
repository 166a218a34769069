//! Shared helpers for errguard's cross-crate tests.
//!
//! The test binaries under `tests/tests/` each install their own global allocator where they
//! measure memory; this library holds what they share.

pub mod alloc;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use std::time::Duration;

use errguard::{Footprint, Jitter, RetryPolicy};

/// Polls `future` once with a no-op waker: the runner's success path never waits, so the
/// allocation tests can count one call without an executor's own allocations.
pub fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    let mut future = pin!(future);
    future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
}

async fn direct(x: u64) -> Result<u64, std::io::Error> {
    Ok(x * 2)
}

/// Allocations the calling thread makes in 1,000 successful `errguard::run` calls (after one
/// warm-up call), on a current-thread runtime. Counts only under [`alloc::Counting`].
pub fn allocations_of_successful_runs() -> usize {
    let policy = RetryPolicy::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime");
    let _enter = rt.enter();
    // Warm up thread-locals (tracing's dispatcher state, callsite interest) before counting.
    let _ = poll_once(errguard::run("warm", &policy, |_| direct(1)));
    let before = alloc::thread_allocation_count();
    for i in 0..1_000 {
        let result = poll_once(errguard::run("ok", &policy, |_| direct(i)));
        assert!(matches!(result, Poll::Ready(Ok(v)) if v == i * 2));
    }
    alloc::thread_allocation_count() - before
}

/// An error carrying a measured payload, as an HTTP client's error that owns the response body.
#[errguard::allow(heap-buffer, reason = "test error: the runtime is tested on an error that owns its body")]
#[derive(Debug, Footprint)]
pub struct Upload {
    /// The response status.
    pub status: u16,
    /// The response body.
    pub body: Vec<u8>,
}

impl std::fmt::Display for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "upload failed with status {}", self.status)
    }
}

impl std::error::Error for Upload {}

/// A policy of `retries` retries with no backoff and no jitter.
pub fn zero_backoff(retries: u32) -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(retries)
        .min_backoff(Duration::ZERO)
        .jitter(Jitter::None)
}
