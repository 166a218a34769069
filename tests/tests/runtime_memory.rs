//! Memory, measured with a counting global allocator: a failing 64 MiB error retried 30 times
//! never has two copies alive, four actors at once stay within four payloads, and the success
//! path allocates nothing.

use std::error::Error;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use errguard::{FailureKind, Footprint, Jitter, RetryPolicy, Runner};
use errguard_tests::alloc::{self, Counting};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The counters are process-wide: the tests in this binary take turns.
static SERIAL: Mutex<()> = Mutex::new(());

const PAYLOAD: usize = 64 << 20;
const SLACK: usize = 1 << 20;

#[errguard::allow(heap-buffer, reason = "memory test: a 64 MiB payload error is what the counters measure")]
#[derive(Debug, Footprint)]
struct PayloadError {
    payload: Vec<u8>,
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // What a careless error type does: put the whole payload in its message.
        write!(f, "failed with payload {:?}", self.payload)
    }
}

impl Error for PayloadError {}

fn failing_payload() -> PayloadError {
    // Written, not just reserved, as a real request body would be.
    let mut payload = vec![0u8; PAYLOAD];
    payload.iter_mut().step_by(4096).for_each(|b| *b = 1);
    PayloadError { payload }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

fn policy(retries: u32) -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(retries)
        .min_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(1))
        .jitter(Jitter::None)
}

#[test]
fn thirty_retries_of_a_64_mib_error_keep_one_payload_alive() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rt = runtime();
    let policy = policy(30);
    let start = alloc::live_bytes();
    alloc::reset_peak();
    let failure = rt
        .block_on(
            Runner::new("big", &policy)
                .measured()
                .run(|_| async { Err::<(), _>(failing_payload()) }),
        )
        .unwrap_err();
    let peak = alloc::peak_bytes() - start;
    assert_eq!(failure.attempts(), 31);
    assert_eq!(failure.kind(), FailureKind::Exhausted);
    assert_eq!(failure.footprint(), Some(PAYLOAD));
    assert!(!failure.has_error(), "a 64 MiB error must not be kept");
    assert!(
        peak < PAYLOAD + SLACK,
        "peak {} MiB over one payload + 1 MiB",
        peak >> 20
    );
    drop(failure);
    let leftover = alloc::live_bytes().saturating_sub(start);
    assert!(leftover < 64 * 1024, "{leftover} bytes left after the call");
}

#[test]
fn four_actors_at_once_stay_within_four_payloads() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    let policy = policy(30);
    let start = alloc::live_bytes();
    alloc::reset_peak();
    let failures = rt.block_on(async {
        let actors = (0..4).map(|i| {
            let policy = policy.clone();
            tokio::spawn(async move {
                let name = format!("actor-{i}");
                Runner::new(&name, &policy)
                    .measured()
                    .run(|_| async {
                        tokio::task::yield_now().await;
                        Err::<(), _>(failing_payload())
                    })
                    .await
            })
        });
        let mut failures = Vec::new();
        for actor in actors.collect::<Vec<_>>() {
            failures.push(actor.await.unwrap().unwrap_err());
        }
        failures
    });
    let peak = alloc::peak_bytes() - start;
    assert_eq!(failures.len(), 4);
    assert!(failures.iter().all(|f| f.attempts() == 31));
    assert!(
        peak < 4 * PAYLOAD + SLACK,
        "peak {} MiB over four payloads + 1 MiB",
        peak >> 20
    );
}

#[test]
fn a_64_mib_panic_payload_is_dropped_each_time() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rt = runtime();
    let policy = policy(5);
    let start = alloc::live_bytes();
    alloc::reset_peak();
    let failure = rt
        .block_on(errguard::run("panics", &policy, |_| async {
            let payload = failing_payload().payload;
            std::panic::resume_unwind(Box::new(payload));
            #[allow(unreachable_code)]
            Ok::<(), PayloadError>(())
        }))
        .unwrap_err();
    let peak = alloc::peak_bytes() - start;
    assert_eq!(failure.kind(), FailureKind::Panicked);
    assert_eq!(failure.attempts(), 6);
    assert!(peak < PAYLOAD + SLACK, "peak {} MiB", peak >> 20);
    drop(failure);
    assert!(alloc::live_bytes().saturating_sub(start) < 64 * 1024);
}

/// A naive loop that keeps the last error across the sleep, for contrast: the same measurement
/// sees two payloads. This proves the harness can see the failure mode errguard prevents.
#[test]
fn the_measurement_sees_a_naive_loop_hold_two_payloads() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rt = runtime();
    let start = alloc::live_bytes();
    alloc::reset_peak();
    rt.block_on(async {
        let mut last: Option<PayloadError> = None;
        for _ in 0..3 {
            let result: Result<(), PayloadError> = Err(failing_payload());
            if let Err(e) = result {
                tokio::time::sleep(Duration::from_millis(1)).await;
                last = Some(e);
            }
        }
        drop(last);
    });
    let peak = alloc::peak_bytes() - start;
    assert!(peak > 2 * PAYLOAD - SLACK, "peak {} MiB", peak >> 20);
}

#[test]
fn the_success_path_allocates_nothing() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    assert_eq!(errguard_tests::allocations_of_successful_runs(), 0);
}
