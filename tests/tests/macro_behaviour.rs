//! Behaviour of `#[retryable_actor]` with real actors.

use std::sync::atomic::{AtomicUsize, Ordering};

use errguard::{ActorFailure, FailureKind, retryable_actor};

#[derive(Debug)]
struct Flaky;

impl std::fmt::Display for Flaky {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("flaky")
    }
}

impl std::error::Error for Flaky {}

static CALLS: AtomicUsize = AtomicUsize::new(0);

#[retryable_actor(max_retries = 2, min_backoff = "10ms")]
async fn always_fails(label: String) -> Result<u32, Flaky> {
    CALLS.fetch_add(1, Ordering::SeqCst);
    assert_eq!(label, "x");
    Err(Flaky)
}

#[tokio::test(start_paused = true)]
async fn counts_attempts() {
    let failure: ActorFailure = always_fails("x".to_owned()).await.unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Exhausted);
    assert_eq!(failure.attempts(), 3);
    assert_eq!(CALLS.load(Ordering::SeqCst), 3);
}

struct Counter {
    seen: u32,
}

impl Counter {
    #[retryable_actor(max_retries = 3, min_backoff = "1ms")]
    async fn bump(&mut self, by: u32) -> Result<u32, Flaky> {
        self.seen += by;
        if self.seen < 3 {
            Err(Flaky)
        } else {
            Ok(self.seen)
        }
    }

    #[retryable_actor(max_retries = 3, min_backoff = "1ms")]
    async fn peek(&self) -> Result<u32, Flaky> {
        Ok(self.seen)
    }
}

#[tokio::test(start_paused = true)]
async fn mut_self() {
    let mut c = Counter { seen: 0 };
    assert_eq!(c.bump(1).await.unwrap(), 3);
    assert_eq!(c.peek().await.unwrap(), 3);
}
