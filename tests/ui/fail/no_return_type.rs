#[errguard::retryable_actor]
async fn fetch(id: u32) {
    let _ = id;
}

fn main() {}
