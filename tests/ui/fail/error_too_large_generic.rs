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

/// Polls once: enough to compile the instance (no runtime needed to build it).
fn poll_once<F: std::future::Future>(future: F) {
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    let _ = std::pin::pin!(future).poll(&mut context);
}

fn main() {
    // 0 bytes: within the limit.
    poll_once(attempt(|| std::fmt::Error));
    // 32 bytes: over the limit of 16, reported when this instance is compiled.
    poll_once(attempt(|| Wide([0; 4])));
}
