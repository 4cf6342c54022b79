//! The baseline: chapter 2's process pool (`shared::executor`) on the
//! same jobs, with as many worker processes as the broker gets. It needs
//! nothing but this binary, so it runs in every build.

use crate::jobs::{Job, Work, numbered};
use crate::sections::job_queue::Throughput;
use crate::{BOUND, Context};
use shared::executor::{Executor, ProcessPoolExecutor};
use shared::measure::Spread;
use std::path::Path;
use std::time::Instant;

/// Worker processes each way is measured with.
pub const WORKER_COUNTS: [u64; 3] = [1, 2, 4];

/// The way the pool's rows are named.
pub const POOL: &str = "process pool";

/// The seed's jobs at this run's sizes: the CPU-bound ones, then the
/// download-like waits, ids counted from 0.
pub fn seed_jobs(context: &Context) -> Vec<Job> {
    let sizes = &context.sizes;
    let mut jobs = numbered(0, sizes.cpu_jobs, &Work::SumOfSquares { n: sizes.n });
    jobs.extend(numbered(
        sizes.cpu_jobs,
        sizes.downloads,
        &Work::Download {
            delay_ms: sizes.delay_ms,
        },
    ));
    jobs
}

/// The pool's rows, 1, 2 and 4 worker processes.
pub fn pool_rows(context: &Context) -> anyhow::Result<Vec<Throughput>> {
    let jobs = seed_jobs(context);
    let mut rows = Vec::new();
    for workers in WORKER_COUNTS {
        let (mut samples, mut finished) = (Vec::new(), 0);
        for _ in 0..context.sizes.runs {
            let (seconds, done) = pool_round(&context.program, &jobs, workers)?;
            samples.push(seconds);
            finished += done;
        }
        let row = Throughput::new(POOL, workers, &jobs, context, &samples);
        rows.push(Throughput { finished, ..row });
    }
    Ok(rows)
}

/// The same jobs on chapter 2's process pool, one job per message
/// (chunksize 1, as the broker sends them). Seconds and jobs finished.
fn pool_round(
    program: &Path,
    jobs: &[Job],
    workers: u64,
) -> anyhow::Result<(f64, u64)> {
    let pool = ProcessPoolExecutor::new(workers as usize, program)?;
    let start = Instant::now();
    let results = pool.map(jobs.to_vec(), 1, Some(BOUND))?;
    let finished = results.filter(Result::is_ok).count() as u64;
    let seconds = start.elapsed().as_secs_f64();
    pool.shutdown(true, false);
    Ok((seconds, finished))
}

/// The same on the pool: submit one trivial job, wait for its value.
pub fn pool_latency(program: &Path, context: &Context) -> anyhow::Result<Spread> {
    let pool = ProcessPoolExecutor::new(1, program)?;
    let mut samples = Vec::new();
    for id in 0..context.sizes.latency_jobs {
        let start = Instant::now();
        let job = numbered(id, 1, &Work::Trivial).remove(0);
        pool.submit(job)?.result_timeout(BOUND)?;
        samples.push(start.elapsed().as_secs_f64());
    }
    pool.shutdown(true, false);
    Ok(Spread::of(&samples))
}
