//! The learner's check: `cargo exercise async-in-depth`. It fails until
//! every exercise in `src/exercises/` behaves like the reference answer.

use async_in_depth::exercises::{self, checks};

#[test]
fn exercise_1_countdown() {
    let described =
        checks::check_countdown(|left| exercises::countdown::Countdown { left });
    testkit::assert_exercise_snapshot!("countdown", described);
}

#[test]
fn exercise_2_read_messages() {
    let described =
        checks::check_read_messages(exercises::read_messages::read_messages);
    testkit::assert_exercise_snapshot!("read_messages", described);
}

#[test]
fn exercise_3_stop_all() {
    let described = checks::check_stop_all(exercises::stop_all::stop_all);
    testkit::assert_exercise_snapshot!("stop_all", described);
}
