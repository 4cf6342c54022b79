//! The learner's check: `cargo exercise best-practices`. It fails until
//! every exercise in `src/exercises/` behaves like the reference answer.

use best_practices::exercises::{self, checks};

#[test]
fn exercise_1_add_timeout() {
    let described = checks::check_add_timeout(exercises::add_timeout::call);
    testkit::assert_exercise_snapshot!("add_timeout", described);
}

#[test]
fn exercise_2_idempotent_handler() {
    let described =
        checks::check_idempotent_handler(exercises::idempotent_handler::handle);
    testkit::assert_exercise_snapshot!("idempotent_handler", described);
}

#[test]
fn exercise_3_lock_to_channel() {
    let described =
        checks::check_lock_to_channel(exercises::lock_to_channel::send_subtotals);
    testkit::assert_exercise_snapshot!("lock_to_channel", described);
}
