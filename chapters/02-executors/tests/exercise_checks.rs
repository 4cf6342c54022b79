//! Every reference solution matches its snapshot, every unsolved stub fails its
//! check (`learner_check.rs` runs the learner's check on the stubs).

use executors::{exercises, solutions};
use exercises::checks;
use shared::exercise::assert_stub_fails;
use std::path::Path;

#[test]
fn map_in_order() {
    let solution = checks::check_map_in_order(solutions::ordered_map::map_in_order);
    testkit::assert_exercise_snapshot!("map_in_order", solution);
    assert_stub_fails(
        include_str!("../src/exercises/ordered_map.rs"),
        checks::check_map_in_order(exercises::ordered_map::map_in_order),
        &solution,
    );
}

#[test]
fn completion_order() {
    let solution = checks::check_completion_order(
        solutions::completion_order::completion_order,
    );
    testkit::assert_exercise_snapshot!("completion_order", solution);
    assert_stub_fails(
        include_str!("../src/exercises/completion_order.rs"),
        checks::check_completion_order(
            exercises::completion_order::completion_order,
        ),
        &solution,
    );
}

#[test]
fn word_count() {
    let program = Path::new(env!("CARGO_BIN_EXE_executors"));
    let solution = checks::check_word_count(program, |text| {
        solutions::word_count::WordCount { text }
    });
    testkit::assert_exercise_snapshot!("word_count", solution);
    assert_stub_fails(
        include_str!("../src/exercises/word_count.rs"),
        checks::check_word_count(program, |text| exercises::word_count::WordCount {
            text,
        }),
        &solution,
    );
}
