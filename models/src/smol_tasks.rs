//! smol: small, composable async pieces. Here its executor runs on the one
//! calling thread — the closest thing to asyncio's event loop — so CPU work
//! gets no parallelism until you run the executor on more threads.

use shared::workload::{Download, sum_of_squares};
use smol::{LocalExecutor, Timer};
use std::time::Duration;

// ANCHOR: io
pub fn download_all(urls: &[String], delay: Duration) -> Vec<Download> {
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        let tasks: Vec<_> = urls
            .iter()
            .cloned()
            .map(|url| {
                executor.spawn(async move {
                    Timer::after(delay).await;
                    Download::finished(&url)
                })
            })
            .collect();
        let mut downloads = Vec::with_capacity(tasks.len());
        for task in tasks {
            downloads.push(task.await);
        }
        downloads
    }))
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(ns: &[u64]) -> Vec<u64> {
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        let tasks: Vec<_> = ns
            .iter()
            .map(|&n| executor.spawn(async move { sum_of_squares(n) }))
            .collect();
        let mut sums = Vec::with_capacity(tasks.len());
        for task in tasks {
            sums.push(task.await);
        }
        sums
    }))
}
// ANCHOR_END: cpu
