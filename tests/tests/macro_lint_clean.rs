//! The expansion of `#[retryable_actor]` is lint-clean: this file denies warnings, `clippy::all`
//! and `clippy::pedantic`, and uses every argument and every receiver/argument shape.
#![deny(warnings, clippy::all, clippy::pedantic)]

use std::sync::LazyLock;
use std::time::Duration;

use errguard::{Footprint, RetryPolicy, retryable_actor};

/// A measured error.
#[errguard::allow(heap-buffer, reason = "test error: a measured payload for the expansion to handle")]
#[derive(Debug, Footprint)]
pub struct Failure {
    body: Vec<u8>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "failed with {} bytes", self.body.len())
    }
}

impl std::error::Error for Failure {}

fn transient(error: &Failure) -> bool {
    error.body.is_empty()
}

static POLICY: LazyLock<RetryPolicy> =
    LazyLock::new(|| RetryPolicy::new().min_backoff(Duration::ZERO));

/// Every argument at once.
///
/// # Errors
///
/// When every attempt fails.
#[retryable_actor(
    max_retries = 2,
    min_backoff = "1ms",
    max_backoff = "1s",
    factor = 1.5,
    max_elapsed = "1m",
    timeout = "5s",
    jitter = "full",
    max_error_size = 64,
    max_error_heap = "1MiB",
    max_report_len = 256,
    retry_if = transient,
    retry_panics = true,
    on_oversize = "retry",
    name = "lint::everything",
)]
pub async fn everything(id: u32, tag: String, (a, b): (u8, u8)) -> Result<String, Failure> {
    tokio::task::yield_now().await;
    if id == 0 {
        Err(Failure { body: Vec::new() })
    } else {
        Ok(format!("{tag}{a}{b}"))
    }
}

/// A policy expression with an override.
///
/// # Errors
///
/// When every attempt fails.
#[retryable_actor(policy = &POLICY, max_retries = 1)]
pub async fn with_policy(mut items: Vec<u8>) -> std::io::Result<usize> {
    items.push(1);
    tokio::task::yield_now().await;
    Ok(items.len())
}

/// A stateful actor.
pub struct Worker {
    done: u32,
}

impl Worker {
    /// `&mut self` and a `&mut` argument.
    ///
    /// # Errors
    ///
    /// When every attempt fails.
    #[retryable_actor(max_retries = 1, min_backoff = "1ms")]
    pub async fn step(&mut self, out: &mut Vec<u32>) -> Result<u32, Failure> {
        self.done += 1;
        out.push(self.done);
        tokio::task::yield_now().await;
        Ok(self.done)
    }

    /// `&self` and a generic argument.
    ///
    /// # Errors
    ///
    /// When every attempt fails.
    #[retryable_actor(max_retries = 1)]
    pub async fn show<T>(&self, value: &T) -> Result<String, Failure>
    where
        T: std::fmt::Display + Sync,
    {
        tokio::task::yield_now().await;
        Ok(format!("{value}{}", self.done))
    }
}

/// A one-line body: spliced as statements, not as a block in a block (`unused_braces`).
///
/// # Errors
///
/// Never.
#[retryable_actor]
pub async fn one_line() -> Result<u8, Failure> {
    Ok(1)
}

/// `_`-prefixed arguments, plain and in a pattern: the wrapper uses them under its own names
/// (`clippy::used_underscore_binding`, `clippy::no_effect_underscore_binding`).
///
/// # Errors
///
/// Never.
#[retryable_actor(max_retries = 1)]
pub async fn underscores(_unused: u32, (_a, b): (u8, u8), _borrowed: &str) -> Result<u8, Failure> {
    Ok(b)
}

impl Worker {
    /// `_`-prefixed arguments of a method.
    ///
    /// # Errors
    ///
    /// Never.
    #[retryable_actor(max_retries = 1)]
    pub async fn ignore(&self, _unused: String, _also: &mut Vec<u8>) -> Result<u32, Failure> {
        Ok(self.done)
    }

    /// An `#[expect]` on a method: the lint fires in the body, which only the hidden sibling
    /// has, so an expectation copied to the wrapper would be unfulfilled (a warning).
    ///
    /// # Errors
    ///
    /// Never.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the test wants a body-only lint"
    )]
    #[retryable_actor(max_retries = 1)]
    pub async fn truncate(&self, wide: u64) -> Result<u32, Failure> {
        Ok(wide as u32 + self.done)
    }
}

#[tokio::test(start_paused = true)]
async fn lint_clean_actors_run() {
    assert_eq!(one_line().await.unwrap(), 1);
    assert_eq!(underscores(7, (1, 2), "x").await.unwrap(), 2);
    assert_eq!(
        Worker { done: 4 }
            .ignore(String::new(), &mut Vec::new())
            .await
            .unwrap(),
        4
    );
    assert_eq!(everything(1, "t".to_owned(), (1, 2)).await.unwrap(), "t12");
    assert_eq!(
        everything(0, String::new(), (0, 0))
            .await
            .unwrap_err()
            .attempts(),
        3
    );
    assert_eq!(with_policy(vec![0]).await.unwrap(), 2);
    let mut worker = Worker { done: 0 };
    let mut out = Vec::new();
    assert_eq!(worker.step(&mut out).await.unwrap(), 1);
    assert_eq!(out, [1]);
    assert_eq!(worker.show(&"n").await.unwrap(), "n1");
}
