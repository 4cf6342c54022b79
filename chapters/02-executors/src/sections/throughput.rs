//! `throughput`: how many tasks per second each pool sustains — tiny tasks,
//! where the pool's own cost is all there is, and coarse ones, where it
//! should vanish. With `--python`, CPython's executors on the same jobs.

use crate::python::{self, PythonRun, PythonWay};
use crate::sizes::Sizes;
use crate::{BOUND, Context, Results, need};
use crossbeam::channel::{Receiver, Sender, unbounded};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shared::executor::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use shared::measure::{Spread, repeat, repeat_in_turns};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::{Echo, SumOfSquares};
use shared::workload::sum_of_squares;
use std::thread::JoinHandle;
use std::time::Instant;

/// The process pool's tiny tasks go one per message, then this many.
pub const CHUNKED: usize = 1000;

/// What `throughput` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// One row per way, in the order the table shows them.
    pub rows: Vec<Rate>,
    /// The process pool's workers, and how long it took from starting
    /// them to the first result.
    pub workers: usize,
    pub started_s: f64,
    pub python: PythonRun,
}

/// One way of pushing `tasks` through, and the wall time it took.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub way: Way,
    pub tasks: usize,
    pub wall: Spread,
}

impl Rate {
    /// Tasks per second, over the median run.
    pub fn per_second(&self) -> f64 {
        self.tasks as f64 / self.wall.median
    }
}

/// The ways measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Way {
    ThreadPoolSubmit,
    /// [`BarePool`]: what the thread pool's submit + result is judged by.
    BarePool,
    RayonScope,
    ThreadPoolMapCoarse,
    RayonParIter,
    ProcessPoolMap {
        chunksize: usize,
    },
}

impl Way {
    pub fn name(self) -> String {
        match self {
            Way::ThreadPoolSubmit => "thread pool: submit + result, trivial".into(),
            Way::BarePool => "bare crossbeam pool: send + result".into(),
            Way::RayonScope => "rayon::scope: spawn, trivial".into(),
            Way::ThreadPoolMapCoarse => {
                "thread pool: map, coarse CPU, chunked".into()
            }
            Way::RayonParIter => "rayon par_iter: coarse CPU".into(),
            Way::ProcessPoolMap { chunksize } => {
                format!("process pool: map, trivial, chunksize {chunksize}")
            }
        }
    }
}

