//! A fixed pool of threads fed through a channel: `shared::executor`'s
//! `ThreadPoolExecutor`, which chapter 2 builds. Any closure can be
//! submitted, as any callable can be in Python.

use shared::executor::ThreadPoolExecutor;
use shared::workload::{Download, download_blocking, sum_of_squares};
use std::time::Duration;

// ANCHOR: map
/// Runs `f` on every input through a pool of `size` threads and returns the
/// results in input order, whatever order they finished in — Python's
/// `pool.map(f, inputs)`.
pub fn map_in_order<I, T>(
    size: usize,
    inputs: Vec<I>,
    f: fn(I) -> T,
) -> anyhow::Result<Vec<T>>
where
    I: Send + 'static,
    T: Clone + Send + 'static,
{
    let pool = ThreadPoolExecutor::new(size)?;
    let futures = inputs
        .into_iter()
        .map(|input| pool.submit_fn(move || Ok(f(input))))
        .collect::<Result<Vec<_>, _>>()?;
    // Each job is a bounded wait or a bounded sum, so each result comes.
    futures.iter().map(|future| Ok(future.result()?)).collect()
}
// ANCHOR_END: map

// ANCHOR: io
pub fn download_all(
    size: usize,
    urls: &[String],
    delay: Duration,
) -> anyhow::Result<Vec<Download>> {
    let jobs = urls.iter().map(|url| (url.clone(), delay)).collect();
    map_in_order(size, jobs, |(url, delay)| download_blocking(&url, delay))
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(size: usize, ns: &[u64]) -> anyhow::Result<Vec<u64>> {
    map_in_order(size, ns.to_vec(), sum_of_squares)
}
// ANCHOR_END: cpu
