//! Bounded rendering: turn an error, a `Display`, a `Debug` or a panic payload into at most
//! `limit` bytes of text, whatever the value's formatting code does.
//!
//! The writer stops the formatter the moment the limit is reached, so rendering costs
//! O(limit), not O(error): a `Debug` of a 128 MiB `Vec<u8>` writes `limit` bytes and returns.
//! It stops by unwinding out of the formatter (with [`std::panic::resume_unwind`], which runs no
//! panic hook) and catching that at the top. Returning `fmt::Error` alone is not enough: a
//! `Display` that ignores the error keeps writing, and std's `debug_list` still walks every
//! remaining entry after a refusal (about 2.7 ns each: 360 ms for 128 MiB, measured), so the
//! cost would grow with the error again. A `Display` that panics or returns `Err` by itself
//! gives what it wrote so far plus a marker.
//!
//! The price of unwinding: a `Display` that holds a `std::sync::Mutex` guard while it writes
//! past the limit has that mutex poisoned, as it would by any panic in it. Format from a copy
//! taken under the lock, or use a lock without poisoning, when an error's `Display` locks.
//!
//! Built with `panic = "abort"`, unwinding is not available: the writer then returns
//! `fmt::Error` at the limit, which stops every formatter that propagates errors (all derived
//! and std impls do).

use std::any::Any;
use std::error::Error;
use std::fmt::{self, Debug, Display, Write};
use std::panic::{self, AssertUnwindSafe};

/// Appended when the text was cut at the limit. Counted within the limit.
pub const TRUNCATED: &str = "…[truncated]";
/// Appended when the value's formatting code returned `fmt::Error` on its own.
pub const FORMAT_ERROR: &str = "<fmt error>";
/// Appended when the value's formatting code panicked.
pub const FORMAT_PANIC: &str = "<fmt panicked>";
/// Separator between the links of a rendered `source()` chain.
pub const CHAIN_SEPARATOR: &str = ": ";

/// What stopping the formatter unwinds with; private so no user code can forge it.
struct LimitReached;

/// A `fmt::Write` that keeps at most `room` bytes and stops the formatter past that.
struct BoundedWriter {
    text: String,
    room: usize,
    truncated: bool,
}

impl BoundedWriter {
    fn new(room: usize) -> Self {
        Self {
            text: String::new(),
            room,
            truncated: false,
        }
    }
}

impl Write for BoundedWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let free = self.room - self.text.len();
        if s.len() <= free {
            self.text.push_str(s);
            return Ok(());
        }
        self.text.push_str(&s[..floor_char_boundary(s, free)]);
        self.truncated = true;
        if cfg!(panic = "unwind") {
            panic::resume_unwind(Box::new(LimitReached));
        }
        Err(fmt::Error)
    }
}

fn floor_char_boundary(s: &str, index: usize) -> usize {
    if index >= s.len() {
        return s.len();
    }
    (0..=index)
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

/// How a bounded rendering ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// The value rendered in full within the limit.
    Complete,
    /// The text was cut at the limit.
    Truncated,
    /// The formatting code returned `fmt::Error` by itself.
    FormatError,
    /// The formatting code panicked.
    Panicked,
}

/// Formats `args` through a bounded writer and reports how it ended. `room` excludes the
/// marker, which the caller appends.
fn format_bounded(
    room: usize,
    format: impl FnOnce(&mut BoundedWriter) -> fmt::Result,
) -> (String, Ending) {
    let mut writer = BoundedWriter::new(room);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| format(&mut writer)));
    let ending = match outcome {
        _ if writer.truncated => Ending::Truncated,
        Ok(Ok(())) => Ending::Complete,
        Ok(Err(fmt::Error)) => Ending::FormatError,
        Err(payload) => {
            drop_quietly(payload);
            Ending::Panicked
        }
    };
    (writer.text, ending)
}

/// Drops a value whose `Drop` might itself panic, without letting that panic escape.
pub(crate) fn drop_quietly<T>(value: T) {
    let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(value)));
}

/// Renders with a limit of `limit` bytes in all, marker included.
fn render_with(limit: usize, format: impl FnOnce(&mut BoundedWriter) -> fmt::Result) -> String {
    let marker_room = TRUNCATED
        .len()
        .max(FORMAT_PANIC.len())
        .max(FORMAT_ERROR.len());
    let room = limit.saturating_sub(marker_room);
    let (mut text, ending) = format_bounded(room, format);
    let marker = match ending {
        Ending::Complete => "",
        Ending::Truncated => TRUNCATED,
        Ending::FormatError => FORMAT_ERROR,
        Ending::Panicked => FORMAT_PANIC,
    };
    text.push_str(&marker[..floor_char_boundary(marker, limit - text.len().min(limit))]);
    text
}

/// `value`'s `Display`, cut to at most `limit` bytes (marker included).
///
/// ```
/// use std::fmt;
///
/// struct Endless;
/// impl fmt::Display for Endless {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
///         loop {
///             let _ = f.write_str("spam ");
///         }
///     }
/// }
///
/// let text = errguard::render::display_bounded(&Endless, 64);
/// assert!(text.len() <= 64);
/// assert!(text.ends_with(errguard::render::TRUNCATED));
/// ```
pub fn display_bounded(value: &(impl Display + ?Sized), limit: usize) -> String {
    render_with(limit, |w| write!(w, "{value}"))
}

