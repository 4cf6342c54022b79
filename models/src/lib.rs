//! The eight ways to run the same work, one file each, shared by every
//! chapter that compares them: chapter 1 runs all eight, chapter 5's
//! `right-tool` three of them. A crate of its own so that no chapter
//! depends on another, and so that a chapter which does not compare
//! async-std and smol does not compile them (features `async-std`, `smol`).
//!
//! Every model has a `download_all` (the I/O-bound job) and a `sum_all`
//! (the CPU-bound job) that return their results in input order; [`Model`]
//! names them and [`Runners`] holds what they run on.

#[cfg(feature = "async-std")]
pub mod async_std_tasks;
mod model;
pub mod processes;
pub mod rayon_pool;
mod runners;
pub mod sequential;
#[cfg(feature = "smol")]
pub mod smol_tasks;
pub mod thread_pool;
pub mod threads;
pub mod tokio_tasks;

pub use model::Model;
pub use runners::{Runners, WorkerCommand};