impl Throughput {
    /// Tasks per second of `way`, or 0 if it was not measured.
    pub fn per_second(&self, way: Way) -> f64 {
        self.rows
            .iter()
            .find(|r| r.way == way)
            .map_or(0.0, Rate::per_second)
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let cores = context.cores;
    let pool = ThreadPoolExecutor::new(cores)?;
    let mut rows = trivial_rates(&pool, cores, &sizes)?;
    let mut add = |way, tasks, wall| rows.push(Rate { way, tasks, wall });

    let coarse: Vec<u64> = vec![sizes.cpu_n; sizes.cpu_jobs];
    // Four chunks per worker: few messages, and still room to balance.
    let chunk = coarse.len().div_ceil(4 * cores);
    let (_, t) = repeat(sizes.runs, || -> anyhow::Result<Vec<u64>> {
        let tasks = coarse.iter().map(|&n| SumOfSquares { n });
        Ok(pool
            .map(tasks, chunk, Some(BOUND))?
            .collect::<Result<_, _>>()?)
    })?;
    add(Way::ThreadPoolMapCoarse, coarse.len(), t.wall);
    let (_, t) = repeat(sizes.runs, || -> anyhow::Result<Vec<u64>> {
        Ok(coarse.par_iter().map(|&n| sum_of_squares(n)).collect())
    })?;
    add(Way::RayonParIter, coarse.len(), t.wall);

    let start = Instant::now();
    let processes = ProcessPoolExecutor::new(cores, &context.program)?;
    processes.submit(Echo(0))?.result_timeout(BOUND)?;
    let started = start.elapsed().as_secs_f64();
    for (tasks, chunksize) in [
        (sizes.trivial_process_tasks_chunk_1, 1),
        (sizes.trivial_process_tasks_chunked, CHUNKED),
    ] {
        let (_, t) = repeat(sizes.runs, || -> anyhow::Result<Vec<u64>> {
            let echoes = (0..tasks as u64).map(Echo);
            Ok(processes
                .map(echoes, chunksize, Some(BOUND))?
                .collect::<Result<_, _>>()?)
        })?;
        add(Way::ProcessPoolMap { chunksize }, tasks, t.wall);
    }
    results.throughput = Some(Throughput {
        rows,
        workers: cores,
        started_s: started,
        python: python::measure(context)?,
    });
    Ok(())
}

/// The trivial tasks through the thread pool, the bare pool and rayon,
/// taken in turns (run 1 of each, then run 2, …), so that a neighbour's
/// load falls on all three alike and their ratio stays honest.
fn trivial_rates(
    pool: &ThreadPoolExecutor,
    workers: usize,
    sizes: &Sizes,
) -> anyhow::Result<Vec<Rate>> {
    let n = sizes.trivial_thread_tasks;
    let ways = [Way::ThreadPoolSubmit, Way::BarePool, Way::RayonScope];
    let bare = BarePool::start(workers);
    let timed = repeat_in_turns(sizes.runs, &ways, |way| match way {
        Way::ThreadPoolSubmit => submit_and_wait(pool, n),
        Way::BarePool => bare.run(n),
        _ => {
            rayon::scope(|s| (0..n).for_each(|_| s.spawn(|_| {})));
            Ok(())
        }
    })?;
    let rates = ways.into_iter().zip(timed);
    Ok(rates
        .map(|(way, (_, t))| Rate {
            way,
            tasks: n,
            wall: t.wall,
        })
        .collect())
}

fn submit_and_wait(pool: &ThreadPoolExecutor, n: usize) -> anyhow::Result<()> {
    // ANCHOR: submit_rate
    let futures: Vec<_> = (0..n)
        .map(|i| pool.submit_fn(move || Ok(i)))
        .collect::<Result<_, _>>()?;
    for future in futures {
        future.result_timeout(BOUND)?;
    }
    // ANCHOR_END: submit_rate
    Ok(())
}

// ANCHOR: bare_pool
/// A job of the bare pool: a boxed closure, as the thread pool's are.
type BareJob = Box<dyn FnOnce() -> usize + Send>;

/// The cheapest honest pool of the same workers, for the thread pool's
/// rate to be judged against: boxed closures over one crossbeam channel,
/// each result sent back with its index over another. It has no future:
/// no cancelling, no callbacks, no waiting on one task.
struct BarePool {
    /// `None` once dropped: closing the channel ends the workers.
    jobs: Option<Sender<(usize, BareJob)>>,
    results: Receiver<(usize, usize)>,
    workers: Vec<JoinHandle<()>>,
}

impl BarePool {
    fn start(workers: usize) -> BarePool {
        let (jobs, queue) = unbounded::<(usize, BareJob)>();
        let (done, results) = unbounded();
        let workers = (0..workers)
            .map(|_| {
                let (queue, done) = (queue.clone(), done.clone());
                std::thread::spawn(move || {
                    for (index, job) in queue {
                        let _ = done.send((index, job()));
                    }
                })
            })
            .collect();
        BarePool {
            jobs: Some(jobs),
            results,
            workers,
        }
    }

