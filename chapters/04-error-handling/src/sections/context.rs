//! `context`: an error that crossed a thread or a task should still say
//! which task, which input and which worker failed. anyhow's `context`
//! wraps the cause in a sentence at each level; the chain survives every
//! boundary because `anyhow::Error` is `Send + Sync`. Then a batch report
//! that accounts for every input.

use crate::{BOUND, Context};
use anyhow::Context as _;
use shared::executor::{TaskError, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use std::num::ParseIntError;
use std::thread;

// ANCHOR: context
/// "size: 12" → 12, or an error that says what was wrong with which part.
pub fn parse_record(line: &str) -> anyhow::Result<u64> {
    let (key, value) = line
        .split_once(':')
        .with_context(|| format!("no ':' in {line:?}"))?;
    value
        .trim()
        .parse::<u64>()
        .with_context(|| format!("the value of {:?}", key.trim()))
}

/// The same, on a worker that says who it is and what it was given.
pub fn load(worker: &str, input: &str) -> anyhow::Result<u64> {
    parse_record(input).with_context(|| format!("{worker} could not load {input:?}"))
}
// ANCHOR_END: context

pub fn run(_context: &mut Context) -> anyhow::Result<SectionReport> {
    let mut report = SectionReport::new(
        "context",
        "An error can carry its story across threads and tasks — which task, \
         which input, which worker — and a batch can account for every input.",
    );
    across_boundaries(&mut report)?;
    batch(&mut report)?;
    Ok(report)
}

fn across_boundaries(report: &mut SectionReport) -> anyhow::Result<()> {
    // ANCHOR: across
    let on_thread = thread::Builder::new()
        .name("loader-2".into())
        .spawn(|| {
            let me = thread::current().name().unwrap_or("?").to_string();
            load(&me, "size: 12kb")
        })?
        .join()
        .map_err(|_| anyhow::anyhow!("loader-2 panicked"))?
        .context("batch 7, task 2 (a thread)");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let in_task = runtime.block_on(async {
        let task = tokio::spawn(async { load("task 3", "count 4") });
        let joined = tokio::time::timeout(BOUND, task).await;
        anyhow::Ok(joined??.context("batch 7, task 3 (a tokio task)"))
    })?;
    // ANCHOR_END: across
    let mut table = Table::new(
        "Two errors after crossing a boundary, outermost context first",
        &["where", "level", "message"],
    );
    let mut roots = Vec::new();
    for (name, outcome) in [("thread", &on_thread), ("tokio task", &in_task)] {
        let Err(err) = outcome else {
            anyhow::bail!("{name}: the bad input was accepted");
        };
        for (level, cause) in err.chain().enumerate() {
            table.push(vec![
                Cell::text(name),
                Cell::Count(level as u64),
                Cell::text(cause.to_string()),
            ]);
        }
        roots.push(err.root_cause().downcast_ref::<ParseIntError>().is_some());
    }
    report.table(table);
    if let Err(err) = &on_thread {
        report.note(format!("Printed with {{:#}}, on one line: {err:#}"));
    }
    report.check(
        matches!(&on_thread, Err(e) if e.chain().count() == 4)
            && matches!(&in_task, Err(e) if e.chain().count() == 3)
            && roots == [true, false],
        "each error kept every level of context across its boundary, and the \
         root cause is still a typed ParseIntError to downcast to",
    );
    Ok(())
}

// ANCHOR: batch_report
/// What happened to every input of a batch.
#[derive(Debug, Default)]
pub struct BatchReport {
    pub succeeded: Vec<(String, u64)>,
    pub failed: Vec<(String, String)>,
}

/// Runs every input on a pool and files each outcome — an error, a panic
/// and a success alike — under its input, in input order.
pub fn run_batch(
    pool: &ThreadPoolExecutor,
    inputs: &[&str],
) -> anyhow::Result<BatchReport> {
    let mut futures = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let input = input.to_string();
        futures.push(pool.submit_fn(move || {
            let value = load(&format!("task {i}"), &input)?;
            Ok(1000 / value) // a bug: a value of 0 panics here
        })?);
    }
    let mut report = BatchReport::default();
    for (input, future) in inputs.iter().zip(futures) {
        match future.result_timeout(BOUND) {
            Ok(value) => report.succeeded.push((input.to_string(), value)),
            Err(TaskError::Failed(why)) => {
                report.failed.push((input.to_string(), why))
            }
            Err(other) => report.failed.push((input.to_string(), other.to_string())),
        }
    }
    Ok(report)
}
// ANCHOR_END: batch_report

fn batch(report: &mut SectionReport) -> anyhow::Result<()> {
    let inputs = [
        "a: 10", "b: 20", "c 30", "d: forty", "e: 0", "f: 50", "g: -7",
    ];
    let pool = ThreadPoolExecutor::new(2)?;
    let batch = run_batch(&pool, &inputs)?;
    let mut table = Table::new("The batch report", &["input", "outcome"]);
    for (input, value) in &batch.succeeded {
        table.push(vec![Cell::text(input), Cell::text(format!("ok: {value}"))]);
    }
    for (input, why) in &batch.failed {
        table.push(vec![
            Cell::text(input),
            Cell::text(format!("failed: {why}")),
        ]);
    }
    report.table(table);
    let (ok, failed) = (batch.succeeded.len(), batch.failed.len());
    report.note(format!(
        "{} inputs: {ok} succeeded, {failed} failed, and each failure says why.",
        inputs.len()
    ));
    report.check(
        ok + failed == inputs.len() && (ok, failed) == (3, 4),
        "succeeded + failed == inputs: no input was lost, the panic included",
    );
    Ok(())
}
