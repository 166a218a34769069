#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(future)
}

mod inner {
    use super::Oops;

    /// Documented, public within the crate, and `#[must_use]`.
    #[must_use = "an actor does nothing until awaited"]
    #[errguard::retryable_actor(max_retries = 0)]
    #[allow(clippy::unused_async)]
    pub(crate) async fn visible(x: u8) -> Result<u8, Oops> {
        Ok(x)
    }

    #[cfg(any())]
    #[errguard::retryable_actor]
    pub(crate) async fn compiled_out() -> Result<u8, Oops> {
        this_does_not_exist()
    }
}

fn main() {
    assert_eq!(block_on(inner::visible(3)).unwrap(), 3);
}
