//! The table of known foreign types: std and common crates, with their inline size on 64-bit
//! targets and what they own. A syntactic tool cannot see other crates' definitions; this table
//! is how it knows that `Bytes` is a byte buffer and `io::Error` is 8 bytes.

/// What a known type owns, for the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owns {
    /// Nothing the rules care about (numbers, handles, boxed opaque errors).
    Nothing,
    /// A byte buffer in itself (`Bytes`, `CString`).
    Bytes,
    /// Text (`String`, `PathBuf`, `OsString`): a payload when the field's name says so.
    Text,
    /// Its type arguments, by value or behind an owning pointer (`Box<T>`, `Option<T>`).
    Args,
    /// A growable collection of its type arguments (`Vec<T>`, `HashMap<K, V>`); `u8`
    /// elements make it a byte buffer.
    Collection,
    /// `SmallVec<[T; N]>`: a [`Collection`](Owns::Collection) with an inline array; `u8`
    /// elements make it a byte buffer only when the inline array alone is over the size limit.
    SmallVec,
    /// A dynamic document (`serde_json::Value`): an unbounded collection.
    Document,
    /// A foreign error that keeps the bytes it failed on (`FromUtf8Error`).
    PayloadError(&'static str),
    /// A foreign type that keeps its type argument by value, such as a channel's `SendError<T>`.
    Message,
    /// `PhantomData<T>`: owns nothing.
    Phantom,
}

/// The layout of a known type: size, alignment, niche, and how its arguments affect it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A fixed size and alignment; `niche` says whether `Option<Self>` is the same size.
    Fixed {
        /// Bytes.
        size: u64,
        /// Alignment.
        align: u64,
        /// Has a niche.
        niche: bool,
    },
    /// A pointer: 8 bytes, or 16 when the argument is unsized (`str`, `[T]`, `dyn Trait`).
    Pointer,
    /// The same layout as its first argument (`ManuallyDrop<T>`, `Pin<T>`, `Wrapping<T>`).
    SameAsArg,
    /// `Option<T>`.
    Option,
    /// `Result<T, E>`.
    Result,
    /// The first argument plus `extra` bytes (`RefCell<T>`, `Mutex<T>`).
    ArgPlus(u64),
    /// Unknown.
    Unknown,
}

/// One entry of the table.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    /// The rules' view.
    pub owns: Owns,
    /// The size view.
    pub layout: Layout,
}

const fn fixed(size: u64, align: u64, niche: bool) -> Layout {
    Layout::Fixed { size, align, niche }
}

const fn k(owns: Owns, layout: Layout) -> Option<Known> {
    Some(Known { owns, layout })
}

