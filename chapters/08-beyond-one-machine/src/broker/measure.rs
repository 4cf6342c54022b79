//! The `job-queue` section's broker runs: the seed's jobs through Redis to
//! N worker processes, then one trivial job at a time for the cost per
//! job. The process pool's runs, the baseline, are in [`crate::pool`].

use super::fleet::{finish, on_fresh_queue};
use crate::jobs::{Job, Work, numbered};
use crate::pool::{WORKER_COUNTS, seed_jobs};
use crate::sections::job_queue::Throughput;
use crate::{BOUND, Context};
use shared::measure::Spread;
use std::path::Path;
use std::time::Instant;

/// The way the broker's rows are named.
pub const BROKER: &str = "apalis on Redis";

/// The broker's rows (1, 2, 4 worker processes) and its latency.
pub fn broker_rows(
    context: &Context,
    url: &str,
) -> anyhow::Result<(Vec<Throughput>, Spread)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let jobs = seed_jobs(context);
    let mut rows = Vec::new();
    for workers in WORKER_COUNTS {
        let (mut samples, mut finished, mut effects) = (Vec::new(), 0, 0);
        for _ in 0..context.sizes.runs {
            let round = broker_round(&context.program, url, &jobs, workers);
            let (seconds, done, recorded) = runtime.block_on(round)?;
            samples.push(seconds);
            finished += done;
            effects = recorded;
        }
        let row = Throughput::new(BROKER, workers, &jobs, context, &samples);
        rows.push(Throughput {
            finished,
            effects: Some(effects),
            ..row
        });
    }
    let latency =
        runtime.block_on(broker_latency(&context.program, url, context))?;
    Ok((rows, latency))
}

// ANCHOR: broker_round
/// One timed run through the broker: `workers` processes start and
/// register on a fresh queue, then the clock runs from the first push to
/// the last job done. Seconds, jobs done, distinct effects recorded.
async fn broker_round(
    program: &Path,
    url: &str,
    jobs: &[Job],
    workers: u64,
) -> anyhow::Result<(f64, u64, u64)> {
    let (mut queue, mut fleet) =
        on_fresh_queue(program, url, "throughput", workers).await?;
    let start = Instant::now();
    queue.push(jobs).await?;
    let settled = queue.settle(jobs.len() as u64, BOUND).await?;
    let seconds = start.elapsed().as_secs_f64();
    let (counts, tally) = finish(&queue, &mut fleet, settled.settled()).await?;
    Ok((seconds, counts.done, tally.effects))
}
// ANCHOR_END: broker_round

/// Seconds from pushing one trivial job to seeing it in the done set,
/// one job at a time, one worker process.
async fn broker_latency(
    program: &Path,
    url: &str,
    context: &Context,
) -> anyhow::Result<Spread> {
    let (mut queue, _fleet) = on_fresh_queue(program, url, "latency", 1).await?;
    let mut samples = Vec::new();
    for id in 0..context.sizes.latency_jobs {
        let start = Instant::now();
        queue.push(&numbered(id, 1, &Work::Trivial)).await?;
        queue.settle(id + 1, BOUND).await?;
        samples.push(start.elapsed().as_secs_f64());
    }
    Ok(Spread::of(&samples))
}
