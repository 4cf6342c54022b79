//! One OS thread per job, like starting a `threading.Thread` for each — but
//! with no GIL, so CPU-bound threads really run on every core.
//!
//! Threads start with `thread::Builder`, whose `spawn_scoped` returns the
//! OS's refusal (too many threads, no memory for a stack) as an error where
//! `thread::spawn` would panic — Python's `start()` raises `RuntimeError`
//! there. The scope joins the threads already started before it returns it.

use anyhow::{Context as _, Result};
use shared::workload::{Download, download_blocking, sum_of_squares};
use std::thread;
use std::time::Duration;

// ANCHOR: io
pub fn download_all(urls: &[String], delay: Duration) -> Result<Vec<Download>> {
    each_on_a_thread(urls, |url| download_blocking(url, delay))
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(ns: &[u64]) -> Result<Vec<u64>> {
    each_on_a_thread(ns, |&n| sum_of_squares(n))
}

/// Runs `job` on each item, one thread per item; results in item order.
fn each_on_a_thread<T: Sync, R: Send>(
    items: &[T],
    job: impl Fn(&T) -> R + Sync,
) -> Result<Vec<R>> {
    // A scope lets the threads borrow `items`; it joins them all before it ends.
    thread::scope(|s| {
        let handles = items
            .iter()
            .map(|item| thread::Builder::new().spawn_scoped(s, || job(item)))
            .collect::<Result<Vec<_>, _>>()
            .context("the OS refused a thread")?;
        // join() hands back each thread's return value, in the order spawned.
        Ok(handles
            .into_iter()
            .map(|h| h.join().expect("a thread panicked"))
            .collect())
    })
}
// ANCHOR_END: cpu
