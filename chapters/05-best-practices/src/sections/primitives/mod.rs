//! `primitives`: rule 2, use the right primitive for the job — and no
//! more. Each primitive does the one job it fits and the run checks that
//! it did it; then the async mistake the workspace lints against: a
//! `std::sync::Mutex` guard held across an `.await`.
//!
//! - [`std_kit`]: Mutex, RwLock, Condvar, Barrier, atomics, OnceLock.
//! - [`back_pressure`]: a bounded channel holding a fast producer back.
//! - [`async_kit`]: the tokio counterparts.
//! - [`await_lock`]: a std lock across `.await`, and the two fixes.

pub mod async_kit;
pub mod await_lock;
pub mod back_pressure;
pub mod std_kit;

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};

/// What `primitives` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Primitives {
    /// The standard library's primitives, and the bounded channel.
    pub threads: Vec<Demo>,
    pub flow: back_pressure::Flow,
    /// tokio's counterparts.
    pub tasks: Vec<Demo>,
    /// A lock held across `.await`, and the two fixes, the broken one first.
    pub held: Vec<await_lock::Held>,
}

/// What each primitive's demo saw, in figures: which primitive it was,
/// and the counts its evidence is worded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Saw {
    Mutex {
        transfers: u64,
        torn: u64,
    },
    RwLock {
        reads: u64,
        writes: u64,
        torn: u64,
    },
    Condvar {
        woke_ready: bool,
    },
    Barrier {
        threads: usize,
        ordered: bool,
    },
    AtomicU64 {
        threads: usize,
        increments: u64,
        count: u64,
    },
    OnceLock {
        threads: usize,
        inits: usize,
    },
    BoundedChannel {
        capacity: usize,
        accepted: usize,
    },
    TokioMutex {
        tasks: usize,
        total: usize,
    },
    TokioNotify {
        woke: bool,
    },
    TokioSemaphore {
        tasks: usize,
        permits: usize,
        most: usize,
    },
    TokioChannel {
        capacity: usize,
        accepted: usize,
    },
    TokioOnceCell {
        tasks: usize,
        inits: usize,
    },
}

impl Saw {
    /// The primitive's name.
    pub fn name(self) -> &'static str {
        match self {
            Saw::Mutex { .. } => "Mutex",
            Saw::RwLock { .. } => "RwLock",
            Saw::Condvar { .. } => "Condvar",
            Saw::Barrier { .. } => "Barrier",
            Saw::AtomicU64 { .. } => "AtomicU64",
            Saw::OnceLock { .. } => "OnceLock",
            Saw::BoundedChannel { .. } => "bounded channel",
            Saw::TokioMutex { .. } => "tokio::sync::Mutex",
            Saw::TokioNotify { .. } => "tokio::sync::Notify",
            Saw::TokioSemaphore { .. } => "tokio::sync::Semaphore",
            Saw::TokioChannel { .. } => "tokio::sync::mpsc::channel",
            Saw::TokioOnceCell { .. } => "tokio::sync::OnceCell",
        }
    }

    /// The job the primitive fits.
    pub fn job(self) -> &'static str {
        match self {
            Saw::Mutex { .. } => "change several fields together",
            Saw::RwLock { .. } => "many readers, a rare writer",
            Saw::Condvar { .. } => "wait for a condition",
            Saw::Barrier { .. } => "start a phase together",
            Saw::AtomicU64 { .. } => "one counter, no lock",
            Saw::OnceLock { .. } | Saw::TokioOnceCell { .. } => {
                "initialise once, read forever"
            }
            Saw::BoundedChannel { .. } | Saw::TokioChannel { .. } => {
                "hand work over, with back-pressure"
            }
            Saw::TokioMutex { .. } => "a lock held across .await",
            Saw::TokioNotify { .. } => "wake a waiting task",
            Saw::TokioSemaphore { .. } => "at most N at a time",
        }
    }

    /// What happened, in words that do not vary between runs.
    pub fn evidence(self) -> String {
        use shared::report::group_thousands as n;
        let yes = super::yes;
        match self {
            Saw::Mutex { transfers, torn } => {
                format!("{} transfers, {torn} torn states", n(transfers))
            }
            Saw::RwLock {
                reads,
                writes,
                torn,
            } => format!("{} reads, {writes} writes, {torn} torn", n(reads)),
            Saw::Condvar { woke_ready } => {
                format!("woke with the flag set: {}", yes(woke_ready))
            }
            Saw::Barrier { threads, ordered } => format!(
                "{threads} threads: all of phase 1 before any of phase 2: {}",
                yes(ordered)
            ),
            Saw::AtomicU64 {
                threads,
                increments,
                count,
            } => format!("{threads} × {} increments = {}", n(increments), n(count)),
            Saw::OnceLock { threads, inits } => {
                format!("{threads} threads asked, initialised {inits} time")
            }
            Saw::BoundedChannel { capacity, accepted }
            | Saw::TokioChannel { capacity, accepted } => {
                format!("capacity {capacity}: took {accepted}, then said Full")
            }
            Saw::TokioMutex { tasks, total } => {
                format!("{tasks} tasks, each held it over a yield: total {total}")
            }
            Saw::TokioNotify { woke } => {
                format!("the waiting task woke: {}", yes(woke))
            }
            Saw::TokioSemaphore {
                tasks,
                permits,
                most,
            } => format!("{tasks} tasks, {permits} permits, at most {most} inside"),
            Saw::TokioOnceCell { tasks, inits } => {
                format!("{tasks} tasks asked, initialised {inits} time")
            }
        }
    }
}

