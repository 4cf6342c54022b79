//! The chapter's exercise: a stub to complete. `checks` runs an attempt
//! and describes what it did; the learner's check compares that with the
//! reference answer's (in `solutions/`), run beside it. Check your
//! attempt: `cargo exercise beyond-one-machine`.

// The stub ends in `todo!()` until the learner replaces it.
#![allow(clippy::todo)]

pub mod apply_once;
pub mod checks;
