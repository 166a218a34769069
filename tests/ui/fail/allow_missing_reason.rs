#[errguard::allow(payload-in-error)]
#[derive(Debug)]
pub struct Rejected {
    pub body: Vec<u8>,
}

#[errguard::allow]
#[derive(Debug)]
pub enum FetchError {
    #[errguard::allow(payload-in-error, reason = "")]
    Status { body: Vec<u8> },
    Io(#[errguard::allow(foreign-error)] std::io::Error),
}

#[errguard::allow(reason = "no rule named")]
pub struct Empty;

fn main() {}
