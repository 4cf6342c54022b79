//! `job-queue`: the seed's jobs (sum of squares, download-like waits) on
//! apalis over Redis, consumed by 1, 2 and 4 worker processes (this
//! binary re-executed), against chapter 2's process pool on the same jobs;
//! and the latency the broker adds to one job. The broker's half needs
//! `--features broker` and `REDIS_URL`; without them the pool's half runs
//! alone and the report says what it skipped.

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::measure::Spread;
use shared::report::{Cell, SectionReport, Table};

/// What `job-queue` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobQueue {
    pub cpu_jobs: u64,
    pub n: u64,
    pub downloads: u64,
    pub delay_ms: u64,
    /// One row per way and worker count, the broker's first.
    pub rows: Vec<Throughput>,
    pub latency: Latency,
    /// Why the broker's half did not run, if it did not.
    pub broker_skipped: Option<String>,
}

/// One way of running every job, timed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// "apalis on Redis" or "process pool".
    pub way: String,
    pub workers: u64,
    pub jobs: u64,
    /// Timed runs of it.
    pub runs: u64,
    /// From the first push (or submit) to the last job settled.
    pub seconds: Spread,
    /// Jobs that finished, over all runs (each run must finish all).
    pub finished: u64,
    /// Distinct job ids whose effect was recorded, in the last run (the
    /// pool records none: it returns values instead).
    pub effects: Option<u64>,
}

impl Throughput {
    /// A row from its timed runs' `samples`; nothing counted yet.
    pub fn new(
        way: &str,
        workers: u64,
        jobs: &[crate::jobs::Job],
        context: &Context,
        samples: &[f64],
    ) -> Throughput {
        Throughput {
            way: way.to_string(),
            workers,
            jobs: jobs.len() as u64,
            runs: context.sizes.runs as u64,
            seconds: Spread::of(samples),
            finished: 0,
            effects: None,
        }
    }
}

/// Seconds from submitting one trivial job to seeing it done, one at a
/// time, each way with one worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub jobs: u64,
    pub broker: Option<Spread>,
    pub pool: Spread,
    /// apalis-redis's heartbeat: an idle worker looks at the queue again
    /// at the latest after one, so a lone job waits up to that long.
    pub heartbeat_s: f64,
}

const CLAIM: &str = "A broker lets the workers be any processes that can reach Redis, \
     on this machine or another; on one machine it costs per job what the \
     process pool does not pay: a round trip to Redis and a poll.";

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = &context.sizes;
    let (mut rows, broker, broker_skipped) = match broker(context)? {
        Ok((rows, latency)) => (rows, Some(latency), None),
        Err(why) => (Vec::new(), None, Some(why)),
    };
    rows.extend(crate::pool::pool_rows(context)?);
    results.job_queue = Some(JobQueue {
        cpu_jobs: sizes.cpu_jobs,
        n: sizes.n,
        downloads: sizes.downloads,
        delay_ms: sizes.delay_ms,
        rows,
        latency: Latency {
            jobs: sizes.latency_jobs,
            broker,
            pool: crate::pool::pool_latency(&context.program, context)?,
            heartbeat_s: HEARTBEAT_S,
        },
        broker_skipped,
    });
    Ok(())
}

/// The broker's rows and latency, or why they were skipped.
type BrokerHalf = Result<(Vec<Throughput>, Spread), String>;

#[cfg(feature = "broker")]
const HEARTBEAT_S: f64 = crate::broker::HEARTBEAT.as_secs_f64();
#[cfg(not(feature = "broker"))]
const HEARTBEAT_S: f64 = 0.0;

#[cfg(not(feature = "broker"))]
fn broker(_: &Context) -> anyhow::Result<BrokerHalf> {
    Ok(Err(super::NO_FEATURE.to_string()))
}

#[cfg(feature = "broker")]
fn broker(context: &Context) -> anyhow::Result<BrokerHalf> {
    let Some(url) = &context.redis_url else {
        return Ok(Err("REDIS_URL is not set (a Redis to use: \
                  chapters/06-ecosystem/servers run -- cargo run -p \
                  beyond-one-machine --features broker)"
            .to_string()));
    };
    Ok(Ok(crate::broker::measure::broker_rows(context, url)?))
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let queue = need(&results.job_queue, "job-queue")?;
    let mut report = SectionReport::new("job-queue", CLAIM);
    if let Some(why) = &queue.broker_skipped {
        report.note(format!("skipped, the broker's half: {why}"));
    }
    report.table(throughput_table(queue));
    let all = queue.rows.iter().all(|r| r.finished == r.jobs * r.runs);
    report.check(all, "every job of every run finished, on every way");
    if queue.broker_skipped.is_none() {
        let once =
            (queue.rows.iter()).all(|r| r.effects.is_none_or(|e| e == r.jobs));
        report.check(
            once,
            "on the broker, each job's effect was recorded exactly once",
        );
    }
    scaling_claims(&mut report, queue);
    report.table(latency_table(&queue.latency));
    if let Some(broker) = queue.latency.broker {
        report.measured(
            broker.min > queue.latency.pool.min,
            "a lone job takes longer through the broker than through the pool",
        );
        report.note(format!(
            "An idle apalis-redis worker parks until its next heartbeat (every \
             {:.2} s here) or until its last job ends, so a lone job waits up to \
             a heartbeat; under a backlog a worker fetches its next job as soon \
             as one ends.",
            queue.latency.heartbeat_s
        ));
    }
    Ok(report)
}

fn throughput_table(queue: &JobQueue) -> Table {
    let mut table = Table::new(
        format!(
            "{} sums of squares (n = {}) and {} waits of {} ms, each way",
            queue.cpu_jobs, queue.n, queue.downloads, queue.delay_ms
        ),
        &["way", "worker processes", "wall time", "jobs/s"],
    );
    for row in &queue.rows {
        table.push(vec![
            Cell::text(&row.way),
            Cell::Count(row.workers),
            Cell::Timing(row.seconds),
            Cell::PerSecond(row.jobs as f64 / row.seconds.median),
        ]);
    }
    table
}

fn scaling_claims(report: &mut SectionReport, queue: &JobQueue) {
    let median = |broker: bool, workers| {
        (queue.rows.iter())
            .find(|r| r.workers == workers && r.effects.is_some() == broker)
            .map(|r| r.seconds.median)
    };
    for (broker, way) in [(true, "broker workers"), (false, "pool workers")] {
        if let (Some(one), Some(two)) = (median(broker, 1), median(broker, 2)) {
            report.measured(two < one, format!("two {way} finish sooner than one"));
        }
    }
}

fn latency_table(latency: &Latency) -> Table {
    let mut table = Table::new(
        format!(
            "One trivial job at a time, {} jobs, one worker",
            latency.jobs
        ),
        &["way", "fastest", "median (range)"],
    );
    let missing = || Cell::Missing("skipped".into());
    table.push(match latency.broker {
        Some(spread) => vec![
            Cell::text("apalis on Redis"),
            Cell::Seconds(spread.min),
            Cell::Timing(spread),
        ],
        None => vec![Cell::text("apalis on Redis"), missing(), missing()],
    });
    table.push(vec![
        Cell::text("process pool"),
        Cell::Seconds(latency.pool.min),
        Cell::Timing(latency.pool),
    ]);
    table
}
