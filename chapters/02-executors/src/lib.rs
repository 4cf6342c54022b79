//! Chapter 2: `concurrent.futures` in Rust. The executors themselves live
//! in `shared::executor` (later chapters use them too); this chapter runs
//! the article's demo on them, shows every method, and measures them against
//! rayon, `thread::scope`, tokio's `spawn_blocking` and `JoinSet`.
//!
//! Layout:
//! - [`sections`]: one file per section, in the order of the article, each
//!   a `measure` into its typed results and a pure `report` from them.
//! - [`Results`]: every section's typed results, the `results` of the
//!   `--json` document the book is rendered from.
//! - [`python`]: the CPython executors on the same jobs, with `--python`.
//! - [`exercises`] and [`solutions`]: the learner's stubs and the answers.
//! - [`registry`]: the tasks this binary's worker processes can run.

pub mod exercises;
pub mod python;
pub mod sections;
pub mod sizes;
pub mod solutions;

use serde::{Deserialize, Serialize};
use shared::cli::{Chapter, Options, Section};
use shared::executor::Registry;
use shared::typed;
use sizes::Sizes;
use std::path::PathBuf;
use std::time::Duration;

/// The longest any demo waits for a result: generous, so only a real hang
/// trips it, and then the demo fails instead of hanging.
pub const BOUND: Duration = Duration::from_secs(60);

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context, Results> = Chapter {
    package: "executors",
    title: "Chapter 2 · Executors: concurrent.futures in Rust",
    sections: &[
        Section {
            name: "map",
            summary: "the article's demo: map on a thread pool and on a process pool",
            run: typed!(map),
        },
        Section {
            name: "submit",
            summary: "submit returns a future at once; running() before result()",
            run: typed!(submit),
        },
        Section {
            name: "future-methods",
            summary: "every method of a future, shown",
            run: typed!(future_methods),
        },
        Section {
            name: "as-completed",
            summary: "results in the order they finish",
            run: typed!(as_completed),
        },
        Section {
            name: "wait",
            summary: "FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, and a timeout",
            run: typed!(wait),
        },
        Section {
            name: "shutdown",
            summary: "shutdown with and without cancelling queued work",
            run: typed!(shutdown),
        },
        Section {
            name: "process-pool",
            summary: "what crosses the process boundary, and what it costs",
            run: typed!(process_pool),
        },
        Section {
            name: "failures",
            summary: "a failing, a panicking and a killed task: each seen by its own future",
            run: typed!(failures),
        },
        Section {
            name: "landscape",
            summary: "the same jobs through rayon, thread::scope, spawn_blocking, JoinSet",
            run: typed!(landscape),
        },
        Section {
            name: "throughput",
            summary: "tasks per second: pools against rayon (and CPython with --python)",
            run: typed!(throughput),
        },
    ],
    python: Some("also run CPython's executors on the same jobs"),
};

/// Everything one run of the chapter measured, section by section: what
/// `--json` prints under `results`, what every report is drawn from. A
/// section that did not run is `None`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Results {
    pub map: Option<sections::map::Map>,
    pub submit: Option<sections::submit::Submit>,
    pub future_methods: Option<sections::future_methods::FutureMethods>,
    pub as_completed: Option<sections::as_completed::AsCompleted>,
    pub wait: Option<sections::wait::Wait>,
    pub shutdown: Option<sections::shutdown::Shutdown>,
    pub process_pool: Option<sections::process_pool::ProcessPool>,
    pub failures: Option<sections::failures::Failures>,
    pub landscape: Option<sections::landscape::Landscape>,
    pub throughput: Option<sections::throughput::Throughput>,
}

/// The results of a section a report needs (shared by every chapter).
pub use shared::cli::need;

/// What the sections share during one run.
pub struct Context {
    pub sizes: Sizes,
    /// The program process pools start as workers: this binary, or the one
    /// Cargo built for a test.
    pub program: PathBuf,
    /// The interpreter for the CPython comparison, when `--python` asked.
    pub python: Option<String>,
    pub cores: usize,
}

impl Context {
    pub fn new(sizes: Sizes, program: PathBuf) -> Context {
        Context {
            sizes,
            program,
            python: None,
            cores: shared::machine::cores(),
        }
    }

    pub fn from_options(options: &Options) -> anyhow::Result<Context> {
        let sizes = options.sizes();
        let mut context = Context::new(sizes, std::env::current_exe()?);
        context.python = options.python_interpreter();
        Ok(context)
    }
}

/// Every task this chapter's worker processes can run: the shared ones and
/// the exercise's.
pub fn registry() -> Registry {
    shared::tasks::registry()
        .register::<exercises::word_count::WordCount>()
        .register::<solutions::word_count::WordCount>()
}
