//! The chapter's exercises. Each file holds a stub to complete; `checks` runs
//! an attempt and describes what it did, and the learner's check compares that
//! description with the reference answer's (in `solutions/`), run beside it.
//!
//! Check your attempt: `cargo exercise comparison`.

// The stubs end in `todo!()` until the learner replaces it.
#![allow(clippy::todo)]

pub mod checks;
pub mod fetch_all;
pub mod parallel_sum;
pub mod pick_model;
