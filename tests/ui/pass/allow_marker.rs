#[errguard::allow(heap-buffer, reason = "bodies are capped at 4 KiB upstream")]
#[derive(Debug, Clone)]
pub struct Rejected {
    pub body: Vec<u8>,
}

#[errguard::allow]
#[derive(Debug)]
pub enum FetchError {
    #[errguard::allow(heap-buffer, "large-inline", reason = "kept for the audit log")]
    Status { code: u16, body: Vec<u8> },
    Io(#[errguard::allow(heap_buffer, reason = "`heap_buffer` reads as `heap-buffer`, as in the lint")] std::io::Error),
    Timeout,
}

#[errguard::allow]
pub union Raw {
    #[errguard::allow(large-inline, reason = "plain bytes")]
    pub bytes: [u8; 8],
    pub word: u64,
}

/// Below `#[derive]` works too: the derive leaves the item's remaining attributes in place.
#[derive(Debug, Clone)]
#[errguard::allow]
pub struct Below {
    #[errguard::allow(heap-buffer, unbounded-collection, reason = "tiny")]
    pub body: Vec<u8>,
}

fn main() {
    assert_eq!(Below { body: vec![3] }.clone().body, [3]);
    let rejected = Rejected { body: vec![1, 2] }.clone();
    assert_eq!(rejected.body.len(), 2);
    let status = FetchError::Status { code: 500, body: vec![] };
    assert!(format!("{status:?}").contains("500"));
    let _ = (FetchError::Io(std::io::Error::other("x")), FetchError::Timeout);
    let raw = Raw { word: 0 };
    // SAFETY: both fields are plain bytes.
    assert_eq!(unsafe { raw.bytes }, [0; 8]);
}
