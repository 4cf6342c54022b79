//! `--python`: the same two jobs under CPython's threading, multiprocessing
//! and asyncio, measured in the same run as Rust's figures — the GIL made
//! visible.
//!
//! The script ships inside the binary and is handed to `python3 -c`. Where
//! no interpreter exists, the section says it skipped and goes on.

use crate::Context;
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use shared::measure::Spread;
use shared::python::Outcome;
use shared::report::{Cell, SectionReport, Table};

/// The Python counterpart, run as `python3 -c SCRIPT ARGS…`.
pub const SCRIPT: &str = include_str!("../python/counterpart.py");

/// The four ways the script runs a job, as it names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PythonModel {
    #[serde(rename = "python-sequential")]
    Sequential,
    #[serde(rename = "python-threading")]
    Threading,
    #[serde(rename = "python-multiprocessing")]
    Multiprocessing,
    #[serde(rename = "python-asyncio")]
    Asyncio,
}

impl PythonModel {
    pub fn name(self) -> &'static str {
        match self {
            PythonModel::Sequential => "python-sequential",
            PythonModel::Threading => "python-threading",
            PythonModel::Multiprocessing => "python-multiprocessing",
            PythonModel::Asyncio => "python-asyncio",
        }
    }
}

/// One model's figures as the script prints them (one JSON line each).
#[derive(Debug, Deserialize)]
struct ScriptLine {
    model: PythonModel,
    runs_on: String,
    wall_s: Vec<f64>,
    cpu_s: Vec<f64>,
}

/// One Python model's timings, kept in the results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PythonRow {
    pub model: PythonModel,
    pub runs_on: String,
    pub wall: Spread,
    pub cpu: Spread,
}

/// Whether the counterpart ran, and what it measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum PythonRun {
    /// No `--python` on the command line.
    #[default]
    NotAsked,
    /// Asked, but it could not run here.
    Skipped { why: String },
    /// Its rows, sequential first; `n` is the CPU job's size, smaller than
    /// Rust's because CPython's loop is far slower per step.
    Ran {
        n: Option<u64>,
        rows: Vec<PythonRow>,
    },
}

/// Which job the counterpart runs, with its sizes.
#[derive(Clone, Copy, Debug)]
pub enum Job {
    Io,
    Cpu,
}

/// With `--python`, runs the counterpart for `job`; otherwise `NotAsked`.
pub fn measure(context: &Context, job: Job) -> anyhow::Result<PythonRun> {
    let Some(interpreter) = context.python.as_deref() else {
        return Ok(PythonRun::NotAsked);
    };
    let sizes = &context.sizes;
    let (word, args, n) = match job {
        Job::Io => (
            "io",
            [
                sizes.io_tasks.to_string(),
                sizes.io_delay.as_secs_f64().to_string(),
                sizes.runs.to_string(),
            ],
            None,
        ),
        Job::Cpu => (
            "cpu",
            [
                sizes.cpu_jobs.to_string(),
                sizes.python_cpu_n.to_string(),
                sizes.runs.to_string(),
            ],
            Some(sizes.python_cpu_n),
        ),
    };
    let mut all = vec![word.to_string()];
    all.extend(args);
    let stdout = match shared::python::run(interpreter, SCRIPT, &all)? {
        Outcome::Ran(stdout) => stdout,
        Outcome::Missing(why) => return Ok(PythonRun::Skipped { why }),
    };
    let rows = stdout
        .lines()
        .map(|line| {
            let line: ScriptLine = serde_json::from_str(line)?;
            Ok(PythonRow {
                model: line.model,
                runs_on: line.runs_on,
                wall: Spread::of(&line.wall_s),
                cpu: Spread::of(&line.cpu_s),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .context("reading the Python counterpart's figures")?;
    Ok(PythonRun::Ran { n, rows })
}

/// CPython's rows as a table of their own, after Rust's: the columns
/// Python's side measures (`headers`, from "model", "runs on", "wall",
/// "speedup", "CPU", "cores busy"), speedups against Python's own
/// sequential run; or a note saying why there are none. A table of its own
/// also keeps "python-multiprocessing" on one line where Rust's table is
/// wide.
pub fn add_table(python: &PythonRun, headers: &[&str], report: &mut SectionReport) {
    let (n, rows) = match python {
        PythonRun::NotAsked => return,
        PythonRun::Skipped { why } => {
            report.note(format!("Python counterpart skipped: {why}."));
            return;
        }
        PythonRun::Ran { n, rows } => (n, rows),
    };
    let title = match n {
        Some(n) => format!(
            "CPython, the same jobs summing below n = {} (its loop is far \
             slower per step), speedup over Python's own sequential run",
            shared::report::group_thousands(*n)
        ),
        None => {
            "CPython, the same job: speedup over Python's own sequential run".into()
        }
    };
    let mut table = Table::new(title, headers);
    let baseline = rows.iter().find(|r| r.model == PythonModel::Sequential);
    for row in rows {
        let speedup = baseline
            .map_or(f64::NAN, |b| super::sections::speedup(&b.wall, &row.wall));
        let cells = headers
            .iter()
            .map(|&header| match header {
                "model" => Cell::text(row.model.name()),
                "runs on" => Cell::text(&row.runs_on),
                "wall" => Cell::Timing(row.wall),
                "speedup" if n.is_some() => Cell::CpuSpeedup(speedup),
                "speedup" => Cell::Ratio(speedup),
                "CPU" => Cell::Seconds(row.cpu.median),
                "cores busy" => Cell::Cores(row.cpu.median / row.wall.median),
                _ => Cell::text("—"),
            })
            .collect();
        table.push(cells);
    }
    report.table(table);
}
