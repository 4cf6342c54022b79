//! Chapter 1: threads vs processes vs async — the same work under each,
//! measured on the reader's machine.
//!
//! Layout:
//! - [`models`]: the eight models (sequential, threads, thread-pool, rayon,
//!   processes, tokio, async-std, smol), one file each, each running the
//!   I/O-bound and the CPU-bound job.
//! - [`worker`]: the worker-process side of `processes` — which program a
//!   `shared::executor::ProcessPoolExecutor` starts (this binary, serving
//!   with `--executor-worker`) and the tasks it can run.
//! - [`probe`]: `--probe`, a fresh process that holds N concurrent waits so
//!   the memory they cost is measured from a clean start.
//! - [`sections`]: one file per section of the chapter; `table` gathers the
//!   others into the article's comparison table.
//! - [`python`]: the Python counterpart, run with `--python`.
//! - [`exercises`] and [`solutions`]: the learner's stubs and the reference
//!   answers, checked by the same snapshots.

pub mod exercises;
pub mod models;
pub mod probe;
pub mod python;
pub mod sections;
pub mod sizes;
pub mod solutions;
pub mod worker;

use shared::cli::{Chapter, Options, Section};
use shared::report::{Record, SectionReport};
use sizes::Sizes;
use std::sync::OnceLock;
use worker::WorkerCommand;

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context> = Chapter {
    package: "comparison",
    title: "Chapter 1 · Comparison: threads vs processes vs async",
    sections: &[
        Section {
            name: "io-bound",
            summary: "N simulated downloads under every model: wall time and speedup",
            run: sections::io_bound::run,
        },
        Section {
            name: "cpu-bound",
            summary: "sums of squares under every model: speedup and cores kept busy",
            run: sections::cpu_bound::run,
        },
        Section {
            name: "scaling",
            summary: "speedup against the number of workers: threads and processes",
            run: sections::scaling::run,
        },
        Section {
            name: "memory",
            summary: "bytes per concurrent wait: OS thread vs async task vs process",
            run: sections::memory::run,
        },
        Section {
            name: "overhead",
            summary: "what it costs to start a thread, a task, a process",
            run: sections::overhead::run,
        },
        Section {
            name: "data-exchange",
            summary: "a message's round trip: channel, process pool, async channel",
            run: sections::data_exchange::run,
        },
        Section {
            name: "event-loop",
            summary: "CPU work on an async runtime: the lag it causes, and the fix",
            run: sections::event_loop::run,
        },
        Section {
            name: "combining",
            summary: "processes with async I/O inside; tokio and rayon together",
            run: sections::combining::run,
        },
        Section {
            name: "table",
            summary: "the article's eight-row table, with this machine's evidence",
            run: sections::table::run,
        },
    ],
    flags: &[(
        "--python",
        "also run the Python counterpart and show it beside",
    )],
};

/// What the sections share during one run.
pub struct Context {
    pub sizes: Sizes,
    /// How to start a worker process (this binary, or the one Cargo built
    /// for a test).
    pub worker: WorkerCommand,
    /// The interpreter for the Python counterpart, when `--python` asked.
    pub python: Option<String>,
    pub cores: usize,
    /// Everything measured so far in this run: `table` reads it, and runs
    /// what it is missing.
    pub records: Vec<Record>,
    tokio: OnceLock<tokio::runtime::Runtime>,
}

impl Context {
    pub fn new(sizes: Sizes, worker: WorkerCommand) -> Context {
        Context {
            sizes,
            worker,
            python: None,
            cores: shared::machine::cores(),
            records: Vec::new(),
            tokio: OnceLock::new(),
        }
    }

    /// The context for a command line: quick or `--full` sizes, and this
    /// very binary as the worker program.
    pub fn from_options(options: &Options) -> anyhow::Result<Context> {
        let sizes = if options.full {
            Sizes::full()
        } else {
            Sizes::quick()
        };
        let program = std::env::current_exe()?;
        let mut context = Context::new(sizes, WorkerCommand { program });
        if options.has("--python") {
            context.python = Some("python3".to_string());
        }
        Ok(context)
    }

    /// The shared tokio runtime, built on first use.
    pub fn tokio(&self) -> anyhow::Result<&tokio::runtime::Runtime> {
        if let Some(runtime) = self.tokio.get() {
            return Ok(runtime);
        }
        let runtime = models::tokio_tasks::runtime()?;
        Ok(self.tokio.get_or_init(|| runtime))
    }

    /// The thread pool's size: Python's `ThreadPoolExecutor` default,
    /// `min(32, cores + 4)`, so both sides compare like with like.
    pub fn pool_size(&self) -> usize {
        (self.cores + 4).min(32)
    }

    /// Worker processes: one per core, like `ProcessPoolExecutor()`.
    pub fn process_count(&self) -> usize {
        self.cores
    }

    /// Keeps `record` for `table` and adds it to `report` for `--json`.
    pub fn keep(&mut self, report: &mut SectionReport, record: Record) {
        self.records.push(record.clone());
        report.record(record);
    }

    /// The latest record of `section` for `model` (and `workload`, if
    /// given). Sections record counts in increasing order, so this is also
    /// the largest count measured.
    pub fn find(
        &self,
        section: &str,
        workload: Option<&str>,
        model: &str,
    ) -> Option<&Record> {
        self.records.iter().rev().find(|r| {
            r.section == section
                && r.model == model
                && (workload.is_none() || r.workload.as_deref() == workload)
        })
    }
}
