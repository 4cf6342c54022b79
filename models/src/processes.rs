//! Worker processes fed over pipes — what `ProcessPoolExecutor` does. Each
//! worker is a separate program with its own memory; tasks and results are
//! serialised to cross between them. The pool is `shared::executor`'s,
//! which chapter 2 builds; this model only names the tasks and runs them.

use crate::WorkerCommand;
use shared::executor::{Executor, Task, TaskError};
use shared::tasks;
use shared::workload::Download;
use std::time::Duration;

// ANCHOR: run_all
/// Runs `tasks` on a pool of `workers` processes; results in input order,
/// as `pool.map(...)` gives them. A result not back within `deadline` fails
/// the batch, and the workers are terminated: a pool waits for its workers
/// when it shuts down, and a worker that stopped answering would never end.
pub fn run_all<T: Task>(
    command: &WorkerCommand,
    workers: usize,
    tasks: Vec<T>,
    deadline: Duration,
) -> anyhow::Result<Vec<T::Output>> {
    let pool = command.pool(workers)?;
    let results: Result<Vec<T::Output>, TaskError> =
        pool.map(tasks, 1, Some(deadline))?.collect();
    if let Err(TaskError::TimedOut) = results {
        pool.terminate_workers();
    }
    Ok(results?)
}
// ANCHOR_END: run_all

// ANCHOR: io
pub fn download_all(
    command: &WorkerCommand,
    workers: usize,
    urls: &[String],
    delay: Duration,
) -> anyhow::Result<Vec<Download>> {
    let delay_ms = delay.as_millis() as u64;
    let tasks = urls
        .iter()
        .map(|url| tasks::DownloadTask {
            url: url.clone(),
            delay_ms,
        })
        .collect();
    let deadline = delay * urls.len() as u32 + Duration::from_secs(30);
    let results = run_all(command, workers, tasks, deadline)?;
    Ok(urls
        .iter()
        .zip(results)
        .map(|(url, (body, ran_on))| Download {
            url: url.clone(),
            body,
            ran_on,
        })
        .collect())
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(
    command: &WorkerCommand,
    workers: usize,
    ns: &[u64],
) -> anyhow::Result<Vec<u64>> {
    let tasks = ns.iter().map(|&n| tasks::SumOfSquares { n }).collect();
    run_all(command, workers, tasks, Duration::from_secs(600))
}
// ANCHOR_END: cpu
