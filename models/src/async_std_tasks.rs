//! async-std: async tasks on a global multi-threaded executor, with an API
//! shaped like the standard library. Deprecated since 2025 in favour of
//! smol (its own authors' advice); shown because much code still uses it.

use shared::workload::{Download, sum_of_squares};
use std::time::Duration;

// ANCHOR: io
pub fn download_all(urls: &[String], delay: Duration) -> Vec<Download> {
    async_std::task::block_on(async {
        let tasks: Vec<_> = urls
            .iter()
            .cloned()
            .map(|url| {
                async_std::task::spawn(async move {
                    async_std::task::sleep(delay).await;
                    Download::finished(&url)
                })
            })
            .collect();
        let mut downloads = Vec::with_capacity(tasks.len());
        for task in tasks {
            downloads.push(task.await); // a panic in the task resumes here
        }
        downloads
    })
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(ns: &[u64]) -> Vec<u64> {
    async_std::task::block_on(async {
        let tasks: Vec<_> = ns
            .iter()
            .map(|&n| async_std::task::spawn(async move { sum_of_squares(n) }))
            .collect();
        let mut sums = Vec::with_capacity(tasks.len());
        for task in tasks {
            sums.push(task.await);
        }
        sums
    })
}
// ANCHOR_END: cpu
