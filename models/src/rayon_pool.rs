//! rayon: a work-stealing pool with one thread per core, driven by parallel
//! iterators. Built for CPU work; blocking waits tie up its few threads.

use rayon::prelude::*;
use shared::workload::{Download, download_blocking, sum_of_squares};
use std::time::Duration;

// ANCHOR: io
pub fn download_all(urls: &[String], delay: Duration) -> Vec<Download> {
    urls.par_iter()
        .map(|url| download_blocking(url, delay))
        .collect()
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(ns: &[u64]) -> Vec<u64> {
    ns.par_iter().map(|&n| sum_of_squares(n)).collect()
}
// ANCHOR_END: cpu

/// How many threads rayon's global pool runs (one per core by default).
pub fn threads() -> usize {
    rayon::current_num_threads()
}
