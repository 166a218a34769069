//! The process-wide counters, to the exact count. A binary with one test, so that no other run
//! moves the counters between the two snapshots.

use std::fmt;
use std::mem::size_of;
use std::time::Duration;

use errguard::stats::{self, StatsSnapshot};
use errguard::{FailureKind, Oversize, Runner};
use errguard_tests::{Upload, zero_backoff};

#[test]
fn every_counter_moves_by_exactly_what_the_runs_did() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let upload = size_of::<Upload>() as u64;
    let before = stats::snapshot();
    rt.block_on(async {
        // A success: one attempt, nothing else.
        let ok = errguard::run("ok", &zero_backoff(3), |_| async { Ok::<_, fmt::Error>(1) }).await;
        assert_eq!(ok.unwrap(), 1);

        // Three measured errors of 100 heap bytes: two dropped before their retries, the last
        // kept in the failure (within `max_error_heap`), so not dropped.
        let failure = Runner::new("measured", &zero_backoff(2))
            .measured()
            .run(|_| async {
                Err::<(), _>(Upload {
                    status: 500,
                    body: vec![0; 100],
                })
            })
            .await
            .unwrap_err();
        assert!(failure.has_error());

        // Two unmeasured errors: both dropped (an unmeasured last error is not kept), each
        // counted at its inline size alone.
        let failure = errguard::run("unmeasured", &zero_backoff(1), |_| async {
            Err::<(), _>(std::io::Error::other("disk full"))
        })
        .await
        .unwrap_err();
        assert!(!failure.has_error());

        // One panic with a `String` payload of capacity 1000, not retried.
        let failure = errguard::run("panics", &zero_backoff(3).retry_panics(false), |_| async {
            let mut payload = String::with_capacity(1000);
            payload.push_str("boom");
            std::panic::resume_unwind(Box::new(payload));
            #[allow(unreachable_code)]
            Ok::<(), fmt::Error>(())
        })
        .await
        .unwrap_err();
        assert_eq!(failure.kind(), FailureKind::Panicked);

        // One attempt ended by its timeout, one cut by the run's budget: both are timeouts.
        let hung = zero_backoff(0).attempt_timeout(Duration::from_secs(5));
        let failure = errguard::run("hangs", &hung, |_| {
            std::future::pending::<Result<(), fmt::Error>>()
        })
        .await
        .unwrap_err();
        assert_eq!(failure.kind(), FailureKind::TimedOut);
        let budget = zero_backoff(10).max_elapsed(Duration::from_secs(2));
        let failure = errguard::run("slow", &budget, |_| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<(), fmt::Error>(())
        })
        .await
        .unwrap_err();
        assert_eq!(failure.kind(), FailureKind::Elapsed);

        // One oversize error (1 MiB over a 64 KiB limit) that ends the run: dropped.
        let oversize = zero_backoff(5)
            .max_error_heap(64 << 10)
            .on_oversize(Oversize::Fail);
        let failure = Runner::new("oversize", &oversize)
            .measured()
            .run(|_| async {
                Err::<(), _>(Upload {
                    status: 502,
                    body: vec![0; 1 << 20],
                })
            })
            .await
            .unwrap_err();
        assert_eq!(failure.kind(), FailureKind::Oversize);

        // One boxed error: counted at the size of the error behind the box, not the box's 16.
        let failure = errguard::run("boxed", &zero_backoff(0), |_| async {
            let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(Upload {
                status: 500,
                body: Vec::new(),
            });
            Err::<(), _>(boxed)
        })
        .await
        .unwrap_err();
        assert_eq!(failure.attempts(), 1);
    });
    let delta = stats::snapshot().since(&before);
    assert_eq!(
        delta,
        StatsSnapshot {
            attempts: 1 + 3 + 2 + 1 + 1 + 1 + 1 + 1,
            failures: 3 + 2 + 1 + 1 + 1 + 1 + 1,
            retries: 2 + 1,
            panics: 1,
            timeouts: 2,
            oversize: 1,
            errors_dropped: 2 + 2 + 1 + 1 + 1,
            error_bytes_dropped: 2 * (upload + 100)
                + 2 * size_of::<std::io::Error>() as u64
                + (size_of::<String>() as u64 + 1000)
                + (upload + (1 << 20))
                + upload,
        }
    );
}
