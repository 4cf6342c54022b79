use std::sync::atomic::{AtomicU64, Ordering};

// ANCHOR: solution
pub fn record_hit(hits: &AtomicU64) {
    // Reading and writing in one indivisible step: nothing gets between.
    hits.fetch_add(1, Ordering::SeqCst);
}
// ANCHOR_END: solution
