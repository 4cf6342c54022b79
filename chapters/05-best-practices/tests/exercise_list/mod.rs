//! The chapter's exercises, listed once: for the learner's check
//! (`exercises.rs`, run by `cargo exercise best-practices`) and for the
//! chapter's own tests (`exercise_checks.rs`). Each runs its check on the
//! learner's attempt and on the reference solution, in the same run.

use best_practices::exercises::{self as attempt, checks};
use best_practices::solutions as reference;
use shared::exercise::Exercise;

pub const EXERCISES: [Exercise; 3] = [
    Exercise {
        file: "src/exercises/add_timeout.rs",
        source: include_str!("../../src/exercises/add_timeout.rs"),
        attempt: || checks::check_add_timeout(attempt::add_timeout::call),
        reference: || checks::check_add_timeout(reference::add_timeout::call),
    },
    Exercise {
        file: "src/exercises/idempotent_handler.rs",
        source: include_str!("../../src/exercises/idempotent_handler.rs"),
        attempt: || {
            checks::check_idempotent_handler(attempt::idempotent_handler::handle)
        },
        reference: || {
            checks::check_idempotent_handler(reference::idempotent_handler::handle)
        },
    },
    Exercise {
        file: "src/exercises/lock_to_channel.rs",
        source: include_str!("../../src/exercises/lock_to_channel.rs"),
        attempt: || {
            checks::check_lock_to_channel(attempt::lock_to_channel::send_subtotals)
        },
        reference: || {
            checks::check_lock_to_channel(reference::lock_to_channel::send_subtotals)
        },
    },
];
