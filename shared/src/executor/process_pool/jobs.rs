//! A queued unit of work for a worker process, and the futures it
//! completes, whatever their output type.

use super::super::{TaskError, TaskFuture};
use super::wire::{Raw, decode};
use serde::de::DeserializeOwned;

/// A queued unit of work: a task name, one argument set per future.
pub(super) struct Job {
    pub task: &'static str,
    pub args: Vec<Raw>,
    pub futures: Box<dyn JobFutures>,
}

/// The futures of one job, whatever their output type.
pub(super) trait JobFutures: Send {
    /// Moves each pending future to running; false for those cancelled.
    fn start(&self) -> Vec<bool>;
    /// Completes the started futures from the worker's results.
    fn complete(&self, started: &[bool], results: Vec<Result<Raw, TaskError>>);
    fn fail(&self, why: &TaskError);
    fn cancel(&self);
}

/// A result from the worker, decoded into the future's type.
fn read_result<T: DeserializeOwned>(
    result: Result<Raw, TaskError>,
) -> Result<T, TaskError> {
    result.and_then(|bytes| {
        decode(&bytes)
            .map_err(|e| TaskError::Failed(format!("reading the result: {e}")))
    })
}

impl<T: DeserializeOwned + Clone + Send + 'static> JobFutures
    for Vec<TaskFuture<T>>
{
    fn start(&self) -> Vec<bool> {
        self.iter().map(TaskFuture::set_running).collect()
    }

    fn complete(&self, started: &[bool], results: Vec<Result<Raw, TaskError>>) {
        let running = self
            .iter()
            .zip(started)
            .filter(|(_, s)| **s)
            .map(|(f, _)| f);
        for (future, result) in running.zip(results) {
            future.finish(read_result(result));
        }
    }

    fn fail(&self, why: &TaskError) {
        self.iter().for_each(|f| f.finish(Err(why.clone())));
    }

    fn cancel(&self) {
        for future in self {
            future.cancel();
        }
    }
}

/// One future for a whole chunk of tasks: what `map` uses.
pub(super) struct Batch<T: Clone + Send + 'static> {
    pub future: TaskFuture<Vec<Result<T, TaskError>>>,
    pub len: usize,
}

impl<T: DeserializeOwned + Clone + Send + 'static> JobFutures for Batch<T> {
    fn start(&self) -> Vec<bool> {
        vec![self.future.set_running(); self.len]
    }

    fn complete(&self, started: &[bool], results: Vec<Result<Raw, TaskError>>) {
        if !started.first().copied().unwrap_or(false) {
            return;
        }
        let values = results.into_iter().map(read_result);
        self.future.finish(Ok(values.collect()));
    }

    fn fail(&self, why: &TaskError) {
        self.future.finish(Err(why.clone()));
    }

    fn cancel(&self) {
        self.future.cancel();
    }
}
