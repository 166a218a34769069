#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

// `"5 min"` is rejected; it is not then compared with `min_backoff` as if it were the default
// 60s (one mistake, one message).
#[errguard::retryable_actor(min_backoff = "2m", max_backoff = "5 min")]
async fn fetch() -> Result<u32, Oops> {
    Ok(1)
}

fn main() {}
