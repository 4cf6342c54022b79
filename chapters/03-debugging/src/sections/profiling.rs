//! `profiling`: where the time goes in concurrent code. A profiler shows
//! CPU time; a thread waiting for a lock uses none, so a sampling profiler
//! barely sees contention. Measuring it takes two clocks around the lock:
//! one from asking to getting (waiting), one from getting to releasing
//! (holding). Then tokio's own view of a runtime, from `Handle::metrics()`.

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Busy for `d`: the work each turn does.
fn work_for(d: Duration) -> u64 {
    let start = Instant::now();
    let mut spins = 0u64;
    while start.elapsed() < d {
        spins = std::hint::black_box(spins + 1);
    }
    spins
}

/// The time all threads together spent waiting for and holding the lock.
#[derive(Clone, Copy, Debug, Default)]
pub struct LockTime {
    pub waiting: Duration,
    pub holding: Duration,
    pub wall: Duration,
}

// ANCHOR: measure
/// `threads` threads each do `turns` turns of `work` and add the result to
/// a shared list: with the work inside the critical section, or before it.
pub fn contend(
    threads: usize,
    turns: usize,
    work: Duration,
    inside: bool,
) -> LockTime {
    let results = Mutex::new(Vec::new());
    let start = Instant::now();
    let per_thread: Vec<LockTime> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut time = LockTime::default();
                    for _ in 0..turns {
                        let early = if inside { 0 } else { work_for(work) };
                        let asked = Instant::now();
                        let mut list =
                            results.lock().unwrap_or_else(|e| e.into_inner());
                        let got = Instant::now();
                        let late = if inside { work_for(work) } else { 0 };
                        list.push(early + late);
                        // Read the clock before unlocking: waking a waiter
                        // may switch this thread out at the unlock.
                        let done = Instant::now();
                        drop(list);
                        time.waiting += got - asked;
                        time.holding += done - got;
                    }
                    time
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a contender"))
            .collect()
    });
    let mut total = LockTime {
        wall: start.elapsed(),
        ..LockTime::default()
    };
    for t in per_thread {
        total.waiting += t.waiting;
        total.holding += t.holding;
    }
    total
}
// ANCHOR_END: measure

// ANCHOR: metrics
/// What tokio says about a runtime with `tasks` sleeping tasks on it.
pub fn runtime_view(tasks: usize) -> anyhow::Result<(usize, usize, usize)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()?;
    let metrics = runtime.handle().metrics();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            runtime
                .spawn(async { tokio::time::sleep(Duration::from_millis(50)).await })
        })
        .collect();
    let while_sleeping = metrics.num_alive_tasks();
    runtime.block_on(async {
        for handle in handles {
            handle.await?;
        }
        anyhow::Ok(())
    })?;
    let afterwards = metrics.num_alive_tasks();
    Ok((metrics.num_workers(), while_sleeping, afterwards))
}
// ANCHOR_END: metrics

/// Where each turn's work is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Work {
    InsideTheLock,
    BeforeTheLock,
}

impl Work {
    pub const ALL: [Work; 2] = [Work::InsideTheLock, Work::BeforeTheLock];

    pub fn name(self) -> &'static str {
        match self {
            Work::InsideTheLock => "inside the lock",
            Work::BeforeTheLock => "before the lock",
        }
    }
}

/// A [`LockTime`], in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LockSeconds {
    pub wall_s: f64,
    pub waiting_s: f64,
    pub holding_s: f64,
}

/// What tokio's `Handle::metrics()` said about a runtime of sleeping
/// tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeView {
    pub workers: usize,
    pub alive_while_sleeping: usize,
    pub alive_afterwards: usize,
}

/// What `profiling` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profiling {
    pub contenders: usize,
    pub turns: usize,
    /// The work of each turn, in seconds.
    pub work_s: f64,
    pub lock: Vec<(Work, LockSeconds)>,
    pub runtime: RuntimeView,
}

impl Profiling {
    pub fn lock_time(&self, work: Work) -> Option<&LockSeconds> {
        self.lock.iter().find(|(w, _)| *w == work).map(|(_, t)| t)
    }
}

/// The work each turn does.
const WORK: Duration = Duration::from_micros(20);

