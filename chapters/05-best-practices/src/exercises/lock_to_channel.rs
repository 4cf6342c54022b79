//! Exercise 3: replace a shared lock with a channel.

use crossbeam::channel::Sender;
use std::sync::Mutex;

// ANCHOR: before
/// The version to replace: every thread adds every number to one total
/// behind a lock.
pub fn total_with_lock(chunks: &[Vec<u64>]) -> u64 {
    let total = Mutex::new(0u64);
    std::thread::scope(|s| {
        for chunk in chunks {
            let total = &total;
            s.spawn(move || {
                for n in chunk {
                    *total.lock().unwrap_or_else(|e| e.into_inner()) += n;
                }
            });
        }
    });
    total.into_inner().unwrap_or_else(|e| e.into_inner())
}
// ANCHOR_END: before

// ANCHOR: exercise
/// Sum the chunks on one thread per chunk, with no lock: each thread adds
/// up its own chunk and sends its subtotal on `subtotals` — one message
/// per chunk. Every message must be sent before this function returns.
pub fn send_subtotals(chunks: &[Vec<u64>], subtotals: Sender<u64>) {
    // TODO: a scope, a thread per chunk, a clone of the sender for each.
    let _ = (chunks, subtotals);
    todo!("send_subtotals: one message per chunk")
}
// ANCHOR_END: exercise
