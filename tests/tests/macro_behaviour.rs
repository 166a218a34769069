//! Behaviour of `#[retryable_actor]` with real actors: attempts, per-attempt arguments,
//! `&mut self` state, aliases, predicates, timeouts, panics, size limits and measurement.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use errguard::{ActorFailure, FailureKind, Footprint, RetryAfter, RetryPolicy, retryable_actor};
use tokio::time::Instant;

#[derive(Debug)]
struct Flaky;

impl std::fmt::Display for Flaky {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("flaky")
    }
}

impl std::error::Error for Flaky {}

static CALLS: AtomicUsize = AtomicUsize::new(0);

#[retryable_actor(max_retries = 2, min_backoff = "10ms")]
async fn always_fails(label: String) -> Result<u32, Flaky> {
    CALLS.fetch_add(1, Ordering::SeqCst);
    assert_eq!(label, "x");
    Err(Flaky)
}

#[tokio::test(start_paused = true)]
async fn counts_attempts_and_names_the_actor() {
    let failure: ActorFailure = always_fails("x".to_owned()).await.unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Exhausted);
    assert_eq!(failure.attempts(), 3);
    assert_eq!(CALLS.load(Ordering::SeqCst), 3);
    assert_eq!(failure.actor(), "macro_behaviour::always_fails");
    assert_eq!(failure.message(), "flaky");
}

/// Counts its clones through a shared counter.
struct Counted {
    clones: Arc<AtomicUsize>,
    id: u32,
}

impl Clone for Counted {
    fn clone(&self) -> Self {
        self.clones.fetch_add(1, Ordering::SeqCst);
        Counted {
            clones: Arc::clone(&self.clones),
            id: self.id,
        }
    }
}

#[retryable_actor(max_retries = 2, min_backoff = "1ms")]
async fn uses(arg: Counted, succeed_at: u32, seen: &AtomicUsize) -> Result<u32, Flaky> {
    let attempt = u32::try_from(seen.fetch_add(1, Ordering::SeqCst)).unwrap() + 1;
    if attempt >= succeed_at {
        Ok(arg.id)
    } else {
        Err(Flaky)
    }
}

#[retryable_actor(max_retries = 0)]
async fn once(arg: Counted) -> Result<u32, Flaky> {
    Ok(arg.id)
}

#[tokio::test(start_paused = true)]
async fn by_value_arguments_are_cloned_per_attempt_and_moved_into_the_last() {
    let clones = Arc::new(AtomicUsize::new(0));
    let arg = || Counted {
        clones: Arc::clone(&clones),
        id: 7,
    };
    // Three attempts, all failing: attempts 1 and 2 get clones, attempt 3 the original.
    let seen = AtomicUsize::new(0);
    assert!(uses(arg(), 99, &seen).await.is_err());
    assert_eq!(seen.load(Ordering::SeqCst), 3);
    assert_eq!(clones.load(Ordering::SeqCst), 2);
    // Success on the first attempt: one clone.
    clones.store(0, Ordering::SeqCst);
    let seen = AtomicUsize::new(0);
    assert_eq!(uses(arg(), 1, &seen).await.unwrap(), 7);
    assert_eq!(clones.load(Ordering::SeqCst), 1);
    // No retries: the only attempt takes the original, nothing is cloned.
    clones.store(0, Ordering::SeqCst);
    assert_eq!(once(arg()).await.unwrap(), 7);
    assert_eq!(clones.load(Ordering::SeqCst), 0);
}

struct Counter {
    seen: u32,
    log: Vec<u32>,
}

impl Counter {
    #[retryable_actor(max_retries = 3, min_backoff = "1ms")]
    async fn bump(&mut self, by: u32) -> Result<u32, Flaky> {
        self.seen += by;
        self.log.push(self.seen);
        tokio::task::yield_now().await;
        if self.seen < 3 {
            Err(Flaky)
        } else {
            Ok(self.seen)
        }
    }

    #[retryable_actor(max_retries = 3, min_backoff = "1ms")]
    async fn panics_first(&mut self) -> Result<usize, Flaky> {
        self.log.push(0);
        assert!(self.log.len() > 1, "first attempt panics");
        Ok(self.log.len())
    }
}

