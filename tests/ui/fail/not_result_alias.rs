type Answer = u32;

#[errguard::retryable_actor]
async fn fetch() -> Answer {
    1
}

fn main() {}
