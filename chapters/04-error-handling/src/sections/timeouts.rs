//! `timeouts`: a timeout is an error the waiter gets; what happens to the
//! work it stopped waiting for depends on the model. A thread cannot be
//! stopped from outside, so it runs on; a future dropped at an `.await`
//! stops there, and its destructors run; a spawned task runs on unless it
//! is aborted.

use crate::{BOUND, Context};
use shared::executor::{Executor, TaskError, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::Sleep;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;
use tokio::time::{sleep, timeout};

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let step = context.sizes.step();
    let mut report = SectionReport::new(
        "timeouts",
        "A timeout ends the wait, not necessarily the work: a thread and a pool's \
         task run on, a future dropped at .await stops where it was, and an \
         aborted task stops and cleans up.",
    );
    let mut table = Table::new(
        "Who gave up, and what became of the work",
        &[
            "the work",
            "the waiter got",
            "the work afterwards",
            "steps ran",
        ],
    );
    let mut holds = Vec::new();

    // ANCHOR: thread_timeout
    let (send, receive) = mpsc::channel();
    let worker = thread::spawn(move || {
        thread::sleep(step * 5);
        let _ = send.send("report ready"); // nobody may be listening now
    });
    let gave_up = receive.recv_timeout(step); // Err(Timeout) after 1 step
    let later = receive.recv_timeout(BOUND); // the thread went on anyway
    // ANCHOR_END: thread_timeout
    let _ = worker.join();
    table.push(vec![
        Cell::text("a thread (5 steps)"),
        Cell::text(format!("{gave_up:?} after 1 step")),
        Cell::text(format!("finished: {later:?}")),
        Cell::text("—"),
    ]);
    holds.push(
        gave_up == Err(RecvTimeoutError::Timeout) && later == Ok("report ready"),
    );

    // ANCHOR: future_timeout
    let pool = ThreadPoolExecutor::new(1)?;
    let slow = pool.submit(Sleep {
        ms: 5 * step.as_millis() as u64,
        value: 9,
    })?;
    let gave_up = slow.result_timeout(step); // Err(TimedOut)…
    let later = slow.result_timeout(BOUND); // …and the task went on: Ok(9)
    // ANCHOR_END: future_timeout
    table.push(vec![
        Cell::text("a pool's task (5 steps)"),
        Cell::text(format!("{gave_up:?} after 1 step")),
        Cell::text(format!("finished: {later:?}")),
        Cell::text("—"),
    ]);
    holds.push(gave_up == Err(TaskError::TimedOut) && later == Ok(9));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()?;
    let rows = runtime.block_on(async_rows(step))?;
    for (row, held) in rows {
        table.push(row);
        holds.push(held);
    }
    report.table(table);
    let [thread_ran_on, task_ran_on, dropped, detached, aborted] = holds[..] else {
        anyhow::bail!("one result per row");
    };
    report.check(
        thread_ran_on && task_ran_on,
        "recv_timeout and result_timeout gave up after one step, and the thread \
         and the pool's task finished later anyway",
    );
    report.check(
        dropped,
        "tokio::time::timeout dropped the future at its .await: no step ran \
         after the timeout",
    );
    report.check(
        detached,
        "a timeout on a spawned task's JoinHandle stopped only the waiting: the \
         task ran every step",
    );
    report.check(
        aborted,
        "abort() stopped the task at its .await, its destructor ran, and the \
         handle said is_cancelled()",
    );
    report.note(
        "Python is the same: result(timeout=…) leaves the task running and no \
         thread can be killed; asyncio.wait_for cancels the task it waited for.",
    );
    Ok(report)
}

/// Counts steps of work, one per `step`, up to `total`.
async fn count_steps(steps: Arc<AtomicUsize>, total: usize, step: Duration) {
    for _ in 0..total {
        sleep(step).await;
        steps.fetch_add(1, Ordering::SeqCst);
    }
}

/// "Err(Elapsed)" for a timeout that expired.
fn elapsed<T>(outcome: &Result<T, tokio::time::error::Elapsed>) -> &'static str {
    if outcome.is_err() {
        "Err(Elapsed)"
    } else {
        "Ok"
    }
}

// ANCHOR: cleanup
/// Runs when the task's future is dropped — also when it is cancelled.
struct Cleanup(Arc<AtomicBool>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}
// ANCHOR_END: cleanup

pub async fn async_rows(step: Duration) -> anyhow::Result<Vec<(Vec<Cell>, bool)>> {
    let mut rows = Vec::new();
    let cut_at = step * 3 + step / 2;

    // ANCHOR: async_timeout
    let steps = Arc::new(AtomicUsize::new(0));
    let work = count_steps(steps.clone(), 10, step);
    let gave_up = timeout(cut_at, work).await; // Err(Elapsed): `work` dropped
    let at_timeout = steps.load(Ordering::SeqCst);
    sleep(step * 3).await;
    let afterwards = steps.load(Ordering::SeqCst); // unchanged
    // ANCHOR_END: async_timeout
    rows.push((
        vec![
            Cell::text("a future (10 steps)"),
            Cell::text(format!("{} after 3.5 steps", elapsed(&gave_up))),
            Cell::text("stopped at its .await"),
            Cell::Tally(afterwards as u64),
        ],
        gave_up.is_err() && afterwards == at_timeout && afterwards < 10,
    ));

    // ANCHOR: handle_timeout
    let steps = Arc::new(AtomicUsize::new(0));
    let mut task = tokio::spawn(count_steps(steps.clone(), 6, step));
    let gave_up = timeout(cut_at, &mut task).await; // Err(Elapsed)…
    let finished = timeout(BOUND, task).await; // …but the task ran on
    // ANCHOR_END: handle_timeout
    let ran = steps.load(Ordering::SeqCst);
    rows.push((
        vec![
            Cell::text("a spawned task (6 steps)"),
            Cell::text(format!("{} after 3.5 steps", elapsed(&gave_up))),
            Cell::text("finished"),
            Cell::Count(ran as u64),
        ],
        gave_up.is_err() && matches!(finished, Ok(Ok(()))) && ran == 6,
    ));

    // ANCHOR: abort
    let cleaned_up = Arc::new(AtomicBool::new(false));
    let steps = Arc::new(AtomicUsize::new(0));
    let (started, has_started) = tokio::sync::oneshot::channel();
    let guard = Cleanup(cleaned_up.clone());
    let counter = steps.clone();
    let task = tokio::spawn(async move {
        let _guard = guard;
        let _ = started.send(());
        count_steps(counter, 10, step).await;
    });
    timeout(BOUND, has_started).await??;
    task.abort(); // cancel: the task stops at its next .await
    let joined = timeout(BOUND, task).await?;
    // ANCHOR_END: abort
    let was_cancelled = matches!(&joined, Err(err) if err.is_cancelled());
    let cleaned = cleaned_up.load(Ordering::SeqCst);
    sleep(step * 2).await;
    let ran = steps.load(Ordering::SeqCst);
    rows.push((
        vec![
            Cell::text("an aborted task (10 steps)"),
            Cell::text(if was_cancelled {
                "JoinError::Cancelled"
            } else {
                "not cancelled"
            }),
            Cell::text(format!("stopped, cleaned up: {cleaned}")),
            Cell::Tally(ran as u64),
        ],
        was_cancelled && cleaned && ran < 10,
    ));
    Ok(rows)
}
