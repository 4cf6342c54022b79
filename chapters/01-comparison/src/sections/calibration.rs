//! `calibration`: the chapter's fixed costs against minimal programs, in
//! the same run, minutes apart at most.
//!
//! A figure of the chapter goes through its harness: a probe process, a
//! shared runtime, batches, the results document. Each minimal program
//! below measures the same thing with nothing around it — a bare loop, a
//! fresh runtime — so a chapter figure far from its calibration is a bug in
//! the harness, not a fact about Rust. The target is within
//! [`WITHIN`]× either way.

use crate::sections::memory::Unit as Waiter;
use crate::sections::memory::{Memory, run_probe};
use crate::sections::overhead::Unit;
use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::measure::Spread;
use shared::report::{Cell, SectionReport, Table, group_thousands};
use std::time::{Duration, Instant};

/// How far a chapter figure may sit from its calibration, either way.
pub const WITHIN: f64 = 1.3;

/// What `calibration` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Empty threads started and joined one at a time: seconds per thread.
    pub thread_start: Spread,
    /// Empty tokio tasks, spawned in batches of `task_batch` on a fresh
    /// runtime and awaited: seconds per task.
    pub task_start: Spread,
    pub task_batch: usize,
    /// `count` tokio tasks each sleeping `delay_s` at once, on a fresh
    /// runtime: seconds for all.
    pub tasks_waiting: Option<Waiting>,
    /// `count` threads each sleeping `delay_s` at once: seconds for all.
    pub threads_waiting: Option<Waiting>,
}

/// Many units waiting at once, and how long all of them took.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Waiting {
    pub count: usize,
    pub delay_s: f64,
    pub wall_s: f64,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let memory = need(&results.memory, "memory")?;
    let per_thread = thread_starts(sizes.spawn_threads * sizes.runs);
    let batch = 100;
    let per_task =
        task_starts((sizes.spawn_tasks * sizes.runs / batch).max(1), batch)?;

    // The many waits: a bare program in a fresh process, as the chapter's
    // probe is one, so only the harness around the waits differs.
    let delay = Duration::from_secs_f64(memory.delay_s);
    let tasks_waiting =
        bare_waits(context, memory, Waiter::Tokio, "bare-tokio", delay)?;
    let threads_waiting =
        bare_waits(context, memory, Waiter::Threads, "bare-threads", delay)?;

    results.calibration = Some(Calibration {
        thread_start: Spread::of(&per_thread),
        task_start: Spread::of(&per_task),
        task_batch: batch,
        tasks_waiting,
        threads_waiting,
    });
    Ok(())
}

/// Seconds to start and join each of `samples` empty threads, one at a time.
fn thread_starts(samples: usize) -> Vec<f64> {
    // ANCHOR: thread_start
    let mut per_thread = Vec::with_capacity(samples);
    for _ in 0..samples {
        let start = Instant::now();
        std::thread::spawn(|| {}).join().expect("an empty thread");
        per_thread.push(start.elapsed().as_secs_f64());
    }
    // ANCHOR_END: thread_start
    per_thread
}

/// Seconds per empty tokio task, spawned and awaited `batch` at a time on
/// a fresh runtime: one sample per batch.
fn task_starts(batches: usize, batch: usize) -> anyhow::Result<Vec<f64>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()?;
    let mut per_task = Vec::new();
    for _ in 0..batches {
        let start = Instant::now();
        runtime.block_on(async {
            let tasks: Vec<_> = (0..batch).map(|_| tokio::spawn(async {})).collect();
            for task in tasks {
                task.await?;
            }
            anyhow::Ok(())
        })?;
        per_task.push(start.elapsed().as_secs_f64() / batch as f64);
    }
    Ok(per_task)
}

/// The largest count of `unit` the memory section reached, waited on by a
/// bare program in a fresh process: `None` when the section reached none.
fn bare_waits(
    context: &Context,
    memory: &Memory,
    unit: Waiter,
    kind: &str,
    delay: Duration,
) -> anyhow::Result<Option<Waiting>> {
    let Some(count) = memory.probe(unit, None).map(|p| p.units) else {
        return Ok(None);
    };
    // One sample of 100 000 waits varies by a third on this machine:
    // the median of three fresh processes.
    let mut walls = (0..3)
        .map(|_| run_probe(context, kind, count, delay).map(|p| p.wall_s))
        .collect::<anyhow::Result<Vec<f64>>>()?;
    walls.sort_by(f64::total_cmp);
    Ok(Some(Waiting {
        count,
        delay_s: delay.as_secs_f64(),
        wall_s: walls[1],
    }))
}

