//! The reference solution matches its snapshot, the unsolved stub fails
//! its check, and the learner's check says the stub is not started.

mod exercise_list;

use beyond_one_machine::{exercises, solutions};
use exercises::checks;
use shared::exercise::assert_stub_fails;

#[test]
fn apply_once() {
    let solution = checks::check_apply_once(solutions::apply_once::apply_once);
    testkit::assert_exercise_snapshot!("apply_once", solution);
    assert_stub_fails(
        include_str!("../src/exercises/apply_once.rs"),
        checks::check_apply_once(exercises::apply_once::apply_once),
        &solution,
    );
}

#[test]
fn the_learners_check_finds_every_stub_not_started() {
    testkit::assert_learner_check_on_stubs(
        env!("CARGO_PKG_NAME"),
        env!("CARGO_MANIFEST_DIR"),
        &exercise_list::EXERCISES,
    );
}
