//! The chapter's exercises: stubs to complete. `checks` runs an attempt and
//! describes what it did; a snapshot holds what the reference answer (in
//! `solutions/`) produces. Check your attempt: `cargo exercise error-handling`.

// The stubs end in `todo!()` until the learner replaces it.
#![allow(clippy::todo)]

pub mod batch;
pub mod checks;
pub mod drain;
pub mod named_panic;
