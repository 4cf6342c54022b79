//! Chapter 4: where a failure goes. In concurrent code a failure can go
//! unnoticed, or surface far from where it happened; each model — threads,
//! processes, async tasks, executors, rayon — has its own rule for where it
//! goes. Every section makes one rule happen and checks what arrived where.
//!
//! Layout:
//! - [`sections`]: one file per section, in the order of the page, each a
//!   `measure` into its typed results and a pure `report` from them.
//! - [`Results`]: every section's typed results, the `results` of the
//!   `--json` document the book is rendered from.
//! - The one-line panic hook of the binary, and `HookSwap`, which replaces
//!   the process-wide hook for a while and puts it back, are
//!   `shared::panics` (chapters 2 and 5 use them too).
//! - [`child`]: what this binary does when started as a misbehaving child
//!   process (the `processes` section starts it so).
//! - [`sizes`]: quick (default), full, and tiny (tests).
//! - [`exercises`] and [`solutions`]: the learner's stubs and the answers.

pub mod child;
pub mod exercises;
pub mod sections;
pub mod sizes;
pub mod solutions;

use serde::{Deserialize, Serialize};
use shared::cli::{Chapter, Options, Section};
use shared::typed;
use sizes::Sizes;
use std::path::PathBuf;
use std::time::Duration;

/// The longest any demo waits for something that should come: generous,
/// so only a real hang trips it, and then the demo fails instead of hanging.
pub const BOUND: Duration = Duration::from_secs(60);

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context, Results> = Chapter {
    package: "error-handling",
    title: "Chapter 4 · Error handling: where failures go",
    sections: &[
        Section {
            name: "threads",
            summary: "a panic ends one thread; join, scoped threads, the panic hook",
            run: typed!(threads),
        },
        Section {
            name: "processes",
            summary: "exit codes, signals and stderr; a pool with a dead worker",
            run: typed!(processes),
        },
        Section {
            name: "async",
            summary: "tokio tasks: JoinError, JoinSet, fail fast or collect all",
            run: typed!(async_tasks),
        },
        Section {
            name: "executors",
            summary: "result() returns the task's error; a done-callback sees it",
            run: typed!(executors),
        },
        Section {
            name: "rayon",
            summary: "a panic in a parallel iterator reaches the caller",
            run: typed!(rayon),
        },
        Section {
            name: "context",
            summary: "anyhow context across threads and tasks; a batch report",
            run: typed!(context),
        },
        Section {
            name: "timeouts",
            summary: "a timeout and a cancellation, and the work that was cut off",
            run: typed!(timeouts),
        },
    ],
    python: None,
};

/// Everything one run of the chapter saw, section by section: what
/// `--json` prints under `results`, what every report is drawn from. A
/// section that did not run is `None`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Results {
    pub threads: Option<sections::threads::Threads>,
    pub processes: Option<sections::processes::Processes>,
    pub async_tasks: Option<sections::async_tasks::AsyncTasks>,
    pub executors: Option<sections::executors::Executors>,
    pub rayon: Option<sections::rayon::Rayon>,
    pub context: Option<sections::context::ContextResults>,
    pub timeouts: Option<sections::timeouts::Timeouts>,
}

/// The results of a section a report needs (shared by every chapter).
pub use shared::cli::need;

/// What the sections share during one run.
pub struct Context {
    pub sizes: Sizes,
    /// The program started as a child process or a pool worker: this
    /// binary, or the one Cargo built for a test.
    pub program: PathBuf,
}

impl Context {
    pub fn new(sizes: Sizes, program: PathBuf) -> Context {
        Context { sizes, program }
    }

    pub fn from_options(options: &Options) -> anyhow::Result<Context> {
        let sizes = options.sizes();
        Ok(Context::new(sizes, std::env::current_exe()?))
    }
}
