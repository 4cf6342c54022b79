//! Every reference solution matches its snapshot, every unsolved stub fails its
//! check (`learner_check.rs` runs the learner's check on the stubs).

use error_handling::{exercises, solutions};
use exercises::checks;
use shared::exercise::assert_stub_fails;

#[test]
fn batch() {
    let solution = checks::check_batch(solutions::batch::run_batch);
    testkit::assert_exercise_snapshot!("batch", solution);
    assert_stub_fails(
        include_str!("../src/exercises/batch.rs"),
        checks::check_batch(exercises::batch::run_batch),
        &solution,
    );
}

#[test]
fn named_panic() {
    let solution = checks::check_named(solutions::named_panic::run_named);
    testkit::assert_exercise_snapshot!("named_panic", solution);
    assert_stub_fails(
        include_str!("../src/exercises/named_panic.rs"),
        checks::check_named(exercises::named_panic::run_named),
        &solution,
    );
}

#[test]
fn drain() {
    let solution = checks::check_drain(solutions::drain::drain);
    testkit::assert_exercise_snapshot!("drain", solution);
    assert_stub_fails(
        include_str!("../src/exercises/drain.rs"),
        checks::check_drain(exercises::drain::drain),
        &solution,
    );
}
