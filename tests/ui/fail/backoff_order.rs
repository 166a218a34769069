#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

#[errguard::retryable_actor(min_backoff = "10s", max_backoff = "1s")]
async fn fetch() -> Result<u32, Oops> {
    Ok(1)
}

#[errguard::retryable_actor(min_backoff = "2m")]
async fn over_default() -> Result<u32, Oops> {
    Ok(1)
}

fn main() {}
