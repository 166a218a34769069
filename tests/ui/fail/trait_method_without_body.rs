#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

trait Actor {
    #[errguard::retryable_actor]
    async fn run(&self) -> Result<u32, Oops>;
}

fn main() {}
