//! `submit`: a future comes back at once; `running()` asked before
//! `result()` shows the task already under way (or not yet: a scheduler's
//! choice, so it is reported, not asserted).

use super::yes;
use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::executor::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::{DownloadTask, SumOfSquares};
use shared::workload::sum_of_squares_formula;
use std::time::Instant;

/// The URL downloaded and the `n` summed.
const URL: &str = "https://a.example";
const N: u64 = 3_000_000;

/// What `submit` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submit {
    /// The download's wait.
    pub delay_s: f64,
    /// How long the two submits took together.
    pub submitted_s: f64,
    pub page: Seen<String>,
    pub sum: Seen<u64>,
}

/// One future: `running()` at once, `result()`, `done()` after it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Seen<T> {
    pub running_at_once: bool,
    pub result: T,
    pub done_after: bool,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let delay_ms = context.sizes.download_ms;
    let threads = ThreadPoolExecutor::new(3)?;
    let processes = ProcessPoolExecutor::new(3, &context.program)?;

    // ANCHOR: submit
    let start = Instant::now();
    let page = threads.submit(DownloadTask {
        url: URL.into(),
        delay_ms,
    })?;
    let sum = processes.submit(SumOfSquares { n: N })?;
    let submitted = start.elapsed();
    let (page_running, sum_running) = (page.running(), sum.running());
    let (body, _) = page.result_timeout(BOUND)?;
    let total = sum.result_timeout(BOUND)?;
    // ANCHOR_END: submit

    results.submit = Some(Submit {
        delay_s: delay_ms as f64 / 1e3,
        submitted_s: submitted.as_secs_f64(),
        page: Seen {
            running_at_once: page_running,
            result: body,
            done_after: page.done(),
        },
        sum: Seen {
            running_at_once: sum_running,
            result: total,
            done_after: sum.done(),
        },
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let submit = need(&results.submit, "submit")?;
    let mut report = SectionReport::new(
        "submit",
        "One task of each kind submitted; submit returns a future before the task \
         has done anything, and result() waits for it.",
    );
    let mut table = Table::new(
        "Two futures",
        &["future", "running() at once", "result()", "done() after"],
    );
    let (page, sum) = (&submit.page, &submit.sum);
    table.push(vec![
        Cell::text("threads.submit(download)"),
        Cell::Varies(yes(page.running_at_once).into()),
        Cell::text(&page.result),
        Cell::text(yes(page.done_after)),
    ]);
    table.push(vec![
        Cell::text("processes.submit(sum_of_squares)"),
        Cell::Varies(yes(sum.running_at_once).into()),
        Cell::Count(sum.result),
        Cell::text(yes(sum.done_after)),
    ]);
    report.table(table);
    report.measured(
        submit.submitted_s < submit.delay_s / 2.0,
        "both submits returned before the download could have finished",
    );
    report.check(
        page.result == format!("data from {URL}")
            && sum.result == sum_of_squares_formula(N),
        "result() returned each task's value",
    );
    report.note(
        "running() right after submit depends on whether a worker has picked the \
         task up yet — the same race Python has. Only done() after result() is \
         certain.",
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen<T>(result: T) -> Seen<T> {
        Seen {
            running_at_once: false,
            result,
            done_after: true,
        }
    }

    fn made_up(submitted_s: f64, total: u64) -> Results {
        Results {
            submit: Some(Submit {
                delay_s: 0.3,
                submitted_s,
                page: seen(format!("data from {URL}")),
                sum: seen(total),
            }),
            ..Results::default()
        }
    }

    #[test]
    fn an_honest_run_passes_every_check() {
        let r = report(&made_up(0.001, sum_of_squares_formula(N))).unwrap();
        assert!(r.checks().all(|c| c.holds), "{r:?}");
    }

    #[test]
    fn a_slow_submit_misses_and_a_wrong_value_breaks() {
        let slow = report(&made_up(0.2, sum_of_squares_formula(N))).unwrap();
        let missed: Vec<_> = slow.checks().filter(|c| !c.holds).collect();
        assert_eq!(missed.len(), 1, "{slow:?}");
        assert!(slow.broken().is_empty());
        let wrong = report(&made_up(0.001, 7)).unwrap();
        assert_eq!(wrong.broken().len(), 1, "{wrong:?}");
    }
}
