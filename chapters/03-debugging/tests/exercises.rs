//! The learner's check: `cargo exercise debugging`. It fails until every
//! exercise in `src/exercises/` behaves like the reference answer.

use debugging::exercises::{self, checks};

#[test]
fn exercise_1_lock_order() {
    let described = checks::check_lock_order(exercises::lock_order::transfer);
    testkit::assert_exercise_snapshot!("lock_order", described);
}

#[test]
fn exercise_2_lost_update() {
    let described = checks::check_lost_update(exercises::lost_update::record_hit);
    testkit::assert_exercise_snapshot!("lost_update", described);
}

#[test]
fn exercise_3_responsive() {
    let described = checks::check_responsive(|data| {
        Box::pin(exercises::responsive::checksum(data))
    });
    testkit::assert_exercise_snapshot!("responsive", described);
}
