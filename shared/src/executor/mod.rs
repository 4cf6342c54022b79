//! `concurrent.futures` in Rust: a [`ThreadPoolExecutor`] and a
//! [`ProcessPoolExecutor`] behind one [`Executor`] trait, so switching
//! between threads and processes is a one-line change — the article's point.
//!
//! Layout:
//! - [`future`]: [`TaskFuture`], the handle `submit` returns at once, and
//!   its state machine (pending → running → finished / cancelled).
//! - [`thread_pool`]: worker threads taking work from a crossbeam channel.
//! - [`process_pool`]: worker processes fed over pipes; tasks and results
//!   cross the boundary as postcard frames, each task named by a [`Task`]
//!   type both sides are compiled from.
//! - [`waiting`]: `map`'s ordered results, `as_completed` and `wait`.
//! - [`error`]: why a task has no result, and why a pool refused one.
//! - `sync`: std's locks, or shuttle's for the model-checking tests.

pub mod error;
pub mod future;
pub mod process_pool;
mod sync;
pub mod thread_pool;
pub mod waiting;

pub use error::{SubmitError, TaskError};
pub use future::{Order, QueuedTask, State, TaskFuture};
pub use process_pool::{ProcessPoolExecutor, Registry};
pub use thread_pool::ThreadPoolExecutor;
pub use waiting::{
    BufferedMap, MapResults, ReturnWhen, Unfinished, Waited, as_completed, wait,
};

use serde::Serialize;

/// The future of a chunk of tasks: one result per task.
pub type BatchFuture<T> = TaskFuture<Vec<Result<T, TaskError>>>;
use serde::de::DeserializeOwned;
use std::time::Duration;

// ANCHOR: task
/// A task either pool can run. Its fields are its arguments; `NAME` is how a
/// worker process finds the code to run — as Python pickles a function by
/// its module and name, and so cannot send a lambda.
pub trait Task: Serialize + DeserializeOwned + Send + 'static {
    type Output: Serialize + DeserializeOwned + Clone + Send + 'static;
    const NAME: &'static str;
    fn run(self) -> anyhow::Result<Self::Output>;
}
// ANCHOR_END: task

// ANCHOR: executor
/// What both pools offer. Code written against it switches from threads to
/// processes by changing the line that builds the pool.
pub trait Executor {
    /// Queues `tasks` as one unit of work (one message to a worker process)
    /// and returns a future for each, in order.
    fn submit_chunk<T: Task>(
        &self,
        tasks: Vec<T>,
    ) -> Result<Vec<TaskFuture<T::Output>>, SubmitError>;

    /// Queues `tasks` as one unit of work with one future for them all, its
    /// value a result per task: `map` uses it, so a chunk costs one future.
    fn submit_batch<T: Task>(
        &self,
        tasks: Vec<T>,
    ) -> Result<BatchFuture<T::Output>, SubmitError>;

    /// Stops taking tasks. `cancel_futures` cancels what has not started;
    /// `wait` blocks until the running tasks are done and the workers gone.
    fn shutdown(&self, wait: bool, cancel_futures: bool);

    /// Queues one task and returns its future at once.
    fn submit<T: Task>(
        &self,
        task: T,
    ) -> Result<TaskFuture<T::Output>, SubmitError> {
        let mut futures = self.submit_chunk(vec![task])?;
        Ok(futures.pop().expect("one future per task"))
    }

    /// Runs every task, sent `chunksize` (at least 1) at a time, and yields
    /// the results in input order as they become available; with a
    /// `timeout`, a result not ready by then is `TaskError::TimedOut`
    /// (counted from this call).
    fn map<T: Task>(
        &self,
        tasks: impl IntoIterator<Item = T>,
        chunksize: usize,
        timeout: Option<Duration>,
    ) -> Result<MapResults<T::Output>, SubmitError> {
        if chunksize == 0 {
            return Err(SubmitError::ZeroChunksize);
        }
        let mut batches = Vec::new();
        let mut tasks = tasks.into_iter().peekable();
        while tasks.peek().is_some() {
            let chunk: Vec<T> = tasks.by_ref().take(chunksize).collect();
            let len = chunk.len();
            batches.push((self.submit_batch(chunk)?, len));
        }
        Ok(MapResults::new(batches, timeout))
    }

    /// `map` for an input too long to hold, or without end: Python 3.14's
    /// `map(buffersize=…)`. Only `buffersize` chunks are submitted ahead;
    /// each time the oldest is waited on, one more is taken from `tasks`.
    fn map_buffered<'a, T: Task>(
        &'a self,
        tasks: impl IntoIterator<Item = T> + 'a,
        chunksize: usize,
        timeout: Option<Duration>,
        buffersize: usize,
    ) -> Result<BufferedMap<'a, T::Output>, SubmitError>
    where
        Self: Sized,
    {
        if chunksize == 0 {
            return Err(SubmitError::ZeroChunksize);
        }
        if buffersize == 0 {
            return Err(SubmitError::ZeroBuffersize);
        }
        let mut tasks = tasks.into_iter().fuse();
        let mut next_chunk = move || {
            let chunk: Vec<T> = tasks.by_ref().take(chunksize).collect();
            let len = chunk.len();
            (len > 0).then(|| self.submit_batch(chunk).map(|future| (future, len)))
        };
        let mut first = Vec::new();
        while first.len() < buffersize {
            match next_chunk() {
                Some(batch) => first.push(batch?),
                None => break,
            }
        }
        let results = MapResults::new(first, timeout);
        Ok(BufferedMap::new(results, Box::new(next_chunk)))
    }
}
// ANCHOR_END: executor

/// Runs a task where it is, turning a panic into `TaskError::Panicked` and
/// an error into `TaskError::Failed`: how both pools run what they are given.
pub fn run_caught<T>(
    task: impl FnOnce() -> anyhow::Result<T>,
) -> Result<T, TaskError> {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    match catch_unwind(AssertUnwindSafe(task)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(TaskError::Failed(format!("{err:#}"))),
        Err(payload) => {
            Err(TaskError::Panicked(crate::panics::panic_message(&*payload)))
        }
    }
}