/// One primitive doing its job: what the run saw, and whether the job was
/// done right (which may rest on more than the figures shown: a final
/// state, every task finished).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Demo {
    pub saw: Saw,
    pub holds: bool,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let mut threads = std_kit::demos(sizes.threads, sizes.increments);
    threads.push(back_pressure::demo(&sizes));
    let flow = back_pressure::flow(&sizes);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let tasks = runtime.block_on(async_kit::demos(sizes.threads));
    let held = await_lock::compare(sizes.lock_timeout)?;
    results.primitives = Some(Primitives {
        threads,
        flow,
        tasks,
        held,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let primitives = need(&results.primitives, "primitives")?;
    let mut report = SectionReport::new(
        "primitives",
        "Rule 2: use the right primitive. Each one below does the job it fits, \
         and the run checks that it did it. Then the one mistake async code \
         makes with locks, caught by clippy, and its two fixes.",
    );
    let mut table = Table::new(
        "Threads: each primitive at its job",
        &["primitive", "its job", "what this run saw", "right"],
    );
    push_demos(&mut table, &primitives.threads);
    report.table(table);
    check_demos(&mut report, &primitives.threads);

    back_pressure::report(&mut report, &primitives.flow);

    let mut table = Table::new(
        "Tasks: the tokio counterparts (one runtime thread)",
        &["primitive", "its job", "what this run saw", "right"],
    );
    push_demos(&mut table, &primitives.tasks);
    report.table(table);
    check_demos(&mut report, &primitives.tasks);

    await_lock::report(&mut report, &primitives.held);
    report.note(
        "The first row is the bug clippy's await_holding_lock lint catches; this \
         workspace sets it to deny, and the demo compiles only because it says \
         #[expect(clippy::await_holding_lock)] — if the lint stopped firing, \
         clippy would fail on the unmet expectation. The waiting task blocks the \
         only runtime thread as a plain lock() would, but gives up after a bound \
         so the demo ends: with lock() it would wait forever.",
    );
    Ok(report)
}

fn check_demos(report: &mut SectionReport, demos: &[Demo]) {
    for d in demos {
        let (name, job) = (d.saw.name(), d.saw.job());
        report.check(d.holds, format!("{name}: {job}"));
    }
}

fn push_demos(table: &mut Table, demos: &[Demo]) {
    for d in demos {
        table.push(vec![
            Cell::text(d.saw.name()),
            Cell::text(d.saw.job()),
            Cell::text(d.saw.evidence()),
            Cell::text(super::yes(d.holds)),
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use await_lock::{Held, Version};

    fn made_up(bounded_peak: usize, across_await_got_lock: bool) -> Results {
        let demo = |saw| Demo { saw, holds: true };
        let held = |version, other_got_lock, total| Held {
            version,
            other_got_lock,
            total,
        };
        Results {
            primitives: Some(Primitives {
                threads: vec![
                    demo(Saw::Mutex {
                        transfers: 40,
                        torn: 0,
                    }),
                    demo(Saw::BoundedChannel {
                        capacity: 4,
                        accepted: 4,
                    }),
                ],
                flow: back_pressure::Flow {
                    capacity: 4,
                    messages: 16,
                    consumer_delay: 0.002,
                    bounded_peak,
                    unbounded_peak: 16,
                    bounded_send_time: 0.030,
                    unbounded_send_time: 1e-6,
                    lower_bound: 0.022,
                },
                tasks: vec![demo(Saw::TokioSemaphore {
                    tasks: 8,
                    permits: 2,
                    most: 2,
                })],
                held: vec![
                    held(Version::StdHeldAcrossAwait, across_await_got_lock, 1),
                    held(Version::StdDroppedBeforeAwait, true, 2),
                    held(Version::TokioHeldAcrossAwait, true, 2),
                ],
            }),
            ..Results::default()
        }
    }

    #[test]
    fn every_job_done_holds() {
        let good = report(&made_up(4, false)).unwrap();
        assert!(good.checks().all(|c| c.holds), "{good:?}");
    }

    #[test]
    fn an_overfull_queue_or_a_lock_not_held_breaks_a_check() {
        let overfull = report(&made_up(5, false)).unwrap();
        assert_eq!(overfull.broken().len(), 1, "{overfull:?}");
        assert!(overfull.broken()[0].claim.contains("capacity"));
        let never_locked_out = report(&made_up(4, true)).unwrap();
        assert_eq!(never_locked_out.broken().len(), 1);
        assert!(never_locked_out.broken()[0].claim.contains("locks out"));
    }

    #[test]
    fn a_demo_that_failed_its_job_is_broken() {
        let mut results = made_up(4, false);
        let primitives = results.primitives.as_mut().unwrap();
        primitives.tasks[0].holds = false;
        let broken = report(&results).unwrap();
        assert_eq!(broken.broken().len(), 1);
        assert!(
            broken.broken()[0]
                .claim
                .starts_with("tokio::sync::Semaphore")
        );
    }
}
