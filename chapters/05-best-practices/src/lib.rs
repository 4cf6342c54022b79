//! Chapter 5: the eight rules of concurrent code. Each section runs a
//! "before" that shows the problem happening and an "after" that fixes
//! it, and reports the difference it counted or measured.
//!
//! Layout:
//! - [`sections`]: one file (or folder) per rule, in the article's order:
//!   `shared_state`, `primitives`, `lock_order`, `idempotency`, `timeouts`,
//!   `resources`, `testing`, `right_tool`.
//! - [`sizes`]: how much work each section does — quick (the default,
//!   seconds), full, and tiny (tests).
//! - [`light_job`]: this binary started as a process that does one light
//!   I/O job, for `right-tool`.
//! - [`quiet`]: runs code that panics on purpose without printing the
//!   panic, so a demo's output stays readable.
//! - [`exercises`] and [`solutions`]: the learner's stubs and the reference
//!   answers, checked by the same snapshots.

pub mod exercises;
pub mod light_job;
pub mod quiet;
pub mod sections;
pub mod sizes;
pub mod solutions;

use shared::cli::{Chapter, Options, Run, Section};
use sizes::Sizes;
use std::path::PathBuf;

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context> = Chapter {
    package: "best-practices",
    title: "Chapter 5 · Best practices: eight rules, measured",
    sections: &[
        Section {
            name: "shared-state",
            summary: "one locked counter for everyone vs owned sums sent once",
            run: Run::Once(sections::shared_state::run),
        },
        Section {
            name: "primitives",
            summary: "each primitive at its job; a std lock held across .await",
            run: Run::Once(sections::primitives::run),
        },
        Section {
            name: "lock-order",
            summary: "a deadlock forced and detected; one lock order avoids it",
            run: Run::Once(sections::lock_order::run),
        },
        Section {
            name: "idempotency",
            summary: "a retried charge applied twice vs keyed by request id",
            run: Run::Once(sections::idempotency::run),
        },
        Section {
            name: "timeouts",
            summary: "a call that never answers: stuck vs failing fast",
            run: Run::Once(sections::timeouts::run),
        },
        Section {
            name: "resources",
            summary: "release on every path: RAII, scopes, cancelled tasks",
            run: Run::Once(sections::resources::run),
        },
        Section {
            name: "testing",
            summary: "one race: found by a stress test and by shuttle",
            run: Run::Once(sections::testing::run),
        },
        Section {
            name: "right-tool",
            summary: "light I/O under threads, tasks, processes; the guide",
            run: Run::Once(sections::right_tool::run),
        },
    ],
    flags: &[],
};

/// What the sections share during one run.
pub struct Context {
    pub sizes: Sizes,
    /// A binary that serves chapter 1's worker processes and the one-job
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
        let sizes = if options.full {
            Sizes::full()
        } else {
            Sizes::quick()
        };
        Ok(Context::new(sizes, std::env::current_exe()?))
    }
}
