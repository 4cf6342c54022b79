//! `map`: the article's demo. Three downloads through a three-worker thread
//! pool take about one wait, not three; three sums through a three-worker
//! process pool come back in input order.

use crate::{BOUND, Context};
use shared::executor::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use shared::report::{Cell, Record, SectionReport, Table, format_seconds};
use shared::tasks::{Download, SumOfSquares};
use shared::workload::sum_of_squares_formula;
use std::time::Instant;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let delay_ms = context.sizes.download_ms;
    let mut report = SectionReport::new(
        "map",
        format!(
            "Three downloads of {} each through a 3-worker thread pool, then three \
             sums through a 3-worker process pool, both with map.",
            format_seconds(delay_ms as f64 / 1e3)
        ),
    );

    // ANCHOR: thread_map
    let urls = [
        "https://a.example",
        "https://b.example",
        "https://c.example",
    ];
    let start = Instant::now();
    let pages = {
        let pool = ThreadPoolExecutor::new(3)?;
        let tasks = urls.map(|url| Download {
            url: url.into(),
            delay_ms,
        });
        pool.map(tasks, 1, Some(BOUND))?
            .collect::<Result<Vec<_>, _>>()?
    }; // leaving the block shuts the pool down and joins it: Python's `with`
    let took = start.elapsed();
    // ANCHOR_END: thread_map

    let mut table = Table::new(
        "ThreadPoolExecutor(3).map(download, urls)",
        &["url", "result", "ran on"],
    );
    for (url, (body, ran_on)) in urls.iter().zip(&pages) {
        table.push(vec![
            Cell::text(*url),
            Cell::text(body),
            Cell::Varies(ran_on.thread.clone()),
        ]);
    }
    report.table(table);
    let wait = delay_ms as f64 / 1e3;
    let mut timing = Table::new("Wall time for the three", &["", "took"]);
    timing.push(vec![
        Cell::text("three downloads"),
        Cell::Seconds(took.as_secs_f64()),
    ]);
    report.table(timing);
    report.check(
        urls.iter()
            .zip(&pages)
            .all(|(url, (body, _))| *body == format!("data from {url}")),
        "map returned every page, in the order of the URLs",
    );
    report.check(
        took.as_secs_f64() >= wait,
        "map took at least one wait: every download really waited",
    );
    report.measured(
        took.as_secs_f64() < 2.0 * wait,
        "the three waits overlapped: about one wait in all, not three",
    );
    report.record(
        Record::new("map", Some("io"), "thread-pool")
            .with("tasks", 3)
            .with("wall_s", took.as_secs_f64())
            .with("delay_s", wait),
    );

    // ANCHOR: process_map
    let ns = [1_000_000, 2_000_000, 3_000_000];
    let start = Instant::now();
    let (sums, workers) = {
        let pool = ProcessPoolExecutor::new(3, &context.program)?;
        let sums = pool.map(ns.map(|n| SumOfSquares { n }), 1, Some(BOUND))?;
        (sums.collect::<Result<Vec<u64>, _>>()?, pool.pids())
    };
    let took = start.elapsed();
    // ANCHOR_END: process_map

    let mut table = Table::new(
        "ProcessPoolExecutor(3).map(sum_of_squares, [1M, 2M, 3M])",
        &["n", "sum of i*i below n"],
    );
    for (n, sum) in ns.iter().zip(&sums) {
        table.push(vec![Cell::Count(*n), Cell::Count(*sum)]);
    }
    report.table(table);
    let mut timing = Table::new("The process pool", &["what", "seen"]);
    timing.push(vec![
        Cell::text("worker pids"),
        Cell::Varies(format!("{workers:?}")),
    ]);
    timing.push(vec![
        Cell::text("start, three sums, shut down"),
        Cell::Seconds(took.as_secs_f64()),
    ]);
    report.table(timing);
    report.check(
        ns.iter()
            .zip(&sums)
            .all(|(&n, &sum)| sum == sum_of_squares_formula(n)),
        "the process pool returned every sum, right and in input order",
    );
    report.check(
        workers.len() == 3 && !workers.contains(&std::process::id()),
        "the sums ran in three other processes",
    );
    report.record(
        Record::new("map", Some("cpu"), "process-pool")
            .with("tasks", 3)
            .with("wall_s", took.as_secs_f64()),
    );
    report.note(
        "The two blocks differ in one line: the pool's type. Both implement the \
         Executor trait, which is the article's point about concurrent.futures.",
    );
    Ok(report)
}
