//! `timeouts`: a timeout is an error the waiter gets; what happens to the
//! work it stopped waiting for depends on the model. A thread cannot be
//! stopped from outside, so it runs on; a future dropped at an `.await`
//! stops there, and its destructors run; a spawned task runs on unless it
//! is aborted.

use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::executor::{Executor, TaskError, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::Sleep;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;
use tokio::time::{sleep, timeout};

/// What `timeouts` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timeouts {
    /// A thread of 5 steps, waited for 1 step by `recv_timeout`, then until
    /// it sent.
    pub thread: Waited<String, Recv>,
    /// A pool's task of 5 steps, waited for by `result_timeout` the same way.
    pub pool_task: Waited<u64, TaskError>,
    pub tasks: AsyncRows,
}

/// What a waiter got when it gave up, and what it got when it waited on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Waited<T, E> {
    pub gave_up: Result<T, E>,
    pub later: Result<T, E>,
}

/// `RecvTimeoutError`, kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recv {
    Timeout,
    Disconnected,
}

impl From<RecvTimeoutError> for Recv {
    fn from(err: RecvTimeoutError) -> Recv {
        match err {
            RecvTimeoutError::Timeout => Recv::Timeout,
            RecvTimeoutError::Disconnected => Recv::Disconnected,
        }
    }
}

/// The three async demos: a future cut by a timeout, a spawned task whose
/// handle timed out, and an aborted task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AsyncRows {
    pub future: FutureCut,
    pub spawned: SpawnedRun,
    pub aborted: Aborted,
}

/// A future of 10 steps under a timeout of 3.5 steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FutureCut {
    pub timed_out: bool,
    /// Steps run when the timeout expired, and 3 steps later.
    pub at_timeout: u64,
    pub afterwards: u64,
}

/// A spawned task of 6 steps, its handle under a timeout of 3.5 steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpawnedRun {
    pub timed_out: bool,
    /// Whether awaiting the handle again gave the task's `Ok(())`.
    pub finished: bool,
    pub ran: u64,
}

/// A task of 10 steps aborted once it had started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Aborted {
    /// Whether its handle said `is_cancelled()`.
    pub cancelled: bool,
    /// Whether its destructor ran.
    pub cleaned_up: bool,
    /// Steps run, 2 steps after the abort.
    pub ran: u64,
}

impl FutureCut {
    pub const STEPS: u64 = 10;

    /// The timeout expired and no step ran after it.
    pub fn held(&self) -> bool {
        self.timed_out
            && self.afterwards == self.at_timeout
            && self.afterwards < Self::STEPS
    }
}

impl SpawnedRun {
    pub const STEPS: u64 = 6;

    /// The wait timed out, and the task ran every step anyway.
    pub fn held(&self) -> bool {
        self.timed_out && self.finished && self.ran == Self::STEPS
    }
}

impl Aborted {
    pub const STEPS: u64 = 10;

