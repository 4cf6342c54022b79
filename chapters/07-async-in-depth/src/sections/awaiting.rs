//! `await`: a future is a value with a `poll` method, and `.await` polls
//! it. Nothing runs until an executor polls; `Pending` means "wake me when
//! I can go on"; the executor polls again only after that wake. The same
//! tasks run on the chapter's own executor and on tokio, with the same
//! results: the contract is the trait, not the runtime.

use crate::hand_written::{Counted, YieldNow};
use crate::mini_executor::{MiniExecutor, block_on};
use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// What `await` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Awaiting {
    pub unpolled: Unpolled,
    /// The same tasks on the chapter's executor and on tokio.
    pub mini: ExecutorRun,
    pub tokio: ExecutorRun,
}

/// A counter an `async` block adds one to, read at three moments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unpolled {
    pub after_creating: u64,
    pub after_dropping: u64,
    pub after_awaiting: u64,
}

/// What one executor made of the demo's tasks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExecutorRun {
    /// Each task's result and how often it was polled, by task name.
    pub tasks: Vec<TaskRun>,
    /// How often the executor put a task on its ready queue, where it
    /// counts that (ours does; tokio does not say).
    pub queued: Option<Queued>,
}

/// A task is queued once when spawned and once per wake: the only times
/// the executor may poll it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    pub spawned: u64,
    pub woken: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRun {
    pub task: String,
    pub value: u64,
    pub polls: u64,
}

/// How many times the yielding task yields.
const YIELDS: u64 = 10;
/// Numbers the producer sends through a channel with room for 4.
const SENT: u64 = 100;

