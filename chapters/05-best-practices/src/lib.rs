//! Chapter 5: the eight rules of concurrent code. Each section runs a
//! "before" that shows the problem happening and an "after" that fixes
//! it, and reports the difference it counted or measured.
//!
//! Layout:
//! - [`sections`]: one file (or folder) per rule, in the article's order:
//!   `shared_state`, `primitives`, `lock_order`, `idempotency`, `timeouts`,
//!   `resources`, `testing`, `right_tool`.
//! - [`Results`]: every section's typed results, the `results` of the
//!   `--json` document; each section's `report` is built from them alone.
//! - [`sizes`]: how much work each section does — quick (the default,
//!   seconds), full, and tiny (tests).
//! - [`light_job`]: this binary started as a process that does one light
//!   I/O job, for `right-tool`.
//! - [`exercises`] and [`solutions`]: the learner's stubs and the reference
//!   answers, checked by the same snapshots.

pub mod exercises;
pub mod light_job;
pub mod sections;
pub mod sizes;
pub mod solutions;

use serde::{Deserialize, Serialize};
use shared::cli::{Chapter, Options, Section};
use shared::typed;
use sizes::Sizes;
use std::path::PathBuf;

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context, Results> = Chapter {
    package: "best-practices",
    title: "Chapter 5 · Best practices: eight rules, measured",
    sections: &[
        Section {
            name: "shared-state",
            summary: "one locked counter for everyone vs owned sums sent once",
            run: typed!(shared_state),
        },
        Section {
            name: "primitives",
            summary: "each primitive at its job; a std lock held across .await",
            run: typed!(primitives),
        },
        Section {
            name: "lock-order",
            summary: "a deadlock forced and detected; one lock order avoids it",
            run: typed!(lock_order),
        },
        Section {
            name: "idempotency",
            summary: "a retried charge applied twice vs keyed by request id",
            run: typed!(idempotency),
        },
        Section {
            name: "timeouts",
            summary: "a call that never answers: stuck vs failing fast",
            run: typed!(timeouts),
        },
        Section {
            name: "resources",
            summary: "release on every path: RAII, scopes, cancelled tasks",
            run: typed!(resources),
        },
        Section {
            name: "testing",
            summary: "one race: found by a stress test and by shuttle",
            run: typed!(testing),
        },
        Section {
            name: "right-tool",
            summary: "light I/O under threads, tasks, processes; the guide",
            run: typed!(right_tool),
        },
    ],
    python: None,
};

/// Everything one run of the chapter measured, section by section: what
/// `--json` prints under `results`, what every report is drawn from. A
/// section that did not run is `None`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Results {
    pub shared_state: Option<sections::shared_state::SharedState>,
    pub primitives: Option<sections::primitives::Primitives>,
    pub lock_order: Option<sections::lock_order::LockOrder>,
    pub idempotency: Option<sections::idempotency::Idempotency>,
    pub timeouts: Option<sections::timeouts::Timeouts>,
    pub resources: Option<sections::resources::Resources>,
    pub testing: Option<sections::testing::Testing>,
    pub right_tool: Option<sections::right_tool::RightTool>,
}

/// The results of a section a report needs (shared by every chapter).
pub use shared::cli::need;

/// What the sections share during one run.
pub struct Context {
    pub sizes: Sizes,
    /// A binary that serves a process pool's workers and the one-job
    /// processes (see `main.rs`): this one, or the one Cargo built for a
    /// test.
    pub worker: PathBuf,
    pub cores: usize,
}

impl Context {
    pub fn new(sizes: Sizes, worker: PathBuf) -> Context {
        Context {
            sizes,
            worker,
            cores: shared::machine::cores(),
        }
    }

    /// Quick or `--full` sizes, and this very binary as the worker.
    pub fn from_options(options: &Options) -> anyhow::Result<Context> {
        let sizes = options.sizes();
        Ok(Context::new(sizes, std::env::current_exe()?))
    }
}
