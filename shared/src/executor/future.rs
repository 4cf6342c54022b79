//! [`TaskFuture`]: the handle `submit` returns at once — Python's
//! `concurrent.futures.Future`.
//!
//! Its life is a small state machine, guarded by one mutex:
//! `Pending → Running → Finished`, or `Pending → Cancelled`. A task can be
//! cancelled only while it waits in the queue; once a worker has moved it to
//! `Running`, `cancel` says no. Waiters sleep on a condition variable;
//! done-callbacks run once, outside the lock, after the state is final.
//!
//! A thread-pool task lives in the same allocation as its future
//! ([`TaskFuture::with_task`]): one allocation per task instead of two, and
//! the thread that submitted it, which usually drops the last handle, frees
//! it. Freeing on the worker what the submitter allocated made the two
//! threads queue on the allocator's lock: the largest cost a profile of
//! the thread pool found, larger than this future's own lock.

use super::error::TaskError;
use super::sync::{Arc, Condvar, Mutex, MutexGuard, lock};
use crate::panics::panic_message;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

// ANCHOR: state
/// Where a task is in its life.
#[derive(Clone, Debug, PartialEq)]
pub enum State<T> {
    /// Queued; `cancel` still works.
    Pending,
    /// A worker has it; it will finish, whatever the caller does.
    Running,
    Finished(Result<T, TaskError>),
    Cancelled,
}
// ANCHOR_END: state

type Callback<T> = Box<dyn FnOnce(&TaskFuture<T>) + Send>;

/// Which callback, so that a waiter that gives up can take its own back.
pub(crate) type CallbackId = u64;

struct Slot<T> {
    state: State<T>,
    /// Boxed, and only once one is added: most futures never get one, and
    /// a future's size is what a million queued tasks hold.
    callbacks: Option<Box<Callbacks<T>>>,
    /// Threads blocked in `result`: waking a condition variable costs a
    /// system call, so it is only done when someone is waiting.
    waiters: u32,
}

struct Callbacks<T> {
    /// Never reset, so that a waiter taking back a stale id cannot take
    /// another's callback.
    next_id: CallbackId,
    list: Vec<(CallbackId, Callback<T>)>,
}

/// What a future's handles share. `P` is whatever else shares the
/// allocation: a queued task's code, or nothing; a handle sees it as
/// `dyn Send + Sync`, so that a future's type does not name its task's.
struct Inner<T, P: ?Sized = dyn Send + Sync> {
    slot: Mutex<Slot<T>>,
    changed: Condvar,
    payload: P,
}

/// The future of one task submitted to a pool. Clones share the task.
pub struct TaskFuture<T> {
    inner: Arc<Inner<T>>,
}

/// A task's code beside its future, until a worker takes it.
type WithTask<T, F> = Inner<T, Mutex<Option<F>>>;

/// What a worker is told to do with a task queued by
/// [`TaskFuture::with_task`].
pub enum Order {
    Run,
    /// `shutdown(cancel_futures)`: it never starts.
    Cancel,
    /// The pool is broken: it fails with this.
    Fail(TaskError),
}

/// The pool's side of a task queued by [`TaskFuture::with_task`]: the same
/// allocation as the future, seen by a worker that need not know its types.
pub struct QueuedTask(Arc<dyn Start>);

impl QueuedTask {
    /// Runs the task (unless it was cancelled meanwhile), cancels it or
    /// fails it, as `order` says; its code is dropped either way, so a
    /// cancelled task holds nothing it captured while its future lives on.
    pub fn order(self, order: Order) {
        self.0.start(order);
    }
}

/// [`QueuedTask`]'s one operation, behind a `dyn` so that a queue of them
/// is of one type whatever each returns.
trait Start: Send + Sync {
    fn start(self: Arc<Self>, order: Order);
}

impl<T, F> Start for WithTask<T, F>
where
    T: Clone + Send + 'static,
    F: FnOnce() -> anyhow::Result<T> + Send + 'static,
{
    fn start(self: Arc<Self>, order: Order) {
        let task = lock(&self.payload).take();
        let future = TaskFuture::<T> { inner: self };
        match (order, task) {
            (Order::Run, Some(task)) if future.set_running() => {
                future.finish(crate::executor::run_caught(task));
            }
            (Order::Run, _) => {} // cancelled while queued, so it never runs
            (Order::Cancel, _) => drop(future.cancel()),
            (Order::Fail(why), _) => future.finish(Err(why)),
        }
    }
}

impl<T, P> Inner<T, P> {
    fn holding(payload: P) -> Inner<T, P> {
        Inner {
            slot: Mutex::new(Slot {
                state: State::Pending,
                callbacks: None,
                waiters: 0,
            }),
            changed: Condvar::new(),
            payload,
        }
    }
}

impl<T> Clone for TaskFuture<T> {
    fn clone(&self) -> Self {
        TaskFuture {
            inner: self.inner.clone(),
        }
    }
}

