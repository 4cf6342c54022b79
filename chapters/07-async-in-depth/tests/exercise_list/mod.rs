//! The chapter's exercises, listed once: for the learner's check
//! (`exercises.rs`, run by `cargo exercise async-in-depth`) and for the
//! chapter's own tests (`exercise_checks.rs`). Each runs its check on the
//! learner's attempt and on the reference solution, in the same run.

use async_in_depth::exercises::{self as attempt, checks};
use async_in_depth::solutions as reference;
use shared::exercise::Exercise;

pub const EXERCISES: [Exercise; 3] = [
    Exercise {
        file: "src/exercises/countdown.rs",
        source: include_str!("../../src/exercises/countdown.rs"),
        attempt: || {
            checks::check_countdown(|left| attempt::countdown::Countdown { left })
        },
        reference: || {
            checks::check_countdown(|left| reference::countdown::Countdown { left })
        },
    },
    Exercise {
        file: "src/exercises/read_messages.rs",
        source: include_str!("../../src/exercises/read_messages.rs"),
        attempt: || {
            checks::check_read_messages(attempt::read_messages::read_messages)
        },
        reference: || {
            checks::check_read_messages(reference::read_messages::read_messages)
        },
    },
    Exercise {
        file: "src/exercises/stop_all.rs",
        source: include_str!("../../src/exercises/stop_all.rs"),
        attempt: || checks::check_stop_all(attempt::stop_all::stop_all),
        reference: || checks::check_stop_all(reference::stop_all::stop_all),
    },
];
