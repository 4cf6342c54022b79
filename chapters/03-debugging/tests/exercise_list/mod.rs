//! The chapter's exercises, listed once: for the learner's check
//! (`exercises.rs`, run by `cargo exercise debugging`) and for the chapter's
//! own tests (`exercise_checks.rs`). Each runs its check on the learner's
//! attempt and on the reference solution, in the same run.

use debugging::exercises::{self as attempt, checks};
use debugging::solutions as reference;
use shared::exercise::Exercise;

pub const EXERCISES: [Exercise; 3] = [
    Exercise {
        file: "src/exercises/lock_order.rs",
        source: include_str!("../../src/exercises/lock_order.rs"),
        attempt: || checks::check_lock_order(attempt::lock_order::transfer),
        reference: || checks::check_lock_order(reference::lock_order::transfer),
    },
    Exercise {
        file: "src/exercises/lost_update.rs",
        source: include_str!("../../src/exercises/lost_update.rs"),
        attempt: || checks::check_lost_update(attempt::lost_update::record_hit),
        reference: || checks::check_lost_update(reference::lost_update::record_hit),
    },
    Exercise {
        file: "src/exercises/responsive.rs",
        source: include_str!("../../src/exercises/responsive.rs"),
        attempt: || {
            checks::check_responsive(|data| {
                Box::pin(attempt::responsive::checksum(data))
            })
        },
        reference: || {
            checks::check_responsive(|data| {
                Box::pin(reference::responsive::checksum(data))
            })
        },
    },
];
