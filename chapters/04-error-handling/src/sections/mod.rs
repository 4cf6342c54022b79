//! One file per section, in the order of the page.

pub mod async_tasks;
pub mod context;
pub mod executors;
pub mod processes;
pub mod rayon;
pub mod threads;
pub mod timeouts;
