//! `future-methods`: every method of a future, each called where its answer
//! is certain. One worker, busy with a slow task, keeps a second task
//! pending for as long as the demo needs.

use super::yes;
use crate::{BOUND, Context};
use shared::executor::{Executor, TaskError, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::{Misbehave, Sleep};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let step = Duration::from_millis(context.sizes.step_ms);
    let mut report = SectionReport::new(
        "future-methods",
        "A one-worker pool, a slow task running and a second one queued behind \
         it: every method of a future, with the answer it gives at that moment.",
    );
    let mut table =
        Table::new("Calls and what they returned", &["call", "returned"]);
    let mut row = |call: &str, returned: String| {
        table.push(vec![Cell::text(call), Cell::text(returned)]);
    };

    // ANCHOR: methods
    let pool = ThreadPoolExecutor::new(1)?;
    let slow = pool.submit(Sleep {
        ms: 4 * step.as_millis() as u64,
        value: 42,
    })?;
    let queued = pool.submit(Sleep { ms: 0, value: 7 })?;
    wait_until_running(&slow)?;
    row("slow.running()", yes(slow.running()).into());
    row("slow.done()", yes(slow.done()).into());
    row(
        "slow.cancel()  # already running",
        yes(slow.cancel()).into(),
    );
    row("queued.running()", yes(queued.running()).into());
    row(
        "queued.cancel()  # still pending",
        yes(queued.cancel()).into(),
    );
    row("queued.cancelled()", yes(queued.cancelled()).into());
    row("queued.done()", yes(queued.done()).into());
    row(
        "queued.result()",
        format!("{:?}", queued.result_timeout(BOUND)),
    );
    row(
        "slow.result(timeout=step)",
        format!("{:?}", slow.result_timeout(step)),
    );
    row("slow.result()", format!("{:?}", slow.result_timeout(BOUND)));
    row(
        "slow.exception()",
        format!("{:?}", slow.exception_timeout(BOUND)),
    );
    let (told, heard) = mpsc::channel();
    slow.add_done_callback(move |f| drop(told.send(f.result())));
    row(
        "slow.add_done_callback(f)  # already done: runs at once",
        format!("{:?}", heard.try_recv()),
    );
    let failed = pool.submit(Misbehave::Fail("no such page".into()))?;
    row(
        "failed.exception()",
        format!("{:?}", failed.exception_timeout(BOUND)),
    );
    row(
        "failed.result()",
        format!("{:?}", failed.result_timeout(BOUND)),
    );
    // ANCHOR_END: methods

    report.table(table);
    report.check(
        !slow.cancel() && queued.cancelled(),
        "cancel() worked on the queued task only",
    );
    report.check(
        queued.result_timeout(BOUND) == Err(TaskError::Cancelled)
            && slow.result_timeout(BOUND) == Ok(42),
        "a cancelled future's result is Cancelled; the running one finished",
    );
    report.note(
        "Rust returns the task's error from result() as a value (Err) where Python \
         raises it; exception() is the error alone. result(timeout) gives up with \
         TimedOut but the task goes on, as in Python.",
    );
    Ok(report)
}

/// Waits (boundedly) until a worker has picked `future` up.
pub fn wait_until_running<T: Clone + Send + 'static>(
    future: &shared::executor::TaskFuture<T>,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + BOUND;
    while !future.running() && !future.done() {
        anyhow::ensure!(Instant::now() < deadline, "the task never started");
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}
