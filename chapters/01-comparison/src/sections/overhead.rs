//! `overhead`: what it costs to start one unit of concurrency and wait for
//! it to finish — a thread, a pool job, a task on each runtime, a process.

use crate::Context;
use shared::executor::{Executor, ThreadPoolExecutor};
use shared::measure::{Repeated, repeat};
use shared::report::{Cell, Record, SectionReport, Table};

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let runs = sizes.runs;
    let mut report = SectionReport::new(
        "overhead",
        "Start a unit, let it do nothing, wait for it: the fixed cost of each model. \
         Tasks cost far less than threads, threads far less than processes.",
    );
    let mut table = Table::new(
        "Cost to start and finish one unit (median per unit, range over runs)",
        &["unit", "started", "per unit"],
    );
    let mut rows: Vec<(&str, usize, Repeated)> = Vec::new();

    let n = sizes.spawn_threads;
    let (_, t) = repeat(runs, || -> anyhow::Result<()> {
        for _ in 0..n {
            std::thread::spawn(|| {}).join().expect("an empty thread");
        }
        Ok(())
    })?;
    rows.push(("thread", n, t));

    // The pool is started once, outside the timing: a job's cost alone.
    let pool = ThreadPoolExecutor::new(context.pool_size())?;
    let (_, t) = repeat(runs, || -> anyhow::Result<()> {
        let jobs = (0..n)
            .map(|_| pool.submit_fn(|| Ok(())))
            .collect::<Result<Vec<_>, _>>()?;
        for job in jobs {
            job.result()?;
        }
        Ok(())
    })?;
    pool.shutdown(true, false);
    rows.push(("thread-pool job", n, t));

    let n = sizes.spawn_tasks;
    let (_, t) = repeat(runs, || -> anyhow::Result<()> {
        rayon::scope(|s| (0..n).for_each(|_| s.spawn(|_| {})));
        Ok(())
    })?;
    rows.push(("rayon job", n, t));

    let runtime = context.tokio()?;
    let (_, t) = repeat(runs, || {
        runtime.block_on(async {
            let tasks: Vec<_> = (0..n).map(|_| tokio::spawn(async {})).collect();
            for task in tasks {
                task.await?;
            }
            anyhow::Ok(())
        })
    })?;
    rows.push(("tokio task", n, t));

    let (_, t) = repeat(runs, || -> anyhow::Result<()> {
        async_std::task::block_on(async {
            let tasks: Vec<_> =
                (0..n).map(|_| async_std::task::spawn(async {})).collect();
            for task in tasks {
                task.await;
            }
        });
        Ok(())
    })?;
    rows.push(("async-std task", n, t));

    let (_, t) = repeat(runs, || -> anyhow::Result<()> {
        let executor = smol::LocalExecutor::new();
        smol::block_on(executor.run(async {
            let tasks: Vec<_> = (0..n).map(|_| executor.spawn(async {})).collect();
            for task in tasks {
                task.await;
            }
        }));
        Ok(())
    })?;
    rows.push(("smol task", n, t));

    let n = sizes.spawn_processes;
    let (_, t) = repeat(runs, || -> anyhow::Result<()> {
        for _ in 0..n {
            let pool = context.worker.pool(1)?;
            pool.shutdown(true, false); // waits for the worker to exit
        }
        Ok(())
    })?;
    rows.push(("process", n, t));

    let per = |name: &str| {
        rows.iter()
            .find(|(unit, ..)| *unit == name)
            .map(|(_, n, t)| t.wall.median / *n as f64)
            .unwrap_or(f64::NAN)
    };
    for (unit, n, timing) in &rows {
        let per_unit = timing.wall.per(*n as f64);
        table.push(vec![
            Cell::text(*unit),
            Cell::Count(*n as u64),
            Cell::Timing(per_unit),
        ]);
        context.keep(
            &mut report,
            Record::new("overhead", None, unit)
                .with("units", *n)
                .with("per_unit_s", per_unit.median)
                .with("per_unit_min_s", per_unit.min)
                .with("per_unit_max_s", per_unit.max),
        );
    }
    report.table(table);
    report.measured(
        per("tokio task") * 4.0 < per("thread"),
        "a tokio task starts over four times faster than an OS thread",
    );
    report.measured(
        per("thread") * 4.0 < per("process"),
        "a thread starts over four times faster than a process",
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
