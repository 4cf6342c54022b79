//! One OS thread per job, like starting a `threading.Thread` for each — but
//! with no GIL, so CPU-bound threads really run on every core.

use shared::workload::{Download, download_blocking, sum_of_squares};
use std::thread;
use std::time::Duration;

// ANCHOR: io
pub fn download_all(urls: &[String], delay: Duration) -> Vec<Download> {
    let handles: Vec<_> = urls
        .iter()
        .cloned()
        .map(|url| thread::spawn(move || download_blocking(&url, delay)))
        .collect();
    // join() hands back each thread's return value, in the order we spawned.
    handles
        .into_iter()
        .map(|h| h.join().expect("a download thread panicked"))
        .collect()
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(ns: &[u64]) -> Vec<u64> {
    // A scope lets the threads borrow `ns`; it joins them all before it ends.
    thread::scope(|s| {
        let handles: Vec<_> = ns
            .iter()
            .map(|&n| s.spawn(move || sum_of_squares(n)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a sum thread panicked"))
            .collect()
    })
}
// ANCHOR_END: cpu
