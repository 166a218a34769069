#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

const TIMEOUT: &str = "10s";
const LIMIT: u64 = 1024;
const F: f64 = 2.0;

// Values are read at expansion time, so each must be a literal of its kind.
#[errguard::retryable_actor(timeout = TIMEOUT)]
async fn duration_const() -> Result<u32, Oops> {
    Ok(1)
}

#[errguard::retryable_actor(max_error_heap = LIMIT)]
async fn size_const() -> Result<u32, Oops> {
    Ok(1)
}

#[errguard::retryable_actor(factor = F)]
async fn factor_const() -> Result<u32, Oops> {
    Ok(1)
}

#[errguard::retryable_actor(name = 5)]
async fn name_number() -> Result<u32, Oops> {
    Ok(1)
}

#[errguard::retryable_actor(jitter = full, on_oversize = fail)]
async fn unquoted_words() -> Result<u32, Oops> {
    Ok(1)
}

fn main() {}
