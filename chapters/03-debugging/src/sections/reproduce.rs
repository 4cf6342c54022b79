//! `reproduce`: a check-then-act race that real threads almost never show
//! (the first thread is done before the second has started), made to show
//! every time by shuttle, which runs the same code under a scheduler it
//! controls: it picks which thread runs at every atomic operation and
//! lock, so it can try thousands of interleavings in one test, replay
//! any of them, and — with the DFS scheduler — try every one.

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use shuttle::scheduler::{DfsScheduler, RandomScheduler, Scheduler};
use shuttle::{Config, FailurePersistence, Runner};
use std::sync::{Arc, Mutex as StdMutex};

/// The code over real threads.
pub mod on_std {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::thread;
    include!("start_once.rs");
}

/// The same code over shuttle's threads, atomics and locks.
pub mod on_shuttle {
    use shuttle::sync::Arc;
    use shuttle::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use shuttle::thread;
    // The log is not under test: std's lock is not a point where shuttle
    // may switch threads, so the schedules are those of the atomics alone.
    // (shuttle runs one thread at a time, so it cannot block.)
    use std::sync::Mutex;
    include!("start_once.rs");
}

/// The seed of the random scheduler: the same seed, the same schedules,
/// so the failure it finds is found again on every run.
pub const SEED: u64 = 42;

/// What a model-checking run found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Found {
    pub schedules: usize,
    pub failing: usize,
    /// The 1-based schedule that failed first, and what happened in it.
    pub first_failure: Option<(usize, Vec<String>)>,
}

// ANCHOR: explore
/// Runs `two_starts` under shuttle's `scheduler`, once per schedule it
/// picks, and keeps every schedule in which the service started twice.
pub fn explore(scheduler: impl Scheduler + 'static, fixed: bool) -> Found {
    let found = Arc::new(StdMutex::new(Found::default()));
    let seen = found.clone();
    let mut config = Config::new();
    config.silence_warnings = true; // we know its atomics are sequential
    config.failure_persistence = FailurePersistence::None;
    Runner::new(scheduler, config).run(move || {
        let (starts, log) = on_shuttle::two_starts(fixed);
        let mut found = seen.lock().unwrap_or_else(|e| e.into_inner());
        found.schedules += 1;
        if starts != 1 {
            found.failing += 1;
            if found.first_failure.is_none() {
                found.first_failure = Some((found.schedules, log));
            }
        }
    });
    found.lock().unwrap_or_else(|e| e.into_inner()).clone()
}
// ANCHOR_END: explore

/// Runs the code on real threads `runs` times; how many runs started the
/// service twice.
pub fn on_real_threads(runs: usize, fixed: bool) -> usize {
    (0..runs)
        .filter(|_| on_std::two_starts(fixed).0 != 1)
        .count()
}

