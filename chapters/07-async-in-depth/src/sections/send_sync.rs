//! `send-sync`: `tokio::spawn` runs tasks on a pool of threads and may move
//! a task to another thread at any `.await`, so it asks for `Send +
//! 'static`: everything the task holds across an `.await` must be safe to
//! move between threads. The compiler checks it (tests/compile-fail/), so a
//! task holding an `Rc` or a `std` `MutexGuard` there never runs. This
//! section runs the fixes: `!Send` work on a `LocalSet`, a guard dropped
//! before the `.await`; and times what `Arc`'s thread safety costs against
//! `Rc`.

use crate::two_threads::slower_of_two;
use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::measure::Spread;
use shared::report::{Cell, SectionReport, Table, group_thousands};
use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// What `send-sync` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SendSync {
    pub local: LocalRun,
    /// Increments made through a std `Mutex` by tasks on the multi-thread
    /// runtime, each guard dropped before its task's next `.await`.
    pub guarded_total: u64,
    pub guarded_expected: u64,
    /// Nanoseconds of one clone (and its drop), per way.
    pub clones: Vec<CloneCost>,
    pub clones_per_run: u64,
}

/// Tasks sharing an `Rc<RefCell<…>>` on a `LocalSet`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalRun {
    pub tasks: u64,
    /// What they pushed into the shared list, in the order they ran.
    pub pushed: Vec<u64>,
    /// Owners of the `Rc` left once every task ended: 1, the caller.
    pub owners_after: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CloneCost {
    pub way: String,
    /// Seconds per clone over the timed runs.
    pub per_clone: Spread,
}

const LOCAL_TASKS: u64 = 3;

fn local_set() -> anyhow::Result<LocalRun> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    // ANCHOR: local
    let local = tokio::task::LocalSet::new();
    let shared = Rc::new(RefCell::new(Vec::new()));
    local.block_on(&runtime, async {
        let mut handles = Vec::new();
        for task in 0..LOCAL_TASKS {
            let shared = Rc::clone(&shared);
            // spawn_local: the task stays on this thread, so it may hold
            // an Rc across .await.
            handles.push(tokio::task::spawn_local(async move {
                tokio::task::yield_now().await;
                shared.borrow_mut().push(task);
            }));
        }
        for handle in handles {
            tokio::time::timeout(BOUND, handle).await??;
        }
        anyhow::Ok(())
    })?;
    // ANCHOR_END: local
    let pushed = shared.borrow().clone();
    Ok(LocalRun {
        tasks: LOCAL_TASKS,
        pushed,
        owners_after: Rc::strong_count(&shared) as u64,
    })
}

const GUARD_TASKS: u64 = 4;
const GUARD_ROUNDS: u64 = 500;

fn guard_dropped_first() -> anyhow::Result<u64> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()?;
    let counter = Arc::new(Mutex::new(0u64));
    runtime.block_on(async {
        let mut handles = Vec::new();
        for _ in 0..GUARD_TASKS {
            let counter = Arc::clone(&counter);
            // ANCHOR: guard_fixed
            handles.push(tokio::spawn(async move {
                for _ in 0..GUARD_ROUNDS {
                    {
                        let mut count =
                            counter.lock().unwrap_or_else(PoisonError::into_inner);
                        *count += 1;
                    } // the guard is dropped here, before the .await
                    tokio::task::yield_now().await;
                }
            }));
            // ANCHOR_END: guard_fixed
        }
        for handle in handles {
            tokio::time::timeout(BOUND, handle).await??;
        }
        anyhow::Ok(())
    })?;
    let total = *counter.lock().unwrap_or_else(PoisonError::into_inner);
    Ok(total)
}

// ANCHOR: clones
/// Seconds per clone of `rc` (each dropped at once), one timed run.
fn rc_clones(rc: &Rc<u64>, clones: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..clones {
        black_box(Rc::clone(black_box(rc)));
    }
    start.elapsed().as_secs_f64() / clones as f64
}

/// The same with an `Arc`: the count is an atomic, so each clone and drop
/// is an atomic read-modify-write.
fn arc_clones(arc: &Arc<u64>, clones: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..clones {
        black_box(Arc::clone(black_box(arc)));
    }
    start.elapsed().as_secs_f64() / clones as f64
}
// ANCHOR_END: clones

/// Two threads cloning the same `Arc` at once: the count's cache line
/// moves between cores at every clone. Seconds per clone, the slower
/// thread's. The barrier starts both loops together.
fn arc_contended(arc: &Arc<u64>, clones: u64) -> anyhow::Result<f64> {
    slower_of_two(|| arc_clones(arc, clones))
}

