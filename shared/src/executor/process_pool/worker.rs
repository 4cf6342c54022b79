//! The worker process's side: find each task's code by its name, run it,
//! reply.

use super::super::{Task, TaskError, run_caught};
use super::wire::{Raw, Reply, Request, decode, encode, read_frame, write_reply};
use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

/// The argument that makes a program serve as a worker process.
pub const WORKER_FLAG: &str = "--executor-worker";

type Runner = fn(&[u8]) -> Result<Raw, TaskError>;

// ANCHOR: registry
/// The tasks a worker process can run, by name.
#[derive(Default)]
pub struct Registry {
    tasks: HashMap<&'static str, Runner>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub fn register<T: Task>(mut self) -> Registry {
        self.tasks.insert(T::NAME, run_named::<T>);
        self
    }
}

fn run_named<T: Task>(args: &[u8]) -> Result<Raw, TaskError> {
    let task: T = decode(args)
        .map_err(|e| TaskError::Failed(format!("arguments of {}: {e}", T::NAME)))?;
    let output = run_caught(|| task.run())?;
    encode(&output).map_err(|e| TaskError::Failed(format!("result: {e}")))
}
// ANCHOR_END: registry

impl Registry {
    /// One result per argument set of `request`, in order.
    fn run(&self, request: &Request) -> Vec<Result<Raw, TaskError>> {
        match self.tasks.get(request.task.as_str()) {
            Some(run) => request.args.iter().map(|args| run(args)).collect(),
            None => {
                let why = format!("no task named '{}' in this worker", request.task);
                let failed = || Err(TaskError::Failed(why.clone()));
                request.args.iter().map(|_| failed()).collect()
            }
        }
    }
}

/// Call first in `main`: if this process was started as a worker, serve
/// until the parent closes stdin and return the exit code.
pub fn serve_if_worker(registry: &Registry) -> Option<ExitCode> {
    if std::env::args_os()
        .nth(1)
        .is_none_or(|arg| arg != WORKER_FLAG)
    {
        return None;
    }
    Some(serve_worker(registry))
}

/// What a worker process does once it knows it is one (a chapter's hidden
/// mode, see `shared::cli::Mode`): serve until the parent closes stdin.
pub fn serve_worker(registry: &Registry) -> ExitCode {
    // A task's panic travels back in its reply; do not also print it here.
    std::panic::set_hook(Box::new(|_| {}));
    let served = serve(registry, std::io::stdin().lock(), std::io::stdout().lock());
    if served.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// The worker's loop: a request frame in, a reply frame out, until the
/// pool closes `input`.
pub fn serve(
    registry: &Registry,
    mut input: impl BufRead,
    output: impl Write,
) -> std::io::Result<()> {
    let mut output = BufWriter::new(output);
    while let Some(request) = read_frame::<Request>(&mut input)? {
        let results = registry.run(&request);
        // The task's prints went to the same stdout: flush them first, so
        // they come before the marker, never inside the reply.
        std::io::stdout().flush()?;
        write_reply(&mut output, &Reply { results })?;
        output.flush()?;
    }
    Ok(())
}
