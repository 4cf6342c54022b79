//! Why a task has no result.

use serde::{Deserialize, Serialize};

/// What `result()` returns instead of a value — Python raises these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskError {
    /// The task returned an error (with its whole `anyhow` chain).
    Failed(String),
    /// The task panicked; the message is the panic's.
    Panicked(String),
    /// The task was cancelled before it started (`CancelledError`).
    Cancelled,
    /// `result` or `exception` gave up waiting; the task goes on
    /// (`TimeoutError`).
    TimedOut,
    /// The pool can run nothing more: a worker process died, the workers
    /// were terminated, or an initializer failed (`BrokenProcessPool`,
    /// `BrokenThreadPool`).
    BrokenPool(String),
}

impl std::fmt::Display for TaskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TaskError::Failed(why) => write!(f, "the task failed: {why}"),
            TaskError::Panicked(why) => write!(f, "the task panicked: {why}"),
            TaskError::Cancelled => write!(f, "the task was cancelled"),
            TaskError::TimedOut => write!(f, "timed out waiting for the task"),
            TaskError::BrokenPool(why) => write!(f, "the pool is broken: {why}"),
        }
    }
}

impl std::error::Error for TaskError {}

/// Why a pool refused a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubmitError {
    /// `shutdown` was called: Python's "cannot schedule new futures after
    /// shutdown".
    ShutDown,
    /// The pool broke earlier (see `TaskError::BrokenPool`).
    Broken(String),
    /// The task's arguments could not be serialised for a worker process.
    Serialise(String),
    /// `map` with `chunksize` 0: CPython's `ValueError`, not a silent 1.
    ZeroChunksize,
    /// `map_buffered` with `buffersize` 0: CPython's `ValueError`.
    ZeroBuffersize,
}

impl std::fmt::Display for SubmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SubmitError::ShutDown => write!(f, "cannot submit after shutdown"),
            SubmitError::Broken(why) => write!(f, "the pool is broken: {why}"),
            SubmitError::Serialise(why) => {
                write!(f, "cannot serialise the task: {why}")
            }
            SubmitError::ZeroChunksize => write!(f, "chunksize must be at least 1"),
            SubmitError::ZeroBuffersize => {
                write!(f, "buffersize must be at least 1")
            }
        }
    }
}

impl std::error::Error for SubmitError {}
