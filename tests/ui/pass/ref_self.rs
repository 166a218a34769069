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

struct Client {
    base: String,
}

impl Client {
    #[retryable_actor(max_retries = 1, min_backoff = "1ms")]
    async fn url(&self, path: &str) -> Result<String, Oops> {
        Ok(format!("{}/{}", self.base, path))
    }

    /// Borrows from `self` in the result.
    #[retryable_actor(max_retries = 1)]
    async fn base(&self) -> Result<&str, Oops> {
        Ok(&self.base)
    }
}

fn main() {
    let client = Client { base: "https://x".to_owned() };
    assert_eq!(block_on(client.url("a")).unwrap(), "https://x/a");
    assert_eq!(block_on(client.base()).unwrap(), "https://x");
}
