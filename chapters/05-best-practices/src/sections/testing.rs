//! `testing`: rule 7, test concurrent code thoroughly.
//!
//! One bug — a counter incremented by reading it and writing back one
//! more — hunted two ways. A stress test runs it on real threads again and
//! again and hopes the threads interleave badly; it costs time and proves
//! nothing when it finds nothing. shuttle runs the same code on threads it
//! schedules itself and, with its depth-first scheduler, tries every
//! interleaving: it finds the bug on a small case every time and prints
//! the schedule that caused it, and for the fixed code it proves there is
//! no schedule that loses an update.
//!
//! The code under test is written once, against [`Counter`], and run on
//! `std` atomics by the stress test and on shuttle's by the model checker.

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table, group_thousands};
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Barrier, Mutex};
use std::time::Instant;

/// What the code under test needs from an atomic counter, so the same
/// code runs on `std`'s atomics and on shuttle's.
pub trait Counter: Send + Sync {
    fn load(&self) -> u64;
    fn store(&self, value: u64);
    fn fetch_add(&self, value: u64) -> u64;
}

impl Counter for std::sync::atomic::AtomicU64 {
    fn load(&self) -> u64 {
        self.load(SeqCst)
    }
    fn store(&self, value: u64) {
        self.store(value, SeqCst);
    }
    fn fetch_add(&self, value: u64) -> u64 {
        self.fetch_add(value, SeqCst)
    }
}

impl Counter for shuttle::sync::atomic::AtomicU64 {
    fn load(&self) -> u64 {
        self.load(SeqCst)
    }
    fn store(&self, value: u64) {
        self.store(value, SeqCst);
    }
    fn fetch_add(&self, value: u64) -> u64 {
        self.fetch_add(value, SeqCst)
    }
}

// ANCHOR: code_under_test
/// The bug: read, then write back one more. Another thread can write
/// between the two, and its increment is lost.
pub fn add_one_racy(counter: &dyn Counter) {
    let seen = counter.load();
    counter.store(seen + 1);
}

/// The fix: one indivisible read-modify-write.
pub fn add_one_atomic(counter: &dyn Counter) {
    counter.fetch_add(1);
}
// ANCHOR_END: code_under_test

/// A version of the code under test.
pub type AddOne = fn(&dyn Counter);

/// What the stress test saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stress {
    /// Runs made: up to the first lost update, or the whole bound.
    pub runs: usize,
    pub found: bool,
    /// Updates lost in the last run made.
    pub lost: u64,
    /// Seconds the runs took.
    pub took: f64,
}

// ANCHOR: stress
/// The stress test: two real threads, `increments` each, started together;
/// again and again until an update is lost or `bound` runs have passed.
pub fn stress(add_one: AddOne, increments: u64, bound: usize) -> Stress {
    let start = Instant::now();
    for run in 1..=bound {
        let counter = std::sync::atomic::AtomicU64::new(0);
        let start_line = Barrier::new(2);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    start_line.wait(); // maximise the overlap
                    for _ in 0..increments {
                        add_one(&counter);
                    }
                });
            }
        });
        let lost = 2 * increments - counter.into_inner();
        if lost > 0 {
            let took = start.elapsed().as_secs_f64();
            return Stress {
                runs: run,
                found: true,
                lost,
                took,
            };
        }
    }
    Stress {
        runs: bound,
        found: false,
        lost: 0,
        took: start.elapsed().as_secs_f64(),
    }
}
// ANCHOR_END: stress

/// A counter that logs every operation, so a failing schedule can be
/// read as the list of steps that lost an update.
struct Traced<'a> {
    counter: &'a shuttle::sync::atomic::AtomicU64,
    who: &'static str,
    log: &'a Mutex<Vec<String>>,
}

impl Traced<'_> {
    fn note(&self, step: String) {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(step);
    }
}

impl Counter for Traced<'_> {
    fn load(&self) -> u64 {
        let v = self.counter.load(SeqCst);
        self.note(format!("{} reads {v}", self.who));
        v
    }
    fn store(&self, value: u64) {
        self.counter.store(value, SeqCst);
        self.note(format!("{} writes {value}", self.who));
    }
    fn fetch_add(&self, value: u64) -> u64 {
        let v = self.counter.fetch_add(value, SeqCst);
        self.note(format!("{} adds {value} to {v}", self.who));
        v
    }
}

