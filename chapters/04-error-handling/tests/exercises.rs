//! The learner's check: `cargo exercise error-handling`. It fails until
//! every exercise in `src/exercises/` behaves like the reference answer.

use error_handling::exercises::{self, checks};

#[test]
fn exercise_1_batch() {
    let described = checks::check_batch(exercises::batch::run_batch);
    testkit::assert_exercise_snapshot!("batch", described);
}

#[test]
fn exercise_2_named_panic() {
    let described = checks::check_named(exercises::named_panic::run_named);
    testkit::assert_exercise_snapshot!("named_panic", described);
}

#[test]
fn exercise_3_drain() {
    let described = checks::check_drain(exercises::drain::drain);
    testkit::assert_exercise_snapshot!("drain", described);
}