#[tokio::test(start_paused = true)]
async fn mut_self_state_is_kept_across_attempts_even_after_a_panic() {
    let mut c = Counter {
        seen: 0,
        log: Vec::new(),
    };
    assert_eq!(c.bump(1).await.unwrap(), 3);
    assert_eq!(c.log, [1, 2, 3]);
    let mut fresh = Counter {
        seen: 0,
        log: Vec::new(),
    };
    assert_eq!(fresh.panics_first().await.unwrap(), 2);
    assert_eq!(fresh.log, [0, 0]);
}

#[retryable_actor(max_retries = 2, min_backoff = "1ms")]
async fn push_until(buffer: &mut Vec<u8>, len: usize) -> Result<usize, Flaky> {
    buffer.push(1);
    if buffer.len() < len {
        Err(Flaky)
    } else {
        Ok(buffer.len())
    }
}

#[tokio::test(start_paused = true)]
async fn mut_reference_arguments_are_reused() {
    let mut buffer = Vec::new();
    assert_eq!(push_until(&mut buffer, 3).await.unwrap(), 3);
    assert_eq!(buffer, [1, 1, 1]);
}

mod app {
    pub type Result<T> = std::result::Result<T, std::io::Error>;
}

#[retryable_actor(max_retries = 1, min_backoff = "1ms")]
async fn via_io_alias() -> std::io::Result<u8> {
    Err(std::io::Error::other("disk full"))
}

#[retryable_actor(max_retries = 1, min_backoff = "1ms")]
async fn via_own_alias(ok: bool) -> app::Result<u8> {
    if ok {
        Ok(9)
    } else {
        Err(std::io::ErrorKind::NotFound.into())
    }
}

#[tokio::test(start_paused = true)]
async fn result_aliases() {
    let failure = via_io_alias().await.unwrap_err();
    assert_eq!(failure.attempts(), 2);
    assert_eq!(failure.error_type(), "std::io::error::Error");
    assert_eq!(via_own_alias(true).await.unwrap(), 9);
    assert_eq!(via_own_alias(false).await.unwrap_err().attempts(), 2);
}

#[retryable_actor(max_retries = 1, min_backoff = "1ms")]
async fn via_anyhow(succeed_on: usize, calls: &AtomicUsize) -> anyhow::Result<usize> {
    let call = calls.fetch_add(1, Ordering::Relaxed) + 1;
    if call < succeed_on {
        anyhow::bail!("call {call} failed");
    }
    Ok(call)
}

#[retryable_actor(max_retries = 1, min_backoff = "1ms")]
async fn via_boxed_error() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Err("the boxed error".into())
}

#[tokio::test(start_paused = true)]
async fn anyhow_and_boxed_error_types() {
    let calls = AtomicUsize::new(0);
    assert_eq!(via_anyhow(2, &calls).await.unwrap(), 2);
    let calls = AtomicUsize::new(0);
    let failure = via_anyhow(10, &calls).await.unwrap_err();
    assert_eq!((failure.attempts(), calls.load(Ordering::Relaxed)), (2, 2));
    assert_eq!(failure.message(), "call 2 failed");
    assert_eq!(failure.footprint(), None, "anyhow::Error is unmeasured");
    let boxed = via_boxed_error().await.unwrap_err();
    assert_eq!(boxed.attempts(), 2);
    assert_eq!(boxed.message(), "the boxed error");
}

fn only_transient(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::TimedOut
}

#[retryable_actor(max_retries = 5, min_backoff = "1ms", retry_if = only_transient)]
async fn classified(kind: std::io::ErrorKind) -> std::io::Result<()> {
    Err(kind.into())
}

#[tokio::test(start_paused = true)]
async fn retry_if_predicate() {
    let permanent = classified(std::io::ErrorKind::NotFound).await.unwrap_err();
    assert_eq!(permanent.kind(), FailureKind::Rejected);
    assert_eq!(permanent.attempts(), 1);
    let transient = classified(std::io::ErrorKind::TimedOut).await.unwrap_err();
    assert_eq!(transient.kind(), FailureKind::Exhausted);
    assert_eq!(transient.attempts(), 6);
}

