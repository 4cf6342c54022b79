//! What the models run on: the worker program for processes, the core
//! count the pools are sized from, and the one tokio runtime they share.

use shared::executor::ProcessPoolExecutor;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use tokio::runtime::Runtime;

/// Which program to start as a worker process: a chapter passes its own
/// executable, which serves the tasks with `serve_if_worker`; tests pass
/// the binary Cargo built for them.
#[derive(Clone, Debug)]
pub struct WorkerCommand {
    pub program: PathBuf,
}

impl WorkerCommand {
    /// The program with other arguments (chapter 1's `--probe`).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.program);
        command.args(args);
        command
    }

    /// A pool of `workers` copies of the program.
    pub fn pool(&self, workers: usize) -> anyhow::Result<ProcessPoolExecutor> {
        ProcessPoolExecutor::new(workers, &self.program)
    }
}

/// Everything a model needs besides its input, made once per run.
pub struct Runners {
    pub worker: WorkerCommand,
    pub cores: usize,
    tokio: OnceLock<Runtime>,
}

impl Runners {
    pub fn new(worker: WorkerCommand) -> Runners {
        Runners {
            worker,
            cores: shared::machine::cores(),
            tokio: OnceLock::new(),
        }
    }

    /// The shared tokio runtime, built on first use: building one costs a
    /// few threads, so a run makes one, as `asyncio.run` wraps a program.
    pub fn tokio(&self) -> anyhow::Result<&Runtime> {
        if let Some(runtime) = self.tokio.get() {
            return Ok(runtime);
        }
        let runtime = crate::tokio_tasks::runtime()?;
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
}
