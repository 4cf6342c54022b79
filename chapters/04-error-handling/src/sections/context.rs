//! `context`: an error that crossed a thread or a task should still say
//! which task, which input and which worker failed. anyhow's `context`
//! wraps the cause in a sentence at each level; the chain survives every
//! boundary because `anyhow::Error` is `Send + Sync`. Then a batch report
//! that accounts for every input.

use crate::{BOUND, Context, Results, need};
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use shared::executor::{TaskError, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use std::num::ParseIntError;
use std::thread;

/// What `context` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContextResults {
    /// The error of a thread, then of a tokio task, after the boundary.
    pub crossed: Vec<Crossed>,
    pub batch: Batch,
}

/// Where an error crossed a boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    Thread,
    TokioTask,
}

impl Place {
    pub fn name(self) -> &'static str {
        match self {
            Place::Thread => "thread",
            Place::TokioTask => "tokio task",
        }
    }
}

/// One error after it crossed a boundary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Crossed {
    pub place: Place,
    /// The value, had the bad input been accepted (it must not be).
    pub accepted: Option<u64>,
    /// Every level of the error, outermost context first.
    pub chain: Vec<String>,
    /// Whether the root cause still downcasts to a `ParseIntError`.
    pub root_is_parse_int: bool,
}

/// A batch's inputs, and the report that files each under its outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub inputs: Vec<String>,
    pub succeeded: Vec<(String, u64)>,
    pub failed: Vec<(String, String)>,
}

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

pub fn measure(_context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    results.context = Some(ContextResults {
        crossed: across_boundaries()?,
        batch: batch()?,
    });
    Ok(())
}

fn across_boundaries() -> anyhow::Result<Vec<Crossed>> {
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
    let crossed = [(Place::Thread, on_thread), (Place::TokioTask, in_task)]
        .into_iter()
        .map(|(place, outcome)| match outcome {
            Ok(value) => Crossed {
                place,
                accepted: Some(value),
                chain: Vec::new(),
                root_is_parse_int: false,
            },
            Err(err) => Crossed {
                place,
                accepted: None,
                chain: err.chain().map(|cause| cause.to_string()).collect(),
                root_is_parse_int: err
                    .root_cause()
                    .downcast_ref::<ParseIntError>()
                    .is_some(),
            },
        })
        .collect();
    Ok(crossed)
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

fn batch() -> anyhow::Result<Batch> {
    let inputs = [
        "a: 10", "b: 20", "c 30", "d: forty", "e: 0", "f: 50", "g: -7",
    ];
    let pool = ThreadPoolExecutor::new(2)?;
    let batch = run_batch(&pool, &inputs)?;
    Ok(Batch {
        inputs: inputs.map(str::to_string).to_vec(),
        succeeded: batch.succeeded,
        failed: batch.failed,
    })
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let context = need(&results.context, "context")?;
    let mut report = SectionReport::new(
        "context",
        "An error can carry its story across threads and tasks — which task, \
         which input, which worker — and a batch can account for every input.",
    );
    report_crossed(&mut report, context);
    report_batch(&mut report, &context.batch);
    Ok(report)
}

/// Two errors' context chains after crossing a thread and a task.
fn report_crossed(report: &mut SectionReport, context: &ContextResults) {
    let mut table = Table::new(
        "Two errors after crossing a boundary, outermost context first",
        &["where", "level", "message"],
    );
    for crossed in &context.crossed {
        let name = crossed.place.name();
        if let Some(value) = crossed.accepted {
            table.push(vec![
                Cell::text(name),
                Cell::text("—"),
                Cell::text(format!("the bad input was accepted: {value}")),
            ]);
        }
        for (level, cause) in crossed.chain.iter().enumerate() {
            table.push(vec![
                Cell::text(name),
                Cell::Count(level as u64),
                Cell::text(cause),
            ]);
        }
    }
    report.table(table);
    let of = |place| context.crossed.iter().find(|c| c.place == place);
    if let Some(thread) = of(Place::Thread).filter(|c| !c.chain.is_empty()) {
        // What `{:#}` prints for an anyhow::Error: its chain, joined by ": ".
        let one_line = thread.chain.join(": ");
        report.note(format!("Printed with {{:#}}, on one line: {one_line}"));
    }
    let kept = |place, levels, parse_int| {
        of(place).is_some_and(|c| {
            c.accepted.is_none()
                && c.chain.len() == levels
                && c.root_is_parse_int == parse_int
        })
    };
    report.check(
        context.crossed.len() == 2
            && kept(Place::Thread, 4, true)
            && kept(Place::TokioTask, 3, false),
        "each error kept every level of context across its boundary, and the \
         root cause is still a typed ParseIntError to downcast to",
    );
}

/// A batch that accounts for every input, failures with their reasons.
fn report_batch(report: &mut SectionReport, batch: &Batch) {
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
        batch.inputs.len()
    ));
    let mut filed: Vec<&String> = batch
        .succeeded
        .iter()
        .map(|(input, _)| input)
        .chain(batch.failed.iter().map(|(input, _)| input))
        .collect();
    filed.sort();
    let mut inputs: Vec<&String> = batch.inputs.iter().collect();
    inputs.sort();
    report.check(
        ok + failed == batch.inputs.len()
            && filed == inputs
            && (ok, failed) == (3, 4),
        "succeeded + failed == inputs: no input was lost, the panic included",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> ContextResults {
        let crossed = |place, chain: &[&str], root_is_parse_int| Crossed {
            place,
            accepted: None,
            chain: chain.iter().map(|c| c.to_string()).collect(),
            root_is_parse_int,
        };
        let inputs = ["a: 1", "b", "c: x", "d: 0", "e: 2", "f: 4", "g: -1"];
        let failed = ["b", "c: x", "d: 0", "g: -1"];
        ContextResults {
            crossed: vec![
                crossed(Place::Thread, &["batch", "load", "value", "digit"], true),
                crossed(Place::TokioTask, &["batch", "load", "no ':'"], false),
            ],
            batch: Batch {
                inputs: inputs.map(str::to_string).to_vec(),
                succeeded: [("a: 1", 1000), ("e: 2", 500), ("f: 4", 250)]
                    .map(|(i, v)| (i.to_string(), v))
                    .to_vec(),
                failed: failed.map(|i| (i.to_string(), "why".to_string())).to_vec(),
            },
        }
    }

    fn report_of(context: ContextResults) -> SectionReport {
        let results = Results {
            context: Some(context),
            ..Results::default()
        };
        report(&results).unwrap()
    }

    #[test]
    fn a_correct_run_holds_every_check() {
        let report = report_of(honest());
        assert!(report.checks().all(|c| c.holds), "{report:?}");
        let text = report.render(shared::report::Render::Plain);
        assert!(
            text.contains("on one line: batch: load: value: digit"),
            "{text}"
        );
    }

    #[test]
    fn a_lost_level_or_a_lost_input_is_broken() {
        let mut lost_level = honest();
        lost_level.crossed[0].chain.pop();
        let mut lost_type = honest();
        lost_type.crossed[0].root_is_parse_int = false;
        let mut lost_input = honest();
        lost_input.batch.failed.pop();
        let mut filed_twice = honest();
        filed_twice.batch.failed[3].0 = "b".into();
        for broken in [lost_level, lost_type, lost_input, filed_twice] {
            assert_eq!(report_of(broken).broken().len(), 1);
        }
    }
}
