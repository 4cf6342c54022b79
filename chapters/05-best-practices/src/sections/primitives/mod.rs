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

use crate::Context;
use shared::report::{Cell, SectionReport, Table};

/// One primitive doing its job: what it is for, and what the run saw.
pub struct Demo {
    pub primitive: &'static str,
    pub job: &'static str,
    /// What happened, in words that do not vary between runs.
    pub evidence: String,
    /// Whether the job was done right.
    pub holds: bool,
}

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let mut report = SectionReport::new(
        "primitives",
        "Rule 2: use the right primitive. Each one below does the job it fits, \
         and the run checks that it did it. Then the one mistake async code \
         makes with locks, caught by clippy, and its two fixes.",
    );
    let mut demos = std_kit::demos(sizes.threads, sizes.increments);
    demos.push(back_pressure::demo(&sizes));
    let mut table = Table::new(
        "Threads: each primitive at its job",
        &["primitive", "its job", "what this run saw", "right"],
    );
    push_demos(&mut table, &demos);
    report.table(table);
    for d in &demos {
        report.check(d.holds, format!("{}: {}", d.primitive, d.job));
    }

    let flow = back_pressure::flow(&sizes);
    report.table(back_pressure::table(&sizes, &flow));
    report.check(
        flow.bounded_peak <= sizes.capacity,
        "the bounded queue never held more than its capacity",
    );
    report.check(
        flow.bounded_send_time >= flow.lower_bound,
        "the producer was held back to the consumer's pace",
    );
    report.check(
        flow.unbounded_peak == sizes.messages,
        "the unbounded queue took every message at once",
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let demos = runtime.block_on(async_kit::demos(sizes.threads));
    let mut table = Table::new(
        "Tasks: the tokio counterparts (one runtime thread)",
        &["primitive", "its job", "what this run saw", "right"],
    );
    push_demos(&mut table, &demos);
    report.table(table);
    for d in &demos {
        report.check(d.holds, format!("{}: {}", d.primitive, d.job));
    }

    let held = await_lock::compare(sizes.lock_timeout)?;
    report.table(await_lock::table(&held));
    report.check(
        !held[0].other_got_lock,
        "a std guard held across .await locks out the other task",
    );
    report.check(
        held[1..].iter().all(|h| h.other_got_lock && h.total == 2),
        "tokio's Mutex, or a guard dropped before .await, lets both finish",
    );
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

fn push_demos(table: &mut Table, demos: &[Demo]) {
    for d in demos {
        table.push(vec![
            Cell::text(d.primitive),
            Cell::text(d.job),
            Cell::text(&d.evidence),
            Cell::text(super::yes(d.holds)),
        ]);
    }
}
