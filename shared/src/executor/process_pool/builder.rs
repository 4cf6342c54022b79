//! CPython's arguments to `ProcessPoolExecutor`, by their names:
//! `max_workers`, `max_tasks_per_child`, `initializer`.

use super::super::Task;
use super::driver::{WorkerSpec, start_pool};
use super::{DROP_WAIT, ProcessPoolExecutor, wire};
use std::path::{Path, PathBuf};

/// The options of a process pool, before it starts.
#[must_use = "a builder does nothing until build() is called"]
pub struct ProcessPoolBuilder {
    program: PathBuf,
    max_workers: Option<usize>,
    max_tasks_per_child: Option<usize>,
    /// The initializer's task name and arguments, or why they could not be
    /// serialised (reported by `build`).
    initializer: Option<Result<(&'static str, wire::Raw), String>>,
}

impl ProcessPoolBuilder {
    pub(super) fn new(program: &Path) -> ProcessPoolBuilder {
        ProcessPoolBuilder {
            program: program.to_path_buf(),
            max_workers: None,
            max_tasks_per_child: None,
            initializer: None,
        }
    }

    /// How many worker processes (default:
    /// [`ProcessPoolExecutor::default_workers`]).
    pub fn max_workers(mut self, workers: usize) -> Self {
        self.max_workers = Some(workers);
        self
    }

    /// Replaces each worker by a fresh process after it has run `tasks`
    /// jobs: a leak or a cache in the task code cannot grow for ever. As in
    /// CPython, a chunk of `map` is one job.
    pub fn max_tasks_per_child(mut self, tasks: usize) -> Self {
        self.max_tasks_per_child = Some(tasks);
        self
    }

    /// Runs `task` in each worker process, replacements too, before its
    /// first job: CPython's `initializer` and `initargs`, as one [`Task`]
    /// (its result is dropped). If it fails or panics, the pool is broken:
    /// every pending task fails with `BrokenPool`, later submits are
    /// refused, as CPython's `BrokenProcessPool`.
    pub fn initializer<T: Task>(mut self, task: T) -> Self {
        let encoded = wire::encode(&task).map_err(|e| e.to_string());
        self.initializer = Some(encoded.map(|args| (T::NAME, args)));
        self
    }

    /// Starts the workers.
    pub fn build(self) -> anyhow::Result<ProcessPoolExecutor> {
        let workers = self
            .max_workers
            .unwrap_or_else(ProcessPoolExecutor::default_workers);
        anyhow::ensure!(workers > 0, "a pool needs at least one worker");
        anyhow::ensure!(
            self.max_tasks_per_child != Some(0),
            "max_tasks_per_child must be at least 1"
        );
        let initializer = self
            .initializer
            .transpose()
            .map_err(|e| anyhow::anyhow!("cannot serialise the initializer: {e}"))?;
        let spec = WorkerSpec {
            program: self.program,
            initializer,
            max_tasks_per_child: self.max_tasks_per_child,
        };
        let started = start_pool(workers, spec)?;
        Ok(ProcessPoolExecutor {
            state: started.state,
            backlog: started.backlog,
            drivers: super::super::sync::Mutex::new(started.drivers),
            drop_wait: DROP_WAIT,
        })
    }
}
