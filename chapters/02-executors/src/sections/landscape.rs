//! `landscape`: the same CPU jobs through every tool Rust offers for a
//! batch of work, measured side by side, with when to pick which.

use crate::{BOUND, Context};
use rayon::prelude::*;
use shared::executor::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use shared::measure::repeat;
use shared::report::{Cell, Record, SectionReport, Table};
use shared::tasks::SumOfSquares;
use shared::workload::sum_of_squares;

type Way<'a> = (&'a str, &'a str, &'a dyn Fn() -> anyhow::Result<Vec<u64>>);

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let ns = vec![sizes.cpu_n; sizes.cpu_jobs];
    let cores = context.cores;
    let mut report = SectionReport::new(
        "landscape",
        format!(
            "{} CPU jobs through each tool. Every tool after the first uses every \
             core; they differ in what they cost to set up and in what they let \
             you do.",
            ns.len()
        ),
    );
    let thread_pool = ThreadPoolExecutor::new(cores)?;
    let process_pool = ProcessPoolExecutor::new(cores, &context.program)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().build()?;
    let tasks = || ns.iter().map(|&n| SumOfSquares { n }).collect::<Vec<_>>();

    let sequential = || Ok(ns.iter().map(|&n| sum_of_squares(n)).collect());
    let executor = || {
        Ok(thread_pool
            .map(tasks(), 1, Some(BOUND))?
            .collect::<Result<_, _>>()?)
    };
    let processes = || {
        Ok(process_pool
            .map(tasks(), 1, Some(BOUND))?
            .collect::<Result<_, _>>()?)
    };
    // ANCHOR: landscape
    let rayon = || Ok(ns.par_iter().map(|&n| sum_of_squares(n)).collect());
    let scope = || {
        Ok(std::thread::scope(|s| {
            let handles: Vec<_> = ns
                .iter()
                .map(|&n| s.spawn(move || sum_of_squares(n)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a sum thread"))
                .collect()
        }))
    };
    let spawn_blocking = || {
        runtime.block_on(async {
            let handles: Vec<_> = ns
                .iter()
                .map(|&n| tokio::task::spawn_blocking(move || sum_of_squares(n)))
                .collect();
            let mut sums = Vec::new();
            for handle in handles {
                sums.push(handle.await?);
            }
            Ok(sums)
        })
    };
    let join_set = || {
        runtime.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for (i, &n) in ns.iter().enumerate() {
                set.spawn_blocking(move || (i, sum_of_squares(n)));
            }
            let mut sums = vec![0; ns.len()];
            while let Some(done) = set.join_next().await {
                let (i, sum) = done?; // in completion order: put it back in place
                sums[i] = sum;
            }
            Ok(sums)
        })
    };
    // ANCHOR_END: landscape
    let ways: [Way; 7] = [
        ("sequential", "the baseline", &sequential),
        (
            "ThreadPoolExecutor",
            "futures, callbacks, cancel; any closure",
            &executor,
        ),
        (
            "ProcessPoolExecutor",
            "isolation: a crash stays in its worker",
            &processes,
        ),
        (
            "rayon par_iter",
            "data-parallel CPU work: the default",
            &rayon,
        ),
        (
            "thread::scope",
            "a few long jobs that borrow local data",
            &scope,
        ),
        (
            "tokio spawn_blocking",
            "blocking or CPU work from async code",
            &spawn_blocking,
        ),
        (
            "tokio JoinSet",
            "async: results as they finish, abort the rest",
            &join_set,
        ),
    ];
    let mut table = Table::new(
        "Same jobs, every tool (median wall time, range)",
        &["tool", "wall", "speedup", "pick it for"],
    );
    // One untimed run first: a cold first run would slow the baseline
    // and inflate every speedup after it past the core count.
    ways[0].2()?;
    let mut baseline = None;
    let mut results = Vec::new();
    for (name, pick, way) in ways {
        let (sums, timing) = repeat(sizes.runs, way)?;
        let base = *baseline.get_or_insert(timing.wall.median);
        let speedup = base / timing.wall.median;
        table.push(vec![
            Cell::text(name),
            Cell::Timing(timing.wall),
            Cell::CpuSpeedup(speedup),
            Cell::text(pick),
        ]);
        report.record(
            Record::new("landscape", Some("cpu"), name)
                .with("wall_s", timing.wall.median)
                .with("speedup", speedup),
        );
        results.push(sums);
    }
    report.table(table);
    report.check(
        results.windows(2).all(|w| w[0] == w[1]),
        "every tool computed the same sums in the same order",
    );
    report.note(
        "rayon needs no setup and balances the load by stealing work. An executor \
         is for when you want a handle on each task. thread::scope is for a few \
         long jobs that borrow. spawn_blocking and JoinSet are for async \
         programs. A process pool pays for its isolation with a round trip per \
         task.",
    );
    Ok(report)
}
