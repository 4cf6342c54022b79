//! Waiting on many futures: `map`'s results in input order, results in
//! completion order (`as_completed`), and `wait` with its three modes.
//!
//! `as_completed` and `wait` hang a done-callback on every future that sends
//! the future's index down a channel; waiting is then one `recv` with a
//! deadline, so no wait is ever unbounded unless asked to be. When they
//! return (or the iterator is dropped), the callbacks still waiting are
//! taken back, as CPython removes its waiters.
//!
//! A timeout too large for the clock (`Duration::MAX`) means no deadline.

use super::future::{CallbackId, deadline_after};
use super::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use super::{BatchFuture, State, SubmitError, TaskError, TaskFuture};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// `map`'s results: yielded in input order, each as soon as it and all
/// before it are ready. One future stands for each chunk. A chunk that
/// fails as a whole (cancelled, a broken pool) yields its error once per
/// task; a timeout yields `TimedOut` once and ends the iteration, as
/// Python's raises. Dropping it cancels the chunks not yet started, so it
/// must be consumed: `pool.map(..)?;` alone runs almost nothing.
#[must_use = "dropping MapResults cancels the tasks not yet started: iterate it"]
pub struct MapResults<T: Clone + Send + 'static> {
    batches: VecDeque<(BatchFuture<T>, usize)>,
    ready: VecDeque<Result<T, TaskError>>,
    deadline: Option<Instant>,
}

impl<T: Clone + Send + 'static> MapResults<T> {
    pub fn new(
        batches: Vec<(BatchFuture<T>, usize)>,
        timeout: Option<Duration>,
    ) -> Self {
        MapResults {
            batches: batches.into(),
            ready: VecDeque::new(),
            deadline: deadline_after(timeout),
        }
    }
}

impl<T: Clone + Send + 'static> Iterator for MapResults<T> {
    type Item = Result<T, TaskError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(result) = self.ready.pop_front() {
            return Some(result);
        }
        let (batch, len) = self.batches.pop_front()?;
        let outcome = match self.deadline {
            None => batch.result(),
            Some(deadline) => batch
                .result_timeout(deadline.saturating_duration_since(Instant::now())),
        };
        match outcome {
            Ok(results) => self.ready.extend(results),
            Err(TaskError::TimedOut) => {
                // The item waited on goes too, if it has not started: as
                // CPython 3.12+ cancels it with the rest.
                batch.cancel();
                self.cancel_the_rest();
                return Some(Err(TaskError::TimedOut));
            }
            Err(why) => self.ready.extend(std::iter::repeat_n(Err(why), len)),
        }
        self.ready.pop_front()
    }
}

impl<T: Clone + Send + 'static> MapResults<T> {
    fn cancel_the_rest(&mut self) {
        for (batch, _) in self.batches.drain(..) {
            batch.cancel();
        }
    }
}

impl<T: Clone + Send + 'static> Drop for MapResults<T> {
    fn drop(&mut self) {
        self.cancel_the_rest();
    }
}

/// Submits the next chunk of a buffered map: `None` once the input is
/// used up.
pub type NextChunk<'a, T> =
    Box<dyn FnMut() -> Option<Result<(BatchFuture<T>, usize), SubmitError>> + 'a>;

/// `map_buffered`'s results: [`MapResults`] that takes one more chunk
/// from the input each time it waits on the oldest, so that at most
/// `buffersize` chunks (and one more, for a moment) are in flight however
/// long the input is, as CPython 3.14's `map(buffersize=…)`.
#[must_use = "dropping BufferedMap cancels the tasks not yet started: iterate it"]
pub struct BufferedMap<'a, T: Clone + Send + 'static> {
    results: MapResults<T>,
    next_chunk: NextChunk<'a, T>,
    /// The input is used up, a submit failed, or the map timed out.
    ended: bool,
}

impl<'a, T: Clone + Send + 'static> BufferedMap<'a, T> {
    pub fn new(results: MapResults<T>, next_chunk: NextChunk<'a, T>) -> Self {
        BufferedMap {
            results,
            next_chunk,
            ended: false,
        }
    }
}

impl<T: Clone + Send + 'static> Iterator for BufferedMap<'_, T> {
    type Item = Result<T, TaskError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.results.ready.is_empty() && !self.ended {
            match (self.next_chunk)() {
                Some(Ok(batch)) => self.results.batches.push_back(batch),
                Some(Err(refused)) => {
                    // What a refused submit would have raised, in its place.
                    self.ended = true;
                    self.results.batches.push_back((failed(&refused), 1));
                }
                None => self.ended = true,
            }
        }
        let item = self.results.next();
        if matches!(item, Some(Err(TaskError::TimedOut))) {
            self.ended = true;
        }
        item
    }
}

