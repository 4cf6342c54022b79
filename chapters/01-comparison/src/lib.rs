//! Chapter 1: threads vs processes vs async — the same work under each,
//! measured on the reader's machine.
//!
//! Layout:
//! - The eight models (sequential, threads, thread-pool, rayon, processes,
//!   tokio, async-std, smol) live in the `models` crate, one file each,
//!   each running the I/O-bound and the CPU-bound job.
//! - [`worker`]: the tasks this binary serves when a process pool starts it
//!   as a worker (`--executor-worker`): the shared ones and `combining`'s.
//! - [`probe`]: `--probe`, a fresh process that holds N concurrent waits so
//!   the memory they cost is measured from a clean start.
//! - [`sections`]: one file per section of the chapter, each a `measure`
//!   into its typed results and a pure `report` from them; `table` gathers
//!   the others' results into the article's comparison table, and
//!   `calibration` holds the fixed costs to a minimal program.
//! - [`Results`]: every section's typed results, the `results` of the
//!   `--json` document the book is rendered from.
//! - [`python`]: the Python counterpart, run with `--python`.
//! - [`exercises`] and [`solutions`]: the learner's stubs and the reference
//!   answers, checked by the same snapshots.

pub mod exercises;
pub mod probe;
pub mod python;
pub mod sections;
pub mod sizes;
pub mod solutions;
pub mod worker;

use models::{Runners, WorkerCommand};
use serde::{Deserialize, Serialize};
use shared::cli::{Chapter, Options, Section};
use shared::typed;
use sizes::Sizes;

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context, Results> = Chapter {
    package: "comparison",
    title: "Chapter 1 · Comparison: threads vs processes vs async",
    sections: &[
        Section {
            name: "io-bound",
            summary: "N simulated downloads under every model: wall time and speedup",
            run: typed!(io_bound),
        },
        Section {
            name: "cpu-bound",
            summary: "sums of squares under every model: speedup and cores kept busy",
            run: typed!(cpu_bound),
        },
        Section {
            name: "scaling",
            summary: "speedup against the number of workers: threads and processes",
            run: typed!(scaling),
        },
        Section {
            name: "memory",
            summary: "bytes per concurrent wait: OS thread vs async task vs process",
            run: typed!(memory),
        },
        Section {
            name: "overhead",
            summary: "what it costs to start a thread, a task, a process",
            run: typed!(overhead),
        },
        Section {
            name: "data-exchange",
            summary: "a message's round trip: channel, process pool, async channel",
            run: typed!(data_exchange),
        },
        Section {
            name: "event-loop",
            summary: "CPU work on an async runtime: the lag it causes, and the fix",
            run: typed!(event_loop),
        },
        Section {
            name: "combining",
            summary: "processes with async I/O inside; tokio and rayon together",
            run: typed!(combining),
        },
        Section {
            name: "calibration",
            summary: "the chapter's fixed costs against a minimal program, same run",
            run: typed!(calibration, &["memory", "overhead"]),
        },
        Section {
            name: "table",
            summary: "the article's eight-row table, with this machine's evidence",
            run: typed!(
                table,
                &[
                    "io-bound",
                    "cpu-bound",
                    "memory",
                    "overhead",
                    "data-exchange",
                    "event-loop",
                ]
            ),
        },
    ],
    python: Some("also run the Python counterpart and show it beside"),
};

/// Everything one run of the chapter measured, section by section: what
/// `--json` prints under `results`, what every report, the table and the
/// charts are drawn from. A section that did not run is `None`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Results {
    pub io_bound: Option<sections::io_bound::IoBound>,
    pub cpu_bound: Option<sections::cpu_bound::CpuBound>,
    pub scaling: Option<sections::scaling::Scaling>,
    pub memory: Option<sections::memory::Memory>,
    pub overhead: Option<sections::overhead::Overhead>,
    pub data_exchange: Option<sections::data_exchange::DataExchange>,
    pub event_loop: Option<sections::event_loop::EventLoop>,
    pub combining: Option<sections::combining::Combining>,
    pub calibration: Option<sections::calibration::Calibration>,
}

/// The results of a section a report needs (shared by every chapter).
pub use shared::cli::need;

/// What the sections share during one run.
pub struct Context {
    pub sizes: Sizes,
    /// What the models run on: the worker program (this binary, or the one
    /// Cargo built for a test), the cores, the tokio runtime.
    pub runners: Runners,
    /// The interpreter for the Python counterpart, when `--python` asked.
    pub python: Option<String>,
}

impl Context {
    pub fn new(sizes: Sizes, worker: WorkerCommand) -> Context {
        Context {
            sizes,
            runners: Runners::new(worker),
            python: None,
        }
    }

    /// The context for a command line: quick or `--full` sizes, and this
    /// very binary as the worker program.
    pub fn from_options(options: &Options) -> anyhow::Result<Context> {
        let sizes = options.sizes();
        let program = std::env::current_exe()?;
        let mut context = Context::new(sizes, WorkerCommand { program });
        context.python = options.python_interpreter();
        Ok(context)
    }
}