/// What `reproduce` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reproduce {
    /// The broken version on real threads: runs, and runs that started the
    /// service twice.
    pub real_runs: usize,
    pub real_failing: usize,
    /// The random scheduler's seed and the schedules it was asked for.
    pub seed: u64,
    pub random_schedules: usize,
    /// The broken version under the random scheduler.
    pub random: Found,
    /// Every interleaving (DFS) of the broken version, and of the fix.
    pub every_broken: Found,
    pub every_fixed: Found,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let s = context.sizes.clone();
    let real_failing = on_real_threads(s.real_runs, false);
    let random = explore(
        RandomScheduler::new_from_seed(SEED, s.shuttle_schedules),
        false,
    );
    let every_broken = explore(DfsScheduler::new(None, false), false);
    let every_fixed = explore(DfsScheduler::new(None, false), true);
    results.reproduce = Some(Reproduce {
        real_runs: s.real_runs,
        real_failing,
        seed: SEED,
        random_schedules: s.shuttle_schedules,
        random,
        every_broken,
        every_fixed,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let found = need(&results.reproduce, "reproduce")?;
    let mut report = SectionReport::new(
        "reproduce",
        format!(
            "Two threads start a service that must start once. Checking `ready` and \
             then setting it is a race that real threads show only now and then. \
             shuttle finds it at once ({} random schedules, seed {}), prints the \
             interleaving, and checks every interleaving of the fix.",
            found.random_schedules, found.seed
        ),
    );
    report.table(runs_table(found));
    if let Some(trace) = first_failure(found) {
        report.table(trace);
    }
    report.check(
        found.random.failing > 0,
        "shuttle's random scheduler found the double start",
    );
    report.check(
        found.every_broken.failing > 0 && found.every_fixed.failing == 0,
        "exhaustive search finds the bug in the broken version and none in the fix",
    );
    report.note(
        "On real threads the count varies from run to run and machine to machine, \
         and is often 0: a test that runs the real code and passes proves little. The fix uses compare_exchange, \
         so checking and marking happen as one step; std::sync::Once and OnceLock \
         do exactly this for you. Python has no shuttle; the nearest tools are \
         stress loops with sys.setswitchinterval set tiny.",
    );
    Ok(report)
}

/// The interleaving shuttle printed for the first failing schedule, step by step.
fn first_failure(found: &Reproduce) -> Option<Table> {
    let (at, log) = found.random.first_failure.as_ref()?;
    let mut trace = Table::new(
        format!("The first failing interleaving shuttle found (schedule {at})"),
        &["step", "what happened"],
    );
    for (i, line) in log.iter().enumerate() {
        trace.push(vec![Cell::Count(i as u64 + 1), Cell::text(line)]);
    }
    Some(trace)
}

/// How often each way of running found the double start.
fn runs_table(found: &Reproduce) -> Table {
    let mut table = Table::new(
        "Runs in which the service started twice",
        &["how it ran", "version", "runs", "started twice"],
    );
    table.push(vec![
        Cell::text("real threads"),
        Cell::text("broken"),
        Cell::Count(found.real_runs as u64),
        Cell::Tally(found.real_failing as u64),
    ]);
    let rows = [
        ("shuttle, random", "broken", &found.random),
        ("shuttle, every interleaving", "broken", &found.every_broken),
        ("shuttle, every interleaving", "fixed", &found.every_fixed),
    ];
    for (how, version, found) in rows {
        // Same seed, same code: shuttle's counts do not vary.
        table.push(vec![
            Cell::text(how),
            Cell::text(version),
            Cell::Count(found.schedules as u64),
            Cell::Count(found.failing as u64),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(schedules: usize, failing: usize) -> Found {
        let log = vec![
            "thread 1 finds the service not ready".to_string(),
            "thread 2 finds the service not ready".to_string(),
        ];
        Found {
            schedules,
            failing,
            first_failure: (failing > 0).then_some((3, log)),
        }
    }

    fn made_up(random: Found, broken: Found, fixed: Found) -> Results {
        Results {
            reproduce: Some(Reproduce {
                real_runs: 200,
                real_failing: 0,
                seed: SEED,
                random_schedules: 300,
                random,
                every_broken: broken,
                every_fixed: fixed,
            }),
            ..Results::default()
        }
    }

    #[test]
    fn a_found_bug_and_a_clean_fix_hold() {
        let r = report(&made_up(found(300, 90), found(6, 2), found(4, 0))).unwrap();
        assert!(r.checks().all(|c| c.holds), "{r:?}");
        // The first failure's interleaving is shown, step by step.
        let text = r.render(shared::report::Render::Plain);
        assert!(text.contains("(schedule 3)"), "{text}");
    }

    #[test]
    fn a_missed_bug_or_a_failing_fix_is_broken() {
        let missed = report(&made_up(found(300, 0), found(6, 2), found(4, 0)));
        assert_eq!(missed.unwrap().broken().len(), 1);
        let no_dfs = report(&made_up(found(300, 90), found(6, 0), found(4, 0)));
        assert_eq!(no_dfs.unwrap().broken().len(), 1);
        let bad_fix = report(&made_up(found(300, 90), found(6, 2), found(4, 1)));
        assert_eq!(bad_fix.unwrap().broken().len(), 1);
    }
}
