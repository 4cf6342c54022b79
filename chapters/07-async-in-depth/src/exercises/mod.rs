//! The chapter's exercises: stubs to complete. `checks` runs an attempt and
//! describes what it did; the learner's check compares that with the
//! reference answer's (in `solutions/`), run beside it. Check your attempt:
//! `cargo exercise async-in-depth`.

// The stubs end in `todo!()` until the learner replaces it.
#![allow(clippy::todo)]

pub mod checks;
pub mod countdown;
pub mod read_messages;
pub mod stop_all;
