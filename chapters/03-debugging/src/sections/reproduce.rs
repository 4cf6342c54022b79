//! `reproduce`: a check-then-act race that real threads almost never show
//! (the first thread is done before the second has started), made to show
//! every time by shuttle, which runs the same code under a scheduler it
//! controls: it picks which thread runs at every atomic operation and
//! lock, so it can try thousands of interleavings in milliseconds, replay
//! any of them, and — with the DFS scheduler — try every one.

use crate::Context;
use shared::report::{Cell, Record, SectionReport, Table};
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
#[derive(Clone, Debug, Default)]
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

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let s = context.sizes.clone();
    let mut report = SectionReport::new(
        "reproduce",
        format!(
            "Two threads start a service that must start once. Checking `ready` and \
             then setting it is a race that real threads show only now and then. \
             shuttle finds it at once ({} random schedules, seed {SEED}), prints the \
             interleaving, and checks every interleaving of the fix.",
            s.shuttle_schedules
        ),
    );
    let real = on_real_threads(s.real_runs, false);
    let random = explore(
        RandomScheduler::new_from_seed(SEED, s.shuttle_schedules),
        false,
    );
    let every_broken = explore(DfsScheduler::new(None, false), false);
    let every_fixed = explore(DfsScheduler::new(None, false), true);
    let mut table = Table::new(
        "Runs in which the service started twice",
        &["how it ran", "version", "runs", "started twice"],
    );
    table.push(vec![
        Cell::text("real threads"),
        Cell::text("broken"),
        Cell::Count(s.real_runs as u64),
        Cell::Tally(real as u64),
    ]);
    let rows = [
        ("shuttle, random", "broken", &random),
        ("shuttle, every interleaving", "broken", &every_broken),
        ("shuttle, every interleaving", "fixed", &every_fixed),
    ];
    for (how, version, found) in rows {
        // Same seed, same code: shuttle's counts do not vary.
        table.push(vec![
            Cell::text(how),
            Cell::text(version),
            Cell::Count(found.schedules as u64),
            Cell::Count(found.failing as u64),
        ]);
        report.record(
            Record::new("reproduce", Some(version), how)
                .with("schedules", found.schedules)
                .with("failing", found.failing),
        );
    }
    report.record(
        Record::new("reproduce", Some("broken"), "real threads")
            .with("runs", s.real_runs)
            .with("failing", real),
    );
    report.table(table);
    if let Some((at, log)) = &random.first_failure {
        let mut trace = Table::new(
            format!("The first failing interleaving shuttle found (schedule {at})"),
            &["step", "what happened"],
        );
        for (i, line) in log.iter().enumerate() {
            trace.push(vec![Cell::Count(i as u64 + 1), Cell::text(line)]);
        }
        report.table(trace);
    }
    report.check(
        random.failing > 0,
        "shuttle's random scheduler found the double start",
    );
    report.check(
        every_broken.failing > 0 && every_fixed.failing == 0,
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
