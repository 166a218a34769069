#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

// The default `min_backoff` is 1s.
#[errguard::retryable_actor(max_backoff = "500ms")]
async fn fetch() -> Result<u32, Oops> {
    Ok(1)
}

// A unit-less duration string.
#[errguard::retryable_actor(timeout = "10")]
async fn no_unit() -> Result<u32, Oops> {
    Ok(1)
}

fn main() {}