impl<T> std::fmt::Debug for TaskFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match lock(&self.inner.slot).state {
            State::Pending => "pending",
            State::Running => "running",
            State::Finished(Ok(_)) => "finished",
            State::Finished(Err(_)) => "failed",
            State::Cancelled => "cancelled",
        };
        write!(f, "TaskFuture({state})")
    }
}

impl<T: Clone + Send + 'static> TaskFuture<T> {
    /// A future for a task that is queued but not started.
    pub fn pending() -> TaskFuture<T> {
        TaskFuture {
            inner: Arc::new(Inner::holding(())),
        }
    }

    /// A future for `task`, and the task to queue: both in one allocation.
    pub fn with_task<F>(task: F) -> (TaskFuture<T>, QueuedTask)
    where
        F: FnOnce() -> anyhow::Result<T> + Send + 'static,
    {
        let inner: Arc<WithTask<T, F>> =
            Arc::new(Inner::holding(Mutex::new(Some(task))));
        let queued = QueuedTask(inner.clone());
        (TaskFuture { inner }, queued)
    }

    /// A copy of the current state.
    pub fn state(&self) -> State<T> {
        lock(&self.inner.slot).state.clone()
    }

    /// Finished or cancelled: nothing more will happen to it.
    pub fn done(&self) -> bool {
        matches!(self.state(), State::Finished(_) | State::Cancelled)
    }

    pub fn running(&self) -> bool {
        matches!(self.state(), State::Running)
    }

    pub fn cancelled(&self) -> bool {
        matches!(self.state(), State::Cancelled)
    }

    // ANCHOR: cancel
    /// Cancels the task if it has not started. True if it is (now)
    /// cancelled; false if it is running or finished.
    pub fn cancel(&self) -> bool {
        let mut slot = lock(&self.inner.slot);
        match slot.state {
            State::Cancelled => return true,
            State::Running | State::Finished(_) => return false,
            State::Pending => slot.state = State::Cancelled,
        }
        self.wake_and_call_back(slot);
        true
    }
    // ANCHOR_END: cancel

    /// The task's value, waiting as long as it takes (Python's `result()`).
    pub fn result(&self) -> Result<T, TaskError> {
        self.wait_for(None)
    }

    /// The task's value, or `TaskError::TimedOut` after `timeout`
    /// (`result(timeout=…)`); the task itself goes on.
    pub fn result_timeout(&self, timeout: Duration) -> Result<T, TaskError> {
        self.wait_for(Some(timeout))
    }

    /// The task's error alone, `None` if it succeeded (`exception()`).
    pub fn exception_timeout(&self, timeout: Duration) -> Option<TaskError> {
        self.result_timeout(timeout).err()
    }

    /// Waits up to `timeout` (`None`: for ever). The clock is read only
    /// if the task is not done at once: most results are collected after
    /// their tasks finished, and reading it took a few percent of their cost.
    fn wait_for(&self, timeout: Option<Duration>) -> Result<T, TaskError> {
        let mut slot = lock(&self.inner.slot);
        let mut deadline = None;
        loop {
            match &slot.state {
                State::Finished(outcome) => return outcome.clone(),
                State::Cancelled => return Err(TaskError::Cancelled),
                State::Pending | State::Running => {}
            }
            let deadline = *deadline.get_or_insert_with(|| deadline_after(timeout));
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if left.is_some_and(|left| left.is_zero()) {
                return Err(TaskError::TimedOut);
            }
            slot.waiters += 1;
            slot = match left {
                None => self
                    .inner
                    .changed
                    .wait(slot)
                    .unwrap_or_else(|p| p.into_inner()),
                Some(left) => {
                    let waited = self.inner.changed.wait_timeout(slot, left);
                    waited.unwrap_or_else(|p| p.into_inner()).0
                }
            };
            slot.waiters -= 1;
        }
    }

    /// Runs `callback` with this future once it is done — at once, on this
    /// thread, if it already is; otherwise on the thread that finishes or
    /// cancels it. A callback that panics is reported and ignored.
    pub fn add_done_callback(
        &self,
        callback: impl FnOnce(&TaskFuture<T>) + Send + 'static,
    ) {
        self.add_waiter(callback);
    }

    /// [`add_done_callback`](Self::add_done_callback), returning the id to
    /// take the callback back with when it was left waiting.
    pub(crate) fn add_waiter(
        &self,
        callback: impl FnOnce(&TaskFuture<T>) + Send + 'static,
    ) -> Option<CallbackId> {
        let mut slot = lock(&self.inner.slot);
        if matches!(slot.state, State::Pending | State::Running) {
            let callbacks = slot.callbacks.get_or_insert_with(|| {
                Box::new(Callbacks {
                    next_id: 0,
                    list: Vec::new(),
                })
            });
            let id = callbacks.next_id;
            callbacks.next_id += 1;
            callbacks.list.push((id, Box::new(callback)));
            return Some(id);
        }
        drop(slot);
        self.run_callbacks(vec![(0, Box::new(callback))]);
        None
    }

    /// Takes back callback `id` if it has not run: what `wait` and
    /// `as_completed` do when they return, as CPython removes its waiters,
    /// so that polling a pending future does not grow it call after call.
    pub(crate) fn remove_callback(&self, id: CallbackId) {
        if let Some(callbacks) = &mut lock(&self.inner.slot).callbacks {
            callbacks.list.retain(|(i, _)| *i != id);
        }
    }

    /// How many done-callbacks wait on this future: what a test of the
    /// waiters' cleanup counts.
    pub fn waiting_callbacks(&self) -> usize {
        let slot = lock(&self.inner.slot);
        slot.callbacks
            .as_ref()
            .map_or(0, |callbacks| callbacks.list.len())
    }

    /// Whether `self` and `other` are the same task (clones of one future).
    pub fn same_task(&self, other: &TaskFuture<T>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// An identity of the task, equal for clones: to find duplicates.
    pub(crate) fn task_key(&self) -> usize {
        Arc::as_ptr(&self.inner) as *const () as usize
    }

    /// The pool's side: moves a pending task to running. False if it was
    /// cancelled meanwhile, and then it must not run.
    pub fn set_running(&self) -> bool {
        let mut slot = lock(&self.inner.slot);
        if !matches!(slot.state, State::Pending) {
            return false;
        }
        slot.state = State::Running;
        true
    }

    /// The pool's side: records the outcome and wakes every waiter. Ignored
    /// if the future is already done.
    pub fn finish(&self, outcome: Result<T, TaskError>) {
        let mut slot = lock(&self.inner.slot);
        if matches!(slot.state, State::Finished(_) | State::Cancelled) {
            return;
        }
        slot.state = State::Finished(outcome);
        self.wake_and_call_back(slot);
    }

    /// After the state became final: wakes the waiters, if any, then runs
    /// the callbacks outside the lock.
    fn wake_and_call_back(&self, mut slot: MutexGuard<'_, Slot<T>>) {
        let callbacks = slot.callbacks.take().map_or_else(Vec::new, |c| c.list);
        let waiters = slot.waiters;
        drop(slot);
        if waiters > 0 {
            self.inner.changed.notify_all();
        }
        self.run_callbacks(callbacks);
    }

    fn run_callbacks(&self, callbacks: Vec<(CallbackId, Callback<T>)>) {
        for (_, callback) in callbacks {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| callback(self))) {
                eprintln!("a done-callback panicked: {}", panic_message(&*payload));
            }
        }
    }
}