#[retryable_actor(max_retries = 2, min_backoff = "1ms", timeout = "1s")]
async fn hangs() -> Result<(), Flaky> {
    tokio::time::sleep(Duration::from_secs(3600)).await;
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn per_attempt_timeout() {
    let started = Instant::now();
    let failure = hangs().await.unwrap_err();
    assert_eq!(failure.kind(), FailureKind::TimedOut);
    assert_eq!(failure.attempts(), 3);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(started.elapsed() >= Duration::from_secs(3));
}

#[retryable_actor(max_retries = 3, min_backoff = "1ms", retry_panics = false)]
async fn panics_no_retry() -> Result<(), Flaky> {
    panic!("boom {}", 42)
}

static PANICKY: AtomicUsize = AtomicUsize::new(0);

#[retryable_actor(max_retries = 3, min_backoff = "1ms")]
async fn panics_then_works() -> Result<usize, Flaky> {
    let n = PANICKY.fetch_add(1, Ordering::SeqCst);
    assert!(n >= 1, "attempt {n} panics");
    Ok(n)
}

#[tokio::test(start_paused = true)]
async fn panics_are_caught() {
    let failure = panics_no_retry().await.unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panicked);
    assert_eq!(failure.attempts(), 1);
    assert!(
        failure.message().contains("boom 42"),
        "{}",
        failure.message()
    );
    assert_eq!(panics_then_works().await.unwrap(), 1);
}

#[errguard::allow(heap-buffer, reason = "test error: the guard is tested on an error that owns its body")]
#[derive(Debug, Footprint)]
struct Upload {
    body: Vec<u8>,
}

impl std::fmt::Display for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "upload of {} bytes failed", self.body.len())
    }
}

impl std::error::Error for Upload {}

#[retryable_actor(
    max_retries = 3,
    min_backoff = "1ms",
    max_error_heap = "1KiB",
    on_oversize = "fail"
)]
async fn upload(size: usize) -> Result<(), Upload> {
    Err(Upload {
        body: vec![0; size],
    })
}

#[tokio::test(start_paused = true)]
async fn measured_errors_over_the_heap_limit_fail_as_oversize() {
    let failure = upload(4096).await.unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Oversize);
    assert_eq!(failure.attempts(), 1);
    assert_eq!(failure.footprint(), Some(4096));
    assert!(!failure.has_error(), "an oversize error is never retained");
    let small = upload(10).await.unwrap_err();
    assert_eq!(small.kind(), FailureKind::Exhausted);
    assert_eq!(small.footprint(), Some(10));
    assert_eq!(small.downcast_ref::<Upload>().unwrap().body.len(), 10);
}

#[errguard::allow(heap-buffer, reason = "test error: an unmeasured error with a body, on purpose")]
#[derive(Debug)]
struct Opaque {
    body: Vec<u8>,
}

impl std::fmt::Display for Opaque {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "opaque {}", self.body.len())
    }
}

impl std::error::Error for Opaque {}

#[retryable_actor(max_retries = 0, max_error_heap = "1KiB", on_oversize = "fail")]
async fn opaque(size: usize) -> Result<(), Opaque> {
    Err(Opaque {
        body: vec![0; size],
    })
}

#[tokio::test(start_paused = true)]
async fn unmeasured_errors_have_no_footprint_and_are_not_kept() {
    let failure = opaque(4096).await.unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Exhausted);
    assert_eq!(failure.footprint(), None);
    assert!(!failure.has_error());
}

#[derive(Debug)]
struct Throttled(Duration);

impl std::fmt::Display for Throttled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "throttled for {:?}", self.0)
    }
}

impl std::error::Error for Throttled {}

impl RetryAfter for Throttled {
    fn retry_after(&self) -> Option<Duration> {
        Some(self.0)
    }
}