/// `value`'s `Debug`, cut to at most `limit` bytes (marker included).
///
/// ```
/// let payload = vec![0u8; 16 * 1024 * 1024];
/// let text = errguard::render::debug_bounded(&payload, 100);
/// assert!(text.len() <= 100);
/// assert!(text.starts_with("[0, 0, "));
/// ```
pub fn debug_bounded(value: &(impl Debug + ?Sized), limit: usize) -> String {
    render_with(limit, |w| write!(w, "{value:?}"))
}

/// The error's `Display` followed by its `source()` chain, `": "`-separated, at most
/// `max_depth` sources deep and `limit` bytes long in all. Cycles and 10,000-deep chains are
/// fine: the walk stops at the depth limit.
///
/// ```
/// use std::io;
///
/// let inner = io::Error::other("connection reset");
/// let outer = io::Error::new(io::ErrorKind::Other, inner);
/// let text = errguard::render::error_bounded(&outer, 256, 8);
/// assert_eq!(text, "connection reset");
/// ```
pub fn error_bounded(error: &(dyn Error + 'static), limit: usize, max_depth: usize) -> String {
    render_with(limit, |w| {
        write!(w, "{error}")?;
        let mut next = error.source();
        let mut depth = 0;
        while let Some(source) = next {
            if depth == max_depth {
                return w.write_str(": …");
            }
            write!(w, "{CHAIN_SEPARATOR}{source}")?;
            next = source.source();
            depth += 1;
        }
        Ok(())
    })
}

/// Each link of the error's `source()` chain (not the error itself), each cut to `limit_each`
/// bytes, at most `max_depth` links. A `source()` that panics ends the chain with a
/// [`FORMAT_PANIC`] link; the panic does not escape.
///
/// ```
/// use std::{error::Error, fmt, io};
///
/// #[derive(Debug)]
/// struct Fetch(io::Error);
/// impl fmt::Display for Fetch {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
///         f.write_str("fetch failed")
///     }
/// }
/// impl Error for Fetch {
///     fn source(&self) -> Option<&(dyn Error + 'static)> {
///         Some(&self.0)
///     }
/// }
///
/// let error = Fetch(io::Error::other("connection reset by the peer"));
/// let links = errguard::render::chain_bounded(&error, 64, 8);
/// assert_eq!(links, ["connection reset by the peer"]);
/// let cut = errguard::render::chain_bounded(&error, 20, 8);
/// assert!(cut[0].len() <= 20 && cut[0].ends_with(errguard::render::TRUNCATED));
/// ```
pub fn chain_bounded(
    error: &(dyn Error + 'static),
    limit_each: usize,
    max_depth: usize,
) -> Vec<String> {
    let mut links = Vec::new();
    let mut next = source_of(error);
    while let Some(source) = next {
        if links.len() == max_depth {
            break;
        }
        let Ok(source) = source else {
            links.push(display_bounded(FORMAT_PANIC, limit_each));
            break;
        };
        links.push(display_bounded(source, limit_each));
        next = source_of(source);
    }
    links
}

/// `error.source()`, with a panic in it caught (`Some(Err(()))`) instead of unwinding.
fn source_of<'e>(
    error: &'e (dyn Error + 'static),
) -> Option<Result<&'e (dyn Error + 'static), ()>> {
    match panic::catch_unwind(AssertUnwindSafe(|| error.source())) {
        Ok(source) => source.map(Ok),
        Err(payload) => {
            drop_quietly(payload);
            Some(Err(()))
        }
    }
}

/// A panic payload as text: the `&str` or `String` it carries, cut to `limit` bytes, or a
/// placeholder for other payload types.
///
/// ```
/// let payload: Box<dyn std::any::Any + Send> = Box::new("x".repeat(1_000_000));
/// let text = errguard::render::panic_bounded(&*payload, 32);
/// assert!(text.len() <= 32);
/// ```
pub fn panic_bounded(payload: &(dyn Any + Send), limit: usize) -> String {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        display_bounded(*text, limit)
    } else if let Some(text) = payload.downcast_ref::<String>() {
        display_bounded(text.as_str(), limit)
    } else {
        display_bounded("<non-string panic payload>", limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_complete_and_unmarked() {
        assert_eq!(display_bounded("hello", 64), "hello");
    }

    #[test]
    fn cut_respects_char_boundaries() {
        let text = display_bounded(&"é".repeat(100), 32);
        assert!(text.len() <= 32);
        assert!(text.ends_with(TRUNCATED));
        assert!(text.trim_end_matches(TRUNCATED).chars().all(|c| c == 'é'));
    }

    #[test]
    fn tiny_limit_never_overflows() {
        for limit in 0..20 {
            assert!(display_bounded(&"x".repeat(100), limit).len() <= limit);
        }
    }
}
