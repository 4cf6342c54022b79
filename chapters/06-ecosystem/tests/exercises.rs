//! The learner's check: `cargo exercise ecosystem`. It fails until every
//! exercise in `src/exercises/` behaves like the reference answer.

use ecosystem::exercises::{self, checks};

#[test]
fn exercise_1_fetch_bounded() {
    let described =
        checks::check_fetch_bounded(exercises::fetch_bounded::fetch_bounded);
    testkit::assert_exercise_snapshot!("fetch_bounded", described);
}

#[test]
fn exercise_2_first_answer() {
    let described =
        checks::check_first_answer(exercises::first_answer::first_answer);
    testkit::assert_exercise_snapshot!("first_answer", described);
}

#[test]
fn exercise_3_pay_all() {
    let described = checks::check_pay_all(exercises::pay_all::pay_all);
    testkit::assert_exercise_snapshot!("pay_all", described);
}
