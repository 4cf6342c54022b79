//! The chapter's exercises, listed once: for the learner's check
//! (`exercises.rs`, run by `cargo exercise comparison`) and for the chapter's
//! own tests (`exercise_checks.rs`). Each runs its check on the learner's
//! attempt and on the reference solution, in the same run.

use comparison::exercises::{self as attempt, checks};
use comparison::solutions as reference;
use shared::exercise::Exercise;

pub const EXERCISES: [Exercise; 3] = [
    Exercise {
        file: "src/exercises/fetch_all.rs",
        source: include_str!("../../src/exercises/fetch_all.rs"),
        attempt: || checks::check_fetch_all(attempt::fetch_all::fetch_all),
        reference: || checks::check_fetch_all(reference::fetch_all::fetch_all),
    },
    Exercise {
        file: "src/exercises/parallel_sum.rs",
        source: include_str!("../../src/exercises/parallel_sum.rs"),
        attempt: || checks::check_parallel_sum(attempt::parallel_sum::parallel_sum),
        reference: || {
            checks::check_parallel_sum(reference::parallel_sum::parallel_sum)
        },
    },
    Exercise {
        file: "src/exercises/pick_model.rs",
        source: include_str!("../../src/exercises/pick_model.rs"),
        attempt: || checks::check_pick_model(attempt::pick_model::pick_model),
        reference: || checks::check_pick_model(reference::pick_model::pick_model),
    },
];
