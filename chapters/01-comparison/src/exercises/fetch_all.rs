//! Exercise 1: download every URL, one thread per URL.

use shared::workload::Download;
use std::time::Duration;

// ANCHOR: exercise
/// Download every URL with `shared::workload::download_blocking(url, delay)`,
/// each on its own thread (`std::thread::spawn` or `std::thread::scope`),
/// so the waits overlap. Return the downloads in the order of `urls`.
pub fn fetch_all(urls: &[String], delay: Duration) -> Vec<Download> {
    // TODO: start one thread per URL, then join them in order.
    let _ = (urls, delay);
    todo!("fetch_all: one thread per URL")
}
// ANCHOR_END: exercise
