//! `shared-state`: rule 1, keep mutable state owned.
//!
//! The before is the shape Python code often takes: one total behind a
//! lock, and every thread takes the lock for every item. The after gives
//! each thread a total of its own and a channel to send it on, once. The
//! answer is the same; what differs is how often threads have to meet.

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::measure::{Repeated, repeat};
use shared::report::{Cell, SectionReport, Table};
use std::hint::black_box;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::thread;

/// What a run added up, and how the threads had to coordinate to do it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub total: u64,
    /// Times a thread took the shared lock.
    pub locks: u64,
    /// Of those, times the lock was already held and the thread waited.
    pub waits: u64,
    /// Messages sent between threads.
    pub messages: u64,
}

/// The numbers thread `t` adds: its own slice of `0..threads * per_thread`.
fn items(t: usize, per_thread: u64) -> std::ops::Range<u64> {
    let start = t as u64 * per_thread;
    start..start + per_thread
}

/// The sum of `0..n`, to check both versions against.
pub fn expected_total(threads: usize, per_thread: u64) -> u64 {
    let n = threads as u64 * per_thread;
    n * n.saturating_sub(1) / 2
}

// ANCHOR: before
/// Before: every thread adds every item to one shared total, taking the
/// lock once per item.
pub fn one_shared_total(threads: usize, per_thread: u64) -> Outcome {
    let total = Arc::new(Mutex::new(0u64));
    let (mut locks, mut waits) = (0, 0);
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let total = Arc::clone(&total);
            thread::spawn(move || {
                let (mut locks, mut waits) = (0u64, 0u64);
                for item in items(t, per_thread) {
                    let mut guard = lock_counting_waits(&total, &mut waits);
                    *guard += black_box(item);
                    locks += 1;
                }
                (locks, waits)
            })
        })
        .collect();
    for handle in handles {
        let (l, w) = handle.join().expect("an adding thread panicked");
        (locks, waits) = (locks + l, waits + w);
    }
    let total = *total.lock().unwrap_or_else(|e| e.into_inner());
    Outcome {
        total,
        locks,
        waits,
        messages: 0,
    }
}
// ANCHOR_END: before

/// Takes the lock, counting in `waits` the times another thread held it.
fn lock_counting_waits<'a>(
    total: &'a Mutex<u64>,
    waits: &mut u64,
) -> MutexGuard<'a, u64> {
    match total.try_lock() {
        Ok(guard) => guard,
        Err(TryLockError::WouldBlock) => {
            *waits += 1;
            total.lock().unwrap_or_else(|e| e.into_inner())
        }
        Err(TryLockError::Poisoned(e)) => e.into_inner(),
    }
}

// ANCHOR: after
/// After: each thread owns its running total and sends it once.
pub fn owned_totals(threads: usize, per_thread: u64) -> Outcome {
    let (send, receive) = mpsc::channel::<u64>();
    thread::scope(|s| {
        for t in 0..threads {
            let send = send.clone();
            s.spawn(move || {
                let mut mine = 0u64; // nobody else can see it: no lock
                for item in items(t, per_thread) {
                    mine += black_box(item);
                }
                send.send(mine).expect("the receiver outlives the scope");
            });
        }
    });
    drop(send); // the last sender gone ends the iteration below
    let subtotals: Vec<u64> = receive.iter().collect();
    Outcome {
        total: subtotals.iter().sum(),
        locks: 0,
        waits: 0,
        messages: subtotals.len() as u64,
    }
}
// ANCHOR_END: after

/// What `shared-state` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedState {
    pub threads: usize,
    pub per_thread: u64,
    /// The sum both versions must reach.
    pub expected: u64,
    /// One shared total behind a lock, taken once per item.
    pub before: Version,
    /// A total per thread, sent once over a channel.
    pub after: Version,
}

