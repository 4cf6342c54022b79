//! Every reference solution matches its snapshot, every unsolved stub
//! fails its check (`learner_check.rs` runs the learner's check on the stubs).

use async_in_depth::{exercises, solutions};
use exercises::checks;
use shared::exercise::assert_stub_fails;

#[test]
fn countdown() {
    let solution =
        checks::check_countdown(|left| solutions::countdown::Countdown { left });
    testkit::assert_exercise_snapshot!("countdown", solution);
    assert_stub_fails(
        include_str!("../src/exercises/countdown.rs"),
        checks::check_countdown(|left| exercises::countdown::Countdown { left }),
        &solution,
    );
}

#[test]
fn read_messages() {
    let solution =
        checks::check_read_messages(solutions::read_messages::read_messages);
    testkit::assert_exercise_snapshot!("read_messages", solution);
    assert_stub_fails(
        include_str!("../src/exercises/read_messages.rs"),
        checks::check_read_messages(exercises::read_messages::read_messages),
        &solution,
    );
}

#[test]
fn stop_all() {
    let solution = checks::check_stop_all(solutions::stop_all::stop_all);
    testkit::assert_exercise_snapshot!("stop_all", solution);
    assert_stub_fails(
        include_str!("../src/exercises/stop_all.rs"),
        checks::check_stop_all(exercises::stop_all::stop_all),
        &solution,
    );
}
