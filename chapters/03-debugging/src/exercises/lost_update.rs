//! Exercise 2: a counter of page hits that loses some.

use std::sync::atomic::{AtomicU64, Ordering};

// ANCHOR: exercise
/// Counts one hit. Several threads call this at once, and the count comes
/// out short: find the lost update and fix it, then delete the `todo!`.
pub fn record_hit(hits: &AtomicU64) {
    let seen = hits.load(Ordering::SeqCst);
    std::thread::yield_now();
    hits.store(seen + 1, Ordering::SeqCst);
    todo!("fix the lost update above, then remove this line")
}
// ANCHOR_END: exercise
