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

#[derive(Clone)]
struct Job {
    name: String,
}

impl Job {
    #[retryable_actor(max_retries = 2, min_backoff = "1ms")]
    async fn run(mut self, suffix: String) -> Result<String, Oops> {
        self.name.push_str(&suffix);
        Ok(self.name)
    }

    #[retryable_actor(max_retries = 1)]
    async fn boxed(self: Box<Self>) -> Result<usize, Oops> {
        Ok(self.name.len())
    }
}

fn main() {
    let job = Job { name: "a".to_owned() };
    assert_eq!(block_on(job.clone().run("b".to_owned())).unwrap(), "ab");
    assert_eq!(block_on(Box::new(job).boxed()).unwrap(), 1);
}
