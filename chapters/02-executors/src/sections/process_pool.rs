//! `process-pool`: what crosses the boundary, and what it costs. A task
//! goes to a worker process as its name and its arguments, serialised; the
//! result comes back the same way. Python pickles; here it is postcard, a
//! compact binary serde format.

use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::executor::process_pool::{Reply, Request, wire};
use shared::executor::{
    Executor, ProcessPoolExecutor, Task, TaskError, ThreadPoolExecutor,
};
use shared::measure::{Spread, repeat};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::{Echo, SumOfSquares};
use std::time::Instant;

/// What `process-pool` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessPool {
    /// The request for one task and its reply, the bytes of each frame as
    /// this build writes them.
    pub request: Vec<u8>,
    pub reply: Vec<u8>,
    /// Starting the process pool until its first result.
    pub started_s: f64,
    /// Round trips timed one after another, per run.
    pub round_trips: usize,
    /// One trivial task's submit + result, per round trip.
    pub round_trip_threads: Spread,
    pub round_trip_processes: Spread,
    /// The coarse jobs, and map's wall time for them on each pool.
    pub cpu_jobs: usize,
    pub map_threads: Spread,
    pub map_processes: Spread,
    /// The sums each pool returned, in order.
    pub sums_threads: Vec<u64>,
    pub sums_processes: Vec<u64>,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let (request, reply) = one_task_on_the_wire()?;

    let threads = ThreadPoolExecutor::new(context.cores)?;
    let start = Instant::now();
    let processes = ProcessPoolExecutor::new(context.cores, &context.program)?;
    processes.submit(Echo(0))?.result_timeout(BOUND)?;
    let started = start.elapsed().as_secs_f64();

    let n = sizes.round_trips;
    let round_trip =
        |pool: &dyn Fn(u64) -> anyhow::Result<u64>| -> anyhow::Result<Spread> {
            let (_, t) = repeat(sizes.runs, || -> anyhow::Result<()> {
                for i in 0..n as u64 {
                    anyhow::ensure!(pool(i)? == i, "a message came back changed");
                }
                Ok(())
            })?;
            Ok(t.wall.per(n as f64))
        };
    let on_threads =
        round_trip(&|i| Ok(threads.submit(Echo(i))?.result_timeout(BOUND)?))?;
    let on_processes =
        round_trip(&|i| Ok(processes.submit(Echo(i))?.result_timeout(BOUND)?))?;

    let jobs: Vec<SumOfSquares> = (0..sizes.cpu_jobs)
        .map(|_| SumOfSquares { n: sizes.cpu_n })
        .collect();
    // Four chunks per worker: few messages, and still room to balance.
    let chunk = sizes.cpu_jobs.div_ceil(4 * context.cores);
    let (thread_sums, cpu_threads) =
        repeat(sizes.runs, || -> anyhow::Result<Vec<u64>> {
            Ok(threads
                .map(jobs.clone(), chunk, Some(BOUND))?
                .collect::<Result<_, _>>()?)
        })?;
    let (process_sums, cpu_processes) =
        repeat(sizes.runs, || -> anyhow::Result<Vec<u64>> {
            Ok(processes
                .map(jobs.clone(), chunk, Some(BOUND))?
                .collect::<Result<_, _>>()?)
        })?;

    results.process_pool = Some(ProcessPool {
        request,
        reply,
        started_s: started,
        round_trips: n,
        round_trip_threads: on_threads,
        round_trip_processes: on_processes,
        cpu_jobs: sizes.cpu_jobs,
        map_threads: cpu_threads.wall,
        map_processes: cpu_processes.wall,
        sums_threads: thread_sums,
        sums_processes: process_sums,
    });
    Ok(())
}