/// Looks a foreign type up by its path (after `use` expansion). Most names are matched by their
/// last segment; names that mean different things in different crates (`Value`, `Error`,
/// `Response`) need the crate.
pub fn lookup(path: &[String]) -> Option<Known> {
    use Owns::*;
    let last = path.last()?.as_str();
    let first = path.first().map(String::as_str).unwrap_or("");
    let krate = if path.len() > 1 { first } else { "" };
    match last {
        "u8" | "i8" | "bool" => k(Nothing, fixed(1, 1, last == "bool")),
        "u16" | "i16" => k(Nothing, fixed(2, 2, false)),
        "u32" | "i32" | "f32" => k(Nothing, fixed(4, 4, false)),
        "char" => k(Nothing, fixed(4, 4, true)),
        "u64" | "i64" | "f64" | "usize" | "isize" => k(Nothing, fixed(8, 8, false)),
        "u128" | "i128" => k(Nothing, fixed(16, 16, false)),
        "NonZeroU8" | "NonZeroI8" => k(Nothing, fixed(1, 1, true)),
        "NonZeroU16" | "NonZeroI16" => k(Nothing, fixed(2, 2, true)),
        "NonZeroU32" | "NonZeroI32" => k(Nothing, fixed(4, 4, true)),
        "NonZeroU64" | "NonZeroI64" | "NonZeroUsize" | "NonZeroIsize" => {
            k(Nothing, fixed(8, 8, true))
        }
        "NonZero" => k(Nothing, Layout::SameAsArg),
        "str" => k(Text, Layout::Unknown),
        "String" | "PathBuf" | "OsString" => k(Text, fixed(24, 8, true)),
        "CString" => k(Bytes, fixed(16, 8, true)),
        "BString" => k(Bytes, fixed(24, 8, true)),
        "Bytes" | "BytesMut" => k(Bytes, fixed(32, 8, true)),
        "Vec" | "VecDeque" | "BinaryHeap" | "LinkedList" | "BTreeMap" | "BTreeSet" => {
            let size = match last {
                "VecDeque" => 32,
                _ => 24,
            };
            k(Collection, fixed(size, 8, true))
        }
        "HashMap" | "HashSet" | "IndexMap" | "IndexSet" | "DashMap" => {
            let size = match last {
                "HashMap" | "HashSet" => 48,
                "IndexMap" | "IndexSet" => 56,
                _ => 40,
            };
            k(Collection, fixed(size, 8, true))
        }
        // Its inline array plus a capacity word (when the array is under 16 bytes the heap
        // pointer and length are wider, which this under-counts).
        "SmallVec" => k(SmallVec, Layout::ArgPlus(8)),
        "Value" if matches!(krate, "serde_json" | "toml" | "serde_yaml" | "serde_value") => {
            k(Document, fixed(32, 8, true))
        }
        "Map" if krate == "serde_json" => k(Document, fixed(24, 8, true)),
        "Box" | "Arc" | "Rc" => k(Args, Layout::Pointer),
        "Weak" => k(Nothing, Layout::Pointer),
        "NonNull" => k(Nothing, fixed(8, 8, true)),
        "Option" => k(Args, Layout::Option),
        "Result" => k(Args, Layout::Result),
        "Cow" => k(Args, fixed(24, 8, true)),
        "Cell" | "UnsafeCell" | "ManuallyDrop" | "Pin" | "Wrapping" | "Reverse" | "Saturating" => {
            k(Args, Layout::SameAsArg)
        }
        "RefCell" => k(Args, Layout::ArgPlus(8)),
        "Mutex" => k(Args, Layout::ArgPlus(8)),
        "RwLock" => k(Args, Layout::ArgPlus(16)),
        "OnceCell" | "OnceLock" => k(Args, Layout::ArgPlus(8)),
        "PhantomData" | "PhantomPinned" => k(Phantom, fixed(0, 1, false)),
        // Errors that keep the input they failed on.
        "FromUtf8Error" => k(
            PayloadError("keeps the whole input `Vec<u8>`"),
            fixed(40, 8, true),
        ),
        "NulError" => k(
            PayloadError("keeps the whole input `Vec<u8>`"),
            fixed(32, 8, true),
        ),
        "FromVecWithNulError" => k(
            PayloadError("keeps the whole input `Vec<u8>`"),
            fixed(40, 8, true),
        ),
        "IntoStringError" => k(PayloadError("keeps the `CString`"), fixed(32, 8, true)),
        "IntoInnerError" => k(
            PayloadError("keeps the writer and its buffer"),
            Layout::Unknown,
        ),
        // Errors that keep the message they could not deliver.
        "SendError" | "TrySendError" | "SendTimeoutError" | "PoisonError" | "TryLockError"
        | "SetError" | "TrySelectError" => k(Message, Layout::SameAsArg),
        "Request" | "Response" if krate == "http" => k(Message, Layout::Unknown),
        // Small, well-known errors and values.
        "Error" => match krate {
            "io" | "std" | "anyhow" | "eyre" | "serde_json" | "reqwest" | "hyper" | "ureq" => {
                k(Nothing, fixed(8, 8, true))
            }
            "fmt" | "core" => k(Nothing, fixed(0, 1, false)),
            _ => None,
        },
        "Report" if matches!(krate, "eyre" | "miette" | "color_eyre") => {
            k(Nothing, fixed(8, 8, true))
        }
        "ParseIntError" | "ParseFloatError" | "ParseBoolError" | "ParseCharError"
        | "TryFromIntError" | "CharTryFromError" => k(Nothing, fixed(1, 1, true)),
        "Utf8Error" => k(Nothing, fixed(16, 8, false)),
        "AddrParseError" => k(Nothing, fixed(1, 1, true)),
        "ErrorKind" => k(Nothing, fixed(1, 1, true)),
        "Elapsed" => k(Nothing, fixed(0, 1, false)),
        "JoinError" => k(Nothing, fixed(24, 8, true)),
        "RecvError" | "TryRecvError" | "RecvTimeoutError" => k(Nothing, fixed(1, 1, true)),
        "Duration" => k(Nothing, fixed(16, 8, true)),
        "Instant" | "SystemTime" => k(Nothing, fixed(16, 8, true)),
        "SocketAddr" => k(Nothing, fixed(32, 4, true)),
        "IpAddr" => k(Nothing, fixed(17, 1, true)),
        "Ipv4Addr" => k(Nothing, fixed(4, 1, false)),
        "Ipv6Addr" => k(Nothing, fixed(16, 1, false)),
        "Uuid" => k(Nothing, fixed(16, 1, false)),
        "StatusCode" => k(Nothing, fixed(2, 2, true)),
        "Method" => k(Nothing, fixed(24, 8, true)),
        "HeaderMap" => k(Nothing, fixed(96, 8, true)),
        "Uri" => k(Nothing, fixed(88, 8, true)),
        "Url" => k(Nothing, fixed(88, 8, true)),
        "Location" if krate == "panic" => k(Nothing, fixed(24, 8, true)),
        "Backtrace" => k(Nothing, fixed(48, 8, true)),
        "TypeId" => k(Nothing, fixed(16, 8, false)),
        "Ordering" | "Infallible" => k(Nothing, fixed(1, 1, true)),
        "AtomicBool" | "AtomicU8" => k(Nothing, fixed(1, 1, false)),
        "AtomicU32" | "AtomicI32" => k(Nothing, fixed(4, 4, false)),
        "AtomicU64" | "AtomicUsize" | "AtomicI64" | "AtomicIsize" => k(Nothing, fixed(8, 8, false)),
        "File" | "TcpStream" | "UdpSocket" | "TcpListener" => k(Nothing, fixed(4, 4, true)),
        "Sender" | "Receiver" | "UnboundedSender" | "UnboundedReceiver" | "SyncSender" => {
            k(Nothing, Layout::Unknown)
        }
        "JoinHandle" | "Waker" | "Thread" => k(Nothing, Layout::Unknown),
        _ => None,
    }
}

