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

use errguard::{FailureKind, retryable_actor};

fn transient(_: &Oops) -> bool {
    false
}

#[retryable_actor(
    max_retries = 5,
    min_backoff = "100ms",
    max_backoff = "30s",
    factor = 2.0,
    max_elapsed = "5m",
    timeout = "10s",
    jitter = "equal",
    max_error_size = 64,
    max_error_heap = "64KiB",
    max_report_len = 1024,
    retry_if = transient,
    retry_panics = false,
    on_oversize = "fail",
    name = "billing::charge",
)]
async fn charge(cents: u64) -> Result<u64, Oops> {
    if cents == 0 { Err(Oops) } else { Ok(cents) }
}

fn main() {
    assert_eq!(block_on(charge(5)).unwrap(), 5);
    let failure = block_on(charge(0)).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Rejected);
    assert_eq!(failure.attempts(), 1);
    assert_eq!(failure.actor(), "billing::charge");
}
