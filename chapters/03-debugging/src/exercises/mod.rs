//! The chapter's exercises. Each file holds a stub to complete; `checks` runs
//! an attempt and describes what it did, and the learner's check compares that
//! description with the reference answer's (in `solutions/`), run beside it.
//!
//! Check your attempt: `cargo exercise debugging`.

// The stubs end in `todo!()` until the learner replaces it.
#![allow(clippy::todo)]

pub mod balance;
pub mod checks;
pub mod hits;
pub mod lock_order;
pub mod lost_update;
pub mod responsive;
