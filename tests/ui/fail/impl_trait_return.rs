#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

#[errguard::retryable_actor]
async fn fetch() -> Result<impl std::fmt::Display, Oops> {
    Ok(1)
}

fn main() {}