/// Additions to the table from the configuration: more buffer types, more payload field
/// names, sizes of foreign types. Paths are matched against the path as resolved (after `use`
/// expansion): equal, or ending with the configured path; a one-segment path written without a
/// `use` matches a configured path with the same last segment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extra {
    /// Types counted as byte buffers (`my_crate::Blob`).
    pub buffer_types: Vec<Vec<String>>,
    /// More payload field names (matched like [`PAYLOAD_WORDS`]).
    pub payload_fields: Vec<String>,
    /// Inline sizes of foreign types, in bytes.
    pub type_sizes: Vec<(Vec<String>, u64)>,
}

/// Whether a resolved path is a configured path.
pub fn path_matches(resolved: &[String], configured: &[String]) -> bool {
    if configured.is_empty() || resolved.is_empty() {
        return false;
    }
    resolved.ends_with(configured) || (resolved.len() == 1 && configured.last() == resolved.last())
}

impl Extra {
    /// Looks a foreign type up: the built-in table, with the configured additions on top.
    pub fn lookup(&self, path: &[String]) -> Option<Known> {
        let mut k = lookup(path);
        if self.buffer_types.iter().any(|c| path_matches(path, c)) {
            let layout = k.map_or(Layout::Unknown, |k| k.layout);
            k = Some(Known {
                owns: Owns::Bytes,
                layout,
            });
        }
        if let Some((_, size)) = self.type_sizes.iter().find(|(c, _)| path_matches(path, c)) {
            let owns = k.map_or(Owns::Nothing, |k| k.owns);
            let align = match size {
                0 => 1,
                s => (*s).min(8).next_power_of_two().min(8),
            };
            let align = if size % align == 0 { align } else { 1 };
            k = Some(Known {
                owns,
                layout: fixed(*size, align, false),
            });
        }
        k
    }

