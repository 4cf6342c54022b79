//! The learner's check: `cargo exercise executors`.

use executors::exercises::{self, checks};
use std::path::Path;

#[test]
fn exercise_1_map_in_order() {
    let described = checks::check_map_in_order(exercises::ordered_map::map_in_order);
    testkit::assert_exercise_snapshot!("map_in_order", described);
}

#[test]
fn exercise_2_completion_order() {
    let described = checks::check_completion_order(
        exercises::completion_order::completion_order,
    );
    testkit::assert_exercise_snapshot!("completion_order", described);
}

#[test]
fn exercise_3_word_count() {
    let program = Path::new(env!("CARGO_BIN_EXE_executors"));
    let described = checks::check_word_count(program, |text| {
        exercises::word_count::WordCount { text }
    });
    testkit::assert_exercise_snapshot!("word_count", described);
}