/// The sleeping tasks tokio's metrics are read on.
const TASKS: usize = 100;

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let s = context.sizes.clone();
    let lock = Work::ALL
        .into_iter()
        .map(|work| {
            let inside = work == Work::InsideTheLock;
            let t = contend(s.contenders, s.contended_turns, WORK, inside);
            let seconds = LockSeconds {
                wall_s: t.wall.as_secs_f64(),
                waiting_s: t.waiting.as_secs_f64(),
                holding_s: t.holding.as_secs_f64(),
            };
            (work, seconds)
        })
        .collect();
    let (workers, alive_while_sleeping, alive_afterwards) = runtime_view(TASKS)?;
    results.profiling = Some(Profiling {
        contenders: s.contenders,
        turns: s.contended_turns,
        work_s: WORK.as_secs_f64(),
        lock,
        runtime: RuntimeView {
            workers,
            alive_while_sleeping,
            alive_afterwards,
        },
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let profiling = need(&results.profiling, "profiling")?;
    let mut report = SectionReport::new(
        "profiling",
        format!(
            "{} threads each do {} turns of {} µs of work and add the result to one \
             shared list. With the work inside the lock they queue for it; with the \
             work done first, the lock is held for a push and the queue is gone.",
            profiling.contenders,
            profiling.turns,
            (profiling.work_s * 1e6).round() as u64
        ),
    );
    report_lock(&mut report, profiling)?;
    report_runtime(&mut report, &profiling.runtime);
    report.note(
        "For CPU time, profile the release binary: `perf record -g --call-graph dwarf \
         target/release/debugging profiling` then `perf report`, or `cargo flamegraph \
         -p debugging -- profiling` for a flame graph (the page has the details). \
         tokio-console shows every task's polls and wakes live; it needs the \
         console-subscriber crate and RUSTFLAGS=\"--cfg tokio_unstable\".",
    );
    Ok(report)
}

/// Time spent waiting for the lock and holding it, work inside or before.
fn report_lock(
    report: &mut SectionReport,
    profiling: &Profiling,
) -> anyhow::Result<()> {
    let mut table = Table::new(
        "Time all threads spent waiting for the lock and holding it",
        &[
            "work done",
            "wall",
            "waiting",
            "holding",
            "waiting / holding",
        ],
    );
    for (work, t) in &profiling.lock {
        table.push(vec![
            Cell::text(work.name()),
            Cell::Seconds(t.wall_s),
            Cell::Seconds(t.waiting_s),
            Cell::Seconds(t.holding_s),
            Cell::Ratio(t.waiting_s / t.holding_s.max(1e-9)),
        ]);
    }
    report.table(table);
    let (Some(inside), Some(before)) = (
        profiling.lock_time(Work::InsideTheLock),
        profiling.lock_time(Work::BeforeTheLock),
    ) else {
        anyhow::bail!("the profiling results lack a way of working");
    };
    report.check(
        inside.holding_s * 2.0 > inside.wall_s,
        "with the work inside the lock, it was held for over half the wall time: the \
         threads took turns instead of running side by side",
    );
    report.measured(
        before.waiting_s * 2.0 < inside.waiting_s,
        "moving the work out of the lock cut the waiting by more than half",
    );
    Ok(())
}

/// What tokio's runtime metrics say about its workers and tasks.
fn report_runtime(report: &mut SectionReport, view: &RuntimeView) {
    let mut shown = Table::new(
        format!(
            "tokio's view: Handle::metrics() on a runtime with {TASKS} sleeping tasks"
        ),
        &["metric", "value"],
    );
    shown.push(vec![
        Cell::text("num_workers()"),
        Cell::Count(view.workers as u64),
    ]);
    shown.push(vec![
        Cell::text("num_alive_tasks(), while they sleep"),
        Cell::Count(view.alive_while_sleeping as u64),
    ]);
    shown.push(vec![
        Cell::text("num_alive_tasks(), after awaiting them"),
        Cell::Tally(view.alive_afterwards as u64),
    ]);
    report.table(shown);
    report.check(
        view.workers == 2 && view.alive_while_sleeping == TASKS,
        "the runtime reported its 2 workers and all 100 sleeping tasks",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up(
        inside: (f64, f64, f64),
        before: (f64, f64, f64),
        alive: usize,
    ) -> Results {
        let seconds = |(wall_s, waiting_s, holding_s)| LockSeconds {
            wall_s,
            waiting_s,
            holding_s,
        };
        Results {
            profiling: Some(Profiling {
                contenders: 4,
                turns: 500,
                work_s: 20e-6,
                lock: vec![
                    (Work::InsideTheLock, seconds(inside)),
                    (Work::BeforeTheLock, seconds(before)),
                ],
                runtime: RuntimeView {
                    workers: 2,
                    alive_while_sleeping: alive,
                    alive_afterwards: 0,
                },
            }),
            ..Results::default()
        }
    }

    #[test]
    fn a_queue_inside_the_lock_and_none_before_hold() {
        let r = report(&made_up((0.05, 0.12, 0.04), (0.02, 0.001, 0.0005), 100))
            .unwrap();
        assert!(r.checks().all(|c| c.holds), "{r:?}");
    }

    #[test]
    fn a_lock_held_under_half_the_wall_time_is_broken() {
        let r = report(&made_up((0.05, 0.12, 0.02), (0.02, 0.001, 0.0005), 100))
            .unwrap();
        assert_eq!(r.broken().len(), 1, "{r:?}");
    }

    #[test]
    fn tasks_missing_from_the_metrics_are_broken() {
        let r =
            report(&made_up((0.05, 0.12, 0.04), (0.02, 0.001, 0.0005), 99)).unwrap();
        assert_eq!(r.broken().len(), 1, "{r:?}");
    }

    #[test]
    fn waiting_that_did_not_shrink_misses_the_claim_only() {
        let r =
            report(&made_up((0.05, 0.12, 0.04), (0.02, 0.1, 0.0005), 100)).unwrap();
        assert!(r.broken().is_empty());
        assert_eq!(r.checks().filter(|c| !c.holds).count(), 1);
    }
}
