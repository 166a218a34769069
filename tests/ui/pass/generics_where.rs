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

use std::fmt::Display;
use std::str::FromStr;

use errguard::retryable_actor;

#[retryable_actor(max_retries = 1)]
async fn render<T, const N: usize>(items: [T; N], sep: &str) -> Result<String, Oops>
where
    T: Display + Clone,
{
    Ok(items.iter().map(ToString::to_string).collect::<Vec<_>>().join(sep))
}

#[retryable_actor(max_retries = 1)]
async fn parse<'a, T: FromStr>(text: &'a str) -> Result<T, Oops> {
    text.parse().map_err(|_| Oops)
}

fn main() {
    assert_eq!(block_on(render([1, 2, 3], "-")).unwrap(), "1-2-3");
    assert_eq!(block_on(parse::<u8>("7")).unwrap(), 7);
    assert!(block_on(parse::<u8>("x")).is_err());
}
