#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

// `u32` out of range, a negative count, and a size past `u64`: one message each.
#[errguard::retryable_actor(max_retries = 5000000000)]
async fn too_many() -> Result<u32, Oops> {
    Ok(1)
}

#[errguard::retryable_actor(max_retries = -1)]
async fn negative() -> Result<u32, Oops> {
    Ok(1)
}

#[errguard::retryable_actor(max_error_size = 99999999999999999999999)]
async fn huge_limit() -> Result<u32, Oops> {
    Ok(1)
}

fn main() {}