/// What the model checker saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Schedules explored: every one there is, for this small case.
    pub schedules: usize,
    /// The first schedule (counted from 1) that lost an update.
    pub first_failure: Option<usize>,
    /// Its steps, in the order shuttle ran them.
    pub failing_steps: Vec<String>,
    /// Seconds the exploration took.
    pub took: f64,
}

/// One execution's final count and its steps.
type Executions = Mutex<Vec<(u64, Vec<String>)>>;

// ANCHOR: shuttle
/// The model check: threads A and B add one each, under shuttle's
/// depth-first scheduler, which runs the test once per possible
/// interleaving of their steps.
pub fn model_check(add_one: AddOne) -> Model {
    let start = Instant::now();
    let executions: Arc<Executions> = Arc::default();
    let seen = Arc::clone(&executions);
    let scheduler = shuttle::scheduler::DfsScheduler::new(None, false);
    let runner = shuttle::Runner::new(scheduler, shuttle::Config::new());
    let schedules = runner.run(move || {
        let counter = Arc::new(shuttle::sync::atomic::AtomicU64::new(0));
        let log = Arc::new(Mutex::new(Vec::new()));
        let threads: Vec<_> = ["A", "B"]
            .into_iter()
            .map(|who| {
                let (counter, log) = (counter.clone(), log.clone());
                shuttle::thread::spawn(move || {
                    add_one(&Traced {
                        counter: &counter,
                        who,
                        log: &log,
                    });
                })
            })
            .collect();
        for t in threads {
            t.join().expect("a model thread panicked");
        }
        let steps = log.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut all = seen.lock().unwrap_or_else(|e| e.into_inner());
        all.push((counter.load(SeqCst), steps));
    });
    let executions = executions.lock().unwrap_or_else(|e| e.into_inner());
    let first = executions.iter().position(|(count, _)| *count != 2);
    Model {
        schedules,
        first_failure: first.map(|i| i + 1),
        failing_steps: first.map(|i| executions[i].1.clone()).unwrap_or_default(),
        took: start.elapsed().as_secs_f64(),
    }
}
// ANCHOR_END: shuttle

