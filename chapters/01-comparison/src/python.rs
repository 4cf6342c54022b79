//! `--python`: the same two jobs under CPython's threading, multiprocessing
//! and asyncio, printed beside Rust's figures — the GIL made visible.
//!
//! The script ships inside the binary and is handed to `python3 -c`. Where
//! no interpreter exists, the section says it skipped and goes on.

use crate::Context;
use anyhow::{Context as _, bail};
use serde::Deserialize;
use shared::measure::Spread;
use shared::report::{Cell, Record, SectionReport, Table, group_thousands};
use std::process::Command;

/// The Python counterpart, run as `python3 -c SCRIPT ARGS…`.
pub const SCRIPT: &str = include_str!("../python/counterpart.py");

/// One model's figures as the script prints them.
#[derive(Debug, Deserialize)]
pub struct PythonRow {
    pub model: String,
    pub runs_on: String,
    pub wall_s: Vec<f64>,
    pub cpu_s: Vec<f64>,
}

/// Runs the counterpart for `workload` ("io" or "cpu") with `interpreter`.
/// `Ok(None)` when the interpreter cannot be started at all.
pub fn run_counterpart(
    interpreter: &str,
    workload: &str,
    context: &Context,
) -> anyhow::Result<Option<Vec<PythonRow>>> {
    let sizes = &context.sizes;
    let args = match workload {
        "io" => [
            sizes.io_tasks.to_string(),
            sizes.io_delay.as_secs_f64().to_string(),
            sizes.runs.to_string(),
        ],
        _ => [
            sizes.cpu_jobs.to_string(),
            sizes.python_cpu_n.to_string(),
            sizes.runs.to_string(),
        ],
    };
    let output = match Command::new(interpreter)
        .arg("-c")
        .arg(SCRIPT)
        .arg(workload)
        .args(&args)
        .output()
    {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err).context("starting the Python counterpart"),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("no message");
        bail!("the Python counterpart failed ({}): {last}", output.status);
    }
    let rows = String::from_utf8(output.stdout)?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<Vec<PythonRow>, _>>()
        .context("reading the Python counterpart's figures")?;
    Ok(Some(rows))
}

/// With `--python`, appends Python's rows to `table` (speedups against
/// Python's own sequential run); otherwise does nothing.
pub fn add_rows(
    context: &mut Context,
    workload: &str,
    table: &mut Table,
    report: &mut SectionReport,
) -> anyhow::Result<()> {
    let Some(interpreter) = context.python.clone() else {
        return Ok(());
    };
    let Some(rows) = run_counterpart(&interpreter, workload, context)? else {
        report.note(format!(
            "Python counterpart skipped: '{interpreter}' was not found on this machine."
        ));
        return Ok(());
    };
    if workload == "cpu" {
        report.note(format!(
            "Python rows sum below n = {} (CPython's loop is far slower per \
             step); their speedups are against Python's own sequential run.",
            group_thousands(context.sizes.python_cpu_n)
        ));
    }
    let baseline = rows.first().map(|r| Spread::of(&r.wall_s).median);
    let section = if workload == "io" {
        "io-bound"
    } else {
        "cpu-bound"
    };
    for row in rows {
        let wall = Spread::of(&row.wall_s);
        let cpu = Spread::of(&row.cpu_s).median;
        let speedup = baseline.map_or(f64::NAN, |b| b / wall.median);
        let cells = table
            .headers
            .iter()
            .map(|header| match header.as_str() {
                "model" => Cell::text(&row.model),
                "runs on" => Cell::text(&row.runs_on),
                "wall" => Cell::Timing(wall),
                "speedup" => Cell::Ratio(speedup),
                "CPU" => Cell::Seconds(cpu),
                "cores busy" => Cell::Number(cpu / wall.median),
                _ => Cell::text("—"),
            })
            .collect();
        table.push(cells);
        context.keep(
            report,
            Record::new(section, Some(workload), &row.model)
                .with("wall_s", wall.median)
                .with("wall_min_s", wall.min)
                .with("wall_max_s", wall.max)
                .with("cpu_s", cpu)
                .with("speedup", speedup),
        );
    }
    Ok(())
}
