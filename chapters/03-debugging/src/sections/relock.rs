//! `relock`: Python's `threading.RLock` lets the thread that holds a lock
//! take it again, so a locking method may call another locking method.
//! Rust's `Mutex` has no such mode: a second `lock()` on the holding thread
//! never returns (std leaves open whether it deadlocks or panics). This
//! section makes that self-deadlock happen, bounded by a timeout so the run
//! goes on, then runs the two ways out: lock once and pass the data down as
//! `&mut`, or parking_lot's `ReentrantMutex` where code must re-enter. It
//! ends with what each lock costs uncontended, so "re-entrancy is slow" or
//! "is free" is a figure, not a belief.

use crate::python_relock::{self, PythonRelockRun};
use crate::{Context, Results, need};
use parking_lot::ReentrantMutex;
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table, group_thousands};
use std::cell::RefCell;
use std::hint::black_box;
use std::sync::{Mutex, TryLockError};
use std::time::{Duration, Instant};

/// What asking again for a lock this thread holds did, lock by lock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecondLock {
    /// std's `try_lock` said `WouldBlock`: a `lock()` would wait forever.
    pub std_would_block: bool,
    /// parking_lot's `try_lock_for(timeout)` got the lock (it must not),
    /// and how long it waited for itself, in seconds.
    pub timed_got_it: bool,
    pub timed_waited_s: f64,
    /// How many times at once one thread held the `ReentrantMutex`.
    pub reentrant_depth: usize,
    /// Another thread's `try_lock` found the `ReentrantMutex` taken.
    pub other_thread_kept_out: bool,
    /// A second `borrow_mut` of the data, inside the re-entered lock,
    /// while the first was alive: refused (a plain one would panic).
    pub nested_borrow_refused: bool,
}

/// Locks `lock` `levels` times, one inside the other, as nested method
/// calls would; returns how deep it got.
fn nested(lock: &ReentrantMutex<RefCell<i64>>, levels: usize) -> usize {
    let _held = lock.lock();
    if levels <= 1 {
        1
    } else {
        1 + nested(lock, levels - 1)
    }
}

// ANCHOR: second_lock
/// Asks three locks again from the thread that already holds each.
pub fn second_lock(timeout: Duration) -> SecondLock {
    let plain = Mutex::new(0);
    let held = plain.lock().expect("a new lock is not poisoned");
    // `plain.lock()` here would never return: try_lock says why.
    let std_would_block = matches!(plain.try_lock(), Err(TryLockError::WouldBlock));
    drop(held);

    let timed = parking_lot::Mutex::new(0);
    let held = timed.lock();
    let start = Instant::now();
    let again = timed.try_lock_for(timeout); // waits for itself
    let timed_waited_s = start.elapsed().as_secs_f64();
    let timed_got_it = again.is_some();
    drop(again);
    drop(held); // recovery: the only holder lets go

    let reentrant = ReentrantMutex::new(RefCell::new(0));
    let outer = reentrant.lock();
    let reentrant_depth = 1 + nested(&reentrant, 2);
    let other_thread_kept_out = std::thread::scope(|s| {
        let other = s.spawn(|| reentrant.try_lock().is_none());
        other.join().expect("the other thread")
    });
    let first = outer.borrow_mut();
    let nested_borrow_refused = reentrant.lock().try_borrow_mut().is_err();
    drop(first);
    SecondLock {
        std_would_block,
        timed_got_it,
        timed_waited_s,
        reentrant_depth,
        other_thread_kept_out,
        nested_borrow_refused,
    }
}
// ANCHOR_END: second_lock

// ANCHOR: ways_out
/// Way 1: only the public function locks; the helper it calls takes the
/// data as `&mut`, which the guard gives. Nothing is locked twice.
pub fn deposit_twice(account: &Mutex<i64>, amount: i64) {
    let mut balance = account.lock().expect("no deposit panics");
    add(&mut balance, amount);
    add(&mut balance, amount);
}

