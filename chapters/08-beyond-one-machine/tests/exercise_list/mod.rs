//! The chapter's exercises, listed once: for the learner's check
//! (`exercises.rs`, run by `cargo exercise beyond-one-machine`) and for
//! the chapter's own tests (`exercise_checks.rs`). Each runs its check on
//! the learner's attempt and on the reference solution, in the same run.

use beyond_one_machine::exercises::{self as attempt, checks};
use beyond_one_machine::solutions as reference;
use shared::exercise::Exercise;

pub const EXERCISES: [Exercise; 1] = [Exercise {
    file: "src/exercises/apply_once.rs",
    source: include_str!("../../src/exercises/apply_once.rs"),
    attempt: || checks::check_apply_once(attempt::apply_once::apply_once),
    reference: || checks::check_apply_once(reference::apply_once::apply_once),
}];
