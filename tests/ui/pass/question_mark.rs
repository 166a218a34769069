fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(future)
}

use errguard::retryable_actor;

#[derive(Debug)]
enum AppError {
    Parse(std::num::ParseIntError),
    Negative,
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for AppError {}

impl From<std::num::ParseIntError> for AppError {
    fn from(e: std::num::ParseIntError) -> Self {
        AppError::Parse(e)
    }
}

#[retryable_actor(max_retries = 0)]
async fn parse(text: &str) -> Result<i64, AppError> {
    let n: i64 = text.parse()?;
    if n < 0 {
        return Err(AppError::Negative);
    }
    Ok(n)
}

fn main() {
    assert_eq!(block_on(parse("5")).unwrap(), 5);
    assert!(block_on(parse("x")).unwrap_err().message().contains("Parse"));
    assert!(block_on(parse("-1")).unwrap_err().message().contains("Negative"));
}