fn add(balance: &mut i64, amount: i64) {
    *balance += amount;
}

/// Way 2: every function locks, as Python's code with an `RLock` does,
/// and nested calls re-enter. The lock hands out `&RefCell`, not `&mut`,
/// so each change borrows the data only for its own line.
pub fn deposit_twice_reentrant(account: &ReentrantMutex<RefCell<i64>>, amount: i64) {
    let _held = account.lock(); // both deposits under one hold
    deposit_reentrant(account, amount);
    deposit_reentrant(account, amount);
}

fn deposit_reentrant(account: &ReentrantMutex<RefCell<i64>>, amount: i64) {
    *account.lock().borrow_mut() += amount;
}
// ANCHOR_END: ways_out

/// The two ways out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Way {
    LockOnce,
    Reentrant,
}

impl Way {
    pub const ALL: [Way; 2] = [Way::LockOnce, Way::Reentrant];

    pub fn name(self) -> &'static str {
        match self {
            Way::LockOnce => "lock once, pass &mut",
            Way::Reentrant => "ReentrantMutex",
        }
    }

    /// Two threads each call `deposit_twice` `calls` times with 1; the
    /// balance after.
    pub fn run(self, calls: usize) -> i64 {
        match self {
            Way::LockOnce => {
                let account = Mutex::new(0);
                on_two_threads(calls, || deposit_twice(&account, 1));
                account.into_inner().expect("no deposit panics")
            }
            Way::Reentrant => {
                let account = ReentrantMutex::new(RefCell::new(0));
                on_two_threads(calls, || deposit_twice_reentrant(&account, 1));
                account.into_inner().into_inner()
            }
        }
    }
}

fn on_two_threads(calls: usize, call: impl Fn() + Sync) {
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| (0..calls).for_each(|_| call()));
        }
    });
}

/// The locks whose uncontended cost is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lock {
    Std,
    ParkingLot,
    Reentrant,
    Reentered,
}

impl Lock {
    pub const ALL: [Lock; 4] = [
        Lock::Std,
        Lock::ParkingLot,
        Lock::Reentrant,
        Lock::Reentered,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Lock::Std => "std::sync::Mutex",
            Lock::ParkingLot => "parking_lot::Mutex",
            Lock::Reentrant => "ReentrantMutex, first lock",
            Lock::Reentered => "ReentrantMutex, re-entered",
        }
    }

    /// The fastest of `batches` batches of `pairs` lock/unlock pairs, in
    /// seconds per pair: the fixed cost, with the machine's noise left out.
    pub fn cost(self, batches: usize, pairs: usize) -> f64 {
        let plain = Mutex::new(0_u64);
        let parking = parking_lot::Mutex::new(0_u64);
        let reentrant = ReentrantMutex::new(0_u64);
        let fastest = |pair: &dyn Fn()| {
            (0..batches)
                .map(|_| {
                    let start = Instant::now();
                    (0..pairs).for_each(|_| pair());
                    start.elapsed().as_secs_f64() / pairs as f64
                })
                .fold(f64::INFINITY, f64::min)
        };
        match self {
            Lock::Std => fastest(&|| drop(black_box(&plain).lock())),
            Lock::ParkingLot => fastest(&|| drop(black_box(&parking).lock())),
            Lock::Reentrant => fastest(&|| drop(black_box(&reentrant).lock())),
            Lock::Reentered => {
                let _outer = reentrant.lock();
                fastest(&|| drop(black_box(&reentrant).lock()))
            }
        }
    }
}

