//! The learner's check: `cargo exercise best-practices`. It fails until
//! every exercise in `src/exercises/` behaves like the reference answer.

use best_practices::exercises::{self, checks};

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/exercises");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn exercise_1_add_timeout() {
    let described = checks::check_add_timeout(exercises::add_timeout::call);
    settings().bind(|| insta::assert_snapshot!("add_timeout", described));
}

#[test]
fn exercise_2_idempotent_handler() {
    let described =
        checks::check_idempotent_handler(exercises::idempotent_handler::handle);
    settings().bind(|| insta::assert_snapshot!("idempotent_handler", described));
}

#[test]
fn exercise_3_lock_to_channel() {
    let described =
        checks::check_lock_to_channel(exercises::lock_to_channel::send_subtotals);
    settings().bind(|| insta::assert_snapshot!("lock_to_channel", described));
}
