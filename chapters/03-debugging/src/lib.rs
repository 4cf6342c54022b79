//! Chapter 3: the four problems of concurrent code — races, deadlocks,
//! starvation and bugs that will not reproduce — each happening for real,
//! caught by a tool, and fixed, with a test for the failure and the fix.
//!
//! Layout:
//! - [`sections`]: one file per section of the chapter, in the order the
//!   page tells them: the four problems, then the tools. The code under
//!   test in `reproduce` lives in `sections/start_once.rs`, included twice:
//!   over std's threads and over shuttle's.
//! - [`Results`]: every section's typed results, the `results` of the
//!   `--json` document the book is rendered from.
//! - [`python`]: CPython's shared counter beside Rust's, with `--python`.
//! - [`python_relock`]: CPython's `Lock` and `RLock` beside Rust's locks.
//! - [`hang`]: the deadlock that never ends, run as a child process
//!   (`--hang`) so `debugger` has a hung process to look into.
//! - [`sizes`]: how much work each section does (quick, full, tiny).
//! - [`exercises`] and [`solutions`]: the learner's stubs and the reference
//!   answers, checked by the same snapshots.

pub mod exercises;
pub mod hang;
pub mod python;
pub mod python_relock;
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
    package: "debugging",
    title: "Chapter 3 · Debugging: races, deadlocks, starvation",
    sections: &[
        Section {
            name: "race-condition",
            summary: "lost updates in safe Rust, counted over many runs; three fixes",
            run: typed!(race_condition),
        },
        Section {
            name: "deadlock",
            summary: "two locks in opposite order: deadlocked, detected, recovered",
            run: typed!(deadlock),
        },
        Section {
            name: "relock",
            summary: "Python's RLock: a Mutex asked again by its holder; two ways out",
            run: typed!(relock),
        },
        Section {
            name: "starvation",
            summary: "a thread behind a greedy one: its longest wait, unfair vs fair",
            run: typed!(starvation),
        },
        Section {
            name: "reproduce",
            summary: "a rare race made to show every time with shuttle",
            run: typed!(reproduce),
        },
        Section {
            name: "logging",
            summary: "tracing spans across threads and .await, with thread ids and pid",
            run: typed!(logging),
        },
        Section {
            name: "profiling",
            summary: "time waiting for a lock vs holding it; tokio's runtime metrics",
            run: typed!(profiling),
        },
        Section {
            name: "blocked-executor",
            summary: "a watchdog that names the task blocking the runtime",
            run: typed!(blocked_executor),
        },
        Section {
            name: "debugger",
            summary: "every thread's backtrace from a hung process (gdb, /proc)",
            run: typed!(debugger),
        },
    ],
    python: Some("CPython's counter and locks too (race-condition, relock)"),
};

/// Everything one run of the chapter measured, section by section: what
/// `--json` prints under `results`, what every report is drawn from. A
/// section that did not run is `None`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Results {
    pub race_condition: Option<sections::race_condition::RaceCondition>,
    pub deadlock: Option<sections::deadlock::Deadlock>,
    pub relock: Option<sections::relock::Relock>,
    pub starvation: Option<sections::starvation::Starvation>,
    pub reproduce: Option<sections::reproduce::Reproduce>,
    pub logging: Option<sections::logging::Logging>,
    pub profiling: Option<sections::profiling::Profiling>,
    pub blocked_executor: Option<sections::blocked_executor::BlockedExecutor>,
    pub debugger: Option<sections::debugger::Debugger>,
}

/// The results of a section a report needs (shared by every chapter).
pub use shared::cli::need;

/// What the sections share during one run.
pub struct Context {
    pub sizes: Sizes,
    /// This chapter's binary: `debugger` starts it with `--hang`.
    pub program: PathBuf,
    /// The interpreter for race-condition's CPython counter, when
    /// `--python` asked.
    pub python: Option<String>,
}

impl Context {
    /// The context for a command line: quick or `--full` sizes, and this
    /// very binary as the process to hang.
    pub fn from_options(options: &Options) -> anyhow::Result<Context> {
        let sizes = options.sizes();
        let program = std::env::current_exe()?;
        let python = options.python_interpreter();
        Ok(Context {
            sizes,
            program,
            python,
        })
    }
}