/// What `relock` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relock {
    /// How long the timed second lock waited for itself, in seconds.
    pub timeout_s: f64,
    pub second_lock: SecondLock,
    /// Calls of `deposit_twice` per thread, two threads, and the balance
    /// each way ended with.
    pub calls: usize,
    pub ways: Vec<(Way, i64)>,
    /// Lock/unlock pairs per batch, batches, and each lock's fastest
    /// batch in seconds per pair.
    pub pairs: usize,
    pub batches: usize,
    pub costs: Vec<(Lock, f64)>,
    /// CPython's `Lock` and `RLock` asked the same, with `--python`.
    pub python: PythonRelockRun,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let s = context.sizes.clone();
    results.relock = Some(Relock {
        timeout_s: s.lock_timeout.as_secs_f64(),
        second_lock: second_lock(s.lock_timeout),
        calls: s.transfers,
        ways: Way::ALL.map(|way| (way, way.run(s.transfers))).to_vec(),
        pairs: s.lock_pairs,
        batches: s.lock_batches,
        costs: Lock::ALL
            .map(|lock| (lock, lock.cost(s.lock_batches, s.lock_pairs)))
            .to_vec(),
        python: python_relock::measure(context.python.as_deref(), s.lock_timeout)?,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let relock = need(&results.relock, "relock")?;
    let timeout_ms = (relock.timeout_s * 1e3).round() as u64;
    let mut report = SectionReport::new(
        "relock",
        format!(
            "Python's RLock lets the thread that holds a lock take it again. A Rust \
             Mutex asked again by its holder waits for itself: here it is asked with \
             a {timeout_ms} ms timeout, so the run goes on. Then the two ways out, two \
             threads calling deposit_twice {} times each, and what each lock costs.",
            group_thousands(relock.calls as u64)
        ),
    );
    second_lock_table(&mut report, relock);
    python_relock::add_table(&relock.python, relock.timeout_s, &mut report);
    ways_out_table(&mut report, relock);
    costs_table(&mut report, relock);
    if relock.python == PythonRelockRun::NotAsked {
        report.note(
            "Python's threading.Lock, asked again by its holder, waits for itself \
             too, and RLock is the re-entrant one: --python runs both.",
        );
    }
    report.note(
        "Prefer locking once: the compiler then checks every use of the data, \
         where a ReentrantMutex's RefCell checks them only at run time.",
    );
    Ok(report)
}

fn second_lock_table(report: &mut SectionReport, relock: &Relock) {
    let second = &relock.second_lock;
    let mut table = Table::new(
        "A second lock on the thread that already holds it",
        &["lock", "asked with", "got it", "waited"],
    );
    let would_block = if second.std_would_block {
        "no: WouldBlock"
    } else {
        "yes"
    };
    table.push(vec![
        Cell::text("std::sync::Mutex"),
        Cell::text("try_lock()"),
        Cell::text(would_block),
        Cell::text("none"),
    ]);
    table.push(vec![
        Cell::text("parking_lot::Mutex"),
        Cell::text("try_lock_for()"),
        Cell::text(if second.timed_got_it { "yes" } else { "no" }),
        Cell::Seconds(second.timed_waited_s),
    ]);
    table.push(vec![
        Cell::text("ReentrantMutex"),
        Cell::text("lock(), nested"),
        Cell::text(format!("yes, {} deep", second.reentrant_depth)),
        Cell::text("none"),
    ]);
    report.table(table);
    report.check(
        second.std_would_block,
        "std's Mutex, asked again by its holder, would block: lock() there never returns",
    );
    report.check(
        !second.timed_got_it && second.timed_waited_s >= 0.9 * relock.timeout_s,
        "parking_lot's Mutex, asked again with a timeout, waited it out for itself and \
         recovered",
    );
    report.check(
        second.reentrant_depth == 3 && second.other_thread_kept_out,
        "the ReentrantMutex let its holder in 3 deep and kept another thread out",
    );
    report.check(
        second.nested_borrow_refused,
        "inside it, a second borrow_mut while the first was alive was refused",
    );
}

fn ways_out_table(report: &mut SectionReport, relock: &Relock) {
    let expected = 2 * 2 * relock.calls as i64;
    let mut table = Table::new(
        "The two ways out, two threads calling deposit_twice(1)",
        &["way", "balance after", "expected"],
    );
    for (way, balance) in &relock.ways {
        table.push(vec![
            Cell::text(way.name()),
            Cell::Count(*balance as u64),
            Cell::Count(expected as u64),
        ]);
    }
    report.table(table);
    report.check(
        relock.ways.len() == Way::ALL.len()
            && relock.ways.iter().all(|(_, balance)| *balance == expected),
        "both ways kept every deposit",
    );
}

fn costs_table(report: &mut SectionReport, relock: &Relock) {
    let mut table = Table::new(
        format!(
            "What one lock and unlock costs, one thread (fastest of {} batches of {})",
            relock.batches,
            group_thousands(relock.pairs as u64)
        ),
        &["lock", "per pair", "vs std"],
    );
    let std_cost = relock
        .costs
        .iter()
        .find(|(lock, _)| *lock == Lock::Std)
        .map(|(_, cost)| *cost);
    for (lock, cost) in &relock.costs {
        let versus = match std_cost {
            Some(std_cost) if std_cost > 0.0 => Cell::Ratio(cost / std_cost),
            _ => Cell::Missing("std not measured".into()),
        };
        table.push(vec![Cell::text(lock.name()), Cell::Seconds(*cost), versus]);
    }
    report.table(table);
    report.plausible(
        relock.costs.len() == Lock::ALL.len()
            && relock.costs.iter().all(|(_, c)| c.is_finite() && *c > 0.0),
        "every lock was timed, and took more than no time",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up() -> Relock {
        Relock {
            timeout_s: 0.1,
            second_lock: SecondLock {
                std_would_block: true,
                timed_got_it: false,
                timed_waited_s: 0.1002,
                reentrant_depth: 3,
                other_thread_kept_out: true,
                nested_borrow_refused: true,
            },
            calls: 10,
            ways: Way::ALL.map(|way| (way, 40)).to_vec(),
            pairs: 100,
            batches: 3,
            costs: Lock::ALL.map(|lock| (lock, 2e-8)).to_vec(),
            python: PythonRelockRun::NotAsked,
        }
    }

    fn broken(relock: Relock) -> Vec<String> {
        let results = Results {
            relock: Some(relock),
            ..Results::default()
        };
        let r = report(&results).unwrap();
        r.checks()
            .filter(|c| c.is_broken() || c.is_implausible())
            .map(|c| c.claim.clone())
            .collect()
    }

    #[test]
    fn what_the_locks_did_here_holds() {
        assert_eq!(broken(made_up()), Vec::<String>::new());
    }

    #[test]
    fn a_second_lock_that_returned_at_once_was_no_wait() {
        let mut relock = made_up();
        relock.second_lock.timed_waited_s = 0.0001;
        let broken = broken(relock);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(broken[0].contains("waited it out"), "{broken:?}");
    }

    #[test]
    fn a_reentrant_lock_that_let_another_thread_in_is_broken() {
        let mut relock = made_up();
        relock.second_lock.other_thread_kept_out = false;
        let broken = broken(relock);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(broken[0].contains("kept another thread out"), "{broken:?}");
    }

    #[test]
    fn a_lost_deposit_is_broken() {
        let mut relock = made_up();
        relock.ways[1].1 = 39;
        let broken = broken(relock);
        assert_eq!(broken, ["both ways kept every deposit"]);
    }

    #[test]
    fn a_lock_that_took_no_time_is_implausible() {
        let mut relock = made_up();
        relock.costs[2].1 = 0.0;
        assert_eq!(broken(relock).len(), 1);
    }

    #[test]
    fn the_real_locks_behave_as_the_page_says() {
        let second = second_lock(Duration::from_millis(20));
        assert!(second.std_would_block && !second.timed_got_it);
        assert!(second.timed_waited_s >= 0.018, "{second:?}");
        assert_eq!(second.reentrant_depth, 3);
        assert!(second.other_thread_kept_out && second.nested_borrow_refused);
        for way in Way::ALL {
            assert_eq!(way.run(500), 2_000, "{way:?}");
        }
    }
}
