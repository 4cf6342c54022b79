//! `race-condition`: a lost update in safe Rust. The compiler rules out
//! data races (two threads touching memory at once with no
//! synchronisation); it cannot rule out a *logic* race: read a value, then
//! write back something computed from it, while another thread does the
//! same in between. Every access here is atomic, and updates are still
//! lost.

use crate::Context;
use shared::report::{Cell, Record, SectionReport, Table};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Barrier, Mutex, mpsc};

// ANCHOR: broken
/// Adds one, in two steps: another thread may store between our load and
/// our store, and its update is overwritten (lost).
pub fn add_one_racy(counter: &AtomicU64) {
    let seen = counter.load(Ordering::SeqCst);
    std::thread::yield_now(); // widen the window, as a page fault would
    counter.store(seen + 1, Ordering::SeqCst);
}
// ANCHOR_END: broken

// ANCHOR: fixes
/// Fix 1: one indivisible read-modify-write.
pub fn add_one_atomic(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::SeqCst);
}

/// Fix 2: hold the lock across the read *and* the write.
pub fn add_one_locked(counter: &Mutex<u64>) {
    let mut value = counter.lock().unwrap_or_else(|e| e.into_inner());
    let seen = *value;
    std::thread::yield_now(); // the same window, but nobody can get in
    *value = seen + 1;
}
// ANCHOR_END: fixes

/// A way of counting: the threads' shared state and how they add to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    LoadThenStore,
    FetchAdd,
    MutexHeld,
    /// Fix 3: no shared counter at all; one owner receives messages.
    Messages,
}

impl Counting {
    pub const ALL: [Counting; 4] = [
        Counting::LoadThenStore,
        Counting::FetchAdd,
        Counting::MutexHeld,
        Counting::Messages,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Counting::LoadThenStore => "load, then store (broken)",
            Counting::FetchAdd => "fetch_add",
            Counting::MutexHeld => "Mutex held across read and write",
            Counting::Messages => "messages to one owner",
        }
    }
}

/// Runs `threads` threads adding `each` times, released together by a
/// barrier so they really overlap; returns the final count.
pub fn count(how: Counting, threads: usize, each: u64) -> u64 {
    let start = Barrier::new(threads);
    let atomic = AtomicU64::new(0);
    let locked = Mutex::new(0);
    let (send, receive) = mpsc::channel::<u64>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let send = send.clone();
            let (start, atomic, locked) = (&start, &atomic, &locked);
            s.spawn(move || {
                start.wait();
                for _ in 0..each {
                    match how {
                        Counting::LoadThenStore => add_one_racy(atomic),
                        Counting::FetchAdd => add_one_atomic(atomic),
                        Counting::MutexHeld => add_one_locked(locked),
                        Counting::Messages => {
                            let _ = send.send(1);
                        }
                    }
                }
            });
        }
    });
    drop(send);
    match how {
        Counting::LoadThenStore | Counting::FetchAdd => atomic.into_inner(),
        Counting::MutexHeld => {
            locked.into_inner().unwrap_or_else(|e| e.into_inner())
        }
        Counting::Messages => receive.iter().sum(),
    }
}

/// The lost updates of each run of `how`.
pub fn lost_per_run(
    how: Counting,
    threads: usize,
    each: u64,
    runs: usize,
) -> Vec<u64> {
    let expected = threads as u64 * each;
    (0..runs)
        .map(|_| expected.saturating_sub(count(how, threads, each)))
        .collect()
}

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let s = context.sizes.clone();
    let expected = s.race_threads as u64 * s.race_increments;
    let mut report = SectionReport::new(
        "race-condition",
        format!(
            "{} threads each add one to a shared counter {} times, {} runs per way. \
             Loading and then storing loses updates although every access is \
             atomic: safe Rust forbids data races, not logic races. Each fix \
             reaches exactly {expected} every run.",
            s.race_threads, s.race_increments, s.race_runs
        ),
    );
    let mut table = Table::new(
        format!("Lost updates per run (of {expected} expected)"),
        &[
            "counting",
            "runs",
            "runs that lost",
            "fewest lost",
            "most lost",
        ],
    );
    let mut broken_lost = Vec::new();
    let mut fixes_exact = true;
    for how in Counting::ALL {
        let lost = lost_per_run(how, s.race_threads, s.race_increments, s.race_runs);
        let set: BTreeSet<u64> = lost.iter().copied().collect();
        let losing = lost.iter().filter(|l| **l > 0).count() as u64;
        let (fewest, most) = (lost.iter().min(), lost.iter().max());
        let (fewest, most) = (*fewest.unwrap_or(&0), *most.unwrap_or(&0));
        if how == Counting::LoadThenStore {
            table.push(vec![
                Cell::text(how.name()),
                Cell::Count(s.race_runs as u64),
                Cell::Tally(losing),
                Cell::Tally(fewest),
                Cell::Tally(most),
            ]);
            broken_lost = lost.clone();
        } else {
            // The fixes must not vary: their counts stay in the snapshot.
            fixes_exact &= set == BTreeSet::from([0]);
            table.push(vec![
                Cell::text(how.name()),
                Cell::Count(s.race_runs as u64),
                Cell::Count(losing),
                Cell::Count(fewest),
                Cell::Count(most),
            ]);
        }
        report.record(
            Record::new("race-condition", None, how.name())
                .with("runs", s.race_runs)
                .with("expected", expected)
                .with("lost_per_run", lost),
        );
    }
    report.table(table);
    let mut first = Table::new(
        "The broken way, run by run (the first 10 runs; --json lists all)",
        &["run", "lost updates", "final count"],
    );
    for (i, lost) in broken_lost.iter().take(10).enumerate() {
        first.push(vec![
            Cell::Count(i as u64 + 1),
            Cell::Tally(*lost),
            Cell::Tally(expected - lost),
        ]);
    }
    report.table(first);
    report.check(
        broken_lost.iter().any(|l| *l > 0),
        "load-then-store lost updates in at least one run",
    );
    report.check(
        fixes_exact,
        "fetch_add, the held Mutex and message passing reached the exact total in every run",
    );
    report.note(
        "Python's `counter += 1` on a shared int is the same load-then-store \
         (LOAD, ADD, STORE bytecodes); the GIL can switch threads between them. \
         What Rust adds is the data race that does not compile: see \
         tests/compile-fail/ and the page.",
    );
    Ok(report)
}
