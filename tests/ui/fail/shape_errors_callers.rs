#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

// Each is reported once; it is still expanded as an actor, so its callers compile.
#[errguard::retryable_actor(max_retries = 0)]
fn not_async() -> Result<u32, Oops> {
    Ok(1)
}

#[errguard::retryable_actor(max_retries = 0)]
const async fn constant() -> Result<u32, Oops> {
    Ok(1)
}

#[errguard::retryable_actor(max_retries = 0)]
async extern "C" fn foreign() -> Result<u32, Oops> {
    Ok(1)
}

#[errguard::retryable_actor(max_retries = 0)]
async unsafe fn risky() -> Result<u32, Oops> {
    Ok(1)
}

struct Service;

impl Service {
    #[errguard::retryable_actor(max_retries = 0)]
    fn method(&self) -> Result<u32, Oops> {
        Ok(1)
    }
}

async fn callers() -> u32 {
    let a: Result<u32, errguard::ActorFailure> = not_async().await;
    let b = constant().await.unwrap();
    let c = foreign().await.unwrap();
    let d = unsafe { risky() }.await.unwrap();
    let e = Service.method().await.unwrap();
    a.unwrap() + b + c + d + e
}

fn main() {
    let _ = callers();
}
