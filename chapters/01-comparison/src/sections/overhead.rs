//! `overhead`: what it costs to start one unit of concurrency and wait for
//! it to finish — a thread, a pool job, a task on each runtime, a process.
//!
//! A fixed cost is timed many times over, in small batches, and reported
//! as the minimum and the median per unit. The minimum is the cost itself,
//! without interference; the median is what a run usually pays; a mean
//! would let one preempted sample (milliseconds, on a shared machine) move
//! the figure tenfold.

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::executor::{Executor, ThreadPoolExecutor};
use shared::measure::Spread;
use shared::report::{Cell, SectionReport, Table};
use std::time::Instant;

/// What `overhead` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overhead {
    pub rows: Vec<OverheadRow>,
}

/// The units started, cheapest to dearest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    Thread,
    ThreadPoolJob,
    RayonJob,
    TokioTask,
    AsyncStdTask,
    SmolTask,
    Process,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Thread => "thread",
            Unit::ThreadPoolJob => "thread-pool job",
            Unit::RayonJob => "rayon job",
            Unit::TokioTask => "tokio task",
            Unit::AsyncStdTask => "async-std task",
            Unit::SmolTask => "smol task",
            Unit::Process => "process",
        }
    }
}

/// One kind of unit: how many were started, in batches of how many, and
/// the time per unit over the batches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverheadRow {
    pub unit: Unit,
    pub started: usize,
    pub batch: usize,
    pub per_unit: Spread,
}

impl Overhead {
    pub fn per_unit(&self, unit: Unit) -> Option<&Spread> {
        self.rows
            .iter()
            .find(|r| r.unit == unit)
            .map(|r| &r.per_unit)
    }
}

/// Tasks and jobs start in batches of this many, then are awaited: what
/// spawning many costs, one batch a sample. Threads and processes start
/// one at a time, as the article's programs start them.
const BATCH: usize = 100;

/// Times `batches` calls of `start_batch`, each starting and finishing
/// `batch` units: the spread of the time per unit.
fn per_unit(
    batch: usize,
    batches: usize,
    mut start_batch: impl FnMut(usize) -> anyhow::Result<()>,
) -> anyhow::Result<Spread> {
    let mut samples = Vec::with_capacity(batches);
    for _ in 0..batches.max(1) {
        let start = Instant::now();
        start_batch(batch)?;
        samples.push(start.elapsed().as_secs_f64() / batch as f64);
    }
    Ok(Spread::of(&samples))
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    threads(context, &mut rows)?;
    tasks(context, &mut rows)?;
    processes(context, &mut rows)?;
    results.overhead = Some(Overhead { rows });
    Ok(())
}

/// Adds a row: `started` units timed in batches of `batch`.
fn add(
    rows: &mut Vec<OverheadRow>,
    unit: Unit,
    started: usize,
    batch: usize,
    per_unit: Spread,
) {
    rows.push(OverheadRow {
        unit,
        started,
        batch,
        per_unit,
    });
}

/// A thread, a thread-pool job and a rayon job.
fn threads(context: &Context, rows: &mut Vec<OverheadRow>) -> anyhow::Result<()> {
    let sizes = &context.sizes;
    let runs = sizes.runs;
    let n = sizes.spawn_threads * runs;
    let t = per_unit(1, n, |_| {
        std::thread::spawn(|| {}).join().expect("an empty thread");
        Ok(())
    })?;
    add(rows, Unit::Thread, n, 1, t);

    // The pool is made once, and its threads start on demand, as CPython's
    // do: one untimed batch starts those a batch needs, so the timing is a
    // job's cost alone.
    let pool = ThreadPoolExecutor::new(context.runners.pool_size())?;
    let run_batch = |batch: usize| {
        let jobs = (0..batch)
            .map(|_| pool.submit_fn(|| Ok(())))
            .collect::<Result<Vec<_>, _>>()?;
        for job in jobs {
            job.result()?;
        }
        anyhow::Ok(())
    };
    run_batch(BATCH)?;
    let t = per_unit(BATCH, n / BATCH, run_batch)?;
    pool.shutdown(true, false);
    add(rows, Unit::ThreadPoolJob, n / BATCH * BATCH, BATCH, t);

    let n = sizes.spawn_tasks * runs;
    let batches = n / BATCH;
    let t = per_unit(BATCH, batches, |batch| {
        rayon::scope(|s| (0..batch).for_each(|_| s.spawn(|_| {})));
        Ok(())
    })?;
    add(rows, Unit::RayonJob, batches * BATCH, BATCH, t);

    Ok(())
}

