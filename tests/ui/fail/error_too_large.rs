#[derive(Debug)]
struct Big {
    inline: [u8; 200],
}

impl std::fmt::Display for Big {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.inline.len())
    }
}

impl std::error::Error for Big {}

#[errguard::retryable_actor]
async fn fetch() -> Result<u32, Big> {
    Ok(1)
}

#[errguard::retryable_actor(max_error_size = 100)]
async fn lowered() -> std::io::Result<u32> {
    Ok(1)
}

#[errguard::retryable_actor(max_error_size = 256)]
async fn raised() -> Result<u32, Big> {
    Ok(1)
}

fn main() {
    let _ = (fetch(), lowered(), raised());
}