/// The instant `timeout` from now, or `None` (no deadline) for one so far
/// away that no clock reaches it, such as `Duration::MAX`: adding it to
/// `Instant::now()` would overflow and panic.
pub(crate) fn deadline_after(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|t| Instant::now().checked_add(t))
}

#[cfg(all(test, not(feature = "shuttle")))]
mod tests {
    use super::*;

    #[test]
    fn cancel_works_only_before_the_task_starts() {
        let pending = TaskFuture::<u32>::pending();
        assert!(pending.cancel() && pending.cancel(), "cancel is idempotent");
        assert!(!pending.set_running(), "a cancelled task never runs");
        assert_eq!(pending.result(), Err(TaskError::Cancelled));

        let running = TaskFuture::<u32>::pending();
        assert!(running.set_running());
        assert!(!running.cancel());
        running.finish(Ok(7));
        assert_eq!(running.result(), Ok(7));
        assert!(!running.cancel(), "a finished task cannot be cancelled");
    }

    #[test]
    fn result_timeout_gives_up_but_the_task_goes_on() {
        let future = TaskFuture::<u32>::pending();
        assert!(future.set_running());
        let waited = future.result_timeout(Duration::from_millis(10));
        assert_eq!(waited, Err(TaskError::TimedOut));
        future.finish(Ok(1));
        assert_eq!(future.result_timeout(Duration::ZERO), Ok(1));
    }

    #[test]
    fn callbacks_run_once_in_order_and_at_once_when_already_done() {
        let future = TaskFuture::<u32>::pending();
        let (seen, log) = std::sync::mpsc::channel();
        for name in ["first", "second"] {
            let seen = seen.clone();
            future.add_done_callback(move |f| drop(seen.send((name, f.result()))));
        }
        future.add_done_callback(|_| panic!("a broken callback"));
        future.finish(Ok(3));
        future.finish(Ok(4)); // ignored: already done
        let late = seen.clone();
        future.add_done_callback(move |f| drop(late.send(("late", f.result()))));
        drop(seen);
        let order: Vec<_> = log.iter().collect();
        assert_eq!(
            order,
            [("first", Ok(3)), ("second", Ok(3)), ("late", Ok(3))]
        );
    }
}
