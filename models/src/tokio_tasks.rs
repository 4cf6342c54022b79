//! tokio: async tasks on a multi-threaded runtime (one worker thread per
//! core). Like asyncio for waiting — but its workers run in parallel, so
//! even CPU work spreads, while blocking the workers it runs on.

use shared::workload::{Download, sum_of_squares};
use std::time::Duration;
use tokio::runtime::Runtime;

// ANCHOR: io
pub fn download_all(
    runtime: &Runtime,
    urls: &[String],
    delay: Duration,
) -> Vec<Download> {
    runtime.block_on(async {
        let tasks: Vec<_> = urls
            .iter()
            .cloned()
            .map(|url| {
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await; // waits without a thread
                    Download::finished(&url)
                })
            })
            .collect();
        let mut downloads = Vec::with_capacity(tasks.len());
        for task in tasks {
            downloads.push(task.await.expect("a download task panicked"));
        }
        downloads
    })
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(runtime: &Runtime, ns: &[u64]) -> Vec<u64> {
    runtime.block_on(async {
        // CPU work straight on the runtime: it runs in parallel on the worker
        // threads, but holds each one until it is done (see `event-loop`).
        let tasks: Vec<_> = ns
            .iter()
            .map(|&n| tokio::spawn(async move { sum_of_squares(n) }))
            .collect();
        let mut sums = Vec::with_capacity(tasks.len());
        for task in tasks {
            sums.push(task.await.expect("a sum task panicked"));
        }
        sums
    })
}
// ANCHOR_END: cpu

/// The runtime the models share: building one costs a few threads, so it is
/// made once per run, like `asyncio.run` wrapping a whole program.
pub fn runtime() -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()
}
