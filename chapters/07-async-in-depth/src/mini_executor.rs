//! A whole executor in std alone: what tokio does at its core, small enough
//! to read in one sitting. A spawned future becomes a [`Task`]; a task whose
//! future said "not yet" (`Poll::Pending`) waits until something calls its
//! waker, which puts it back on the ready queue; the executor polls what is
//! ready, one task at a time, until every task is done.
//!
//! What it leaves out, and tokio has: timers and sockets (a reactor that
//! calls wakers when the OS says a socket is ready), several threads, and
//! fairness budgets. What it keeps is the contract every executor shares,
//! which is why tokio's channels run on it unchanged.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

/// A spawned future, boxed and pinned once: polling needs it to stay put.
type Boxed = Pin<Box<dyn Future<Output = ()> + Send>>;

// ANCHOR: task
/// One spawned future and its way back onto the ready queue. Its waker is
/// the task itself: waking it sends it to the queue.
struct Task {
    /// `None` once the future finished, so a late wake polls nothing.
    future: Mutex<Option<Boxed>>,
    ready: mpsc::Sender<Arc<Task>>,
    /// Every wake of every task, counted so that a run can show it polled
    /// no task more often than one was spawned or woken.
    wakes: Arc<AtomicU64>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::Relaxed);
        let ready = self.ready.clone();
        // The executor may have ended; then there is no one to poll it.
        let _ = ready.send(self);
    }
}
// ANCHOR_END: task

/// An executor that polls its tasks on the calling thread.
pub struct MiniExecutor {
    ready: mpsc::Receiver<Arc<Task>>,
    sender: mpsc::Sender<Arc<Task>>,
    /// Tasks spawned and not finished: the run ends when none is left.
    unfinished: usize,
    /// How often tasks were put on the ready queue, and polled.
    spawned: u64,
    wakes: Arc<AtomicU64>,
    polls: u64,
}

/// What a run did: a task goes on the ready queue when it is spawned and
/// each time it is woken, and is polled only when taken off the queue, so
/// `polls <= spawned + woken` holds for an executor that keeps the
/// contract. One that polled its waiting tasks in a loop would break it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tally {
    pub spawned: u64,
    pub woken: u64,
    pub polls: u64,
}

/// Some tasks were left waiting with nothing ready for a whole bound: a
/// future that returned `Pending` and that no one will ever wake.
#[derive(Debug, PartialEq, Eq)]
pub struct Stuck {
    pub unfinished: usize,
}

impl std::fmt::Display for Stuck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} task(s) waiting and none woken", self.unfinished)
    }
}

impl std::error::Error for Stuck {}

impl Default for MiniExecutor {
    fn default() -> Self {
        MiniExecutor::new()
    }
}

impl MiniExecutor {
    pub fn new() -> MiniExecutor {
        let (sender, ready) = mpsc::channel();
        MiniExecutor {
            ready,
            sender,
            unfinished: 0,
            spawned: 0,
            wakes: Arc::default(),
            polls: 0,
        }
    }

    /// Queues `future` to be polled once `run` starts. Nothing of it runs
    /// before then.
    pub fn spawn(&mut self, future: impl Future<Output = ()> + Send + 'static) {
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(future))),
            ready: self.sender.clone(),
            wakes: self.wakes.clone(),
        });
        self.unfinished += 1;
        self.spawned += 1;
        let _ = self.sender.send(task);
    }

    // ANCHOR: run
    /// Polls ready tasks until every task has finished; returns how many
    /// spawns, wakes and polls that took. A task is polled only when it was
    /// spawned or its waker was called.
    pub fn run(&mut self, bound: Duration) -> Result<Tally, Stuck> {
        while self.unfinished > 0 {
            let task = match self.ready.recv_timeout(bound) {
                Ok(task) => task,
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    return Err(Stuck {
                        unfinished: self.unfinished,
                    });
                }
            };
            let mut slot =
                task.future.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(future) = slot.as_mut() else {
                continue; // woken after it finished: nothing to do
            };
            let waker = Waker::from(task.clone());
            let mut context = Context::from_waker(&waker);
            self.polls += 1;
            if let Poll::Ready(()) = future.as_mut().poll(&mut context) {
                *slot = None; // drops the future, and what it held
                self.unfinished -= 1;
            }
        }
        Ok(Tally {
            spawned: self.spawned,
            woken: self.wakes.load(Ordering::Relaxed),
            polls: self.polls,
        })
    }
    // ANCHOR_END: run
}

/// Runs one future to its end on a fresh executor: its output, or
/// [`Stuck`] if it waits for a wake that never comes.
pub fn block_on<T: Send + 'static>(
    future: impl Future<Output = T> + Send + 'static,
    bound: Duration,
) -> Result<T, Stuck> {
    let output = Arc::new(Mutex::new(None));
    let slot = output.clone();
    let mut executor = MiniExecutor::new();
    executor.spawn(async move {
        let value = future.await;
        *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
    });
    executor.run(bound)?;
    let value = output.lock().unwrap_or_else(PoisonError::into_inner).take();
    value.ok_or(Stuck { unfinished: 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_future_no_one_wakes_is_reported_stuck_not_hung() {
        let never =
            block_on(std::future::pending::<()>(), Duration::from_millis(20));
        assert_eq!(never, Err(Stuck { unfinished: 1 }));
    }

    #[test]
    fn a_ready_future_takes_one_poll() {
        let mut executor = MiniExecutor::new();
        executor.spawn(async {});
        let tally = executor.run(Duration::from_secs(5)).unwrap();
        assert_eq!((tally.spawned, tally.woken, tally.polls), (1, 0, 1));
    }

    #[test]
    fn a_future_that_yields_is_polled_once_per_wake_and_once_at_spawn() {
        let mut executor = MiniExecutor::new();
        executor.spawn(async {
            for _ in 0..3 {
                crate::hand_written::YieldNow::default().await;
            }
        });
        let tally = executor.run(Duration::from_secs(5)).unwrap();
        assert_eq!((tally.spawned, tally.woken, tally.polls), (1, 3, 4));
    }
}
