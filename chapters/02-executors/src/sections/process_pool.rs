//! `process-pool`: what crosses the boundary, and what it costs. A task
//! goes to a worker process as its name and its arguments, serialised; the
//! result comes back the same way. Python pickles; here it is JSON.

use crate::{BOUND, Context};
use shared::executor::process_pool::{Reply, Request};
use shared::executor::{
    Executor, ProcessPoolExecutor, Task, TaskError, ThreadPoolExecutor,
};
use shared::measure::{Spread, repeat};
use shared::report::{Cell, Record, SectionReport, Table};
use shared::tasks::{Echo, SumOfSquares};
use std::time::Instant;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let mut report = SectionReport::new(
        "process-pool",
        "A task crosses to a worker process as its name and its serialised \
         arguments. That costs a round trip through two pipes and a parse each \
         way: fine for coarse work, ruinous for tiny tasks.",
    );

    let task = SumOfSquares { n: 1_000_000 };
    let request = Request {
        task: SumOfSquares::NAME.into(),
        args: vec![serde_json::value::to_raw_value(&task)?],
    };
    let reply = Reply {
        results: vec![Ok::<_, TaskError>(serde_json::value::to_raw_value(
            &task.clone().run()?,
        )?)],
    };
    let mut wire = Table::new(
        "What crosses the pipe for one task",
        &["direction", "one line of JSON"],
    );
    wire.push(vec![
        Cell::text("parent → worker"),
        Cell::text(serde_json::to_string(&request)?),
    ]);
    wire.push(vec![
        Cell::text("worker → parent"),
        Cell::text(serde_json::to_string(&reply)?),
    ]);
    report.table(wire);

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

    let mut table = Table::new(
        "The same work on one worker thread, or one worker process, per core",
        &["measure", "threads", "processes"],
    );
    table.push(vec![
        Cell::text("start the pool, first result"),
        Cell::text("—"),
        Cell::Seconds(started),
    ]);
    table.push(vec![
        Cell::text("submit + result of a trivial task"),
        Cell::Timing(on_threads),
        Cell::Timing(on_processes),
    ]);
    table.push(vec![
        Cell::text(format!("map of {} sums (coarse CPU work)", sizes.cpu_jobs)),
        Cell::Timing(cpu_threads.wall),
        Cell::Timing(cpu_processes.wall),
    ]);
    report.table(table);
    report.check(
        thread_sums == process_sums,
        "threads and processes computed the same sums",
    );
    report.measured(
        on_processes.median > 2.0 * on_threads.median,
        "a trivial task's round trip costs a process pool over twice what it costs a thread pool",
    );
    report.note(
        "A closure cannot cross the boundary, as a lambda cannot be pickled: it is \
         code, not data. So a process-pool task is a type both programs are built \
         from — its NAME finds the code, its fields are the arguments. Coarse work \
         hides the cost; for tiny tasks, send many per message (map's chunksize).",
    );
    for (model, spread) in
        [("thread-pool", on_threads), ("process-pool", on_processes)]
    {
        report.record(
            Record::new("process-pool", Some("trivial"), model)
                .with("round_trip_s", spread.median),
        );
    }
    report.record(
        Record::new("process-pool", None, "process-pool").with("start_s", started),
    );
    Ok(report)
}
