#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

/// `Send + Sync` but not an `Error` (a `String` would do: it converts into the boxed error).
#[derive(Debug)]
struct NotAnError;

// Not an `Error`: one message, at `NotAnError`.
#[errguard::retryable_actor]
async fn fetch() -> Result<u32, NotAnError> {
    Err(NotAnError)
}

type Answer = Result<u32, std::rc::Rc<Oops>>;

// Neither `Send` nor `Sync`, through an alias: rustc names each missing part, at the alias.
#[errguard::retryable_actor]
async fn shared() -> Answer {
    Ok(1)
}

fn main() {}