    /// Sends `n` trivial jobs, then takes every result back by its index.
    fn run(&self, n: usize) -> anyhow::Result<()> {
        let jobs = self.jobs.as_ref().expect("open until dropped");
        for i in 0..n {
            let job: BareJob = Box::new(move || i);
            jobs.send((i, job))
                .map_err(|_| anyhow::anyhow!("the bare pool's workers are gone"))?;
        }
        let mut values = vec![0; n];
        for _ in 0..n {
            let (index, value) = self.results.recv_timeout(BOUND)?;
            values[index] = value;
        }
        let right = values.iter().enumerate().all(|(i, &v)| v == i);
        anyhow::ensure!(right, "the bare pool lost or mixed up a result");
        Ok(())
    }
}

impl Drop for BarePool {
    fn drop(&mut self) {
        self.jobs.take();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
// ANCHOR_END: bare_pool

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let throughput = need(&results.throughput, "throughput")?;
    let mut report = SectionReport::new(
        "throughput",
        "Tasks per second: the pools against rayon, tiny tasks and coarse ones.",
    );
    let mut table = Table::new(
        "Throughput (median of runs)",
        &["what", "tasks", "tasks per second"],
    );
    for row in &throughput.rows {
        table.push(vec![
            Cell::text(row.way.name()),
            Cell::Count(row.tasks as u64),
            Cell::PerSecond(row.per_second()),
        ]);
    }
    report.table(table);
    let mut start_table = Table::new(
        "Starting the process pool",
        &["workers", "until the first result"],
    );
    start_table.push(vec![
        Cell::Tally(throughput.workers as u64),
        Cell::Seconds(throughput.started_s),
    ]);
    report.table(start_table);

    let rate = |way| throughput.per_second(way);
    report.measured(
        rate(Way::ProcessPoolMap { chunksize: CHUNKED })
            > 5.0 * rate(Way::ProcessPoolMap { chunksize: 1 }),
        format!(
            "chunking tiny tasks into messages of {CHUNKED} multiplied the process \
             pool's rate over five-fold"
        ),
    );
    report.measured(
        rate(Way::ThreadPoolMapCoarse) > 0.5 * rate(Way::RayonParIter),
        "on coarse CPU work the pool's own cost vanishes: the thread pool came within 2× of rayon",
    );
    versus_bare_pool(throughput, &mut report);
    python::add_rows(&throughput.python, &mut report);
    versus_python(throughput, &mut report);
    Ok(report)
}

/// The goal for the thread pool's per-task cost: its submit + result at
/// half the bare pool's rate or better.
pub const BARE_POOL_GOAL: f64 = 0.5;

// ANCHOR: versus_bare_pool
/// The trivial tasks' rates as ratios to the bare pool of the same workers
/// in the same run: what the thread pool's future, cancelling and callbacks
/// cost, and what rayon's work stealing saves. A run without the bare pool
/// (saved before it was measured) shows neither this table nor its claim.
fn versus_bare_pool(throughput: &Throughput, report: &mut SectionReport) {
    let bare = throughput.per_second(Way::BarePool);
    if bare == 0.0 {
        return;
    }
    let mut table = Table::new(
        "Against a bare crossbeam pool of as many workers",
        &["what", "tasks per second", "against the bare pool"],
    );
    for way in [Way::ThreadPoolSubmit, Way::RayonScope, Way::BarePool] {
        let rate = throughput.per_second(way);
        table.push(vec![
            Cell::text(way.name()),
            Cell::PerSecond(rate),
            Cell::Ratio(rate / bare),
        ]);
    }
    report.table(table);
    let submit = throughput.per_second(Way::ThreadPoolSubmit);
    report.measured(
        submit >= BARE_POOL_GOAL * bare,
        "the thread pool's submit + result kept at least half the bare pool's \
         rate: a future per task costs less than the pool itself",
    );
}
// ANCHOR_END: versus_bare_pool

// ANCHOR: versus_python
/// Rust's pools against CPython's on the same tiny tasks, from this run:
/// the ratio a reader would otherwise work out from two tables.
fn versus_python(throughput: &Throughput, report: &mut SectionReport) {
    let PythonRun::Ran { rates } = &throughput.python else {
        return;
    };
    let mut table = Table::new(
        "Rust against CPython, tasks per second on the same tiny tasks",
        &["pool", "Rust", "CPython", "Rust faster by"],
    );
    for python in rates {
        let way = match python.what {
            PythonWay::ThreadPoolSubmit => Way::ThreadPoolSubmit,
            PythonWay::ProcessPoolChunk1 => Way::ProcessPoolMap { chunksize: 1 },
            PythonWay::ProcessPoolChunked => {
                Way::ProcessPoolMap { chunksize: CHUNKED }
            }
        };
        let rust = throughput.per_second(way);
        if rust == 0.0 {
            continue; // not measured on the Rust side in this run
        }
        table.push(vec![
            Cell::text(way.name()),
            Cell::PerSecond(rust),
            Cell::PerSecond(python.per_second),
            Cell::Ratio(rust / python.per_second),
        ]);
    }
    if !table.rows.is_empty() {
        report.table(table);
    }
}
// ANCHOR_END: versus_python

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::{PythonRate, PythonWay};

    /// A run made up for the checks: each way took `walls[i]` seconds.
    fn made_up(walls: [f64; 7]) -> Throughput {
        let ways = [
            (Way::ThreadPoolSubmit, 2000),
            (Way::BarePool, 2000),
            (Way::RayonScope, 2000),
            (Way::ThreadPoolMapCoarse, 6),
            (Way::RayonParIter, 6),
            (Way::ProcessPoolMap { chunksize: 1 }, 300),
            (Way::ProcessPoolMap { chunksize: CHUNKED }, 20_000),
        ];
        let rows = ways
            .into_iter()
            .zip(walls)
            .map(|((way, tasks), wall)| Rate {
                way,
                tasks,
                wall: Spread::single(wall),
            })
            .collect();
        Throughput {
            rows,
            workers: 2,
            started_s: 0.005,
            python: PythonRun::NotAsked,
        }
    }

    fn report_of(throughput: Throughput) -> SectionReport {
        report(&Results {
            throughput: Some(throughput),
            ..Results::default()
        })
        .unwrap()
    }

    const HONEST: [f64; 7] = [0.002, 0.0012, 0.001, 0.02, 0.019, 0.004, 0.025];