    /// Cancelled, cleaned up, and stopped short.
    pub fn held(&self) -> bool {
        self.cancelled && self.cleaned_up && self.ran < Self::STEPS
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let step = context.sizes.step();
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
    let thread = Waited {
        gave_up: gave_up.map(str::to_string).map_err(Recv::from),
        later: later.map(str::to_string).map_err(Recv::from),
    };

    // ANCHOR: future_timeout
    let pool = ThreadPoolExecutor::new(1)?;
    let slow = pool.submit(Sleep {
        ms: 5 * step.as_millis() as u64,
        value: 9,
    })?;
    let gave_up = slow.result_timeout(step); // Err(TimedOut)…
    let later = slow.result_timeout(BOUND); // …and the task went on: Ok(9)
    // ANCHOR_END: future_timeout
    let pool_task = Waited { gave_up, later };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()?;
    let tasks = runtime.block_on(async_rows(step))?;
    results.timeouts = Some(Timeouts {
        thread,
        pool_task,
        tasks,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let timeouts = need(&results.timeouts, "timeouts")?;
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
    let ran_on = push_blocking_rows(&mut table, timeouts);
    push_async_rows(&mut table, &timeouts.tasks);
    report.table(table);
    report.check(
        ran_on,
        "recv_timeout and result_timeout gave up after one step, and the thread \
         and the pool's task finished later anyway",
    );
    report.check(
        timeouts.tasks.future.held(),
        "tokio::time::timeout dropped the future at its .await: no step ran \
         after the timeout",
    );
    report.check(
        timeouts.tasks.spawned.held(),
        "a timeout on a spawned task's JoinHandle stopped only the waiting: the \
         task ran every step",
    );
    report.check(
        timeouts.tasks.aborted.held(),
        "abort() stopped the task at its .await, its destructor ran, and the \
         handle said is_cancelled()",
    );
    report.note(
        "Python is the same: result(timeout=…) leaves the task running and no \
         thread can be killed; asyncio.wait_for cancels the task it waited for.",
    );
    Ok(report)
}

/// The thread's and the pool task's rows: whether each waiter gave up
/// after one step while its work finished later anyway.
fn push_blocking_rows(table: &mut Table, timeouts: &Timeouts) -> bool {
    let Waited { gave_up, later } = &timeouts.thread;
    table.push(vec![
        Cell::text("a thread (5 steps)"),
        Cell::text(format!("{gave_up:?} after 1 step")),
        Cell::text(format!("finished: {later:?}")),
        Cell::text("—"),
    ]);
    let thread_ran_on =
        *gave_up == Err(Recv::Timeout) && *later == Ok("report ready".to_string());
    let Waited { gave_up, later } = &timeouts.pool_task;
    table.push(vec![
        Cell::text("a pool's task (5 steps)"),
        Cell::text(format!("{gave_up:?} after 1 step")),
        Cell::text(format!("finished: {later:?}")),
        Cell::text("—"),
    ]);
    let task_ran_on = *gave_up == Err(TaskError::TimedOut) && *later == Ok(9);
    thread_ran_on && task_ran_on
}

/// The rows of a future, a spawned task and an aborted task.
fn push_async_rows(table: &mut Table, tasks: &AsyncRows) {
    let AsyncRows {
        future,
        spawned,
        aborted,
    } = tasks;
    table.push(vec![
        Cell::text("a future (10 steps)"),
        Cell::text(format!("{} after 3.5 steps", elapsed(future.timed_out))),
        Cell::text("stopped at its .await"),
        Cell::Tally(future.afterwards),
    ]);
    table.push(vec![
        Cell::text("a spawned task (6 steps)"),
        Cell::text(format!("{} after 3.5 steps", elapsed(spawned.timed_out))),
        Cell::text("finished"),
        Cell::Count(spawned.ran),
    ]);
    table.push(vec![
        Cell::text("an aborted task (10 steps)"),
        Cell::text(if aborted.cancelled {
            "JoinError::Cancelled"
        } else {
            "not cancelled"
        }),
        Cell::text(format!("stopped, cleaned up: {}", aborted.cleaned_up)),
        Cell::Tally(aborted.ran),
    ]);
}

/// Counts steps of work, one per `step`, up to `total`.
async fn count_steps(steps: Arc<AtomicUsize>, total: usize, step: Duration) {
    for _ in 0..total {
        sleep(step).await;
        steps.fetch_add(1, Ordering::SeqCst);
    }
}

/// "Err(Elapsed)" for a timeout that expired.
fn elapsed(timed_out: bool) -> &'static str {
    if timed_out { "Err(Elapsed)" } else { "Ok" }
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

pub async fn async_rows(step: Duration) -> anyhow::Result<AsyncRows> {
    let cut_at = step * 3 + step / 2;

    // ANCHOR: async_timeout
    let steps = Arc::new(AtomicUsize::new(0));
    let work = count_steps(steps.clone(), 10, step);
    let gave_up = timeout(cut_at, work).await; // Err(Elapsed): `work` dropped
    let at_timeout = steps.load(Ordering::SeqCst);
    sleep(step * 3).await;
    let afterwards = steps.load(Ordering::SeqCst); // unchanged
    // ANCHOR_END: async_timeout
    let future = FutureCut {
        timed_out: gave_up.is_err(),
        at_timeout: at_timeout as u64,
        afterwards: afterwards as u64,
    };

    // ANCHOR: handle_timeout
    let steps = Arc::new(AtomicUsize::new(0));
    let mut task = tokio::spawn(count_steps(steps.clone(), 6, step));
    let gave_up = timeout(cut_at, &mut task).await; // Err(Elapsed)…
    let finished = timeout(BOUND, task).await; // …but the task ran on
    // ANCHOR_END: handle_timeout
    let ran = steps.load(Ordering::SeqCst);
    let spawned = SpawnedRun {
        timed_out: gave_up.is_err(),
        finished: matches!(finished, Ok(Ok(()))),
        ran: ran as u64,
    };

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
    Ok(AsyncRows {
        future,
        spawned,
        aborted: Aborted {
            cancelled: was_cancelled,
            cleaned_up: cleaned,
            ran: ran as u64,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> Timeouts {
        Timeouts {
            thread: Waited {
                gave_up: Err(Recv::Timeout),
                later: Ok("report ready".into()),
            },
            pool_task: Waited {
                gave_up: Err(TaskError::TimedOut),
                later: Ok(9),
            },
            tasks: AsyncRows {
                future: FutureCut {
                    timed_out: true,
                    at_timeout: 3,
                    afterwards: 3,
                },
                spawned: SpawnedRun {
                    timed_out: true,
                    finished: true,
                    ran: 6,
                },
                aborted: Aborted {
                    cancelled: true,
                    cleaned_up: true,
                    ran: 0,
                },
            },
        }
    }

    fn report_of(timeouts: Timeouts) -> SectionReport {
        let results = Results {
            timeouts: Some(timeouts),
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
    fn work_that_stopped_or_ran_on_wrongly_is_broken() {
        let mut thread_killed = honest();
        thread_killed.thread.later = Err(Recv::Disconnected);
        let mut future_ran_on = honest();
        future_ran_on.tasks.future.afterwards = 5;
        let mut task_cut = honest();
        task_cut.tasks.spawned.ran = 3;
        let mut no_cleanup = honest();
        no_cleanup.tasks.aborted.cleaned_up = false;
        for broken in [thread_killed, future_ran_on, task_cut, no_cleanup] {
            assert_eq!(report_of(broken).broken().len(), 1);
        }
    }
}
