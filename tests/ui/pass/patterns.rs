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

#[retryable_actor(max_retries = 2, min_backoff = "1ms")]
async fn add((a, b): (u32, u32), mut extra: Vec<u32>, &scale: &u32) -> Result<u32, Oops> {
    extra.push(a + b);
    Ok(extra.iter().sum::<u32>() * scale)
}

struct Pair;

impl Pair {
    #[retryable_actor(max_retries = 1)]
    async fn swap(&self, (a, b): (u8, u8), _unused: u8) -> Result<(u8, u8), Oops> {
        Ok((b, a))
    }
}

fn main() {
    assert_eq!(block_on(add((1, 2), vec![3], &2)).unwrap(), 12);
    assert_eq!(block_on(Pair.swap((1, 2), 0)).unwrap(), (2, 1));
}
