#[errguard::retryable_actor]
async fn fetch() -> Option<u32> {
    Some(1)
}

fn main() {}
