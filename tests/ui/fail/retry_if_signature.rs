#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

fn transient(_: &std::io::Error) -> bool {
    true
}

#[errguard::retryable_actor(retry_if = transient)]
async fn fetch() -> Result<u32, Oops> {
    Ok(1)
}

fn main() {}