    #[test]
    fn an_honest_run_meets_every_claim() {
        let r = report_of(made_up(HONEST));
        assert!(r.checks().all(|c| c.holds), "{r:?}");
        let plain = r.render(shared::report::Render::Plain);
        assert!(plain.contains("chunksize 1000  20 000"), "{plain}");
    }

    #[test]
    fn chunks_that_did_not_help_miss_their_claim() {
        let mut walls = HONEST;
        walls[6] = 0.2; // 100 k/s chunked against 75 k/s one by one
        let r = report_of(made_up(walls));
        let missed: Vec<_> = r.checks().filter(|c| !c.holds).collect();
        assert_eq!(missed.len(), 1, "{r:?}");
        assert!(missed[0].claim.contains("chunking"));
    }

    #[test]
    fn a_slow_pool_on_coarse_work_misses_its_claim() {
        let mut walls = HONEST;
        walls[3] = 0.05;
        let r = report_of(made_up(walls));
        let missed: Vec<_> = r.checks().filter(|c| !c.holds).collect();
        assert_eq!(missed.len(), 1, "{r:?}");
        assert!(missed[0].claim.contains("coarse"));
    }

    #[test]
    fn a_future_dearer_than_the_pool_misses_the_bare_pool_goal() {
        let mut walls = HONEST;
        walls[0] = 0.0025; // 0.8 M/s against the bare pool's 1.67 M/s
        let r = report_of(made_up(walls));
        let missed: Vec<_> = r.checks().filter(|c| !c.holds).collect();
        assert_eq!(missed.len(), 1, "{r:?}");
        assert!(missed[0].claim.contains("bare pool"));
        let plain = r.render(shared::report::Render::Plain);
        assert!(plain.contains("0.48×"), "{plain}");
    }

    #[test]
    fn a_run_saved_before_the_bare_pool_shows_neither_its_table_nor_claim() {
        let mut throughput = made_up(HONEST);
        throughput.rows.retain(|r| r.way != Way::BarePool);
        let r = report_of(throughput);
        assert!(r.tables().all(|t| !t.title.contains("bare")), "{r:?}");
        assert!(r.checks().all(|c| !c.claim.contains("bare")), "{r:?}");
        assert_eq!(r.checks().count(), 2);
    }

    #[test]
    fn python_rows_or_why_not() {
        let mut throughput = made_up(HONEST);
        throughput.python = PythonRun::Skipped {
            why: "'python9' was not found".into(),
        };
        let plain =
            report_of(throughput.clone()).render(shared::report::Render::Plain);
        assert!(
            plain.contains("CPython comparison skipped: 'python9' was not found."),
            "{plain}"
        );
        throughput.python = PythonRun::Ran {
            rates: vec![PythonRate {
                what: PythonWay::ProcessPoolChunked,
                tasks: 2000,
                per_second: 1e5,
            }],
        };
        let plain = report_of(throughput).render(shared::report::Render::Plain);
        assert!(plain.contains("CPython's executors"), "{plain}");
    }

    #[test]
    fn no_rust_way_measured_against_cpython_prints_no_empty_table() {
        let mut throughput = made_up(HONEST);
        throughput
            .rows
            .retain(|r| r.way != Way::ProcessPoolMap { chunksize: CHUNKED });
        throughput.python = PythonRun::Ran {
            rates: vec![PythonRate {
                what: PythonWay::ProcessPoolChunked,
                tasks: 2000,
                per_second: 1e5,
            }],
        };
        let report = report_of(throughput);
        let titles: Vec<&str> = report.tables().map(|t| t.title.as_str()).collect();
        assert!(
            titles.iter().all(|t| !t.starts_with("Rust against")),
            "{titles:?}"
        );
    }

    #[test]
    fn each_cpython_rate_is_divided_into_the_same_rust_way() {
        let mut throughput = made_up(HONEST);
        throughput.python = PythonRun::Ran {
            rates: vec![
                PythonRate {
                    what: PythonWay::ThreadPoolSubmit,
                    tasks: 2000,
                    per_second: 1e4,
                },
                PythonRate {
                    what: PythonWay::ProcessPoolChunk1,
                    tasks: 2000,
                    per_second: 1e3,
                },
            ],
        };
        let submit = throughput.per_second(Way::ThreadPoolSubmit);
        let chunk1 = throughput.per_second(Way::ProcessPoolMap { chunksize: 1 });
        let report = report_of(throughput);
        let table = report
            .tables()
            .find(|t| t.title.starts_with("Rust against"))
            .expect("a Rust against CPython table");
        let ratios: Vec<&Cell> = table.rows.iter().map(|row| &row[3]).collect();
        assert_eq!(
            ratios,
            [&Cell::Ratio(submit / 1e4), &Cell::Ratio(chunk1 / 1e3)]
        );
    }
}
