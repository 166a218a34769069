//! The success path allocates nothing with a typical subscriber installed: `tracing_subscriber`'s
//! fmt at INFO, as the process-wide default. A binary of its own: the global subscriber and the
//! counting allocator are process-wide, and no other test may install or allocate beside it.

use errguard_tests::alloc::{self, Counting};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn the_success_path_allocates_nothing_under_an_info_fmt_subscriber() {
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::sink)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    // The subscriber is live: an INFO event reaches it (and allocates, as fmt does), so a
    // zero below is not a subscriber that ignores everything.
    let before = alloc::thread_allocation_count();
    tracing::info!(probe = 1, "subscriber installed");
    assert!(tracing::enabled!(tracing::Level::WARN));
    assert!(alloc::thread_allocation_count() > before);

    assert_eq!(errguard_tests::allocations_of_successful_runs(), 0);
}
