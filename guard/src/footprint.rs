//! [`Footprint`]: how many heap bytes an error holds, so the runner can refuse to keep a
//! payload-carrying error.

use get_size2::GetSize;

/// Heap bytes a value owns (not counting its own inline size).
///
/// Every type that implements [`get_size2::GetSize`] has it: `String`, `Vec<T>`, `Box<T>`,
/// `Option<T>`, maps, `bytes::Bytes`, and every type that derives [`Footprint`](derive@crate::Footprint).
/// The derive needs no dependency line besides `errguard`; mark a field it cannot measure (say
/// an `std::io::Error`) with `#[footprint(skip)]`.
///
/// ```
/// use errguard::Footprint;
///
/// #[derive(Debug, Footprint)]
/// struct UploadFailed {
///     body: Vec<u8>,
///     #[footprint(skip)]
///     cause: std::io::Error,
/// }
///
/// let err = UploadFailed {
///     body: vec![0; 4096],
///     cause: std::io::Error::other("disk full"),
/// };
/// assert!(err.heap_footprint() >= 4096);
/// ```
pub trait Footprint {
    /// Heap bytes owned by `self`.
    fn heap_footprint(&self) -> usize;
}

impl<T: GetSize> Footprint for T {
    fn heap_footprint(&self) -> usize {
        GetSize::get_heap_size(self)
    }
}