/// A demo task: its name, where it writes its result, and its future.
type Demo = (&'static str, Pin<Box<dyn Future<Output = u64> + Send>>);

// ANCHOR: tasks
/// The tasks both executors run. Nothing in them names an executor: tokio's
/// channel calls whatever waker the consumer's poll was given.
fn demo_tasks() -> Vec<Demo> {
    let (send, mut receive) = tokio::sync::mpsc::channel::<u64>(4);
    let producer = async move {
        for n in 1..=SENT {
            // Waits (returns Pending) whenever the channel is full.
            if send.send(n).await.is_err() {
                return n - 1;
            }
        }
        SENT
    };
    let consumer = async move {
        let mut sum = 0;
        while let Some(n) = receive.recv().await {
            sum += n;
        }
        sum
    };
    let yielder = async {
        for _ in 0..YIELDS {
            YieldNow::default().await;
        }
        YIELDS
    };
    vec![
        ("producer", Box::pin(producer)),
        ("consumer", Box::pin(consumer)),
        ("yielder", Box::pin(yielder)),
    ]
}
// ANCHOR_END: tasks

/// Where the tasks of one run leave their results, and a task for each.
type Finished = Arc<Mutex<Vec<TaskRun>>>;

fn counted_tasks(
    finished: &Finished,
) -> Vec<impl Future<Output = ()> + Send + use<>> {
    demo_tasks()
        .into_iter()
        .map(|(task, future)| {
            let polls = Arc::new(AtomicU64::new(0));
            let counted = Counted::new(future, polls.clone());
            let finished = finished.clone();
            async move {
                let value = counted.await;
                let polls = polls.load(Ordering::Relaxed);
                let run = TaskRun {
                    task: task.to_string(),
                    value,
                    polls,
                };
                finished
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(run);
            }
        })
        .collect()
}

fn sorted(finished: Finished) -> Vec<TaskRun> {
    let mut tasks = finished
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    tasks.sort_by(|a, b| a.task.cmp(&b.task));
    tasks
}

// ANCHOR: both
fn on_mini_executor() -> anyhow::Result<ExecutorRun> {
    let finished = Finished::default();
    let mut executor = MiniExecutor::new();
    for task in counted_tasks(&finished) {
        executor.spawn(task);
    }
    let tally = executor.run(BOUND)?;
    Ok(ExecutorRun {
        tasks: sorted(finished),
        queued: Some(Queued {
            spawned: tally.spawned,
            woken: tally.woken,
        }),
    })
}

fn on_tokio() -> anyhow::Result<ExecutorRun> {
    let finished = Finished::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    runtime.block_on(async {
        let handles: Vec<_> = counted_tasks(&finished)
            .into_iter()
            .map(tokio::spawn)
            .collect();
        for handle in handles {
            tokio::time::timeout(BOUND, handle).await??;
        }
        anyhow::Ok(())
    })?;
    Ok(ExecutorRun {
        tasks: sorted(finished),
        queued: None,
    })
}
// ANCHOR_END: both

fn unpolled() -> anyhow::Result<Unpolled> {
    // ANCHOR: unpolled
    let runs = Arc::new(AtomicU64::new(0));
    let work = |runs: Arc<AtomicU64>| async move {
        runs.fetch_add(1, Ordering::SeqCst);
    };
    let future = work(runs.clone()); // built, never polled
    let after_creating = runs.load(Ordering::SeqCst);
    drop(future); // dropped unpolled: its body never ran
    let after_dropping = runs.load(Ordering::SeqCst);
    block_on(work(runs.clone()), BOUND)?; // polled to the end
    let after_awaiting = runs.load(Ordering::SeqCst);
    // ANCHOR_END: unpolled
    Ok(Unpolled {
        after_creating,
        after_dropping,
        after_awaiting,
    })
}

pub fn measure(_context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    results.awaiting = Some(Awaiting {
        unpolled: unpolled()?,
        mini: on_mini_executor()?,
        tokio: on_tokio()?,
    });
    Ok(())
}

/// What every task must return, on any executor.
fn expected_values() -> Vec<(String, u64)> {
    vec![
        ("consumer".to_string(), SENT * (SENT + 1) / 2),
        ("producer".into(), SENT),
        ("yielder".into(), YIELDS),
    ]
}

fn values(run: &ExecutorRun) -> Vec<(String, u64)> {
    run.tasks
        .iter()
        .map(|t| (t.task.clone(), t.value))
        .collect()
}

fn polls_of(run: &ExecutorRun, task: &str) -> Option<u64> {
    run.tasks.iter().find(|t| t.task == task).map(|t| t.polls)
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let awaiting = need(&results.awaiting, "await")?;
    let mut report = SectionReport::new(
        "await",
        "A future runs only when polled: the executor polls it, it answers \
         Ready or Pending, and a Pending future is polled again only after \
         its waker is called. Any executor that keeps this contract runs \
         the same tasks to the same results.",
    );
    let u = &awaiting.unpolled;
    report.note(format!(
        "An async block's counter: {} after creating the future, {} after \
         dropping it unpolled, {} after polling a second one to the end.",
        u.after_creating, u.after_dropping, u.after_awaiting
    ));
    report.check(
        (u.after_creating, u.after_dropping, u.after_awaiting) == (0, 0, 1),
        "creating or dropping a future ran none of its body; polling it ran all \
         (Python: a coroutine never awaited never runs)",
    );
    report.table(tasks_table(awaiting));
    let (mini, tokio) = (&awaiting.mini, &awaiting.tokio);
    report.check(
        values(mini) == expected_values() && values(tokio) == expected_values(),
        "both executors ran every task to the same result",
    );
    let yields = (polls_of(mini, "yielder"), polls_of(tokio, "yielder"));
    report.check(
        yields == (Some(YIELDS + 1), Some(YIELDS + 1)),
        format!(
            "the yielder was polled {} times on each: once per Pending it \
             returned, plus the poll that finished it",
            YIELDS + 1
        ),
    );
    let polled: u64 = mini.tasks.iter().map(|t| t.polls).sum();
    if let Some(queued) = mini.queued {
        report.verdict(format!(
            "On our executor the tasks counted {polled} polls; it queued them \
             {} times: {} spawns and {} wakes.",
            queued.spawned + queued.woken,
            queued.spawned,
            queued.woken
        ));
    }
    report.check(
        mini.queued
            .is_some_and(|q| polled > 0 && polled <= q.spawned + q.woken),
        "our executor polled its tasks no more often than they were spawned \
         or woken: it polled nothing that had not asked to be",
    );
    report.note(
        "The producer and consumer hand off through a channel with room for \
         4: each waits (Pending) for the other, so their poll counts depend \
         on the executor's order; their results do not.",
    );
    Ok(report)
}

fn tasks_table(awaiting: &Awaiting) -> Table {
    let mut table = Table::new(
        "The same tasks on the chapter's executor and on tokio (current thread)",
        &[
            "task",
            "result, ours",
            "result, tokio",
            "polls, ours",
            "polls, tokio",
        ],
    );
    for (ours, theirs) in awaiting.mini.tasks.iter().zip(&awaiting.tokio.tasks) {
        table.push(vec![
            Cell::text(ours.task.clone()),
            Cell::Count(ours.value),
            Cell::Count(theirs.value),
            Cell::Tally(ours.polls),
            Cell::Tally(theirs.polls),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(polls: [u64; 3]) -> ExecutorRun {
        let tasks = expected_values()
            .into_iter()
            .zip(polls)
            .map(|((task, value), polls)| TaskRun { task, value, polls })
            .collect();
        ExecutorRun {
            tasks,
            queued: Some(Queued {
                spawned: 3,
                woken: polls.iter().sum::<u64>() - 3,
            }),
        }
    }

    fn honest() -> Awaiting {
        Awaiting {
            unpolled: Unpolled {
                after_creating: 0,
                after_dropping: 0,
                after_awaiting: 1,
            },
            mini: run([30, 27, 11]),
            tokio: ExecutorRun {
                queued: None,
                ..run([28, 26, 11])
            },
        }
    }

    fn report_of(awaiting: Awaiting) -> SectionReport {
        let results = Results {
            awaiting: Some(awaiting),
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
    fn an_eager_future_a_wrong_sum_or_a_spurious_poll_is_broken() {
        let mut eager = honest();
        eager.unpolled.after_creating = 1;
        let mut wrong_sum = honest();
        wrong_sum.mini.tasks[0].value -= 1;
        let mut spurious = honest();
        spurious.tokio.tasks[2].polls += 1;
        let mut busy_polling = honest();
        busy_polling.mini.tasks[1].polls += 1; // one poll no wake asked for
        let mut uncounted = honest();
        uncounted.mini.queued = None;
        for broken in [eager, wrong_sum, spurious, busy_polling, uncounted] {
            assert_eq!(report_of(broken).broken().len(), 1);
        }
    }
}
