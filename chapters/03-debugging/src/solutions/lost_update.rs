use crate::exercises::hits::Hits;
use std::sync::atomic::Ordering;

// ANCHOR: solution
pub fn record_hit(hits: &Hits) {
    // Reading and writing in one indivisible step: nothing gets between.
    hits.fetch_add(1, Ordering::SeqCst);
}
// ANCHOR_END: solution