/// A task on tokio, async-std and smol, each spawned and awaited.
fn tasks(context: &Context, rows: &mut Vec<OverheadRow>) -> anyhow::Result<()> {
    let batches = context.sizes.spawn_tasks * context.sizes.runs / BATCH;
    let runtime = context.runners.tokio()?;
    let t = per_unit(BATCH, batches, |batch| {
        runtime.block_on(async {
            let tasks: Vec<_> = (0..batch).map(|_| tokio::spawn(async {})).collect();
            for task in tasks {
                task.await?;
            }
            anyhow::Ok(())
        })
    })?;
    add(rows, Unit::TokioTask, batches * BATCH, BATCH, t);

    let t = per_unit(BATCH, batches, |batch| {
        async_std::task::block_on(async {
            let tasks: Vec<_> = (0..batch)
                .map(|_| async_std::task::spawn(async {}))
                .collect();
            for task in tasks {
                task.await;
            }
        });
        Ok(())
    })?;
    add(rows, Unit::AsyncStdTask, batches * BATCH, BATCH, t);

    let executor = smol::LocalExecutor::new();
    let t = per_unit(BATCH, batches, |batch| {
        smol::block_on(executor.run(async {
            let tasks: Vec<_> =
                (0..batch).map(|_| executor.spawn(async {})).collect();
            for task in tasks {
                task.await;
            }
        }));
        Ok(())
    })?;
    add(rows, Unit::SmolTask, batches * BATCH, BATCH, t);

    Ok(())
}

/// A worker process, started and reaped.
fn processes(context: &Context, rows: &mut Vec<OverheadRow>) -> anyhow::Result<()> {
    let sizes = &context.sizes;
    let runs = sizes.runs;
    let n = sizes.spawn_processes * runs;
    let t = per_unit(1, n, |_| {
        let pool = context.runners.worker.pool(1)?;
        pool.shutdown(true, false); // waits for the worker to exit
        Ok(())
    })?;
    add(rows, Unit::Process, n, 1, t);

    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let overhead = need(&results.overhead, "overhead")?;
    let mut report = SectionReport::new(
        "overhead",
        "Start a unit, let it do nothing, wait for it: the fixed cost of each model. \
         Tasks cost far less than threads, threads far less than processes.",
    );
    let mut table = Table::new(
        "Cost to start and finish one unit: the minimum (the cost without \
         interference), and the median with its range, over every batch",
        &["unit", "started", "batch", "minimum", "median (range)"],
    );
    for row in &overhead.rows {
        table.push(vec![
            Cell::text(row.unit.name()),
            Cell::Count(row.started as u64),
            Cell::Count(row.batch as u64),
            Cell::Seconds(row.per_unit.min),
            Cell::Timing(row.per_unit),
        ]);
    }
    report.table(table);
    let min = |unit| overhead.per_unit(unit).map_or(f64::NAN, |s| s.min);
    report.measured(
        min(Unit::TokioTask) * 4.0 < min(Unit::Thread),
        "a tokio task starts over four times faster than an OS thread (minimum against minimum)",
    );
    report.measured(
        min(Unit::Thread) * 4.0 < min(Unit::Process),
        "a thread starts over four times faster than a process (minimum against minimum)",
    );
    report.check(
        overhead.rows.iter().all(|r| {
            let s = &r.per_unit;
            s.min > 0.0 && s.min <= s.median && s.median <= s.max
        }),
        "every unit took time, and its minimum ≤ median ≤ maximum",
    );
    report.note(
        "A process here is a process pool of one worker started and shut down: \
         this chapter's own binary started, exec'd, dynamically loaded and told \
         to exit — what a process pool pays for every worker it starts. A \
         thread-pool job is a closure submitted to a running pool and its result \
         read back.",
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up(thread: f64, task: f64, process: f64) -> Results {
        let row = |unit, s: f64| OverheadRow {
            unit,
            started: 100,
            batch: 1,
            per_unit: Spread {
                min: s,
                median: s * 2.0,
                max: s * 10.0,
            },
        };
        Results {
            overhead: Some(Overhead {
                rows: vec![
                    row(Unit::Thread, thread),
                    row(Unit::TokioTask, task),
                    row(Unit::Process, process),
                ],
            }),
            ..Results::default()
        }
    }

    #[test]
    fn claims_compare_minimums() {
        let honest = report(&made_up(10e-6, 0.3e-6, 1e-3)).unwrap();
        assert!(honest.checks().all(|c| c.holds), "{honest:?}");
        // A task no cheaper than a thread misses its claim.
        let slow = report(&made_up(10e-6, 5e-6, 1e-3)).unwrap();
        let missed: Vec<_> = slow.checks().filter(|c| !c.holds).collect();
        assert_eq!(missed.len(), 1);
        assert!(missed[0].claim.contains("tokio task"));
    }

    #[test]
    fn a_zero_time_is_a_broken_harness() {
        let broken = report(&made_up(0.0, 0.3e-6, 1e-3)).unwrap();
        assert_eq!(broken.broken().len(), 1, "{broken:?}");
    }
}
