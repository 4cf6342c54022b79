//! The chapter's exercises: stubs to complete. `checks` runs an attempt and
//! describes what it did; the learner's check compares that with the reference
//! answer's (in `solutions/`), run beside it. Check your attempt: `cargo
//! exercise error-handling`.

// The stubs end in `todo!()` until the learner replaces it.
#![allow(clippy::todo)]

pub mod batch;
pub mod checks;
pub mod drain;
pub mod named_panic;
