//! The reference solution matches its snapshot, the unsolved stub fails
//! its check (`learner_check.rs` runs the learner's check on the stubs).

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
