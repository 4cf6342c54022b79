//! `future-methods`: every method of a future, each called where its answer
//! is certain. One worker, busy with a slow task that finishes only when
//! told, keeps a second task pending for as long as the demo needs.

use super::yes;
use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::executor::{Executor, TaskError, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::{Misbehave, Sleep};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What each call returned, in the order the demo makes them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FutureMethods {
    pub slow_and_queued: SlowAndQueued,
    /// What a callback added to the finished slow task had sent by the
    /// time `add_done_callback` returned: `None` if nothing yet.
    pub callback_sent: Option<Result<u64, TaskError>>,
    pub failed: Failed,
}

/// The calls on the slow task and the one queued behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlowAndQueued {
    pub slow_running: bool,
    pub slow_done: bool,
    /// `cancel()` on the slow task, already running.
    pub slow_cancel: bool,
    pub queued_running: bool,
    /// `cancel()` on the queued task, still pending.
    pub queued_cancel: bool,
    pub queued_cancelled: bool,
    pub queued_done: bool,
    pub queued_result: Result<u64, TaskError>,
    /// `result(timeout=step)` on the slow task, still running.
    pub slow_result_within_step: Result<u64, TaskError>,
    pub slow_result: Result<u64, TaskError>,
    pub slow_exception: Option<TaskError>,
}

/// The calls on a task that failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failed {
    pub exception: Option<TaskError>,
    pub result: Result<u64, TaskError>,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let step = Duration::from_millis(context.sizes.step_ms);
    // ANCHOR: methods
    let pool = ThreadPoolExecutor::new(1)?;
    // The slow task runs until it is told to finish, however busy the
    // machine: no answer below depends on timing.
    let (finish, told_to_finish) = mpsc::channel::<()>();
    let slow = pool.submit_fn(move || {
        told_to_finish.recv_timeout(BOUND)?;
        Ok(42)
    })?;
    let queued = pool.submit(Sleep { ms: 0, value: 7 })?;
    wait_until_running(&slow)?;
    // The fields are evaluated in the order written: each call sees the
    // state the calls above it left.
    let slow_and_queued = SlowAndQueued {
        slow_running: slow.running(),
        slow_done: slow.done(),
        slow_cancel: slow.cancel(), // already running
        queued_running: queued.running(),
        queued_cancel: queued.cancel(), // still pending
        queued_cancelled: queued.cancelled(),
        queued_done: queued.done(),
        queued_result: queued.result_timeout(BOUND),
        slow_result_within_step: slow.result_timeout(step),
        slow_result: {
            finish.send(())?;
            slow.result_timeout(BOUND)
        },
        slow_exception: slow.exception_timeout(BOUND),
    };
    let (told, heard) = mpsc::channel();
    slow.add_done_callback(move |f| drop(told.send(f.result())));
    let callback_sent = heard.try_recv().ok(); // already done: it ran at once
    let failed = pool.submit(Misbehave::Fail("no such page".into()))?;
    let failed = Failed {
        exception: failed.exception_timeout(BOUND),
        result: failed.result_timeout(BOUND),
    };
    // ANCHOR_END: methods
    results.future_methods = Some(FutureMethods {
        slow_and_queued,
        callback_sent,
        failed,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let methods = need(&results.future_methods, "future-methods")?;
    let seen = &methods.slow_and_queued;
    let mut report = SectionReport::new(
        "future-methods",
        "A one-worker pool, a slow task running and a second one queued behind \
         it: every method of a future, with the answer it gives at that moment.",
    );
    report.table(calls_table(methods));
    report.check(
        !seen.slow_cancel && seen.queued_cancel && seen.queued_cancelled,
        "cancel() worked on the queued task only",
    );
    report.check(
        seen.queued_result == Err(TaskError::Cancelled)
            && seen.slow_result == Ok(42),
        "a cancelled future's result is Cancelled; the running one finished",
    );
    report.note(
        "Rust returns the task's error from result() as a value (Err) where Python \
         raises it; exception() is the error alone. result(timeout) gives up with \
         TimedOut but the task goes on, as in Python.",
    );
    Ok(report)
}

/// Each call on the three futures, with the answer it gave at that moment.
fn calls_table(methods: &FutureMethods) -> Table {
    let seen = &methods.slow_and_queued;
    let mut table =
        Table::new("Calls and what they returned", &["call", "returned"]);
    let mut row = |call: &str, returned: String| {
        table.push(vec![Cell::text(call), Cell::text(returned)]);
    };
    row("slow.running()", yes(seen.slow_running).into());
    row("slow.done()", yes(seen.slow_done).into());
    row(
        "slow.cancel()  # already running",
        yes(seen.slow_cancel).into(),
    );
    row("queued.running()", yes(seen.queued_running).into());
    row(
        "queued.cancel()  # still pending",
        yes(seen.queued_cancel).into(),
    );
    row("queued.cancelled()", yes(seen.queued_cancelled).into());
    row("queued.done()", yes(seen.queued_done).into());
    row("queued.result()", format!("{:?}", seen.queued_result));
    row(
        "slow.result(timeout=step)",
        format!("{:?}", seen.slow_result_within_step),
    );
    row("slow.result()", format!("{:?}", seen.slow_result));
    row("slow.exception()", format!("{:?}", seen.slow_exception));
    // As `try_recv` shows it.
    let callback = match &methods.callback_sent {
        Some(sent) => format!("Ok({sent:?})"),
        None => "Err(Empty)".into(),
    };
    row(
        "slow.add_done_callback(f)  # already done: runs at once",
        callback,
    );
    row(
        "failed.exception()",
        format!("{:?}", methods.failed.exception),
    );
    row("failed.result()", format!("{:?}", methods.failed.result));
    table
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

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> FutureMethods {
        let failed = TaskError::Failed("no such page".into());
        FutureMethods {
            slow_and_queued: SlowAndQueued {
                slow_running: true,
                slow_done: false,
                slow_cancel: false,
                queued_running: false,
                queued_cancel: true,
                queued_cancelled: true,
                queued_done: true,
                queued_result: Err(TaskError::Cancelled),
                slow_result_within_step: Err(TaskError::TimedOut),
                slow_result: Ok(42),
                slow_exception: None,
            },
            callback_sent: Some(Ok(42)),
            failed: Failed {
                exception: Some(failed.clone()),
                result: Err(failed),
            },
        }
    }

    fn report_of(seen: FutureMethods) -> SectionReport {
        report(&Results {
            future_methods: Some(seen),
            ..Results::default()
        })
        .unwrap()
    }

    #[test]
    fn an_honest_run_passes_every_check() {
        let r = report_of(honest());
        assert!(r.checks().all(|c| c.holds), "{r:?}");
        let plain = r.render(shared::report::Render::Plain);
        assert!(plain.contains("Ok(Ok(42))"), "{plain}");
    }

    #[test]
    fn a_running_task_cancelled_breaks_an_invariant() {
        let mut seen = honest();
        seen.slow_and_queued.slow_cancel = true;
        assert_eq!(report_of(seen).broken().len(), 1);
    }

    #[test]
    fn a_queued_task_that_ran_breaks_both_invariants() {
        let mut seen = honest();
        let queued = &mut seen.slow_and_queued;
        queued.queued_cancel = false;
        queued.queued_cancelled = false;
        queued.queued_result = Ok(7);
        assert_eq!(report_of(seen).broken().len(), 2);
    }
}