/// One version's last outcome, and its timing over every run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub outcome: Outcome,
    pub timing: Repeated,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = &context.sizes;
    let (threads, per_thread) = (sizes.threads, sizes.items_per_thread);
    let (outcome, timing) = repeat(sizes.runs, || {
        anyhow::Ok(one_shared_total(threads, per_thread))
    })?;
    let before = Version { outcome, timing };
    let (outcome, timing) =
        repeat(sizes.runs, || anyhow::Ok(owned_totals(threads, per_thread)))?;
    let after = Version { outcome, timing };
    results.shared_state = Some(SharedState {
        threads,
        per_thread,
        expected: expected_total(threads, per_thread),
        before,
        after,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let state = need(&results.shared_state, "shared-state")?;
    let (threads, per_thread, expected) =
        (state.threads, state.per_thread, state.expected);
    let mut report = SectionReport::new(
        "shared-state",
        "Rule 1: minimise shared mutable state. The same sum, first with one \
         total behind a Mutex that every thread locks for every item, then with \
         a total per thread sent once over a channel.",
    );
    let (shared, owned) = (&state.before.outcome, &state.after.outcome);
    report.table(table(state));
    let speedup = state.before.timing.wall.median / state.after.timing.wall.median;
    let mut ratio = Table::new("The difference", &["owned is faster by"]);
    ratio.push(vec![Cell::Ratio(speedup)]);
    report.table(ratio);
    report.check(
        shared.total == expected && owned.total == expected,
        "both versions add up to the same, right total",
    );
    report.check(
        shared.locks == threads as u64 * per_thread && owned.locks == 0,
        "the before takes the lock once per item; the after never",
    );
    report.check(
        owned.messages == threads as u64,
        "the after sends one message per thread",
    );
    report.measured(
        speedup >= 2.0,
        "owned totals are at least twice as fast (a wide margin)",
    );
    report.note(
        "'waited' counts the times a thread found the lock taken: each one is a \
         thread stopped while another adds a number. With one total per thread \
         there is nothing to wait for until the very end. Python's GIL hides \
         this cost — only one thread runs at a time anyway — but the advice is \
         the same there: hand results back (a Queue, a future's result) instead \
         of sharing a counter.",
    );
    Ok(report)
}

/// Both versions: right total, locks, waits, messages and wall time.
fn table(state: &SharedState) -> Table {
    let (threads, per_thread, expected) =
        (state.threads, state.per_thread, state.expected);
    let mut table = Table::new(
        format!(
            "{threads} threads add {} numbers each (wall time: median, range)",
            shared::report::group_thousands(per_thread)
        ),
        &[
            "version",
            "total right",
            "locks",
            "waited",
            "messages",
            "wall",
        ],
    );
    for (name, version) in [
        ("before: Arc<Mutex<u64>>", &state.before),
        ("after: owned + channel", &state.after),
    ] {
        let outcome = &version.outcome;
        table.push(vec![
            Cell::text(name),
            Cell::text(super::yes(outcome.total == expected)),
            Cell::Count(outcome.locks),
            Cell::Tally(outcome.waits),
            Cell::Count(outcome.messages),
            Cell::Timing(version.timing.wall),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::measure::Spread;

    fn made_up(before_total: u64, before_wall: f64, after_wall: f64) -> Results {
        let (threads, per_thread) = (4, 10);
        let timing = |wall: f64| Repeated {
            runs: 1,
            wall: Spread::single(wall),
            cpu: Spread::single(wall),
        };
        Results {
            shared_state: Some(SharedState {
                threads,
                per_thread,
                expected: expected_total(threads, per_thread),
                before: Version {
                    outcome: Outcome {
                        total: before_total,
                        locks: 40,
                        waits: 3,
                        messages: 0,
                    },
                    timing: timing(before_wall),
                },
                after: Version {
                    outcome: Outcome {
                        total: expected_total(threads, per_thread),
                        locks: 0,
                        waits: 0,
                        messages: 4,
                    },
                    timing: timing(after_wall),
                },
            }),
            ..Results::default()
        }
    }

    #[test]
    fn right_totals_hold_and_a_lost_update_breaks_the_check() {
        let good = report(&made_up(780, 0.4, 0.1)).unwrap();
        assert!(good.checks().all(|c| c.holds), "{good:?}");
        let lost = report(&made_up(779, 0.4, 0.1)).unwrap();
        assert_eq!(lost.broken().len(), 1, "{lost:?}");
        assert!(lost.broken()[0].claim.contains("right total"));
    }

    #[test]
    fn a_small_speedup_misses_the_measured_claim() {
        let close = report(&made_up(780, 0.15, 0.1)).unwrap();
        assert!(close.broken().is_empty());
        let missed: Vec<_> = close.checks().filter(|c| !c.holds).collect();
        assert_eq!(missed.len(), 1);
        assert!(missed[0].claim.contains("twice as fast"));
    }
}
