#[errguard::retryable_actor(max_error_size = 16)]
async fn attempt<E>(make: fn() -> E) -> Result<(), E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    Err(make())
}

#[derive(Debug)]
struct Wide([u64; 4]);

impl std::fmt::Display for Wide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for Wide {}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    // 0 bytes: within the limit.
    let _ = runtime.block_on(attempt(|| std::fmt::Error));
    // 32 bytes: over the limit of 16, reported when this instance is compiled.
    let _ = runtime.block_on(attempt(|| Wide([0; 4])));
}