/// A batch future already failed with why the pool refused it.
fn failed<T: Clone + Send + 'static>(refused: &SubmitError) -> BatchFuture<T> {
    let future = BatchFuture::pending();
    let why = match refused {
        SubmitError::Broken(why) => TaskError::BrokenPool(why.clone()),
        other => TaskError::Failed(other.to_string()),
    };
    future.finish(Err(why));
    future
}

/// The next index from `signals`, waiting until `deadline` at most.
fn receive(
    signals: &Receiver<usize>,
    deadline: Option<Instant>,
) -> Result<usize, RecvTimeoutError> {
    match deadline {
        None => signals.recv().map_err(|_| RecvTimeoutError::Disconnected),
        Some(deadline) => {
            signals.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        }
    }
}

/// A channel that receives the index of each future as it becomes done,
/// and the callbacks that send it, taken back from the futures still
/// pending when this is dropped.
struct Waiters<T: Clone + Send + 'static> {
    signals: Receiver<usize>,
    registered: Vec<(TaskFuture<T>, CallbackId)>,
}

impl<T: Clone + Send + 'static> Waiters<T> {
    fn on(futures: &[TaskFuture<T>]) -> Waiters<T> {
        let (done, signals) = channel();
        let mut registered = Vec::new();
        for (index, future) in futures.iter().enumerate() {
            let done = done.clone();
            let id = future.add_waiter(move |_| {
                let _ = done.send(index);
            });
            if let Some(id) = id {
                registered.push((future.clone(), id));
            }
        }
        Waiters {
            signals,
            registered,
        }
    }
}

impl<T: Clone + Send + 'static> Drop for Waiters<T> {
    fn drop(&mut self) {
        for (future, id) in &self.registered {
            future.remove_callback(*id);
        }
    }
}

/// `futures` without repeats (clones of one future count once), in order.
fn distinct<T: Clone + Send + 'static>(
    futures: &[TaskFuture<T>],
) -> Vec<TaskFuture<T>> {
    let mut seen = std::collections::HashSet::new();
    futures
        .iter()
        .filter(|f| seen.insert(f.task_key()))
        .cloned()
        .collect()
}

// ANCHOR: as_completed
/// The futures in the order they finish, each once however often it was
/// given. With a `timeout`, the iteration ends with `Err(Unfinished)` if
/// they are not all done by then.
pub fn as_completed<T: Clone + Send + 'static>(
    futures: &[TaskFuture<T>],
    timeout: Option<Duration>,
) -> impl Iterator<Item = Result<TaskFuture<T>, Unfinished>> + use<T> {
    let futures = distinct(futures);
    let waiters = Waiters::on(&futures);
    let deadline = deadline_after(timeout);
    let mut left = futures.len();
    std::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        match receive(&waiters.signals, deadline) {
            Ok(index) => {
                left -= 1;
                Some(Ok(futures[index].clone()))
            }
            Err(_) => {
                let unfinished = std::mem::take(&mut left);
                let of = futures.len();
                Some(Err(Unfinished { unfinished, of }))
            }
        }
    })
}
// ANCHOR_END: as_completed

/// `as_completed` ran out of time: CPython's `TimeoutError`, which says
/// how many of the (distinct) futures were still unfinished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unfinished {
    pub unfinished: usize,
    pub of: usize,
}

impl std::fmt::Display for Unfinished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Unfinished { unfinished, of } = self;
        write!(f, "{unfinished} (of {of}) futures unfinished")
    }
}

impl std::error::Error for Unfinished {}

/// When [`wait`] returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnWhen {
    FirstCompleted,
    /// When any task fails; if none fails, when all are done.
    FirstException,
    AllCompleted,
}

/// The indices of the futures that were done when [`wait`] returned, and
/// of those that were not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waited {
    pub done: Vec<usize>,
    pub not_done: Vec<usize>,
}

// ANCHOR: wait
/// Waits until `when` is met or `timeout` passes, whichever comes first.
pub fn wait<T: Clone + Send + 'static>(
    futures: &[TaskFuture<T>],
    when: ReturnWhen,
    timeout: Option<Duration>,
) -> Waited {
    let waiters = Waiters::on(futures);
    let deadline = deadline_after(timeout);
    let mut done = vec![false; futures.len()];
    let mut count = 0;
    // A cancelled future is done but did not fail, as in Python.
    let failed =
        |index: usize| matches!(futures[index].state(), State::Finished(Err(_)));
    while count < futures.len() {
        let met = match when {
            ReturnWhen::FirstCompleted => count > 0,
            ReturnWhen::FirstException => {
                (0..futures.len()).any(|i| done[i] && failed(i))
            }
            ReturnWhen::AllCompleted => false,
        };
        if met {
            break;
        }
        match receive(&waiters.signals, deadline) {
            Ok(index) => {
                done[index] = true;
                count += 1;
            }
            Err(_) => break,
        }
    }
    let (done, not_done): (Vec<usize>, Vec<usize>) =
        (0..futures.len()).partition(|&i| done[i] || futures[i].done());
    Waited { done, not_done }
}
// ANCHOR_END: wait
