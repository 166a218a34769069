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

#[retryable_actor(max_retries = 2, min_backoff = "1ms")]
async fn fetch(id: u32) -> Result<u32, Oops> {
    if id == 0 { Err(Oops) } else { Ok(id * 2) }
}

fn main() {
    assert_eq!(block_on(fetch(21)).unwrap(), 42);
    let failure = block_on(fetch(0)).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Exhausted);
    assert_eq!(failure.attempts(), 3);
    assert!(failure.actor().ends_with("::fetch"), "{}", failure.actor());
}