#[retryable_actor(max_retries = 2, min_backoff = "1ms", max_backoff = "1m")]
async fn throttled() -> Result<(), Throttled> {
    Err(Throttled(Duration::from_secs(20)))
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_picked_up_automatically() {
    let started = Instant::now();
    let failure = throttled().await.unwrap_err();
    assert_eq!(failure.attempts(), 3);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(40), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(41), "{elapsed:?}");
}

#[retryable_actor(max_retries = 3, min_backoff = "100ms", factor = 2.0, jitter = "none")]
async fn scheduled() -> Result<(), Flaky> {
    Err(Flaky)
}

#[retryable_actor(
    max_retries = 10,
    min_backoff = "1s",
    jitter = "none",
    factor = 1.0,
    max_elapsed = "3500ms"
)]
async fn budgeted() -> Result<(), Flaky> {
    Err(Flaky)
}

#[tokio::test(start_paused = true)]
async fn backoff_schedule_and_budget_come_from_the_arguments() {
    let started = Instant::now();
    assert_eq!(scheduled().await.unwrap_err().attempts(), 4);
    assert_eq!(started.elapsed(), Duration::from_millis(100 + 200 + 400));
    let failure = budgeted().await.unwrap_err();
    // Attempts at 0s, 1s, 2s and 3s; the next would start at 4s, past the 3.5s budget.
    assert_eq!(failure.kind(), FailureKind::Elapsed);
    assert_eq!(failure.attempts(), 4);
}

fn base_policy() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(7)
        .min_backoff(Duration::ZERO)
}

#[retryable_actor(policy = base_policy(), max_retries = 1)]
async fn with_policy() -> Result<(), Flaky> {
    Err(Flaky)
}

#[retryable_actor(policy = base_policy(), name = "custom")]
async fn with_policy_only() -> Result<(), Flaky> {
    Err(Flaky)
}

#[tokio::test(start_paused = true)]
async fn policy_expression_and_overrides() {
    assert_eq!(with_policy().await.unwrap_err().attempts(), 2);
    let failure = with_policy_only().await.unwrap_err();
    assert_eq!(failure.attempts(), 8);
    assert_eq!(failure.actor(), "custom");
}

/// Exactly at the compile-time limit (over means strictly greater).
#[derive(Debug)]
struct AtLimit([u8; 128]);

impl std::fmt::Display for AtLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.len())
    }
}

impl std::error::Error for AtLimit {}

#[retryable_actor(max_retries = 0)]
async fn at_limit() -> Result<(), AtLimit> {
    Err(AtLimit([0; 128]))
}

#[errguard::allow(heap-buffer, large-inline, reason = "test error: over the size limit on purpose")]
#[derive(Debug)]
struct Large([u8; 300]);

impl std::fmt::Display for Large {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.len())
    }
}

impl std::error::Error for Large {}

#[retryable_actor(max_retries = 0, max_error_size = "1KiB")]
async fn raised_limit() -> Result<(), Large> {
    Err(Large([0; 300]))
}

#[tokio::test(start_paused = true)]
async fn compile_time_limit_is_inclusive_and_can_be_raised() {
    assert_eq!(std::mem::size_of::<AtLimit>(), 128);
    assert_eq!(at_limit().await.unwrap_err().report().inline_size(), 128);
    assert_eq!(
        raised_limit().await.unwrap_err().report().inline_size(),
        300
    );
}

struct Service {
    hits: AtomicUsize,
}

impl Service {
    #[retryable_actor(max_retries = 3, min_backoff = "1ms")]
    async fn call(&self, payload: Vec<u8>) -> Result<usize, Flaky> {
        let n = self.hits.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        if n < 2 { Err(Flaky) } else { Ok(payload.len()) }
    }

    #[retryable_actor(max_retries = 3, min_backoff = "1ms")]
    async fn owned(self: Arc<Self>, by: usize) -> Result<usize, Flaky> {
        Ok(self.hits.fetch_add(by, Ordering::SeqCst) + by)
    }
}

