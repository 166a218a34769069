#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

struct Connection;

#[errguard::retryable_actor]
async fn fetch(id: u32, conn: Connection) -> Result<u32, Oops> {
    let _ = conn;
    Ok(id)
}

fn main() {}
