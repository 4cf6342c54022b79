//! Worker processes: this chapter's own binary, started again by a
//! [`ProcessPoolExecutor`] with `--executor-worker`.
//!
//! Everything that crosses the process boundary is serialised — the Rust
//! counterpart of `multiprocessing` pickling a task and its arguments. A task
//! is named by a type both sides are compiled from, as Python names a
//! function by its module and qualified name: the worker finds it in the
//! [`registry`] its `main` serves.

use crate::sections::combining::FetchThenSum;
use shared::executor::{ProcessPoolExecutor, Registry};
use std::path::PathBuf;
use std::process::Command;

/// Which program to start as a worker: the chapter passes its own
/// executable; tests pass the binary Cargo built for them.
#[derive(Clone, Debug)]
pub struct WorkerCommand {
    pub program: PathBuf,
}

impl WorkerCommand {
    /// The program with other arguments (the memory section's `--probe`).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.program);
        command.args(args);
        command
    }

    /// A pool of `workers` copies of the program, each serving [`registry`].
    pub fn pool(&self, workers: usize) -> anyhow::Result<ProcessPoolExecutor> {
        ProcessPoolExecutor::new(workers, &self.program)
    }
}

// ANCHOR: registry
/// The tasks a worker can run: the shared ones, and this chapter's own.
pub fn registry() -> Registry {
    shared::tasks::registry().register::<FetchThenSum>()
}
// ANCHOR_END: registry
