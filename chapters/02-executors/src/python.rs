//! `--python`: CPython's `ThreadPoolExecutor` and `ProcessPoolExecutor` on
//! the throughput section's tiny tasks, for the ratio. Skipped, with a
//! message, where no interpreter exists.

use crate::Context;
use anyhow::{Context as _, bail};
use serde::Deserialize;
use shared::report::{Cell, Record, SectionReport, Table};
use std::process::Command;

/// The benchmark, run as `python3 -c SCRIPT THREAD_TASKS CHUNK1_TASKS CHUNKED_TASKS`.
pub const SCRIPT: &str = include_str!("../python/executors.py");

#[derive(Debug, Deserialize)]
pub struct PythonRate {
    pub what: String,
    pub tasks: u64,
    pub per_second: f64,
}

/// Runs the benchmark; `Ok(None)` when the interpreter is missing.
pub fn run_benchmark(
    interpreter: &str,
    context: &Context,
) -> anyhow::Result<Option<Vec<PythonRate>>> {
    let s = &context.sizes;
    // CPython is slower per task: a tenth of the tasks keeps it to seconds.
    let args = [
        s.trivial_thread_tasks / 10,
        s.trivial_process_tasks_chunk_1 / 10,
        s.trivial_process_tasks_chunked / 10,
    ];
    let output = match Command::new(interpreter)
        .arg("-c")
        .arg(SCRIPT)
        .args(args.map(|a| a.max(1).to_string()))
        .output()
    {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err).context("starting python"),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "the Python benchmark failed: {}",
            stderr.lines().last().unwrap_or("")
        );
    }
    let rates = String::from_utf8(output.stdout)?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<Vec<PythonRate>, _>>()?;
    Ok(Some(rates))
}

/// With `--python`, adds CPython's rates to the report.
pub fn add_rows(
    context: &Context,
    report: &mut SectionReport,
) -> anyhow::Result<()> {
    let Some(interpreter) = &context.python else {
        return Ok(());
    };
    let Some(rates) = run_benchmark(interpreter, context)? else {
        report.note(format!(
            "CPython comparison skipped: '{interpreter}' was not found."
        ));
        return Ok(());
    };
    let mut table = Table::new(
        "CPython's executors on the same tiny tasks",
        &["what", "tasks", "tasks per second"],
    );
    for rate in rates {
        table.push(vec![
            Cell::text(&rate.what),
            Cell::Count(rate.tasks),
            Cell::PerSecond(rate.per_second),
        ]);
        report.record(
            Record::new("throughput", None, &rate.what)
                .with("per_second", rate.per_second),
        );
    }
    report.table(table);
    Ok(())
}
