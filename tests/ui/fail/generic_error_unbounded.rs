// `E` is a type parameter without the runner's bounds: one message, at `E`.
#[errguard::retryable_actor]
async fn fetch<E>(make: fn() -> E) -> Result<u32, E> {
    Err(make())
}

fn main() {}
