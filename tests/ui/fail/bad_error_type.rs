#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

// Not an `Error`: one message, at `String`.
#[errguard::retryable_actor]
async fn fetch() -> Result<u32, String> {
    Err("no".to_owned())
}

type Answer = Result<u32, std::rc::Rc<Oops>>;

// Not `Send`, through an alias: one message, at the alias.
#[errguard::retryable_actor]
async fn shared() -> Answer {
    Ok(1)
}

fn main() {}
