//! `combining`: the article's advice made concrete — processes for CPU work,
//! each running an async runtime for its I/O — beside the Rust-native
//! combination in one process: tokio for the waits, rayon for the sums.

use crate::{Context, Results, need};
use models::processes::run_all;
use serde::{Deserialize, Serialize};
use shared::executor::Task;
use shared::measure::{Repeated, repeat};
use shared::report::{Cell, SectionReport, Table};
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

/// What `combining` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Combining {
    pub pages: usize,
    /// Pages per worker-process task.
    pub per_batch: usize,
    pub delay_s: f64,
    pub n: u64,
    pub rows: Vec<CombineRow>,
}

/// The ways to download then compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Way {
    Sequential,
    ProcessesWithAsync,
    TokioAndRayon,
}

impl Way {
    pub const ALL: [Way; 3] =
        [Way::Sequential, Way::ProcessesWithAsync, Way::TokioAndRayon];

    pub fn name(self) -> &'static str {
        match self {
            Way::Sequential => "sequential",
            Way::ProcessesWithAsync => "processes + async inside",
            Way::TokioAndRayon => "tokio + rayon",
        }
    }
}

/// One way's runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CombineRow {
    pub way: Way,
    pub timing: Repeated,
    /// Every page's sum right.
    pub correct: bool,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let (batches, per_batch, delay) =
        (sizes.combine_batches, sizes.combine_urls, sizes.io_delay);
    let n = sizes.cpu_n / 8;
    let all_urls = urls(batches * per_batch);
    let expected = sum_of_squares_formula(n);
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
        let workers = context.runners.process_count();
        let deadline = Duration::from_secs(300);
        let batches = run_all(&context.runners.worker, workers, tasks, deadline)?;
        Ok(batches.into_iter().flatten().collect())
    };
    let runtime = context.runners.tokio()?;
    let together = || tokio_and_rayon(runtime, &all_urls, delay, n);
    let mut rows = Vec::new();
    for way in Way::ALL {
        let run: &dyn Fn() -> anyhow::Result<Vec<u64>> = match way {
            Way::Sequential => &sequential,
            Way::ProcessesWithAsync => &processes,
            Way::TokioAndRayon => &together,
        };
        let (sums, timing) = repeat(sizes.runs, run)?;
        let correct =
            sums.len() == all_urls.len() && sums.iter().all(|&s| s == expected);
        rows.push(CombineRow {
            way,
            timing,
            correct,
        });
    }
    results.combining = Some(Combining {
        pages: all_urls.len(),
        per_batch,
        delay_s: delay.as_secs_f64(),
        n,
        rows,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let combining = need(&results.combining, "combining")?;
    let mut report = SectionReport::new(
        "combining",
        format!(
            "{} pages, each a {} download followed by CPU work on it. Overlap the \
             waits with async, spread the CPU over the cores: with worker processes \
             (the article's advice) or inside one process with tokio and rayon.",
            combining.pages,
            shared::report::format_seconds(combining.delay_s)
        ),
    );
    let mut table = Table::new(
        "Download then compute: wall time (median, range) and speedup",
        &["model", "wall", "speedup"],
    );
    let baseline = combining
        .rows
        .iter()
        .find(|r| r.way == Way::Sequential)
        .map(|r| r.timing.wall);
    let speedup = |row: &CombineRow| {
        baseline.map_or(f64::NAN, |b| super::speedup(&b, &row.timing.wall))
    };
    for row in &combining.rows {
        table.push(vec![
            Cell::text(row.way.name()),
            Cell::Timing(row.timing.wall),
            // Part of the gain is overlapped waiting, which needs no core.
            Cell::Ratio(speedup(row)),
        ]);
    }
    report.table(table);
    report.check(
        combining.rows.len() == Way::ALL.len()
            && combining.rows.iter().all(|r| r.correct),
        "every way computed every page's sum correctly",
    );
    report.measured(
        combining
            .rows
            .iter()
            .filter(|r| r.way != Way::Sequential)
            .all(|r| speedup(r) >= 2.0),
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
