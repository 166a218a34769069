//! Bounded rendering: whatever an error's formatting code does, the text is within the limit.

use std::error::Error;
use std::fmt;

use errguard::render::{self, FORMAT_ERROR, FORMAT_PANIC, TRUNCATED};

const LIMIT: usize = 256;

/// Would write 1 GiB in 64-byte pieces if nobody stopped it.
struct GigabyteDisplay;

impl fmt::Display for GigabyteDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let piece = "0123456789abcdef".repeat(4);
        for _ in 0..(1usize << 30) / piece.len() {
            f.write_str(&piece)?;
        }
        Ok(())
    }
}

/// Ignores the writer's errors and never ends on its own.
struct EndlessDisplay;

impl fmt::Display for EndlessDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        loop {
            let _ = f.write_str("again and again ");
        }
    }
}

/// Writes a little, then fails.
struct FailingDisplay;

impl fmt::Display for FailingDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("partial")?;
        Err(fmt::Error)
    }
}

/// Writes a little, then panics.
struct PanickingDisplay;

impl fmt::Display for PanickingDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("before the panic")?;
        panic!("Display blew up");
    }
}

#[test]
fn a_gigabyte_display_is_cut_at_the_limit() {
    let text = render::display_bounded(&GigabyteDisplay, LIMIT);
    assert!(text.len() <= LIMIT, "{} bytes", text.len());
    assert!(text.starts_with("0123456789abcdef"));
    assert!(text.ends_with(TRUNCATED));
}

#[test]
fn a_display_that_never_ends_is_stopped() {
    let text = render::display_bounded(&EndlessDisplay, LIMIT);
    assert!(text.len() <= LIMIT);
    assert!(text.starts_with("again and again"));
    assert!(text.ends_with(TRUNCATED));
}

#[test]
fn a_display_returning_err_keeps_what_it_wrote_and_is_marked() {
    let text = render::display_bounded(&FailingDisplay, LIMIT);
    assert_eq!(text, format!("partial{FORMAT_ERROR}"));
}

#[test]
fn a_display_that_panics_is_survived() {
    let text = render::display_bounded(&PanickingDisplay, LIMIT);
    assert_eq!(text, format!("before the panic{FORMAT_PANIC}"));
}

#[test]
fn debug_of_a_128_mib_vec_is_cut_at_the_limit() {
    let payload = vec![7u8; 128 << 20];
    let text = render::debug_bounded(&payload, LIMIT);
    assert!(text.len() <= LIMIT);
    assert!(text.starts_with("[7, 7, 7"));
    assert!(text.ends_with(TRUNCATED));
}

/// An error whose `source()` is itself: a cycle of length one.
#[derive(Debug)]
struct Cyclic;

impl fmt::Display for Cyclic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cyclic")
    }
}

impl Error for Cyclic {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self)
    }
}

#[test]
fn a_cyclic_source_chain_stops_at_the_depth_limit() {
    let text = render::error_bounded(&Cyclic, 4096, 5);
    assert_eq!(text, "cyclic: cyclic: cyclic: cyclic: cyclic: cyclic: …");
    let links = render::chain_bounded(&Cyclic, 64, 5);
    assert_eq!(links, vec!["cyclic"; 5]);
}

/// A linked list of errors, each the source of the one above.
#[derive(Debug)]
struct Layer {
    depth: usize,
    below: Option<Box<Layer>>,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "layer {}", self.depth)
    }
}

impl Error for Layer {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.below.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

fn deep_chain(depth: usize) -> Layer {
    let mut top = Layer { depth, below: None };
    for d in (0..depth).rev() {
        top = Layer {
            depth: d,
            below: Some(Box::new(top)),
        };
    }
    top
}

#[test]
fn a_ten_thousand_deep_chain_is_cut_by_depth_and_length() {
    let chain = deep_chain(10_000);
    let text = render::error_bounded(&chain, LIMIT, 10_000);
    assert!(text.len() <= LIMIT);
    assert!(text.starts_with("layer 0: layer 1: layer 2"));
    let shallow = render::error_bounded(&chain, 4096, 3);
    assert_eq!(shallow, "layer 0: layer 1: layer 2: layer 3: …");
    assert_eq!(render::chain_bounded(&chain, 64, 10_000).len(), 10_000);
    // Dropping 10,000 nested boxes one by one, so the test itself does not recurse 10,000 deep.
    let mut next = Some(Box::new(chain));
    while let Some(mut layer) = next {
        next = layer.below.take();
    }
}

#[test]
fn every_limit_is_respected_including_tiny_ones() {
    for limit in [0, 1, 5, 13, 14, 15, 16, 17, 100, 1000] {
        for text in [
            render::display_bounded(&GigabyteDisplay, limit),
            render::display_bounded(&FailingDisplay, limit),
            render::display_bounded(&PanickingDisplay, limit),
            render::error_bounded(&Cyclic, limit, 100),
        ] {
            assert!(text.len() <= limit, "{} > {limit}: {text:?}", text.len());
        }
    }
}

#[test]
fn a_huge_string_panic_payload_is_cut() {
    let payload: Box<dyn std::any::Any + Send> = Box::new("p".repeat(64 << 20));
    let text = render::panic_bounded(&*payload, LIMIT);
    assert!(text.len() <= LIMIT);
    assert!(text.starts_with("ppp"));
    let other: Box<dyn std::any::Any + Send> = Box::new(vec![0u8; 10]);
    assert_eq!(
        render::panic_bounded(&*other, LIMIT),
        "<non-string panic payload>"
    );
}

/// A million-entry list whose iterator counts how far it was walked: std's `debug_list` (what a
/// derived or std `Debug` of a `Vec` uses) keeps pulling entries after a refused write, without
/// formatting them.
struct WalkedList<'a>(&'a std::sync::atomic::AtomicUsize);

impl fmt::Display for WalkedList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let walked = self.0;
        f.debug_list()
            .entries((0..1_000_000u32).inspect(|_| {
                walked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }))
            .finish()
    }
}

#[test]
fn rendering_stops_walking_a_collection_at_the_limit() {
    // Only stopping the formatter outright keeps the cost O(limit) instead of O(entries).
    let walked = std::sync::atomic::AtomicUsize::new(0);
    let text = render::display_bounded(&WalkedList(&walked), 1024);
    assert!(text.len() <= 1024 && text.ends_with(TRUNCATED));
    let walked = walked.load(std::sync::atomic::Ordering::Relaxed);
    // Each entry writes at least 3 bytes (`0, `), so no more than ~1024 / 3 fit before the stop.
    assert!(
        walked <= 1024 / 3 + 1,
        "walked {walked} of 1,000,000 entries for a 1 KiB rendering"
    );
}

/// An error whose `source()` panics.
#[derive(Debug)]
struct BadSource;

impl fmt::Display for BadSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("bad source")
    }
}

impl Error for BadSource {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        std::panic::resume_unwind(Box::new("source() bug"))
    }
}

#[test]
fn a_panicking_source_ends_the_chain_with_a_marker() {
    assert_eq!(render::chain_bounded(&BadSource, 64, 8), [FORMAT_PANIC]);
    // The message keeps what was written before the panic, marked.
    assert_eq!(
        render::error_bounded(&BadSource, 64, 8),
        format!("bad source{FORMAT_PANIC}")
    );
}
