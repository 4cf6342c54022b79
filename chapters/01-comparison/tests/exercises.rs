//! The learner's check: `cargo exercise comparison`. It fails until every
//! exercise in `src/exercises/` behaves like the reference answer.

use comparison::exercises::{self, checks};

#[test]
fn exercise_1_fetch_all() {
    let described = checks::check_fetch_all(exercises::fetch_all::fetch_all);
    testkit::assert_exercise_snapshot!("fetch_all", described);
}

#[test]
fn exercise_2_parallel_sum() {
    let described =
        checks::check_parallel_sum(exercises::parallel_sum::parallel_sum);
    testkit::assert_exercise_snapshot!("parallel_sum", described);
}

#[test]
fn exercise_3_pick_model() {
    let described = checks::check_pick_model(exercises::pick_model::pick_model);
    testkit::assert_exercise_snapshot!("pick_model", described);
}