/// One comparison: what the chapter reported beside what the minimal
/// program measured.
pub struct Comparison {
    pub what: String,
    pub chapter: f64,
    pub minimal: f64,
}

impl Comparison {
    /// The chapter's figure over the minimal program's.
    pub fn ratio(&self) -> f64 {
        self.chapter / self.minimal
    }

    pub fn close(&self) -> bool {
        let r = self.ratio();
        r.is_finite() && (1.0 / WITHIN..=WITHIN).contains(&r)
    }
}

/// Every comparison this run's results allow.
pub fn comparisons(results: &Results) -> anyhow::Result<Vec<Comparison>> {
    let calibration = need(&results.calibration, "calibration")?;
    let overhead = need(&results.overhead, "overhead")?;
    let memory = need(&results.memory, "memory")?;
    let mut list = Vec::new();
    let start = |unit| overhead.per_unit(unit).map(|s| s.min);
    if let Some(thread) = start(Unit::Thread) {
        list.push(Comparison {
            what: "start and join one thread (minimum)".into(),
            chapter: thread,
            minimal: calibration.thread_start.min,
        });
    }
    if let Some(task) = start(Unit::TokioTask) {
        list.push(Comparison {
            what: "start and await one tokio task (minimum)".into(),
            chapter: task,
            minimal: calibration.task_start.min,
        });
    }
    for (unit, minimal) in [
        (Waiter::Tokio, &calibration.tasks_waiting),
        (Waiter::Threads, &calibration.threads_waiting),
    ] {
        let Some(minimal) = minimal else { continue };
        if let Some(probe) = memory.probe(unit, Some(minimal.count)) {
            list.push(Comparison {
                what: format!(
                    "{} {} each waiting {} (all of them)",
                    group_thousands(minimal.count as u64),
                    if unit == Waiter::Tokio {
                        "tokio tasks"
                    } else {
                        "threads"
                    },
                    shared::report::format_seconds(minimal.delay_s)
                ),
                chapter: probe.wall_s,
                minimal: minimal.wall_s,
            });
        }
    }
    Ok(list)
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let list = comparisons(results)?;
    let mut report = SectionReport::new(
        "calibration",
        format!(
            "Each fixed cost the chapter reports, beside a minimal program that \
             measures the same thing with nothing around it, in this run. A ratio \
             far from 1 (beyond {WITHIN}× either way) would be the harness's cost, \
             not Rust's."
        ),
    );
    let mut table = Table::new(
        "The chapter's figure against a minimal program's",
        &["what", "chapter", "minimal program", "ratio"],
    );
    for c in &list {
        table.push(vec![
            Cell::text(&c.what),
            Cell::Seconds(c.chapter),
            Cell::Seconds(c.minimal),
            Cell::Ratio(c.ratio()),
        ]);
    }
    report.table(table);
    report.check(!list.is_empty(), "the run had figures to calibrate");
    report.measured(
        list.iter().all(Comparison::close),
        format!("every chapter figure came within {WITHIN}× of its minimal program"),
    );
    report.note(
        "Both kinds of waits run in a fresh process each: the chapter's probe \
         holds every unit at a starting gate until all exist (so their memory can \
         be read at once), then opens it; the minimal program (the median of \
         three runs) starts each wait as it spawns the unit, with no gate. The \
         probe leaves out the time it spends reading memory. Thread start is timed one thread at a time in both, and \
         tasks in batches of 100.",
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_far_from_its_calibration_misses() {
        let near = Comparison {
            what: "x".into(),
            chapter: 25e-6,
            minimal: 22e-6,
        };
        assert!(near.close());
        let far = Comparison {
            chapter: 185e-6,
            ..near
        };
        assert!(!far.close(), "{}", far.ratio());
    }
}