/// What `testing` measured: the racy code and the fix, each hunted by
/// the stress test and by shuttle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Testing {
    /// Increments per thread in each stress run, and the bound on runs.
    pub increments: u64,
    pub bound: usize,
    pub racy_stress: Stress,
    pub fixed_stress: Stress,
    pub racy_model: Model,
    pub fixed_model: Model,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = &context.sizes;
    let (increments, bound) = (sizes.stress_increments, sizes.stress_runs);
    results.testing = Some(Testing {
        increments,
        bound,
        racy_stress: stress(add_one_racy, increments, bound),
        fixed_stress: stress(add_one_atomic, increments, bound),
        racy_model: model_check(add_one_racy),
        fixed_model: model_check(add_one_atomic),
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let testing = need(&results.testing, "testing")?;
    let bound = testing.bound;
    let fixed_stress = &testing.fixed_stress;
    let (racy_model, fixed_model) = (&testing.racy_model, &testing.fixed_model);
    let mut report = SectionReport::new(
        "testing",
        "Rule 7: test concurrent code thoroughly. One race — read, then write \
         back one more — hunted by a stress test on real threads and by shuttle, \
         a model checker that tries every interleaving.",
    );
    report.table(stress_table(testing));
    report.table(model_table(testing));
    report.note(format!(
        "The schedule shuttle found: {}.",
        racy_model.failing_steps.join(", ")
    ));
    report.check(
        racy_model.first_failure.is_some() && racy_model.failing_steps.len() == 4,
        "shuttle found the lost update, with the four steps that cause it",
    );
    report.check(
        fixed_model.first_failure.is_none() && fixed_model.schedules > 1,
        "shuttle tried every schedule of the fix and none lost an update",
    );
    report.check(
        !fixed_stress.found && fixed_stress.runs == bound,
        "the fix survived every run of the stress test",
    );
    report.note(
        "The racy stress test stops at the first run that loses an update; if \
         its runs made reach the bound with nothing lost, it found nothing. On \
         another machine, or at a quieter moment, it may take more runs or find \
         nothing at all — and silence proves nothing. shuttle's answer is \
         the same on every machine, and exhaustive for this small case; for \
         bigger ones its random and PCT schedulers sample, with a reproducible \
         seed. loom does the same job for std's memory model, exhaustively.",
    );
    Ok(report)
}

/// The stress test's runs on real threads, racy code and fix.
fn stress_table(testing: &Testing) -> Table {
    let (increments, bound) = (testing.increments, testing.bound);
    let (racy_stress, fixed_stress) = (&testing.racy_stress, &testing.fixed_stress);
    let mut table = Table::new(
        format!(
            "Stress test: 2 threads × {} increments a run, at most {} runs",
            group_thousands(increments),
            group_thousands(bound as u64)
        ),
        &["code", "runs made", "updates lost in the last run", "time"],
    );
    // How soon the race shows depends on the machine and the moment:
    // those counts vary. The fix's are fixed: every run, nothing lost.
    table.push(vec![
        Cell::text("read, write back +1"),
        Cell::Tally(racy_stress.runs as u64),
        Cell::Tally(racy_stress.lost),
        Cell::Seconds(racy_stress.took),
    ]);
    table.push(vec![
        Cell::text("fetch_add"),
        Cell::Count(fixed_stress.runs as u64),
        Cell::Count(fixed_stress.lost),
        Cell::Seconds(fixed_stress.took),
    ]);
    table
}

/// shuttle's exhaustive search, racy code and fix.
fn model_table(testing: &Testing) -> Table {
    let (racy_model, fixed_model) = (&testing.racy_model, &testing.fixed_model);
    let mut table = Table::new(
        "shuttle, depth-first: 2 threads × 1 increment, every interleaving",
        &[
            "code",
            "schedules explored",
            "first failing schedule",
            "time",
        ],
    );
    for (name, m) in [
        ("read, write back +1", racy_model),
        ("fetch_add", fixed_model),
    ] {
        table.push(vec![
            Cell::text(name),
            Cell::Count(m.schedules as u64),
            match m.first_failure {
                Some(n) => Cell::Count(n as u64),
                None => Cell::text("none: no schedule loses an update"),
            },
            Cell::Seconds(m.took),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up(racy_found: bool, fixed_found: bool) -> Results {
        let stress = |found: bool, runs| Stress {
            runs,
            found,
            lost: u64::from(found),
            took: 0.01,
        };
        let model = |first_failure: Option<usize>| Model {
            schedules: 6,
            first_failure,
            failing_steps: if first_failure.is_some() {
                ["A reads 0", "B reads 0", "A writes 1", "B writes 1"]
                    .map(String::from)
                    .to_vec()
            } else {
                Vec::new()
            },
            took: 0.001,
        };
        Results {
            testing: Some(Testing {
                increments: 1_000,
                bound: 200,
                racy_stress: stress(true, 3),
                fixed_stress: stress(fixed_found, if fixed_found { 7 } else { 200 }),
                racy_model: model(racy_found.then_some(2)),
                fixed_model: model(None),
            }),
            ..Results::default()
        }
    }

    #[test]
    fn the_race_found_and_the_fix_clean_holds() {
        let good = report(&made_up(true, false)).unwrap();
        assert!(good.checks().all(|c| c.holds), "{good:?}");
        assert!(good.blocks.iter().any(|b| matches!(
            b,
            shared::report::Block::Note(n) if n.contains("A reads 0, B reads 0")
        )));
    }

    #[test]
    fn a_race_missed_by_shuttle_or_in_the_fix_is_broken() {
        let missed = report(&made_up(false, false)).unwrap();
        assert_eq!(missed.broken().len(), 1, "{missed:?}");
        assert!(missed.broken()[0].claim.contains("found the lost update"));
        let fix_lost = report(&made_up(true, true)).unwrap();
        assert_eq!(fix_lost.broken().len(), 1);
        assert!(fix_lost.broken()[0].claim.contains("survived every run"));
    }
}
