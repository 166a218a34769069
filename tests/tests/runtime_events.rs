//! The runner's `tracing` events: documented fields, bounded size. In a test binary of its own
//! because `tracing` caches callsite interest per process, and other tests' callsites would be
//! registered before this test's subscriber exists.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use errguard::{Jitter, RetryPolicy, Runner};
use errguard_tests::Upload;

/// Collects the formatted `tracing` output in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn events_carry_the_documented_fields_and_stay_bounded() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let policy = RetryPolicy::new()
        .max_retries(1)
        .min_backoff(Duration::ZERO)
        .jitter(Jitter::None)
        .max_report_len(100);
    let _ = Runner::new("traced", &policy)
        .measured()
        .run(|_| async {
            Err::<(), _>(Upload {
                status: 500,
                body: vec![0; 32 << 20],
            })
        })
        .await;
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let warn = lines[0];
    // The event sits inside the call's span (created at the first failure, WARN level, so an
    // INFO subscriber shows it), and names the attempt itself.
    assert!(
        warn.contains(r#"WARN actor{actor="traced"}: "#),
        "not inside the call span: {warn}"
    );
    for field in [
        "actor=\"traced\"",
        "attempt=1",
        "max_retries=1",
        "delay_ms=0",
        "error.type=\"errguard_tests::Upload\"",
        "error.message=\"upload failed with status 500\"",
        "error.footprint=33554432",
    ] {
        assert!(warn.contains(field), "missing {field} in {warn}");
    }
    let retry_warn = lines[1];
    assert!(
        retry_warn.contains(r#"WARN actor{actor="traced"}: "#)
            && retry_warn.contains(" attempt=2 "),
        "{retry_warn}"
    );
    assert!(
        lines[2].contains(r#"ERROR actor{actor="traced"}: "#)
            && lines[2].contains("kind=\"exhausted\"")
            && lines[2].contains(" attempts=2 "),
        "{}",
        lines[2]
    );
    assert!(
        text.len() < 2_000,
        "log output grew with the error: {} bytes",
        text.len()
    );

    // A long-retrying actor: the attempt number lives in a span per attempt, so an event from
    // attempt 40 carries one `attempt=` and its line is as long as attempt 2's (give or take
    // the digits), instead of listing every earlier attempt. At INFO the first attempt runs
    // outside errguard's spans (they are DEBUG until a failure: the success path allocates
    // nothing); every retry is inside both.
    let working = long_run(&captured).await;
    assert!(!working[0].contains("attempt{"), "{}", working[0]);
    for (i, line) in working.iter().enumerate().skip(1) {
        let spans = format!("actor{{actor=\"long\"}}:attempt{{attempt={}}}: ", i + 1);
        assert!(line.contains(&spans), "missing {spans} in {line}");
        assert_eq!(line.matches("attempt=").count(), 1, "{line}");
    }
    assert!(working[39].len() <= working[1].len() + 4);
    drop(_guard);

    // At DEBUG, the call has its spans from the first attempt on.
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let working = long_run(&captured).await;
    assert!(
        working[0].contains(r#"actor{actor="long"}:attempt{attempt=1}: "#),
        "{}",
        working[0]
    );
    assert!(
        working[39].contains(r#"actor{actor="long"}:attempt{attempt=40}: "#),
        "{}",
        working[39]
    );
}

/// Runs an actor that fails 40 times, logging at INFO in each attempt; the lines it logged.
async fn long_run(captured: &Captured) -> Vec<String> {
    captured.0.lock().unwrap().clear();
    let policy = RetryPolicy::new()
        .max_retries(39)
        .min_backoff(Duration::ZERO)
        .jitter(Jitter::None);
    let _ = errguard::run("long", &policy, |attempt| async move {
        tracing::info!(n = attempt.number(), "working");
        Err::<(), _>(fmt::Error)
    })
    .await;
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let working: Vec<String> = text
        .lines()
        .filter(|l| l.contains("working"))
        .map(str::to_owned)
        .collect();
    assert_eq!(working.len(), 40, "{text}");
    working
}
