//! Proof that the exercises work as exercises: every reference solution matches
//! its snapshot, every unsolved stub fails its check (the learner's check calls
//! it not started), and the checks tell a wrong answer from a right one.

mod exercise_list;

use best_practices::sections::idempotency::handle_naive;
use best_practices::sections::timeouts::call_naive;
use best_practices::{exercises, solutions};
use exercises::checks;
use shared::exercise::assert_stub_fails;

#[test]
fn add_timeout_solution_passes_and_stub_fails() {
    let solution = checks::check_add_timeout(solutions::add_timeout::call);
    testkit::assert_exercise_snapshot!("add_timeout", solution);
    assert_stub_fails(
        include_str!("../src/exercises/add_timeout.rs"),
        checks::check_add_timeout(exercises::add_timeout::call),
        &solution,
    );
}

#[test]
fn idempotent_handler_solution_passes_and_stub_fails() {
    let solution =
        checks::check_idempotent_handler(solutions::idempotent_handler::handle);
    testkit::assert_exercise_snapshot!("idempotent_handler", solution);
    assert_stub_fails(
        include_str!("../src/exercises/idempotent_handler.rs"),
        checks::check_idempotent_handler(exercises::idempotent_handler::handle),
        &solution,
    );
}

#[test]
fn lock_to_channel_solution_passes_and_stub_fails() {
    let solution =
        checks::check_lock_to_channel(solutions::lock_to_channel::send_subtotals);
    testkit::assert_exercise_snapshot!("lock_to_channel", solution);
    assert_stub_fails(
        include_str!("../src/exercises/lock_to_channel.rs"),
        checks::check_lock_to_channel(exercises::lock_to_channel::send_subtotals),
        &solution,
    );
}

#[test]
fn wrong_answers_fail_the_checks() {
    // A call with no deadline is reported by the watchdog, not a hang.
    let no_deadline = checks::check_add_timeout(|server, _| call_naive(server));
    assert!(no_deadline.contains("no deadline"), "{no_deadline}");
    let right = checks::check_add_timeout(solutions::add_timeout::call);
    assert_ne!(no_deadline, right);
    // Applying every charge is not idempotent.
    let naive = checks::check_idempotent_handler(handle_naive);
    assert!(naive.contains("total charged: 47 (meant 22)"), "{naive}");
    // One message per number is not one per chunk.
    let chatty = checks::check_lock_to_channel(|chunks, subtotals| {
        for n in chunks.iter().flatten() {
            let _ = subtotals.send(*n);
        }
    });
    assert!(chatty.contains("one per chunk: no"), "{chatty}");
}

#[test]
fn the_learners_check_finds_every_stub_not_started() {
    testkit::assert_learner_check_on_stubs(
        env!("CARGO_PKG_NAME"),
        env!("CARGO_MANIFEST_DIR"),
        &exercise_list::EXERCISES,
    );
}
