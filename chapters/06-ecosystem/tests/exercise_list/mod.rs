//! The chapter's exercises, listed once: for the learner's check
//! (`exercises.rs`, run by `cargo exercise ecosystem`) and for the chapter's
//! own tests (`exercise_checks.rs`). Each runs its check on the learner's
//! attempt and on the reference solution, in the same run.

use ecosystem::exercises::{self as attempt, checks};
use ecosystem::solutions as reference;
use shared::exercise::Exercise;

pub const EXERCISES: [Exercise; 3] = [
    Exercise {
        file: "src/exercises/fetch_bounded.rs",
        source: include_str!("../../src/exercises/fetch_bounded.rs"),
        attempt: || {
            checks::check_fetch_bounded(attempt::fetch_bounded::fetch_bounded)
        },
        reference: || {
            checks::check_fetch_bounded(reference::fetch_bounded::fetch_bounded)
        },
    },
    Exercise {
        file: "src/exercises/first_answer.rs",
        source: include_str!("../../src/exercises/first_answer.rs"),
        attempt: || checks::check_first_answer(attempt::first_answer::first_answer),
        reference: || {
            checks::check_first_answer(reference::first_answer::first_answer)
        },
    },
    Exercise {
        file: "src/exercises/pay_all.rs",
        source: include_str!("../../src/exercises/pay_all.rs"),
        attempt: || checks::check_pay_all(attempt::pay_all::pay_all),
        reference: || checks::check_pay_all(reference::pay_all::pay_all),
    },
];
