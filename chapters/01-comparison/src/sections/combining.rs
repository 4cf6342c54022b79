//! `combining`: the article's advice made concrete — processes for CPU work,
//! each running an async runtime for its I/O — beside the Rust-native
//! combination in one process: tokio for the waits, rayon for the sums.

use crate::Context;
use crate::models::processes::run_all;
use serde::{Deserialize, Serialize};
use shared::executor::Task;
use shared::measure::repeat;
use shared::report::{Cell, Record, SectionReport, Table};
use shared::workload::{
    download_blocking, sum_of_squares, sum_of_squares_formula, urls,
};
use std::time::Duration;

// ANCHOR: fetch_then_sum
/// A worker process's job: download every URL concurrently on a one-thread
/// async runtime, then do the CPU work for each. A named task, so a worker
/// can find it (see `worker::registry`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FetchThenSum {
    pub urls: Vec<String>,
    pub delay_ms: u64,
    pub n: u64,
}

impl Task for FetchThenSum {
    type Output = Vec<u64>;
    const NAME: &'static str = "fetch_then_sum";

    fn run(self) -> anyhow::Result<Vec<u64>> {
        let delay = Duration::from_millis(self.delay_ms);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()?;
        let downloads = runtime.block_on(async {
            let tasks: Vec<_> = self
                .urls
                .into_iter()
                .map(|url| {
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        shared::workload::Download::finished(&url)
                    })
                })
                .collect();
            let mut downloads = Vec::new();
            for task in tasks {
                downloads.push(task.await?);
            }
            anyhow::Ok(downloads)
        })?;
        Ok(downloads.iter().map(|_| sum_of_squares(self.n)).collect())
    }
}
// ANCHOR_END: fetch_then_sum

// ANCHOR: tokio_rayon
/// In one process: tokio runs every download at once; each finished
/// download hands its CPU work to rayon and awaits the answer.
pub fn tokio_and_rayon(
    runtime: &tokio::runtime::Runtime,
    urls: &[String],
    delay: Duration,
    n: u64,
) -> anyhow::Result<Vec<u64>> {
    runtime.block_on(async {
        let tasks: Vec<_> = urls
            .iter()
            .cloned()
            .map(|url| {
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await; // I/O: on the runtime
                    let _page = shared::workload::Download::finished(&url);
                    let (answer, answered) = tokio::sync::oneshot::channel();
                    rayon::spawn(move || {
                        let _ = answer.send(sum_of_squares(n)); // CPU: on rayon
                    });
                    answered.await
                })
            })
            .collect();
        let mut sums = Vec::new();
        for task in tasks {
            sums.push(task.await??);
        }
        Ok(sums)
    })
}
// ANCHOR_END: tokio_rayon

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let (batches, per_batch, delay) =
        (sizes.combine_batches, sizes.combine_urls, sizes.io_delay);
    let n = sizes.cpu_n / 8;
    let all_urls = urls(batches * per_batch);
    let expected = sum_of_squares_formula(n);
    let mut report = SectionReport::new(
        "combining",
        format!(
            "{} pages, each a {} ms download followed by CPU work on it. Overlap the \
             waits with async, spread the CPU over the cores: with worker processes \
             (the article's advice) or inside one process with tokio and rayon.",
            all_urls.len(),
            delay.as_millis()
        ),
    );
    let mut table = Table::new(
        "Download then compute: wall time (median, range) and speedup",
        &["model", "wall", "speedup"],
    );
    let sequential = || -> anyhow::Result<Vec<u64>> {
        Ok(all_urls
            .iter()
            .map(|url| {
                download_blocking(url, delay);
                sum_of_squares(n)
            })
            .collect())
    };
    let processes = || -> anyhow::Result<Vec<u64>> {
        let tasks = all_urls
            .chunks(per_batch)
            .map(|chunk| FetchThenSum {
                urls: chunk.to_vec(),
                delay_ms: delay.as_millis() as u64,
                n,
            })
            .collect();
        let workers = context.process_count();
        let deadline = Duration::from_secs(300);
        let batches = run_all(&context.worker, workers, tasks, deadline)?;
        Ok(batches.into_iter().flatten().collect())
    };
    let runtime = context.tokio()?;
    let together = || tokio_and_rayon(runtime, &all_urls, delay, n);
    type Way<'a> = (&'a str, &'a dyn Fn() -> anyhow::Result<Vec<u64>>);
    let ways: [Way; 3] = [
        ("sequential", &sequential),
        ("processes + async inside", &processes),
        ("tokio + rayon", &together),
    ];
    let mut baseline = None;
    let mut correct = true;
    let mut speedups = Vec::new();
    let mut records = Vec::new();
    for (name, way) in ways {
        let (sums, timing) = repeat(sizes.runs, way)?;
        correct &=
            sums.len() == all_urls.len() && sums.iter().all(|&s| s == expected);
        let base = *baseline.get_or_insert(timing.wall.median);
        let speedup = base / timing.wall.median;
        speedups.push(speedup);
        table.push(vec![
            Cell::text(name),
            Cell::Timing(timing.wall),
            Cell::Ratio(speedup),
        ]);
        records.push(super::timed_record(
            Record::new("combining", Some("io+cpu"), name).with("speedup", speedup),
            &timing,
        ));
    }
    for record in records {
        context.keep(&mut report, record);
    }
    report.table(table);
    report.check(correct, "every way computed every page's sum correctly");
    report.measured(
        speedups[1..].iter().all(|s| *s >= 2.0),
        "both combinations ran at least twice as fast as one thing at a time",
    );
    report.note(
        "In Python the processes are needed to get past the GIL. In Rust, tokio and \
         rayon in one process do the same with no serialisation and no process \
         start-up; processes remain the tool for isolation (a crash, a leak, \
         untrusted native code stays in its worker).",
    );
    Ok(report)
}
