#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

use std::sync::Arc;

use errguard::retryable_actor;

struct Service {
    hits: std::sync::atomic::AtomicU32,
}

impl Service {
    #[retryable_actor(max_retries = 3, min_backoff = "1ms")]
    async fn call(self: Arc<Self>, payload: Vec<u8>) -> Result<usize, Oops> {
        let n = self.hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tokio::task::yield_now().await;
        if n < 2 { Err(Oops) } else { Ok(payload.len()) }
    }
}

#[retryable_actor(max_retries = 1, min_backoff = "1ms")]
async fn bump(counter: &mut Vec<u8>) -> Result<usize, Oops> {
    counter.push(1);
    tokio::task::yield_now().await;
    Ok(counter.len())
}

fn require_send<T: Send>(value: T) -> T {
    value
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let service = Arc::new(Service { hits: 0.into() });
    let handle = runtime.spawn(service.clone().call(vec![0; 7]));
    assert_eq!(runtime.block_on(handle).unwrap().unwrap(), 7);
    let counted = runtime.block_on(async {
        let mut counter = Vec::new();
        require_send(bump(&mut counter)).await.unwrap()
    });
    assert_eq!(counted, 1);
}
