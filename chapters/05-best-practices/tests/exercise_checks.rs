//! Proof that the exercises work as exercises: every reference solution matches
//! its snapshot, every unsolved stub fails its check (`learner_check.rs`
//! runs the learner's check on them),
//! and the checks tell a wrong answer from a right one.

use best_practices::sections::idempotency::{Charge, Ledger, Receipt, handle_naive};
use best_practices::sections::timeouts::call_naive;
use best_practices::{exercises, solutions};
use crossbeam::channel::Sender;
use exercises::checks;
use shared::exercise::assert_stub_fails;
use std::time::{Duration, Instant};

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

/// A common mistake: the attempt waits for its workers to say they are done
/// on a channel whose sender it still holds itself, so the wait never ends.
fn send_subtotals_keeping_a_sender(chunks: &[Vec<u64>], subtotals: Sender<u64>) {
    let (done, finished) = crossbeam::channel::unbounded::<()>();
    std::thread::scope(|s| {
        for chunk in chunks {
            let (subtotals, done) = (subtotals.clone(), done.clone());
            s.spawn(move || {
                let _ = subtotals.send(chunk.iter().sum());
                let _ = done.send(());
            });
        }
    });
    // `done` is still alive here: the loop never sees the channel close.
    for () in finished {}
}

/// A handler that waits for a wake-up nobody sends (as one waiting on a
/// lock that is never released would).
fn handle_waiting_for_ever(_: &mut Ledger, _: &Charge) -> Receipt {
    loop {
        std::thread::park();
    }
}

#[test]
fn an_attempt_that_never_returns_gets_the_watchdogs_message() {
    let limit = Duration::from_millis(300);
    let started = Instant::now();
    let stuck =
        checks::check_lock_to_channel_within(limit, send_subtotals_keeping_a_sender);
    assert!(stuck.starts_with("no answer within 300ms"), "{stuck}");
    assert!(stuck.contains("sender still alive"), "{stuck}");
    let waiting =
        checks::check_idempotent_handler_within(limit, handle_waiting_for_ever);
    assert!(waiting.starts_with("no answer within 300ms"), "{waiting}");
    // Two bounds of 300 ms, with a margin a loaded machine cannot use up.
    assert!(started.elapsed() < Duration::from_secs(15), "it hung");
}
