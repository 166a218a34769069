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

fn main() {
    #[retryable_actor(max_retries = 0)]
    async fn local_actor(x: u32) -> Result<u32, Oops> {
        #[retryable_actor(max_retries = 0)]
        async fn nested(y: u32) -> Result<u32, Oops> {
            Ok(y + 1)
        }
        nested(x).await.map_err(|_| Oops)
    }
    assert_eq!(block_on(local_actor(1)).unwrap(), 2);
}
