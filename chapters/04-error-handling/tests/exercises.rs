//! The learner's check: `cargo exercise error-handling`. It fails until
//! every exercise in `src/exercises/` behaves like the reference answer.

use error_handling::exercises::{self, checks};

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/exercises");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn exercise_1_batch() {
    let described = checks::check_batch(exercises::batch::run_batch);
    settings().bind(|| insta::assert_snapshot!("batch", described));
}

#[test]
fn exercise_2_named_panic() {
    let described = checks::check_named(exercises::named_panic::run_named);
    settings().bind(|| insta::assert_snapshot!("named_panic", described));
}

#[test]
fn exercise_3_drain() {
    let described = checks::check_drain(exercises::drain::drain);
    settings().bind(|| insta::assert_snapshot!("drain", described));
}