    /// Whether a field name says it holds a payload: the built-in words or a configured name.
    pub fn is_payload_name(&self, name: &str) -> bool {
        if is_payload_name(name) {
            return true;
        }
        let lower = name.trim_start_matches('_').to_ascii_lowercase();
        let last = lower.rsplit('_').next().unwrap_or("");
        self.payload_fields
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&lower) || p.eq_ignore_ascii_case(last))
    }
}

/// The name of a type that is a byte by itself (the element of a byte buffer).
pub fn is_byte(path: &[String]) -> bool {
    matches!(path.last().map(String::as_str), Some("u8")) && path.len() <= 3
}

/// Field names that say "payload" for text and path fields (matched against the whole name and
/// the last `_`-separated word).
pub const PAYLOAD_WORDS: &[&str] = &[
    "body", "bodies", "payload", "payloads", "data", "raw", "content", "contents", "buffer", "buf",
    "bytes", "input", "request", "response", "html", "json", "xml", "yaml", "toml", "csv", "text",
    "blob", "chunk", "packet", "frame", "document", "output", "stdout", "stderr", "dump",
];

/// Whether a field name says it holds a payload.
pub fn is_payload_name(name: &str) -> bool {
    let lower = name.trim_start_matches('_').to_ascii_lowercase();
    if PAYLOAD_WORDS.contains(&lower.as_str()) {
        return true;
    }
    let last = lower.rsplit('_').next().unwrap_or("");
    let first = lower.split('_').next().unwrap_or("");
    PAYLOAD_WORDS.contains(&last) || (first == "raw" && lower.len() > 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<String> {
        s.split("::").map(String::from).collect()
    }

    #[test]
    fn crate_sensitive_names() {
        assert_eq!(
            lookup(&p("serde_json::Value")).unwrap().owns,
            Owns::Document
        );
        assert!(lookup(&p("Value")).is_none());
        assert!(lookup(&p("io::Error")).is_some());
        assert!(lookup(&p("Error")).is_none());
        assert_eq!(lookup(&p("bytes::Bytes")).unwrap().owns, Owns::Bytes);
    }

    #[test]
    fn payload_names() {
        for n in [
            "body",
            "raw_body",
            "response_text",
            "html",
            "raw_line",
            "contents",
        ] {
            assert!(is_payload_name(n), "{n}");
        }
        for n in [
            "message",
            "request_id",
            "path",
            "name",
            "reason",
            "url",
            "data_dir",
        ] {
            assert!(!is_payload_name(n), "{n}");
        }
    }

    #[test]
    fn configured_additions() {
        let extra = Extra {
            buffer_types: vec![p("my_crate::Blob")],
            payload_fields: vec!["blob".into()],
            type_sizes: vec![(p("foreign::Big"), 48), (p("Odd"), 3)],
        };
        assert_eq!(
            extra.lookup(&p("my_crate::Blob")).unwrap().owns,
            Owns::Bytes
        );
        assert_eq!(extra.lookup(&p("Blob")).unwrap().owns, Owns::Bytes);
        assert!(extra.lookup(&p("other::Blob")).is_none());
        assert_eq!(
            extra.lookup(&p("foreign::Big")).unwrap().layout,
            fixed(48, 8, false)
        );
        assert_eq!(
            extra.lookup(&p("x::Odd")).unwrap().layout,
            fixed(3, 1, false)
        );
        assert!(extra.is_payload_name("blob"));
        assert!(extra.is_payload_name("last_blob"));
        assert!(extra.is_payload_name("body"));
        assert!(!extra.is_payload_name("name"));
        assert!(!Extra::default().is_payload_name("blob_id"));
    }
}
