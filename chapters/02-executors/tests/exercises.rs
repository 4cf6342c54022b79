//! The learner's check: `cargo exercise executors`.

use executors::exercises::{self, checks};
use std::path::Path;

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/exercises");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn exercise_1_map_in_order() {
    let described = checks::check_map_in_order(exercises::ordered_map::map_in_order);
    settings().bind(|| insta::assert_snapshot!("map_in_order", described));
}

#[test]
fn exercise_2_completion_order() {
    let described = checks::check_completion_order(
        exercises::completion_order::completion_order,
    );
    settings().bind(|| insta::assert_snapshot!("completion_order", described));
}

#[test]
fn exercise_3_word_count() {
    let program = Path::new(env!("CARGO_BIN_EXE_executors"));
    let described = checks::check_word_count(program, |text| {
        exercises::word_count::WordCount { text }
    });
    settings().bind(|| insta::assert_snapshot!("word_count", described));
}
