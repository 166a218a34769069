#[errguard::retryable_actor]
struct Actor;

fn main() {}