fn clone_costs(clones: u64, runs: usize) -> anyhow::Result<Vec<CloneCost>> {
    let (rc, arc) = (Rc::new(7), Arc::new(7));
    let ways: [(&str, &dyn Fn() -> anyhow::Result<f64>); 3] = [
        ("Rc::clone", &|| Ok(rc_clones(&rc, clones))),
        ("Arc::clone", &|| Ok(arc_clones(&arc, clones))),
        ("Arc::clone, 2 threads at once", &|| {
            arc_contended(&arc, clones)
        }),
    ];
    ways.iter()
        .map(|(way, time)| {
            let samples = (0..runs)
                .map(|_| time())
                .collect::<anyhow::Result<Vec<f64>>>()?;
            Ok(CloneCost {
                way: way.to_string(),
                per_clone: Spread::of(&samples),
            })
        })
        .collect()
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = &context.sizes;
    results.send_sync = Some(SendSync {
        local: local_set()?,
        guarded_total: guard_dropped_first()?,
        guarded_expected: GUARD_TASKS * GUARD_ROUNDS,
        clones: clone_costs(sizes.clones, sizes.runs)?,
        clones_per_run: sizes.clones,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let send_sync = need(&results.send_sync, "send-sync")?;
    let mut report = SectionReport::new(
        "send-sync",
        "tokio::spawn asks for Send because a task may resume on another \
         thread at any .await; what is not Send runs on a LocalSet, and a \
         std guard must be dropped before the .await. Arc's atomic count \
         costs more per clone than Rc's, and more again when threads share \
         it.",
    );
    let local = &send_sync.local;
    let mut pushed = local.pushed.clone();
    pushed.sort();
    report.check(
        pushed == (0..local.tasks).collect::<Vec<_>>() && local.owners_after == 1,
        format!(
            "{} spawn_local tasks held an Rc across .await and each pushed its \
             number; afterwards the caller was its only owner",
            local.tasks
        ),
    );
    report.verdict(guard_demonstration(
        send_sync.guarded_total,
        send_sync.guarded_expected,
    ));
    clones_report(&mut report, send_sync);
    Ok(report)
}

/// The guard-dropped-first fix, said as a demonstration: it compiles and
/// runs. Its count is no evidence that the fix is needed, since a std
/// `Mutex` serialises every increment however long its guard is held; the
/// compile-fail test `std_guard_across_await.rs` holds the refusal.
fn guard_demonstration(total: u64, expected: u64) -> String {
    if total == expected {
        format!(
            "Tasks on the multi-thread runtime that drop the std guard before \
             each .await compiled, ran, and made all {} increments. The count \
             shows the lock worked, as a std Mutex always does; what the \
             compiler refuses is the guard held across the .await.",
            group_thousands(expected)
        )
    } else {
        format!(
            "Tasks on the multi-thread runtime made {} of {} increments \
             through a std Mutex: a lock that lost updates, a bug.",
            group_thousands(total),
            group_thousands(expected)
        )
    }
}

fn clones_report(report: &mut SectionReport, send_sync: &SendSync) {
    let mut table = Table::new(
        format!(
            "One clone and its drop, {} per timed run",
            group_thousands(send_sync.clones_per_run)
        ),
        &["clone", "fastest run", "median (range)"],
    );
    for cost in &send_sync.clones {
        table.push(vec![
            Cell::text(cost.way.clone()),
            Cell::Seconds(cost.per_clone.min),
            Cell::Timing(cost.per_clone),
        ]);
    }
    report.table(table);
    let fastest = |way: &str| {
        send_sync
            .clones
            .iter()
            .find(|c| c.way == way)
            .map(|c| c.per_clone.min)
    };
    report.plausible(
        send_sync.clones.len() == 3
            && send_sync.clones.iter().all(|c| c.per_clone.min > 0.0),
        "every way was timed, and took some time",
    );
    if let (Some(rc), Some(arc)) = (fastest("Rc::clone"), fastest("Arc::clone")) {
        report.measured(
            rc < arc,
            "an Rc clone is cheaper than an Arc clone (a plain add against \
             an atomic one)",
        );
    }
    report.note(
        "The fastest run is the cost without interference. A clone is \
         cheap either way; what Send buys is the right to share across \
         threads, which Rc would make a data race.",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> SendSync {
        let cost = |way: &str, ns: f64| CloneCost {
            way: way.into(),
            per_clone: Spread::of(&[ns * 1e-9, ns * 1.2e-9]),
        };
        SendSync {
            local: LocalRun {
                tasks: 3,
                pushed: vec![0, 1, 2],
                owners_after: 1,
            },
            guarded_total: 2_000,
            guarded_expected: 2_000,
            clones: vec![
                cost("Rc::clone", 1.0),
                cost("Arc::clone", 5.0),
                cost("Arc::clone, 2 threads at once", 40.0),
            ],
            clones_per_run: 1_000,
        }
    }

    fn report_of(send_sync: SendSync) -> SectionReport {
        let results = Results {
            send_sync: Some(send_sync),
            ..Results::default()
        };
        report(&results).unwrap()
    }

    #[test]
    fn a_correct_run_holds_every_check() {
        let report = report_of(honest());
        assert!(report.checks().all(|c| c.holds), "{report:?}");
    }

    #[test]
    fn a_leaked_or_a_missing_rc_is_broken() {
        let mut leaked = honest();
        leaked.local.owners_after = 2;
        let mut missing = honest();
        missing.local.pushed.pop();
        for broken in [leaked, missing] {
            assert_eq!(report_of(broken).broken().len(), 1);
        }
    }

    /// The Mutex count is shown, not held as an invariant: no run of the
    /// fix could lose an increment, so a check of it would prove nothing.
    #[test]
    fn the_guard_count_is_a_demonstration_that_says_what_it_shows() {
        assert!(
            guard_demonstration(2_000, 2_000).contains("as a std Mutex always does")
        );
        let mut lost = honest();
        lost.guarded_total -= 1;
        let report = report_of(lost);
        assert!(report.broken().is_empty());
        assert!(guard_demonstration(1_999, 2_000).contains("1 999 of 2 000"));
    }

    #[test]
    fn an_untimed_way_is_implausible_and_a_slow_rc_is_a_missed_claim() {
        let mut untimed = honest();
        untimed.clones[1].per_clone = Spread::single(0.0);
        assert_eq!(report_of(untimed).implausible().len(), 1);
        let mut slow_rc = honest();
        slow_rc.clones[0].per_clone = Spread::single(9e-9);
        let report = report_of(slow_rc);
        assert!(report.broken().is_empty());
        assert!(report.checks().any(|c| !c.holds));
    }
}
