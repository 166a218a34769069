fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(future)
}

use std::time::Duration;

use errguard::{FailureKind, Footprint, RetryAfter, retryable_actor};

#[derive(Debug, Footprint)]
struct Upload {
    body: Vec<u8>,
}

impl std::fmt::Display for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "upload of {} bytes failed", self.body.len())
    }
}

impl std::error::Error for Upload {}

#[derive(Debug)]
struct Throttled;

impl std::fmt::Display for Throttled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("throttled")
    }
}

impl std::error::Error for Throttled {}

impl RetryAfter for Throttled {
    fn retry_after(&self) -> Option<Duration> {
        Some(Duration::from_secs(7))
    }
}

#[retryable_actor(max_retries = 0, max_error_heap = "1KiB")]
async fn upload(size: usize) -> Result<(), Upload> {
    Err(Upload { body: vec![0; size] })
}

#[retryable_actor(max_retries = 1, min_backoff = "1ms", max_backoff = "1m")]
async fn throttled() -> Result<(), Throttled> {
    Err(Throttled)
}

fn main() {
    let small = block_on(upload(100)).unwrap_err();
    assert_eq!(small.footprint(), Some(100));
    assert!(small.has_error());
    let large = block_on(upload(4096)).unwrap_err();
    assert_eq!(large.footprint(), Some(4096));
    assert!(!large.has_error());
    assert_eq!(large.kind(), FailureKind::Exhausted);
    let failure = block_on(async {
        let begun = tokio::time::Instant::now();
        let failure = throttled().await.unwrap_err();
        assert!(begun.elapsed() >= Duration::from_secs(7));
        failure
    });
    assert_eq!(failure.footprint(), None);
}
