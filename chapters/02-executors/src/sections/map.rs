//! `map`: the article's demo. Three downloads through a three-worker thread
//! pool take about one wait, not three; three sums through a three-worker
//! process pool come back in input order.

use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::executor::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table, format_seconds};
use shared::tasks::{DownloadTask, SumOfSquares};
use shared::workload::sum_of_squares_formula;
use std::time::Instant;

/// What `map` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Map {
    /// Each download's wait.
    pub delay_s: f64,
    /// The URLs in the order given, each with what `map` returned in its
    /// place.
    pub pages: Vec<Page>,
    /// Wall time of the three downloads.
    pub downloads_s: f64,
    /// The sums' `n` in the order given, each with what came back in its
    /// place.
    pub sums: Vec<Sum>,
    /// The process pool's worker pids, and this process's.
    pub workers: Vec<u32>,
    pub parent: u32,
    /// Wall time to start the process pool, run the sums and shut it down.
    pub processes_s: f64,
}

/// One URL and the page `map` returned for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub url: String,
    pub body: String,
    /// The worker thread that downloaded it.
    pub ran_on: String,
}

/// One `n` and the sum `map` returned for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sum {
    pub n: u64,
    pub sum: u64,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let delay_ms = context.sizes.download_ms;

    // ANCHOR: thread_map
    let urls = [
        "https://a.example",
        "https://b.example",
        "https://c.example",
    ];
    let start = Instant::now();
    let pages = {
        let pool = ThreadPoolExecutor::new(3)?;
        let tasks = urls.map(|url| DownloadTask {
            url: url.into(),
            delay_ms,
        });
        pool.map(tasks, 1, Some(BOUND))?
            .collect::<Result<Vec<_>, _>>()?
    }; // leaving the block shuts the pool down and joins it: Python's `with`
    let took = start.elapsed();
    // ANCHOR_END: thread_map
    anyhow::ensure!(pages.len() == urls.len(), "map lost a page");
    let pages = urls
        .iter()
        .zip(pages)
        .map(|(url, (body, ran_on))| Page {
            url: url.to_string(),
            body,
            ran_on: ran_on.thread,
        })
        .collect();
    let downloads_s = took.as_secs_f64();

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
    anyhow::ensure!(sums.len() == ns.len(), "map lost a sum");

    results.map = Some(Map {
        delay_s: delay_ms as f64 / 1e3,
        pages,
        downloads_s,
        sums: ns
            .iter()
            .zip(sums)
            .map(|(&n, sum)| Sum { n, sum })
            .collect(),
        workers,
        parent: std::process::id(),
        processes_s: took.as_secs_f64(),
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let map = need(&results.map, "map")?;
    let mut report = SectionReport::new(
        "map",
        format!(
            "Three downloads of {} each through a 3-worker thread pool, then three \
             sums through a 3-worker process pool, both with map.",
            format_seconds(map.delay_s)
        ),
    );
    report_threads(&mut report, map);
    report_processes(&mut report, map);
    report.note(
        "The two blocks differ in one line: the pool's type. Both implement the \
         Executor trait, which is the article's point about concurrent.futures.",
    );
    Ok(report)
}

/// The downloads through the thread pool: every page, in order, overlapped.
fn report_threads(report: &mut SectionReport, map: &Map) {
    let wait = map.delay_s;
    let mut table = Table::new(
        "ThreadPoolExecutor(3).map(download, urls)",
        &["url", "result", "ran on"],
    );
    for page in &map.pages {
        table.push(vec![
            Cell::text(&page.url),
            Cell::text(&page.body),
            Cell::Varies(page.ran_on.clone()),
        ]);
    }
    report.table(table);
    let mut timing = Table::new("Wall time for the three", &["", "took"]);
    timing.push(vec![
        Cell::text("three downloads"),
        Cell::Seconds(map.downloads_s),
    ]);
    report.table(timing);
    report.check(
        map.pages.len() == 3
            && map
                .pages
                .iter()
                .all(|p| p.body == format!("data from {}", p.url)),
        "map returned every page, in the order of the URLs",
    );
    report.check(
        map.downloads_s >= wait,
        "map took at least one wait: every download really waited",
    );
    report.measured(
        map.downloads_s < 2.0 * wait,
        "the three waits overlapped: about one wait in all, not three",
    );
}

/// The sums through the process pool: right, in order, in other processes.
fn report_processes(report: &mut SectionReport, map: &Map) {
    let mut table = Table::new(
        "ProcessPoolExecutor(3).map(sum_of_squares, [1M, 2M, 3M])",
        &["n", "sum of i*i below n"],
    );
    for sum in &map.sums {
        table.push(vec![Cell::Count(sum.n), Cell::Count(sum.sum)]);
    }
    report.table(table);
    let mut timing = Table::new("The process pool", &["what", "seen"]);
    timing.push(vec![
        Cell::text("worker pids"),
        Cell::Varies(format!("{:?}", map.workers)),
    ]);
    timing.push(vec![
        Cell::text("start, three sums, shut down"),
        Cell::Seconds(map.processes_s),
    ]);
    report.table(timing);
    report.check(
        map.sums.len() == 3
            && map
                .sums
                .iter()
                .all(|s| s.sum == sum_of_squares_formula(s.n)),
        "the process pool returned every sum, right and in input order",
    );
    report.check(
        map.workers.len() == 3 && !map.workers.contains(&map.parent),
        "the sums ran in three other processes",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run made up for the checks: the downloads took `took` waits.
    fn made_up(took: f64) -> Map {
        let page = |url: &str| Page {
            url: url.into(),
            body: format!("data from {url}"),
            ran_on: "pool-worker-0".into(),
        };
        let sum = |n| Sum {
            n,
            sum: sum_of_squares_formula(n),
        };
        Map {
            delay_s: 0.3,
            pages: vec![page("https://a"), page("https://b"), page("https://c")],
            downloads_s: took * 0.3,
            sums: vec![sum(10), sum(20), sum(30)],
            workers: vec![11, 12, 13],
            parent: 10,
            processes_s: 0.03,
        }
    }

    fn report_of(map: Map) -> SectionReport {
        report(&Results {
            map: Some(map),
            ..Results::default()
        })
        .unwrap()
    }

    #[test]
    fn an_honest_run_passes_every_check() {
        let r = report_of(made_up(1.01));
        assert!(r.checks().all(|c| c.holds), "{r:?}");
    }

    #[test]
    fn waits_that_did_not_overlap_miss_the_claim() {
        let r = report_of(made_up(3.0));
        assert!(r.broken().is_empty(), "{r:?}");
        let missed: Vec<_> = r.checks().filter(|c| !c.holds).collect();
        assert_eq!(missed.len(), 1, "{r:?}");
        assert!(missed[0].claim.contains("overlapped"));
    }

    #[test]
    fn a_download_that_did_not_wait_breaks_an_invariant() {
        assert_eq!(report_of(made_up(0.5)).broken().len(), 1);
    }

    #[test]
    fn a_wrong_page_or_sum_or_a_local_worker_breaks_it() {
        let mut misplaced = made_up(1.01);
        misplaced.pages[0].body = "data from https://b".into();
        assert_eq!(report_of(misplaced).broken().len(), 1);
        let mut wrong = made_up(1.01);
        wrong.sums[2].sum += 1;
        assert_eq!(report_of(wrong).broken().len(), 1);
        let mut local = made_up(1.01);
        local.workers[1] = local.parent;
        assert_eq!(report_of(local).broken().len(), 1);
    }
}
