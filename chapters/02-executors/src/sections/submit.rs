//! `submit`: a future comes back at once; `running()` asked before
//! `result()` shows the task already under way (or not yet: a scheduler's
//! choice, so it is reported, not asserted).

use super::yes;
use crate::{BOUND, Context};
use shared::executor::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::{Download, SumOfSquares};
use shared::workload::sum_of_squares_formula;
use std::time::Instant;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let delay_ms = context.sizes.download_ms;
    let mut report = SectionReport::new(
        "submit",
        "One task of each kind submitted; submit returns a future before the task \
         has done anything, and result() waits for it.",
    );
    let threads = ThreadPoolExecutor::new(3)?;
    let processes = ProcessPoolExecutor::new(3, &context.program)?;

    // ANCHOR: submit
    let start = Instant::now();
    let page = threads.submit(Download {
        url: "https://a.example".into(),
        delay_ms,
    })?;
    let sum = processes.submit(SumOfSquares { n: 3_000_000 })?;
    let submitted = start.elapsed();
    let (page_running, sum_running) = (page.running(), sum.running());
    let (body, _) = page.result_timeout(BOUND)?;
    let total = sum.result_timeout(BOUND)?;
    // ANCHOR_END: submit

    let mut table = Table::new(
        "Two futures",
        &["future", "running() at once", "result()", "done() after"],
    );
    table.push(vec![
        Cell::text("threads.submit(download)"),
        Cell::Varies(yes(page_running).into()),
        Cell::text(&body),
        Cell::text(yes(page.done())),
    ]);
    table.push(vec![
        Cell::text("processes.submit(sum_of_squares)"),
        Cell::Varies(yes(sum_running).into()),
        Cell::Count(total),
        Cell::text(yes(sum.done())),
    ]);
    report.table(table);
    report.measured(
        submitted.as_millis() < u128::from(delay_ms) / 2,
        "both submits returned before the download could have finished",
    );
    report.check(
        body == "data from https://a.example"
            && total == sum_of_squares_formula(3_000_000),
        "result() returned each task's value",
    );
    report.note(
        "running() right after submit depends on whether a worker has picked the \
         task up yet — the same race Python has. Only done() after result() is \
         certain.",
    );
    Ok(report)
}
