//! `--python`: CPython's `ThreadPoolExecutor` and `ProcessPoolExecutor` on
//! the throughput section's tiny tasks, for the ratio. Skipped, with a
//! message, where no interpreter exists.

use crate::Context;
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use shared::python::Outcome;
use shared::report::{Cell, SectionReport, Table};

/// The benchmark, run as `python3 -c SCRIPT THREAD_TASKS CHUNK1_TASKS CHUNKED_TASKS`.
pub const SCRIPT: &str = include_str!("../python/executors.py");

/// What the script measures, as it names each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PythonWay {
    #[serde(rename = "CPython thread pool: submit + result, trivial")]
    ThreadPoolSubmit,
    #[serde(rename = "CPython process pool: map, trivial, chunksize 1")]
    ProcessPoolChunk1,
    #[serde(rename = "CPython process pool: map, trivial, chunksize 1000")]
    ProcessPoolChunked,
}

impl PythonWay {
    pub fn name(self) -> &'static str {
        match self {
            PythonWay::ThreadPoolSubmit => {
                "CPython thread pool: submit + result, trivial"
            }
            PythonWay::ProcessPoolChunk1 => {
                "CPython process pool: map, trivial, chunksize 1"
            }
            PythonWay::ProcessPoolChunked => {
                "CPython process pool: map, trivial, chunksize 1000"
            }
        }
    }
}

/// One rate the script measured (one JSON line each).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PythonRate {
    pub what: PythonWay,
    pub tasks: u64,
    pub per_second: f64,
}

/// Whether the benchmark ran, and what it measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum PythonRun {
    /// No `--python` on the command line.
    #[default]
    NotAsked,
    /// Asked, but it could not run here.
    Skipped {
        why: String,
    },
    Ran {
        rates: Vec<PythonRate>,
    },
}

/// With `--python`, runs the benchmark; otherwise `NotAsked`.
pub fn measure(context: &Context) -> anyhow::Result<PythonRun> {
    let Some(interpreter) = context.python.as_deref() else {
        return Ok(PythonRun::NotAsked);
    };
    let s = &context.sizes;
    // CPython is slower per task: a tenth of the tasks one by one keeps it
    // to seconds; chunked, it is fast enough to take many more.
    let args = [
        s.trivial_thread_tasks / 10,
        s.trivial_process_tasks_chunk_1 / 10,
        s.cpython_chunked_tasks,
    ];
    let args = args.map(|a| a.max(1).to_string());
    let stdout = match shared::python::run(interpreter, SCRIPT, &args)? {
        Outcome::Ran(stdout) => stdout,
        Outcome::Missing(why) => return Ok(PythonRun::Skipped { why }),
    };
    let rates = stdout
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<Vec<PythonRate>, _>>()
        .context("reading the Python benchmark's rates")?;
    Ok(PythonRun::Ran { rates })
}

/// Adds CPython's rates to the report, or says why there are none.
pub fn add_rows(python: &PythonRun, report: &mut SectionReport) {
    let rates = match python {
        PythonRun::NotAsked => return,
        PythonRun::Skipped { why } => {
            report.note(format!("CPython comparison skipped: {why}."));
            return;
        }
        PythonRun::Ran { rates } => rates,
    };
    let mut table = Table::new(
        "CPython's executors on the same tiny tasks",
        &["what", "tasks", "tasks per second"],
    );
    for rate in rates {
        table.push(vec![
            Cell::text(rate.what.name()),
            Cell::Count(rate.tasks),
            Cell::PerSecond(rate.per_second),
        ]);
    }
    report.table(table);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_reads_as_the_script_names_it() {
        for way in [
            PythonWay::ThreadPoolSubmit,
            PythonWay::ProcessPoolChunk1,
            PythonWay::ProcessPoolChunked,
        ] {
            let json = serde_json::to_string(&way).unwrap();
            assert_eq!(json, format!("\"{}\"", way.name()));
            assert!(SCRIPT.contains(way.name()), "{}", way.name());
        }
    }
}
