fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(future)
}

use errguard::retryable_actor;

#[retryable_actor(max_retries = 1, min_backoff = "1ms")]
async fn attempt<E>(make: fn() -> E) -> Result<(), E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    Err(make())
}

fn main() {
    let failure = block_on(attempt(|| std::fmt::Error)).unwrap_err();
    assert_eq!(failure.attempts(), 2);
    assert_eq!(failure.error_type(), "core::fmt::Error");
}
