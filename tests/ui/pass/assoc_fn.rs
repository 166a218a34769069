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

struct Config {
    retries: u32,
}

impl Config {
    const LIMIT: u32 = 10;

    #[retryable_actor(max_retries = 1)]
    async fn load(retries: u32) -> Result<Self, Oops> {
        if retries > Self::LIMIT { Err(Oops) } else { Ok(Self { retries }) }
    }
}

fn main() {
    assert_eq!(block_on(Config::load(3)).unwrap().retries, 3);
    assert!(block_on(Config::load(30)).is_err());
}
