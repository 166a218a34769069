// Rule ids `cargo errguard check` does not know: each one is an error on the id, with the
// nearest known id when one is close, and the item is still emitted.

#[errguard::allow(large-size, reason = "built once at start-up")]
#[derive(Debug)]
pub struct ConfigError {
    pub text: [u8; 512],
}

#[errguard::allow]
#[derive(Debug)]
pub enum FetchError {
    #[errguard::allow(heap-buffer, "heap-bufer", reason = "bodies are capped upstream")]
    Status { body: Vec<u8> },
    Io(#[errguard::allow(source-error, reason = "std::io::Error is small")] std::io::Error),
}

// The item is still there: no "cannot find type" errors below.
fn main() {
    let _ = ConfigError { text: [0; 512] };
    let _ = FetchError::Status { body: Vec::new() };
}
