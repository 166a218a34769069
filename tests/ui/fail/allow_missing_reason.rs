#[errguard::allow(heap-buffer)]
#[derive(Debug)]
pub struct Rejected {
    pub body: Vec<u8>,
}

#[errguard::allow]
#[derive(Debug)]
pub enum FetchError {
    #[errguard::allow(heap-buffer, reason = "")]
    Status { body: Vec<u8> },
    Io(#[errguard::allow(large-inline)] std::io::Error),
}

#[errguard::allow(reason = "no rule named")]
pub struct Empty;

fn main() {}
