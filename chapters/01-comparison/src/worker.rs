//! Worker processes: this chapter's own binary, started again by a
//! `ProcessPoolExecutor` with `--executor-worker`.
//!
//! Everything that crosses the process boundary is serialised — the Rust
//! counterpart of `multiprocessing` pickling a task and its arguments. A task
//! is named by a type both sides are compiled from, as Python names a
//! function by its module and qualified name: the worker finds it in the
//! [`registry`] its `main` serves.

use crate::sections::combining::FetchThenSum;
use shared::executor::Registry;

// ANCHOR: registry
/// The tasks a worker can run: the shared ones, and this chapter's own.
pub fn registry() -> Registry {
    shared::tasks::registry().register::<FetchThenSum>()
}
// ANCHOR_END: registry
