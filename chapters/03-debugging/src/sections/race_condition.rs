//! `race-condition`: a lost update in safe Rust. The compiler rules out
//! data races (two threads touching memory at once with no
//! synchronisation); it cannot rule out a *logic* race: read a value, then
//! write back something computed from it, while another thread does the
//! same in between. Every access here is atomic, and updates are still
//! lost.

use crate::python::{self, PythonRun};
use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
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
///
/// The broken way's first add is forced to overlap: every thread loads
/// before any stores (a second barrier between the two), so at least
/// `threads - 1` updates are lost in every run, on any machine and load,
/// instead of when the scheduler happens to interleave them. The counter
/// can never climb back: each later store writes one more than a value it
/// read. The fixes run unforced: an add that is one step, or a lock held
/// across the read and the write, leaves no gap to force.
pub fn count(how: Counting, threads: usize, each: u64) -> u64 {
    let start = Barrier::new(threads);
    let overlap = Barrier::new(threads);
    let atomic = AtomicU64::new(0);
    let locked = Mutex::new(0);
    let (send, receive) = mpsc::channel::<u64>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let send = send.clone();
            let (start, atomic, locked) = (&start, &atomic, &locked);
            let overlap = &overlap;
            s.spawn(move || {
                start.wait();
                let mut left = each;
                if how == Counting::LoadThenStore && left > 0 {
                    let seen = atomic.load(Ordering::SeqCst);
                    overlap.wait(); // every thread has read: now all write
                    atomic.store(seen + 1, Ordering::SeqCst);
                    left -= 1;
                }
                for _ in 0..left {
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

/// What `race-condition` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaceCondition {
    pub threads: usize,
    /// Increments per thread, each run.
    pub increments: u64,
    pub runs: usize,
    pub ways: Vec<Way>,
    /// CPython's counter in the same run, with `--python`.
    #[serde(default)]
    pub python: PythonRun,
}

/// One way of counting and the updates it lost, run by run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Way {
    pub counting: Counting,
    pub lost_per_run: Vec<u64>,
}

impl RaceCondition {
    /// The count every run should reach.
    pub fn expected(&self) -> u64 {
        self.threads as u64 * self.increments
    }

    pub fn lost(&self, counting: Counting) -> Option<&[u64]> {
        self.ways
            .iter()
            .find(|w| w.counting == counting)
            .map(|w| w.lost_per_run.as_slice())
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let s = context.sizes.clone();
    let ways = Counting::ALL
        .into_iter()
        .map(|counting| Way {
            counting,
            lost_per_run: lost_per_run(
                counting,
                s.race_threads,
                s.race_increments,
                s.race_runs,
            ),
        })
        .collect();
    results.race_condition = Some(RaceCondition {
        threads: s.race_threads,
        increments: s.race_increments,
        runs: s.race_runs,
        ways,
        python: python::measure(context.python.as_deref(), &s)?,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let race = need(&results.race_condition, "race-condition")?;
    let expected = race.expected();
    let mut report = SectionReport::new(
        "race-condition",
        format!(
            "{} threads each add one to a shared counter {} times, {} runs per way. \
             Loading and then storing loses updates although every access is \
             atomic: safe Rust forbids data races, not logic races. Each fix \
             reaches exactly {expected} every run.",
            race.threads, race.increments, race.runs
        ),
    );
    let (Some(broken_lost), true) = (
        race.lost(Counting::LoadThenStore),
        race.ways.len() == Counting::ALL.len(),
    ) else {
        anyhow::bail!("the race-condition results lack a way of counting");
    };
    let (table, fixes_exact) = lost_table(race);
    report.table(table);
    report.table(first_runs(broken_lost, expected));
    report.check(
        broken_lost.iter().any(|l| *l > 0),
        "load-then-store lost updates in at least one run",
    );
    report.check(
        fixes_exact,
        "fetch_add, the held Mutex and message passing reached the exact total in every run",
    );
    python::add_rows(&race.python, &mut report);
    report.note(
        "What Rust adds is the data race that does not compile: see \
         tests/compile-fail/ and the page.",
    );
    Ok(report)
}

/// Lost updates per way of counting, and whether every fix was exact in
/// every run.
fn lost_table(race: &RaceCondition) -> (Table, bool) {
    let expected = race.expected();
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
    let mut fixes_exact = true;
    for way in &race.ways {
        let lost = &way.lost_per_run;
        let losing = lost.iter().filter(|l| **l > 0).count() as u64;
        let fewest = lost.iter().copied().min().unwrap_or(0);
        let most = lost.iter().copied().max().unwrap_or(0);
        // The broken way's counts vary; the fixes' must not, so theirs stay
        // in the snapshot.
        let figure = if way.counting == Counting::LoadThenStore {
            Cell::Tally
        } else {
            fixes_exact &= !lost.is_empty()
                && lost.len() == race.runs
                && lost.iter().all(|l| *l == 0);
            Cell::Count
        };
        table.push(vec![
            Cell::text(way.counting.name()),
            Cell::Count(race.runs as u64),
            figure(losing),
            figure(fewest),
            figure(most),
        ]);
    }
    (table, fixes_exact)
}

/// The broken way's first runs, one by one.
fn first_runs(broken_lost: &[u64], expected: u64) -> Table {
    let mut first = Table::new(
        "The broken way, run by run (the first 10 runs; --json lists all)",
        &["run", "lost updates", "final count"],
    );
    for (i, lost) in broken_lost.iter().take(10).enumerate() {
        first.push(vec![
            Cell::Count(i as u64 + 1),
            Cell::Tally(*lost),
            Cell::Tally(expected.saturating_sub(*lost)),
        ]);
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three runs of 4 × 100; the broken way loses `broken`, each fix `fix`.
    fn made_up(broken: u64, fix: u64) -> Results {
        let ways = Counting::ALL
            .into_iter()
            .map(|counting| Way {
                counting,
                lost_per_run: if counting == Counting::LoadThenStore {
                    vec![broken; 3]
                } else {
                    vec![0, fix, 0]
                },
            })
            .collect();
        Results {
            race_condition: Some(RaceCondition {
                threads: 4,
                increments: 100,
                runs: 3,
                ways,
                python: PythonRun::NotAsked,
            }),
            ..Results::default()
        }
    }

    /// The forced overlap, not the scheduler, makes the broken way lose:
    /// one add per thread loses all but one of them every time, and a
    /// longer run loses at least as many.
    #[test]
    fn the_broken_way_loses_updates_in_every_run() {
        for _ in 0..200 {
            assert_eq!(count(Counting::LoadThenStore, 3, 1), 1);
        }
        for _ in 0..20 {
            assert!(count(Counting::LoadThenStore, 3, 100) <= 300 - 2);
        }
        for how in [Counting::FetchAdd, Counting::MutexHeld, Counting::Messages] {
            assert_eq!(count(how, 3, 100), 300, "{how:?}");
        }
    }

    #[test]
    fn losses_in_the_broken_way_alone_hold() {
        let r = report(&made_up(120, 0)).unwrap();
        assert!(r.checks().all(|c| c.holds), "{r:?}");
    }

    #[test]
    fn a_broken_way_that_lost_nothing_is_broken() {
        let r = report(&made_up(0, 0)).unwrap();
        let broken = r.broken();
        assert_eq!(broken.len(), 1, "{r:?}");
        assert!(broken[0].claim.starts_with("load-then-store"));
    }

    #[test]
    fn a_fix_that_lost_one_update_is_broken() {
        let r = report(&made_up(120, 1)).unwrap();
        let broken = r.broken();
        assert_eq!(broken.len(), 1, "{r:?}");
        assert!(broken[0].claim.starts_with("fetch_add"));
    }

    #[test]
    fn a_missing_way_is_an_error() {
        let mut results = made_up(120, 0);
        if let Some(race) = &mut results.race_condition {
            race.ways.pop();
        }
        assert!(report(&results).is_err());
    }
}
