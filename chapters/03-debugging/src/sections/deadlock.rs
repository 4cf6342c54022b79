//! `deadlock`: two threads take two locks in opposite order. A barrier
//! makes sure each holds its first lock before it asks for its second, so
//! they deadlock every run, not once in a while. Each asks for its second
//! lock with a timeout (`try_lock_for`): the timeout is the detector, the
//! wait-for graph says who holds what, and releasing is the recovery.

use crate::{Context, Results, need};
use parking_lot::{Mutex, MutexGuard};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// Who holds which lock and who waits for which: enough to find a cycle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WaitGraph {
    /// (thread, lock) pairs.
    pub holds: Vec<(&'static str, &'static str)>,
    pub waits: Vec<(&'static str, &'static str)>,
}

impl WaitGraph {
    fn holder(&self, lock: &str) -> Option<&'static str> {
        self.holds.iter().find(|(_, l)| *l == lock).map(|(t, _)| *t)
    }

    // ANCHOR: cycle
    /// Follows "waits for a lock held by" from `start`; coming back to
    /// `start` is a deadlock. Returns the cycle as text.
    pub fn cycle_from(&self, start: &'static str) -> Option<String> {
        let mut steps = Vec::new();
        let mut thread = start;
        for _ in 0..=self.waits.len() {
            let (_, lock) = self.waits.iter().find(|(t, _)| *t == thread)?;
            let holder = self.holder(lock)?;
            steps.push(format!("{thread} waits for {lock}, held by {holder}"));
            if holder == start {
                return Some(steps.join("; "));
            }
            thread = holder;
        }
        None
    }
    // ANCHOR_END: cycle
}

/// One thread of the deadlock: its name, and its locks in the order it
/// takes them.
struct Side<'a> {
    name: &'static str,
    first: (&'static str, &'a Mutex<i64>),
    second: (&'static str, &'a Mutex<i64>),
}

/// What one thread saw.
#[derive(Clone, Debug)]
pub struct Stuck {
    pub thread: &'static str,
    pub held: &'static str,
    pub wanted: &'static str,
    /// `None`: it never got the second lock (the timeout fired).
    pub got_it_after: Option<Duration>,
    pub gave_up_after: Duration,
}

// ANCHOR: deadlock
/// Deadlocks two threads for real, detects it with timeouts, shows the
/// wait-for graph, then recovers: both give up and release.
pub fn deadlock_once(timeout: Duration) -> (Vec<Stuck>, WaitGraph, bool) {
    let (a, b) = (Mutex::new(100), Mutex::new(100));
    let graph = Mutex::new(WaitGraph::default());
    // Three parties: the two threads and main, which plays the watchdog.
    let (both_hold, both_gave_up, release) =
        (Barrier::new(3), Barrier::new(3), Barrier::new(3));
    let sides = [
        Side {
            name: "left",
            first: ("A", &a),
            second: ("B", &b),
        },
        Side {
            name: "right",
            first: ("B", &b),
            second: ("A", &a),
        },
    ];
    let (stuck, seen) = std::thread::scope(|s| {
        let handles: Vec<_> = sides
            .iter()
            .map(|side| {
                let barriers = [&both_hold, &both_gave_up, &release];
                let graph = &graph;
                s.spawn(move || hold_then_want(side, timeout, graph, barriers))
            })
            .collect();
        both_hold.wait();
        both_gave_up.wait();
        let seen = graph.lock().clone();
        release.wait();
        let stuck: Vec<Stuck> = handles
            .into_iter()
            .map(|h| h.join().expect("a deadlock thread"))
            .collect();
        (stuck, seen)
    });
    // Recovered: both locks are free again.
    let free = a.try_lock().is_some() && b.try_lock().is_some();
    (stuck, seen, free)
}

/// One thread of the deadlock: takes its first lock, waits until the other
/// holds its own, then asks for the second with a timeout, and gives back
/// the first only after the watchdog has read the graph.
fn hold_then_want(
    side: &Side,
    timeout: Duration,
    graph: &Mutex<WaitGraph>,
    [both_hold, both_gave_up, release]: [&Barrier; 3],
) -> Stuck {
    let first = side.first.1.lock();
    graph.lock().holds.push((side.name, side.first.0));
    both_hold.wait(); // now each holds what the other wants
    graph.lock().waits.push((side.name, side.second.0));
    let start = Instant::now();
    let second = side.second.1.try_lock_for(timeout);
    let waited = start.elapsed();
    let got = second.as_ref().map(|_| waited);
    drop(second);
    both_gave_up.wait(); // the watchdog reads the graph now
    release.wait();
    drop(first); // recovery: give back what we hold
    let (held, wanted) = (side.first.0, side.second.0);
    Stuck {
        thread: side.name,
        held,
        wanted,
        got_it_after: got,
        gave_up_after: waited,
    }
}
// ANCHOR_END: deadlock

