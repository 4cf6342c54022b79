//! The chapter's exercises. Each file holds a stub to complete; `checks` runs
//! an attempt against a real server or database and describes what it did, and
//! the learner's check compares that description with the reference answer's
//! (in `solutions/`), run beside it.
//!
//! Check your attempt: `cargo exercise ecosystem`.

// The stubs end in `todo!()` until the learner replaces it.
#![allow(clippy::todo)]

pub mod checks;
pub mod fetch_bounded;
pub mod first_answer;
pub mod pay_all;
