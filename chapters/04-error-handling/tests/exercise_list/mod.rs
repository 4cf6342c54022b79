//! The chapter's exercises, listed once: for the learner's check
//! (`exercises.rs`, run by `cargo exercise error-handling`) and for the
//! chapter's own tests (`exercise_checks.rs`). Each runs its check on the
//! learner's attempt and on the reference solution, in the same run.

use error_handling::exercises::{self as attempt, checks};
use error_handling::solutions as reference;
use shared::exercise::Exercise;

pub const EXERCISES: [Exercise; 3] = [
    Exercise {
        file: "src/exercises/batch.rs",
        source: include_str!("../../src/exercises/batch.rs"),
        attempt: || checks::check_batch(attempt::batch::run_batch),
        reference: || checks::check_batch(reference::batch::run_batch),
    },
    Exercise {
        file: "src/exercises/named_panic.rs",
        source: include_str!("../../src/exercises/named_panic.rs"),
        attempt: || checks::check_named(attempt::named_panic::run_named),
        reference: || checks::check_named(reference::named_panic::run_named),
    },
    Exercise {
        file: "src/exercises/drain.rs",
        source: include_str!("../../src/exercises/drain.rs"),
        attempt: || checks::check_drain(attempt::drain::drain),
        reference: || checks::check_drain(reference::drain::drain),
    },
];