/// A fix, run as two threads making `transfers` transfers each, in
/// opposite directions, between two accounts of 100; the `Duration` bounds
/// every lock wait, so a fix that deadlocks shows up as timeouts.
pub type Transfers = fn(usize, Duration) -> Fixed;

/// What a fix did: the money left, the transfers done, the timeouts hit
/// (a deadlock would show here) and the back-offs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fixed {
    pub total: i64,
    pub done: usize,
    pub timeouts: usize,
    pub backoffs: usize,
}

/// Runs `transfer(from, to)` on two threads in opposite directions.
fn both_ways<A: Sync>(
    accounts: &A,
    transfers: usize,
    transfer: impl Fn(&A, usize, usize) -> Step + Sync,
) -> (usize, usize, usize) {
    let (done, timeouts, backoffs) = std::thread::scope(|s| {
        let run = |from, to| {
            let transfer = &transfer;
            s.spawn(move || {
                let (mut done, mut timeouts, mut backoffs) = (0, 0, 0);
                for _ in 0..transfers {
                    match transfer(accounts, from, to) {
                        Step::Done { backed_off } => {
                            done += 1;
                            backoffs += backed_off;
                        }
                        Step::TimedOut => timeouts += 1,
                    }
                }
                (done, timeouts, backoffs)
            })
        };
        let (x, y) = (run(0, 1), run(1, 0));
        let x = x.join().expect("transfer thread");
        let y = y.join().expect("transfer thread");
        (x.0 + y.0, x.1 + y.1, x.2 + y.2)
    });
    (done, timeouts, backoffs)
}

/// How one transfer went.
pub enum Step {
    Done { backed_off: usize },
    TimedOut,
}

// ANCHOR: fixes
/// Fix 1: every thread takes the locks in one global order (by index),
/// whatever the direction of the transfer.
fn ordered(
    accounts: &[Mutex<i64>; 2],
    from: usize,
    to: usize,
    timeout: Duration,
) -> Step {
    let (low, high) = (from.min(to), from.max(to));
    let Some(mut first) = accounts[low].try_lock_for(timeout) else {
        return Step::TimedOut;
    };
    let Some(mut second) = accounts[high].try_lock_for(timeout) else {
        return Step::TimedOut;
    };
    let (from_balance, to_balance) = if from == low {
        (&mut *first, &mut *second)
    } else {
        (&mut *second, &mut *first)
    };
    *from_balance -= 1;
    *to_balance += 1;
    Step::Done { backed_off: 0 }
}

/// Fix 2: one lock around both accounts; nothing to order.
fn one_lock(
    accounts: &Mutex<[i64; 2]>,
    from: usize,
    to: usize,
    timeout: Duration,
) -> Step {
    let Some(mut both) = accounts.try_lock_for(timeout) else {
        return Step::TimedOut;
    };
    both[from] -= 1;
    both[to] += 1;
    Step::Done { backed_off: 0 }
}

/// Fix 3: take the first lock, only *try* the second; if it is taken,
/// release the first, back off, and start again.
fn back_off(
    accounts: &[Mutex<i64>; 2],
    from: usize,
    to: usize,
    timeout: Duration,
) -> Step {
    let deadline = Instant::now() + timeout;
    let mut backed_off = 0;
    while Instant::now() < deadline {
        let mut first: MutexGuard<i64> = accounts[from].lock();
        if let Some(mut second) = accounts[to].try_lock() {
            *first -= 1;
            *second += 1;
            return Step::Done { backed_off };
        }
        drop(first); // give the other thread its chance
        backed_off += 1;
        std::thread::yield_now();
    }
    Step::TimedOut
}
// ANCHOR_END: fixes

pub fn fix_ordered(transfers: usize, timeout: Duration) -> Fixed {
    let accounts = [Mutex::new(100), Mutex::new(100)];
    let (done, timeouts, backoffs) =
        both_ways(&accounts, transfers, |a, f, t| ordered(a, f, t, timeout));
    let total = accounts.iter().map(|a| *a.lock()).sum();
    Fixed {
        total,
        done,
        timeouts,
        backoffs,
    }
}

pub fn fix_one_lock(transfers: usize, timeout: Duration) -> Fixed {
    let accounts = Mutex::new([100, 100]);
    let (done, timeouts, backoffs) =
        both_ways(&accounts, transfers, |a, f, t| one_lock(a, f, t, timeout));
    let total = accounts.lock().iter().sum();
    Fixed {
        total,
        done,
        timeouts,
        backoffs,
    }
}

