//! Exercise 2: a counter of page hits that loses some.

use crate::exercises::hits::Hits;
use std::sync::atomic::Ordering;

// ANCHOR: exercise
/// Counts one hit. Several threads call this at once, and the count comes
/// out short: find the lost update and fix it, then delete the `todo!`.
/// `Hits` has the methods of an `AtomicU64` (`load`, `store`, `fetch_add`,
/// `compare_exchange`).
pub fn record_hit(hits: &Hits) {
    let seen = hits.load(Ordering::SeqCst);
    std::thread::yield_now();
    hits.store(seen + 1, Ordering::SeqCst);
    todo!("fix the lost update above, then remove this line")
}
// ANCHOR_END: exercise
