//! `throughput`: how many tasks per second each pool sustains — tiny tasks,
//! where the pool's own cost is all there is, and coarse ones, where it
//! should vanish. With `--python`, CPython's executors on the same jobs.

use crate::{BOUND, Context};
use rayon::prelude::*;
use shared::executor::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use shared::measure::repeat;
use shared::report::{Cell, Record, SectionReport, Table};
use shared::tasks::{Echo, SumOfSquares};
use shared::workload::sum_of_squares;
use std::time::Instant;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let cores = context.cores;
    let mut report = SectionReport::new(
        "throughput",
        "Tasks per second: the pools against rayon, tiny tasks and coarse ones.",
    );
    let mut table = Table::new(
        "Throughput (median of runs)",
        &["what", "tasks", "tasks per second"],
    );
    let mut rates = Vec::new();
    let mut add = |what: &str, tasks: usize, seconds: shared::measure::Spread| {
        let per_second = shared::measure::Spread {
            min: tasks as f64 / seconds.max,
            median: tasks as f64 / seconds.median,
            max: tasks as f64 / seconds.min,
        };
        table.push(vec![
            Cell::text(what),
            Cell::Count(tasks as u64),
            Cell::PerSecond(per_second.median),
        ]);
        rates.push((what.to_string(), per_second.median));
        report.record(
            Record::new("throughput", None, what)
                .with("tasks", tasks)
                .with("per_second", per_second.median),
        );
    };

    let n = sizes.trivial_thread_tasks;
    let pool = ThreadPoolExecutor::new(cores)?;
    // ANCHOR: submit_rate
    let (_, t) = repeat(sizes.runs, || -> anyhow::Result<()> {
        let futures: Vec<_> = (0..n)
            .map(|i| pool.submit_fn(move || Ok(i)))
            .collect::<Result<_, _>>()?;
        for future in futures {
            future.result_timeout(BOUND)?;
        }
        Ok(())
    })?;
    // ANCHOR_END: submit_rate
    add("thread pool: submit + result, trivial", n, t.wall);
    let (_, t) = repeat(sizes.runs, || -> anyhow::Result<()> {
        rayon::scope(|s| (0..n).for_each(|_| s.spawn(|_| {})));
        Ok(())
    })?;
    add("rayon::scope: spawn, trivial", n, t.wall);

    let coarse: Vec<u64> = vec![sizes.cpu_n; sizes.cpu_jobs];
    // Four chunks per worker: few messages, and still room to balance.
    let chunk = coarse.len().div_ceil(4 * cores);
    let (_, t) = repeat(sizes.runs, || -> anyhow::Result<Vec<u64>> {
        let tasks = coarse.iter().map(|&n| SumOfSquares { n });
        Ok(pool
            .map(tasks, chunk, Some(BOUND))?
            .collect::<Result<_, _>>()?)
    })?;
    add(
        "thread pool: map, coarse CPU, chunked",
        coarse.len(),
        t.wall,
    );
    let (_, t) = repeat(sizes.runs, || -> anyhow::Result<Vec<u64>> {
        Ok(coarse.par_iter().map(|&n| sum_of_squares(n)).collect())
    })?;
    add("rayon par_iter: coarse CPU", coarse.len(), t.wall);

    let start = Instant::now();
    let processes = ProcessPoolExecutor::new(cores, &context.program)?;
    processes.submit(Echo(0))?.result_timeout(BOUND)?;
    let started = start.elapsed().as_secs_f64();
    for (tasks, chunksize) in [
        (sizes.trivial_process_tasks_chunk_1, 1),
        (sizes.trivial_process_tasks_chunked, 1000),
    ] {
        let (_, t) = repeat(sizes.runs, || -> anyhow::Result<Vec<u64>> {
            let echoes = (0..tasks as u64).map(Echo);
            Ok(processes
                .map(echoes, chunksize, Some(BOUND))?
                .collect::<Result<_, _>>()?)
        })?;
        add(
            &format!("process pool: map, trivial, chunksize {chunksize}"),
            tasks,
            t.wall,
        );
    }
    report.table(table);
    let mut start_table = Table::new(
        "Starting the process pool",
        &["workers", "until the first result"],
    );
    start_table.push(vec![Cell::Tally(cores as u64), Cell::Seconds(started)]);
    report.table(start_table);
    report.record(
        Record::new("throughput", None, "process pool start")
            .with("start_s", started),
    );

    let rate = |what: &str| {
        rates
            .iter()
            .find(|(w, _)| w.starts_with(what))
            .map_or(0.0, |r| r.1)
    };
    report.measured(
        rate("process pool: map, trivial, chunksize 1000") > 5.0 * rate("process pool: map, trivial, chunksize 1"),
        "chunking tiny tasks into messages of 1000 multiplied the process pool's rate over five-fold",
    );
    report.measured(
        rate("thread pool: map, coarse") > 0.5 * rate("rayon par_iter"),
        "on coarse CPU work the pool's own cost vanishes: the thread pool came within 2× of rayon",
    );
    crate::python::add_rows(context, &mut report)?;
    Ok(report)
}