pub fn fix_back_off(transfers: usize, timeout: Duration) -> Fixed {
    let accounts = [Mutex::new(100), Mutex::new(100)];
    let (done, timeouts, backoffs) =
        both_ways(&accounts, transfers, |a, f, t| back_off(a, f, t, timeout));
    let total = accounts.iter().map(|a| *a.lock()).sum();
    Fixed {
        total,
        done,
        timeouts,
        backoffs,
    }
}

/// What `deadlock` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deadlock {
    /// How long each thread waited for its second lock, in seconds.
    pub lock_timeout_s: f64,
    /// Every run of the deadlock, in order.
    pub runs: Vec<DeadlockRun>,
    /// Transfers each thread makes, for each fix.
    pub transfers: usize,
    pub fixes: Vec<(Fix, Fixed)>,
}

/// One run of the deadlock: what each thread saw, what the watchdog read
/// in the wait-for graph, and whether both locks were free afterwards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeadlockRun {
    pub threads: Vec<ThreadSeen>,
    /// The cycle from `left`, as text; `None`: no cycle.
    pub cycle: Option<String>,
    pub recovered: bool,
}

/// What one thread of a run saw ([`Stuck`], in seconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadSeen {
    pub thread: String,
    pub held: String,
    pub wanted: String,
    /// `None`: it never got the second lock (the timeout fired).
    pub got_it_after_s: Option<f64>,
    pub gave_up_after_s: f64,
}

impl From<&Stuck> for ThreadSeen {
    fn from(stuck: &Stuck) -> ThreadSeen {
        ThreadSeen {
            thread: stuck.thread.to_string(),
            held: stuck.held.to_string(),
            wanted: stuck.wanted.to_string(),
            got_it_after_s: stuck.got_it_after.map(|d| d.as_secs_f64()),
            gave_up_after_s: stuck.gave_up_after.as_secs_f64(),
        }
    }
}

/// The three fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fix {
    LockOrder,
    OneLock,
    BackOff,
}

impl Fix {
    pub const ALL: [Fix; 3] = [Fix::LockOrder, Fix::OneLock, Fix::BackOff];

