fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(future)
}

use errguard::retryable_actor;

mod app {
    #[derive(Debug)]
    pub struct AppError;

    impl std::fmt::Display for AppError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("app")
        }
    }

    impl std::error::Error for AppError {}

    pub type Result<T, E = AppError> = std::result::Result<T, E>;
}

#[retryable_actor(max_retries = 0)]
async fn read() -> std::io::Result<u8> {
    Err(std::io::Error::other("disk"))
}

#[retryable_actor(max_retries = 0)]
async fn own() -> app::Result<u8> {
    Err(app::AppError)
}

type Fallible<T> = Result<T, std::fmt::Error>;

#[retryable_actor(max_retries = 0)]
async fn local() -> Fallible<u8> {
    Ok(1)
}

fn main() {
    assert_eq!(block_on(read()).unwrap_err().error_type(), "std::io::error::Error");
    assert!(block_on(own()).unwrap_err().error_type().ends_with("AppError"));
    assert_eq!(block_on(local()).unwrap(), 1);
}
