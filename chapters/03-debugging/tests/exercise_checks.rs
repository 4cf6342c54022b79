//! Proof that the exercises work as exercises: every reference solution matches
//! its snapshot, every unsolved stub fails its check (`learner_check.rs`
//! runs the learner's check on them),
//! and the broken code each exercise starts from fails it too.

use debugging::exercises::hits::Hits;
use debugging::exercises::lock_order::Account;
use debugging::{exercises, solutions};
use exercises::checks;
use shared::exercise::assert_stub_fails;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;

#[test]
fn lock_order_solution_passes_and_stub_fails() {
    let solution = checks::check_lock_order(solutions::lock_order::transfer);
    testkit::assert_exercise_snapshot!("lock_order", solution);
    assert_stub_fails(
        include_str!("../src/exercises/lock_order.rs"),
        checks::check_lock_order(exercises::lock_order::transfer),
        &solution,
    );
}

#[test]
fn lost_update_solution_passes_and_stub_fails() {
    let solution = checks::check_lost_update(solutions::lost_update::record_hit);
    testkit::assert_exercise_snapshot!("lost_update", solution);
    assert_stub_fails(
        include_str!("../src/exercises/lost_update.rs"),
        checks::check_lost_update(exercises::lost_update::record_hit),
        &solution,
    );
}

#[test]
fn responsive_solution_passes_and_stub_fails() {
    let solution = checks::check_responsive(|data| {
        Box::pin(solutions::responsive::checksum(data))
    });
    testkit::assert_exercise_snapshot!("responsive", solution);
    assert_stub_fails(
        include_str!("../src/exercises/responsive.rs"),
        checks::check_responsive(|data| {
            Box::pin(exercises::responsive::checksum(data))
        }),
        &solution,
    );
}

/// Opposite lock order, no timeout: the deadlock the exercise is about.
fn transfer_in_argument_order(from: &Account, to: &Account, amount: i64) {
    let mut from_balance = from.balance.lock();
    std::thread::yield_now();
    let mut to_balance = to.balance.lock();
    *from_balance -= amount;
    *to_balance += amount;
}

/// The racy counter from the exercise, without its `todo!`.
fn record_hit_racy(hits: &Hits) {
    let seen = hits.load(Ordering::SeqCst);
    std::thread::yield_now();
    hits.store(seen + 1, Ordering::SeqCst);
}

/// The same without the pause, which loses hits only on some runs when
/// left to the scheduler.
fn record_hit_racy_without_a_pause(hits: &Hits) {
    let seen = hits.load(Ordering::SeqCst);
    hits.store(seen + 1, Ordering::SeqCst);
}

/// The racy counter behind a throwaway read: only each thread's first
/// read was once forced to overlap, and this one escaped it.
fn record_hit_racy_after_a_throwaway_read(hits: &Hits) {
    let _ = hits.load(Ordering::SeqCst);
    let seen = hits.load(Ordering::SeqCst);
    hits.store(seen + 1, Ordering::SeqCst);
}

/// A right answer that reads again after each failed compare-and-swap, so
/// its threads make different numbers of reads and fall out of step.
fn record_hit_by_reading_again(hits: &Hits) {
    loop {
        let seen = hits.load(Ordering::SeqCst);
        let swapped = hits.compare_exchange(
            seen,
            seen + 1,
            Ordering::SeqCst,
            Ordering::SeqCst,
        );
        if swapped.is_ok() {
            return;
        }
    }
}

/// A right answer that reads first: a compare-and-swap loop.
fn record_hit_by_compare_and_swap(hits: &Hits) {
    let mut seen = hits.load(Ordering::SeqCst);
    while let Err(now) =
        hits.compare_exchange(seen, seen + 1, Ordering::SeqCst, Ordering::SeqCst)
    {
        seen = now;
    }
}

/// A right answer that serialises the threads with a lock of its own.
fn record_hit_under_a_lock(hits: &Hits) {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _held = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let seen = hits.load(Ordering::SeqCst);
    hits.store(seen + 1, Ordering::SeqCst);
}

#[test]
fn a_racy_counter_fails_every_time_and_right_ones_pass() {
    // Not one check in twenty lets a racy answer through, however many
    // reads it makes: every read waits for the other threads' reads, so
    // the interleaving is forced, not waited for.
    for _ in 0..20 {
        for racy in [
            record_hit_racy_without_a_pause,
            record_hit_racy_after_a_throwaway_read,
        ] {
            let lost = checks::check_lost_update(racy);
            assert!(lost.contains("all 4 000 hits: no"), "{lost}");
        }
    }
    let reference = checks::check_lost_update(solutions::lost_update::record_hit);
    for right in [
        record_hit_by_compare_and_swap,
        record_hit_by_reading_again,
        record_hit_under_a_lock,
    ] {
        assert_eq!(checks::check_lost_update(right), reference);
    }
}

#[test]
fn the_broken_code_fails_each_check() {
    // A check must tell broken code from a fix, not just a panic from an
    // answer. The deadlocking transfer is caught by the check's time bound.
    let deadlocked = checks::check_lock_order(transfer_in_argument_order);
    assert!(deadlocked.contains("deadlocked or blocked"), "{deadlocked}");
    let lost = checks::check_lost_update(record_hit_racy);
    assert!(lost.contains("all 4 000 hits: no"), "{lost}");
    let blocked = checks::check_responsive(blocking_checksum);
    assert!(blocked.contains("worst lag under 100 ms): no"), "{blocked}");
}

/// The blocking call made on the runtime's own thread.
fn blocking_checksum(
    data: Arc<Vec<u8>>,
) -> Pin<Box<dyn Future<Output = u64> + Send>> {
    Box::pin(async move { exercises::responsive::legacy_checksum(&data) })
}

#[test]
fn a_blocked_runtime_is_named_in_the_learners_words() {
    let reference = checks::check_responsive(|data| {
        Box::pin(solutions::responsive::checksum(data))
    });
    let blocked = checks::check_responsive(blocking_checksum);
    let why = testkit::learner::why_it_fails(&blocked, &reference);
    assert_eq!(
        why,
        "at line 2 (the ticker kept ticking (worst lag under 100 ms)): got no"
    );
}
