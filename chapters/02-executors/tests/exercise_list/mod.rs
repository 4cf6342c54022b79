//! The chapter's exercises, listed once: for the learner's check
//! (`exercises.rs`, run by `cargo exercise executors`) and for the chapter's
//! own tests (`exercise_checks.rs`). Each runs its check on the learner's
//! attempt and on the reference solution, in the same run.

use executors::exercises::{self as attempt, checks};
use executors::solutions as reference;
use shared::exercise::Exercise;
use std::path::Path;

pub const EXERCISES: [Exercise; 3] = [
    Exercise {
        file: "src/exercises/ordered_map.rs",
        source: include_str!("../../src/exercises/ordered_map.rs"),
        attempt: || checks::check_map_in_order(attempt::ordered_map::map_in_order),
        reference: || {
            checks::check_map_in_order(reference::ordered_map::map_in_order)
        },
    },
    Exercise {
        file: "src/exercises/completion_order.rs",
        source: include_str!("../../src/exercises/completion_order.rs"),
        attempt: || {
            checks::check_completion_order(
                attempt::completion_order::completion_order,
            )
        },
        reference: || {
            checks::check_completion_order(
                reference::completion_order::completion_order,
            )
        },
    },
    Exercise {
        file: "src/exercises/word_count.rs",
        source: include_str!("../../src/exercises/word_count.rs"),
        attempt: || {
            checks::check_word_count(
                Path::new(env!("CARGO_BIN_EXE_executors")),
                |text| attempt::word_count::WordCount { text },
            )
        },
        reference: || {
            checks::check_word_count(
                Path::new(env!("CARGO_BIN_EXE_executors")),
                |text| reference::word_count::WordCount { text },
            )
        },
    },
];
