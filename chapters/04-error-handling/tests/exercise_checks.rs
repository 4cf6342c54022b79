//! Every reference solution matches its snapshot, every unsolved stub fails its
//! check, and the learner's check says every stub is not started.

mod exercise_list;

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

#[test]
fn the_learners_check_finds_every_stub_not_started() {
    testkit::assert_learner_check_on_stubs(
        env!("CARGO_PKG_NAME"),
        env!("CARGO_MANIFEST_DIR"),
        &exercise_list::EXERCISES,
    );
}
