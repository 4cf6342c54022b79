//! One thing after another: the baseline every speedup is measured against.

use shared::workload::{Download, download_blocking, sum_of_squares};
use std::time::Duration;

// ANCHOR: io
pub fn download_all(urls: &[String], delay: Duration) -> Vec<Download> {
    urls.iter()
        .map(|url| download_blocking(url, delay))
        .collect()
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(ns: &[u64]) -> Vec<u64> {
    ns.iter().map(|&n| sum_of_squares(n)).collect()
}
// ANCHOR_END: cpu
