//! Runner benchmarks.
//!
//! - `success`: `errguard::run` around an async fn that succeeds vs calling the fn directly.
//! - `failed_attempt`: one failed attempt with zero backoff, for errors of 16 B, 1 MiB and
//!   128 MiB whose `Display` prints the payload with `{:?}` (what a naive logger would do):
//!   the runner writes at most `max_report_len` bytes and then stops the formatter (see
//!   `errguard::render`), so neither its memory nor its time grows with the error.
//!   `drop_only` frees the same errors without the runner (the allocator's share), and
//!   `naive_debug_format` formats them in full, for contrast.
//!
//! The futures never wait, so they are polled once with a no-op waker: the figures are the
//! runner's own cost, not an executor's.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use errguard::{Footprint, RetryPolicy, Runner};

fn poll_once<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("benchmark futures never wait"),
    }
}

#[errguard::allow(heap-buffer, reason = "the benchmark measures the runner's cost per payload size: the error owns the payload on purpose")]
#[derive(Debug, Footprint)]
struct PayloadError {
    payload: Vec<u8>,
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request failed: {:?}", self.payload)
    }
}

impl Error for PayloadError {}

#[inline(never)]
async fn compute(x: u64) -> Result<u64, std::io::Error> {
    Ok(black_box(x).wrapping_mul(31))
}

fn success(c: &mut Criterion) {
    let policy = RetryPolicy::new();
    let mut group = c.benchmark_group("success");
    group.bench_function("direct", |b| {
        b.iter(|| poll_once(compute(black_box(7))).unwrap())
    });
    group.bench_function("errguard_run", |b| {
        b.iter(|| poll_once(errguard::run("bench", &policy, |_| compute(black_box(7)))).unwrap())
    });
    group.finish();
}

fn failed_attempt(c: &mut Criterion) {
    let policy = RetryPolicy::new()
        .max_retries(0)
        .min_backoff(Duration::ZERO)
        .max_report_len(1024);
    // 16 B renders in full; from 16 KiB up the text is cut at 1 KiB, so what the runner writes
    // is the same for 16 KiB, 1 MiB and 128 MiB, and the formatter stops at the cut.
    let sizes: [(&str, usize); 4] = [
        ("16B", 16),
        ("16KiB", 16 << 10),
        ("1MiB", 1 << 20),
        ("128MiB", 128 << 20),
    ];
    let mut group = c.benchmark_group("failed_attempt");
    group.sample_size(20);
    for (label, size) in sizes {
        group.bench_with_input(BenchmarkId::new("errguard", label), &size, |b, &size| {
            b.iter_batched(
                || {
                    Some(PayloadError {
                        payload: vec![0xAB; size],
                    })
                },
                |mut error| {
                    let failure = poll_once(
                        Runner::new("bench", &policy)
                            .measured()
                            .run(|_| std::future::ready(Err::<(), _>(error.take().unwrap()))),
                    )
                    .unwrap_err();
                    black_box(failure.message().len())
                },
                BatchSize::PerIteration,
            )
        });
    }
    // Freeing the payload is the allocator's cost, paid by whoever drops the error; measured
    // alone so that `errguard - drop_only` is the runner's own cost.
    for (label, size) in sizes {
        group.bench_with_input(BenchmarkId::new("drop_only", label), &size, |b, &size| {
            b.iter_batched(
                || PayloadError {
                    payload: vec![0xAB; size],
                },
                drop,
                BatchSize::PerIteration,
            )
        });
    }
    for (label, size) in &sizes[..3] {
        group.bench_with_input(
            BenchmarkId::new("naive_debug_format", label),
            size,
            |b, &size| {
                b.iter_batched(
                    || PayloadError {
                        payload: vec![0xAB; size],
                    },
                    |error| black_box(format!("{error:?}").len()),
                    BatchSize::PerIteration,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, success, failed_attempt);
criterion_main!(benches);