/// The request that sends one sum to a worker and the reply that brings
/// its result back, as the bytes that cross the pipe.
fn one_task_on_the_wire() -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    let task = SumOfSquares { n: 1_000_000 };
    let request = Request {
        task: SumOfSquares::NAME.into(),
        args: vec![wire::encode(&task)?],
    };
    let reply = Reply {
        results: vec![Ok::<_, TaskError>(wire::encode(&task.clone().run()?)?)],
    };
    Ok((wire::encode(&request)?, wire::encode(&reply)?))
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let pool = need(&results.process_pool, "process-pool")?;
    let mut report = SectionReport::new(
        "process-pool",
        "A task crosses to a worker process as its name and its serialised \
         arguments. That costs a round trip through two pipes and a parse each \
         way: fine for coarse work, ruinous for tiny tasks.",
    );
    report.table(frames(pool));
    report.table(costs(pool));
    report.check(
        pool.sums_threads.len() == pool.cpu_jobs
            && pool.sums_threads == pool.sums_processes,
        "threads and processes computed the same sums",
    );
    report.measured(
        pool.round_trip_processes.median > 2.0 * pool.round_trip_threads.median,
        "a trivial task's round trip costs a process pool over twice what it costs a thread pool",
    );
    report.note(
        "The task's name goes as its length and its letters; numbers as varints, \
         a byte per seven bits; a float as its eight bytes, so NaN and the \
         infinities come back as they went, as from a thread.",
    );
    report.note(
        "A closure cannot cross the boundary, as a lambda cannot be pickled: it is \
         code, not data. So a process-pool task is a type both programs are built \
         from — its NAME finds the code, its fields are the arguments. Coarse work \
         hides the cost; for tiny tasks, send many per message (map's chunksize).",
    );
    Ok(report)
}

/// The bytes of one task's request and its reply.
fn frames(pool: &ProcessPool) -> Table {
    let mut frames = Table::new(
        "What crosses the pipe for one task",
        &["direction", "bytes", "the message, in hex"],
    );
    for (direction, bytes) in [
        ("parent → worker", &pool.request),
        ("worker → parent", &pool.reply),
    ] {
        frames.push(vec![
            Cell::text(direction),
            Cell::text(bytes.len().to_string()),
            Cell::text(hex(bytes)),
        ]);
    }
    frames
}

/// Starting the pool, a trivial round trip, and coarse work: threads
/// against processes.
fn costs(pool: &ProcessPool) -> Table {
    let mut table = Table::new(
        "The same work on one worker thread, or one worker process, per core",
        &["measure", "threads", "processes"],
    );
    table.push(vec![
        Cell::text("start the pool, first result"),
        Cell::text("—"),
        Cell::Seconds(pool.started_s),
    ]);
    table.push(vec![
        Cell::text("submit + result of a trivial task"),
        Cell::Timing(pool.round_trip_threads),
        Cell::Timing(pool.round_trip_processes),
    ]);
    table.push(vec![
        Cell::text(format!("map of {} sums (coarse CPU work)", pool.cpu_jobs)),
        Cell::Timing(pool.map_threads),
        Cell::Timing(pool.map_processes),
    ]);
    table
}

/// `bytes` as two hex digits each, spaced.
fn hex(bytes: &[u8]) -> String {
    let digits: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    digits.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up(thread_trip: f64, process_trip: f64) -> ProcessPool {
        ProcessPool {
            request: vec![0x0e],
            reply: vec![0x01, 0x00],
            started_s: 0.004,
            round_trips: 100,
            round_trip_threads: Spread::single(thread_trip),
            round_trip_processes: Spread::single(process_trip),
            cpu_jobs: 3,
            map_threads: Spread::single(0.05),
            map_processes: Spread::single(0.055),
            sums_threads: vec![1, 2, 3],
            sums_processes: vec![1, 2, 3],
        }
    }

    fn report_of(pool: ProcessPool) -> SectionReport {
        report(&Results {
            process_pool: Some(pool),
            ..Results::default()
        })
        .unwrap()
    }

    #[test]
    fn an_honest_run_passes_every_check() {
        let r = report_of(made_up(20e-6, 100e-6));
        assert!(r.checks().all(|c| c.holds), "{r:?}");
    }

    #[test]
    fn a_cheap_process_round_trip_misses_its_claim() {
        let r = report_of(made_up(20e-6, 30e-6));
        assert!(r.broken().is_empty());
        let missed: Vec<_> = r.checks().filter(|c| !c.holds).collect();
        assert_eq!(missed.len(), 1, "{r:?}");
        assert!(missed[0].claim.contains("round trip"));
    }

    #[test]
    fn different_sums_break_an_invariant() {
        let mut pool = made_up(20e-6, 100e-6);
        pool.sums_processes[1] = 5;
        assert_eq!(report_of(pool).broken().len(), 1);
    }
}
