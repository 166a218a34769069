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

use errguard::retryable_actor;

#[retryable_actor(max_retries = 1)]
async fn join(a: impl AsRef<str> + Clone, b: &impl std::fmt::Display) -> Result<String, Oops> {
    Ok(format!("{}{}", a.as_ref(), b))
}

struct Formatter {
    prefix: String,
}

impl Formatter {
    #[retryable_actor(max_retries = 1)]
    async fn format<T: std::fmt::Debug + Sync>(
        &self,
        value: &T,
        suffix: impl std::fmt::Display + Clone + Send,
    ) -> Result<String, Oops> {
        Ok(format!("{}{value:?}{suffix}", self.prefix))
    }

    #[retryable_actor(max_retries = 0)]
    async fn r#type(&self) -> Result<usize, Oops> {
        Ok(self.prefix.len())
    }
}

fn main() {
    let formatter = Formatter { prefix: ">".to_owned() };
    assert_eq!(block_on(formatter.format(&1u8, '!')).unwrap(), ">1!");
    assert_eq!(block_on(formatter.r#type()).unwrap(), 1);
    assert_eq!(block_on(join("x", &5)).unwrap(), "x5");
    assert_eq!(block_on(join(String::from("y"), &"z")).unwrap(), "yz");
}
