//! The `faults` section's three runs, each on its own fresh queue of a
//! redis-server started here (the restart needs a server this process
//! owns). Every wait is bounded by [`BOUND`]: a lost job fails the run
//! with the counts so far, it does not hang it.

use super::MAX_ATTEMPTS;
use super::effects::Tally;
use super::fleet::{finish, on_fresh_queue};
use super::queue::{Counts, Queue};
use crate::BOUND;
use crate::jobs::{Job, Work, numbered};
use crate::sections::faults::{FaultRun, Faults};
use crate::server::RedisServer;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

/// The three faults, one after another, on one server.
pub fn all(program: &Path) -> anyhow::Result<Faults> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut server = RedisServer::start()?;
    Ok(Faults {
        killed: killed_worker(&runtime, program, &server)?,
        restarted: restarted_broker(&runtime, program, &mut server)?,
        poison: poison_job(&runtime, program, &server)?,
        max_attempts: MAX_ATTEMPTS,
    })
}

/// The job the kill aims at: it records its effect, then stalls (first
/// attempt only) until its worker is killed.
const STALLED: u64 = 0;

// ANCHOR: killed
/// A worker SIGKILLed mid-job. The stalled job says which process runs
/// it once its effect is recorded; that process is killed then, not
/// after a guessed sleep. The other worker finds the dead one's job
/// orphaned (no heartbeat) and runs it again: a second delivery.
pub fn killed_worker(
    runtime: &Runtime,
    program: &Path,
    server: &RedisServer,
) -> anyhow::Result<FaultRun> {
    let mut jobs = numbered(STALLED, 1, &Work::Stall { stall_ms: 60_000 });
    jobs.extend(numbered(1, 6, &Work::SumOfSquares { n: 100_000 }));
    runtime.block_on(async {
        let (mut queue, mut fleet) =
            on_fresh_queue(program, &server.url(), "killed", 2).await?;
        queue.push(&jobs).await?;
        let pid = stalling_worker(&queue).await?;
        fleet.kill(pid)?;
        let (counts, tally) = finish(&queue, &mut fleet, jobs.len() as u64).await?;
        Ok(fault_run(2, &jobs, counts, &tally, STALLED))
    })
}
// ANCHOR_END: killed

/// The process the stalled job runs in, once it says so (bounded).
async fn stalling_worker(queue: &Queue) -> anyhow::Result<u32> {
    let deadline = Instant::now() + BOUND;
    loop {
        if let Some(pid) = queue.effects.stalling_pid().await? {
            return Ok(pid);
        }
        if Instant::now() >= deadline {
            anyhow::bail!("the stalled job did not start within {BOUND:?}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Jobs each half of the restart run pushes.
const HALF: u64 = 10;

/// The broker restarted mid-run: half the jobs pushed, some done, then
/// the server stops (SIGTERM) and starts again on the same port from its
/// append-only file; the producer pushes the second half through the
/// outage and every worker reconnects.
pub fn restarted_broker(
    runtime: &Runtime,
    program: &Path,
    server: &mut RedisServer,
) -> anyhow::Result<FaultRun> {
    let work = Work::SumOfSquares { n: 2_000_000 };
    let (first, second) = (numbered(0, HALF, &work), numbered(HALF, HALF, &work));
    let url = server.url();
    let (mut queue, mut fleet) = runtime.block_on(async {
        let (mut queue, fleet) =
            on_fresh_queue(program, &url, "restarted", 2).await?;
        queue.push(&first).await?;
        queue.settle(2, BOUND).await?;
        anyhow::Ok((queue, fleet))
    })?;
    server.restart()?;
    let (counts, tally) = runtime.block_on(async {
        queue.push(&second).await?;
        finish(&queue, &mut fleet, 2 * HALF).await
    })?;
    let all: Vec<Job> = first.into_iter().chain(second).collect();
    // The target: the first half's last job, likely in flight at the stop.
    Ok(fault_run(2, &all, counts, &tally, HALF - 1))
}

/// The job that always fails.
const POISON: u64 = 0;

/// A poison job among good ones: retried until its [`MAX_ATTEMPTS`]-th
/// attempt aborts it into the dead set; the good ones finish meanwhile.
pub fn poison_job(
    runtime: &Runtime,
    program: &Path,
    server: &RedisServer,
) -> anyhow::Result<FaultRun> {
    let mut jobs = numbered(POISON, 1, &Work::Poison);
    jobs.extend(numbered(1, 3, &Work::Trivial));
    runtime.block_on(async {
        let (mut queue, mut fleet) =
            on_fresh_queue(program, &server.url(), "poison", 1).await?;
        queue.push(&jobs).await?;
        let (counts, tally) = finish(&queue, &mut fleet, jobs.len() as u64).await?;
        Ok(fault_run(1, &jobs, counts, &tally, POISON))
    })
}

fn fault_run(
    workers: u64,
    jobs: &[Job],
    counts: Counts,
    tally: &Tally,
    target: u64,
) -> FaultRun {
    FaultRun {
        workers,
        submitted: jobs.len() as u64,
        completed: counts.done,
        dead_lettered: counts.dead,
        effects: tally.effects,
        applied: tally.applied,
        deliveries: tally.deliveries,
        target_attempts: tally.attempts_of(target),
        reconnects: tally.reconnects,
    }
}