fn assert_send<F: std::future::Future + Send>(future: F) -> F {
    future
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actors_are_send_and_spawnable() {
    let service = Arc::new(Service {
        hits: AtomicUsize::new(0),
    });
    let shared = Arc::clone(&service);
    let handle = tokio::spawn(async move { shared.call(vec![1, 2, 3]).await });
    assert_eq!(handle.await.unwrap().unwrap(), 3);
    let handle = tokio::spawn(Arc::clone(&service).owned(10));
    assert_eq!(handle.await.unwrap().unwrap(), 13);
    let mut buffer = Vec::new();
    let len = assert_send(push_until(&mut buffer, 1)).await.unwrap();
    assert_eq!(len, 1);
}

#[retryable_actor(max_retries = 0)]
async fn generic_actor<T>(value: T) -> Result<T, Flaky>
where
    T: Clone + Send,
{
    Ok(value)
}

#[tokio::test]
async fn generic_actor_keeps_its_type_parameters() {
    assert_eq!(generic_actor("x").await.unwrap(), "x");
    assert_eq!(generic_actor(vec![1u8]).await.unwrap(), [1]);
}

mod names {
    use super::{Flaky, retryable_actor};

    pub struct Client;

    impl Client {
        #[retryable_actor(max_retries = 0)]
        pub async fn go(&self) -> Result<(), Flaky> {
            Err(Flaky)
        }

        #[retryable_actor(max_retries = 0)]
        pub async fn associated() -> Result<(), Flaky> {
            Err(Flaky)
        }
    }

    #[retryable_actor(max_retries = 0)]
    pub async fn free() -> Result<(), Flaky> {
        Err(Flaky)
    }
}

#[tokio::test(start_paused = true)]
async fn default_names_are_the_function_paths() {
    assert_eq!(
        names::Client.go().await.unwrap_err().actor(),
        "macro_behaviour::names::Client::go"
    );
    assert_eq!(
        names::Client::associated().await.unwrap_err().actor(),
        "macro_behaviour::names::Client::associated"
    );
    assert_eq!(
        names::free().await.unwrap_err().actor(),
        "macro_behaviour::names::free"
    );
}

#[retryable_actor(max_retries = 0)]
async fn generic_error<E>(make: fn() -> E) -> Result<(), E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    Err(make())
}

#[tokio::test(start_paused = true)]
async fn a_generic_error_type_is_unmeasured_even_when_the_instance_is_footprint() {
    // The probe is resolved where `E` is a type parameter, so it cannot see the instance's
    // `Footprint` impl: pinned here, documented in the macro's rustdoc.
    let failure = generic_error(|| make_upload(10)).await.unwrap_err();
    assert_eq!(failure.footprint(), None);
    let direct = upload(10).await.unwrap_err();
    assert_eq!(direct.footprint(), Some(10));
}

fn make_upload(size: usize) -> Upload {
    Upload {
        body: vec![0; size],
    }
}

#[retryable_actor(
    max_retries = 3,
    min_backoff = "1s",
    max_backoff = "1500ms",
    jitter = "none"
)]
async fn capped() -> Result<(), Flaky> {
    Err(Flaky)
}

#[retryable_actor(max_retries = 3, min_backoff = "1s", factor = 1.0, jitter = "equal")]
async fn equal_jitter() -> Result<(), Flaky> {
    Err(Flaky)
}

#[tokio::test(start_paused = true)]
async fn max_backoff_caps_each_delay_and_equal_jitter_keeps_half() {
    let started = Instant::now();
    capped().await.unwrap_err();
    // 1s, then 2s and 4s capped at 1.5s.
    assert_eq!(started.elapsed(), Duration::from_millis(1000 + 1500 + 1500));
    // Each of the 3 delays is in [0.5s, 1s]: half fixed, half random. Without jitter all three
    // would be 1s, so some run must come in under 3s.
    let mut shortest = Duration::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        equal_jitter().await.unwrap_err();
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_millis(1500), "{elapsed:?}");
        assert!(elapsed <= Duration::from_secs(3), "{elapsed:?}");
        shortest = shortest.min(elapsed);
    }
    assert!(shortest < Duration::from_secs(3), "no jitter: {shortest:?}");
}
