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

use errguard::retryable_actor;

struct Counter {
    attempts: u32,
}

impl Counter {
    #[retryable_actor(max_retries = 4, min_backoff = "1ms", jitter = "none")]
    async fn until(&mut self, target: u32) -> Result<u32, Oops> {
        self.attempts += 1;
        tokio::task::yield_now().await;
        if self.attempts < target { Err(Oops) } else { Ok(self.attempts) }
    }
}

fn main() {
    let mut counter = Counter { attempts: 0 };
    assert_eq!(block_on(counter.until(3)).unwrap(), 3);
    assert_eq!(counter.attempts, 3);
}
