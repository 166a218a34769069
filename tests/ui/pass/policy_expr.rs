#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(future)
}

use std::sync::LazyLock;
use std::time::Duration;

use errguard::{RetryPolicy, retryable_actor};

static POLICY: LazyLock<RetryPolicy> =
    LazyLock::new(|| RetryPolicy::new().max_retries(4).min_backoff(Duration::from_millis(1)));

fn policy() -> RetryPolicy {
    RetryPolicy::new().max_retries(1).min_backoff(Duration::ZERO)
}

#[retryable_actor(policy = &POLICY)]
async fn shared() -> Result<(), Oops> {
    Err(Oops)
}

#[retryable_actor(policy = policy(), max_retries = 2)]
async fn overridden() -> Result<(), Oops> {
    Err(Oops)
}

#[retryable_actor(policy = POLICY.clone())]
async fn cloned() -> Result<(), Oops> {
    Err(Oops)
}

fn main() {
    assert_eq!(block_on(shared()).unwrap_err().attempts(), 5);
    assert_eq!(block_on(overridden()).unwrap_err().attempts(), 3);
    assert_eq!(block_on(cloned()).unwrap_err().attempts(), 5);
}