    pub fn name(self) -> &'static str {
        match self {
            Fix::LockOrder => "one lock order",
            Fix::OneLock => "one lock for both",
            Fix::BackOff => "try-lock, back off",
        }
    }

    pub fn transfers(self) -> Transfers {
        match self {
            Fix::LockOrder => fix_ordered,
            Fix::OneLock => fix_one_lock,
            Fix::BackOff => fix_back_off,
        }
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let s = context.sizes.clone();
    let runs = (0..s.deadlock_runs)
        .map(|_| {
            let (stuck, graph, free) = deadlock_once(s.lock_timeout);
            DeadlockRun {
                threads: stuck.iter().map(ThreadSeen::from).collect(),
                cycle: graph.cycle_from("left"),
                recovered: free,
            }
        })
        .collect();
    let fixes = Fix::ALL
        .into_iter()
        .map(|fix| (fix, fix.transfers()(s.transfers, s.lock_timeout * 20)))
        .collect();
    results.deadlock = Some(Deadlock {
        lock_timeout_s: s.lock_timeout.as_secs_f64(),
        runs,
        transfers: s.transfers,
        fixes,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let deadlock = need(&results.deadlock, "deadlock")?;
    let mut report = SectionReport::new(
        "deadlock",
        format!(
            "Two threads take locks A and B in opposite order, {} runs. Each waits \
             {} ms for its second lock: both time out every run, the wait-for graph \
             shows the cycle, both release, and the program goes on. Then three \
             fixes, {} transfers each way.",
            deadlock.runs.len(),
            (deadlock.lock_timeout_s * 1e3).round() as u64,
            deadlock.transfers
        ),
    );
    report_deadlock(&mut report, deadlock);
    report_fixes(&mut report, deadlock);
    report.note(
        "Python's threading.Lock.acquire(timeout=…) is the same detector. What neither \
         language does for you is notice the cycle: a plain lock() would wait forever \
         (the debugger section shows such a process from outside).",
    );
    Ok(report)
}

/// The broken order: what each thread saw, and the checks over every run.
fn report_deadlock(report: &mut SectionReport, deadlock: &Deadlock) {
    let mut table = Table::new(
        "The deadlock, as each thread saw it (last run)",
        &["thread", "holds", "waits for", "got it", "gave up after"],
    );
    let last = deadlock.runs.last().map_or(&[][..], |r| &r.threads);
    for t in last {
        table.push(vec![
            Cell::text(&t.thread),
            Cell::text(&t.held),
            Cell::text(&t.wanted),
            Cell::text(if t.got_it_after_s.is_some() {
                "yes"
            } else {
                "no"
            }),
            Cell::Seconds(t.gave_up_after_s),
        ]);
    }
    report.table(table);
    let cycle = deadlock
        .runs
        .first()
        .and_then(|r| r.cycle.clone())
        .unwrap_or_default();
    report.note(format!(
        "The watchdog's reading of the wait-for graph: {cycle}."
    ));
    // No run at all would make every "in every run" hold: not a deadlock.
    let timed_out = |r: &DeadlockRun| {
        r.threads.len() == 2 && r.threads.iter().all(|t| t.got_it_after_s.is_none())
    };
    report.check(
        !deadlock.runs.is_empty() && deadlock.runs.iter().all(timed_out),
        "in every run, both threads timed out waiting: a real deadlock, every time",
    );
    report.check(
        deadlock.runs.iter().all(|r| r.cycle.is_some()),
        "in every run, the wait-for graph had a cycle (left → B → right → A → left)",
    );
    report.check(
        deadlock.runs.iter().all(|r| r.recovered),
        "after each run both locks were free and both threads joined: recovered",
    );
}

/// The three fixes: every transfer done, the total kept, no timeout.
fn report_fixes(report: &mut SectionReport, deadlock: &Deadlock) {
    let mut fixes = Table::new(
        "The fixes, two threads transferring in opposite directions",
        &["fix", "transfers", "total after", "timeouts", "back-offs"],
    );
    let mut all_fixed = deadlock.fixes.len() == Fix::ALL.len();
    for (fix, f) in &deadlock.fixes {
        all_fixed &=
            f.total == 200 && f.done == 2 * deadlock.transfers && f.timeouts == 0;
        fixes.push(vec![
            Cell::text(fix.name()),
            Cell::Count(f.done as u64),
            Cell::Count(f.total as u64),
            Cell::Count(f.timeouts as u64),
            Cell::Tally(f.backoffs as u64),
        ]);
    }
    report.table(fixes);
    report.check(
        all_fixed,
        "every fix did every transfer, kept the total at 200, and never timed out",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(thread: &str, held: &str, wanted: &str, got: Option<f64>) -> ThreadSeen {
        ThreadSeen {
            thread: thread.into(),
            held: held.into(),
            wanted: wanted.into(),
            got_it_after_s: got,
            gave_up_after_s: 0.1,
        }
    }

    /// Two runs that deadlocked and recovered; fixes that did every transfer.
    fn made_up() -> Deadlock {
        let cycle =
            "left waits for B, held by right; right waits for A, held by left";
        let run = DeadlockRun {
            threads: vec![
                seen("left", "A", "B", None),
                seen("right", "B", "A", None),
            ],
            cycle: Some(cycle.into()),
            recovered: true,
        };
        let fixed = Fixed {
            total: 200,
            done: 20,
            timeouts: 0,
            backoffs: 3,
        };
        Deadlock {
            lock_timeout_s: 0.1,
            runs: vec![run.clone(), run],
            transfers: 10,
            fixes: Fix::ALL.into_iter().map(|fix| (fix, fixed)).collect(),
        }
    }

    fn broken(deadlock: Deadlock) -> Vec<String> {
        let results = Results {
            deadlock: Some(deadlock),
            ..Results::default()
        };
        let r = report(&results).unwrap();
        r.broken().iter().map(|c| c.claim.clone()).collect()
    }

    #[test]
    fn a_real_deadlock_every_run_holds() {
        assert_eq!(broken(made_up()), Vec::<String>::new());
    }

    #[test]
    fn a_thread_that_got_its_second_lock_was_no_deadlock() {
        let mut deadlock = made_up();
        deadlock.runs[1].threads[0].got_it_after_s = Some(0.001);
        let broken = broken(deadlock);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(broken[0].contains("both threads timed out"));
    }

    #[test]
    fn no_run_at_all_is_no_deadlock() {
        let mut deadlock = made_up();
        deadlock.runs.clear();
        let broken = broken(deadlock);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(broken[0].contains("both threads timed out"));
    }

    #[test]
    fn no_cycle_or_no_recovery_is_broken() {
        let mut deadlock = made_up();
        deadlock.runs[0].cycle = None;
        deadlock.runs[1].recovered = false;
        assert_eq!(broken(deadlock).len(), 2);
    }

    #[test]
    fn a_fix_that_lost_money_or_timed_out_is_broken() {
        for spoil in [
            |f: &mut Fixed| f.total = 199,
            |f: &mut Fixed| f.timeouts = 1,
            |f: &mut Fixed| f.done = 19,
        ] {
            let mut deadlock = made_up();
            spoil(&mut deadlock.fixes[2].1);
            let broken = broken(deadlock);
            assert_eq!(broken.len(), 1, "{broken:?}");
            assert!(broken[0].starts_with("every fix"));
        }
    }
}
