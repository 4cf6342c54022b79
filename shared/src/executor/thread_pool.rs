//! `ThreadPoolExecutor`: worker threads taking work from one crossbeam
//! channel, started as they are needed, up to `max_workers`. Any closure can be submitted ([`submit_fn`]), as any
//! callable can in Python; [`Task`]s work too, for code written against
//! [`Executor`]. [`ThreadPoolExecutor::builder`] takes CPython's other
//! arguments: `thread_name_prefix` and `initializer`.
//!
//! [`submit_fn`]: ThreadPoolExecutor::submit_fn

use super::future::{Order, QueuedTask};
use super::sync::{Mutex, lock};
use super::{
    BatchFuture, Executor, SubmitError, Task, TaskError, TaskFuture, run_caught,
};
use crossbeam::channel::{Receiver, Sender, TryRecvError, unbounded};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;

/// One queued unit of work, told what to do when a worker takes it.
enum Work {
    /// One task sharing its future's allocation: `submit_fn`.
    Task(QueuedTask),
    /// Several tasks or futures: `submit_chunk`, `submit_batch`.
    Chunk(Box<dyn FnOnce(Order) + Send>),
}

impl Work {
    fn order(self, order: Order) {
        match self {
            Work::Task(task) => task.order(order),
            Work::Chunk(work) => work(order),
        }
    }
}

/// Code each worker thread runs once before its first task: CPython's
/// `initializer` (with its `initargs` captured).
pub type Initializer = Arc<dyn Fn() -> anyhow::Result<()> + Send + Sync>;

/// A pool of worker threads. Dropping it shuts it down and joins the
/// workers, like leaving a `with ThreadPoolExecutor() as pool:` block.
pub struct ThreadPoolExecutor {
    /// `None` after shutdown: dropping the sender ends the workers' loops.
    queue: Mutex<Option<Sender<Work>>>,
    /// Kept to drain queued work when shutdown cancels it.
    backlog: Receiver<Work>,
    /// The threads started so far: one per submit that found no idle
    /// worker, up to `max_workers`, as CPython starts them.
    workers: Mutex<Vec<JoinHandle<()>>>,
    /// What the workers share with the pool.
    shared: Arc<Shared>,
    max_workers: usize,
    thread_name_prefix: Option<String>,
    initializer: Option<Initializer>,
}

/// What the worker threads share with the pool. The flags are read on
/// every submit and every task, so they are atomics, not locks.
struct Shared {
    /// Why the pool broke: an initializer failed (`BrokenThreadPool`).
    broken: Mutex<Option<String>>,
    /// Set once `broken` is: until then nobody takes its lock.
    is_broken: AtomicBool,
    /// Workers that found the queue empty and wait for work: CPython's idle
    /// semaphore. A submit takes one instead of starting a thread.
    idle: AtomicUsize,
    /// Every thread is started: nobody need count idle workers any more.
    full: AtomicBool,
}

impl Shared {
    fn broken(&self) -> Option<String> {
        if !self.is_broken.load(Ordering::Acquire) {
            return None;
        }
        lock(&self.broken).clone()
    }

    fn set_broken(&self, why: String) {
        lock(&self.broken).get_or_insert(why);
        self.is_broken.store(true, Ordering::Release);
    }
}

/// The options of a thread pool, CPython's arguments by their names.
#[must_use = "a builder does nothing until build() is called"]
pub struct ThreadPoolBuilder {
    max_workers: Option<usize>,
    thread_name_prefix: Option<String>,
    initializer: Option<Initializer>,
}

impl ThreadPoolBuilder {
    /// How many threads (default: [`ThreadPoolExecutor::default_workers`]).
    pub fn max_workers(mut self, workers: usize) -> Self {
        self.max_workers = Some(workers);
        self
    }

    /// Names the threads `{prefix}_0`, `{prefix}_1`, … as CPython does, so
    /// that a debugger or a log tells the pools apart.
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.thread_name_prefix = Some(prefix.into());
        self
    }

    /// Runs `initializer` on each worker thread before its first task. If
    /// it fails (or panics), the pool is broken, as CPython's
    /// `BrokenThreadPool`: every pending task fails with
    /// `TaskError::BrokenPool` and later submits are refused.
    pub fn initializer(
        mut self,
        initializer: impl Fn() -> anyhow::Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.initializer = Some(Arc::new(initializer));
        self
    }

    pub fn build(self) -> anyhow::Result<ThreadPoolExecutor> {
        let workers = self
            .max_workers
            .unwrap_or_else(ThreadPoolExecutor::default_workers);
        anyhow::ensure!(workers > 0, "a pool needs at least one worker");
        let (queue, backlog) = unbounded::<Work>();
        Ok(ThreadPoolExecutor {
            queue: Mutex::new(Some(queue)),
            backlog,
            workers: Mutex::new(Vec::new()),
            shared: Arc::new(Shared {
                broken: Mutex::new(None),
                is_broken: AtomicBool::new(false),
                idle: AtomicUsize::new(0),
                full: AtomicBool::new(false),
            }),
            max_workers: workers,
            thread_name_prefix: self.thread_name_prefix,
            initializer: self.initializer,
        })
    }
}

/// A worker thread's life: initialise, then take work until the queue
/// closes, failing it instead once the pool is broken.
fn work(jobs: &Receiver<Work>, shared: &Shared, initializer: Option<Initializer>) {
    if let Some(initializer) = initializer
        && let Err(why) = run_caught(|| initializer())
    {
        shared.set_broken(format!("a thread initializer failed: {why}"));
    }
    loop {
        let work = match jobs.try_recv() {
            Ok(work) => work,
            Err(TryRecvError::Disconnected) => return,
            Err(TryRecvError::Empty) => {
                // Say so before sleeping, so the next submit wakes this
                // worker instead of starting another.
                if !shared.full.load(Ordering::Relaxed) {
                    shared.idle.fetch_add(1, Ordering::SeqCst);
                }
                match jobs.recv() {
                    Ok(work) => work,
                    Err(_) => return,
                }
            }
        };
        match shared.broken() {
            None => work.order(Order::Run),
            Some(why) => work.order(Order::Fail(TaskError::BrokenPool(why))),
        }
    }
}

impl ThreadPoolExecutor {
    /// A pool of `workers` threads; zero workers is an error, as in Python.
    pub fn new(workers: usize) -> anyhow::Result<ThreadPoolExecutor> {
        ThreadPoolExecutor::builder().max_workers(workers).build()
    }

    /// A pool with CPython's other arguments: `max_workers`,
    /// `thread_name_prefix`, `initializer`.
    pub fn builder() -> ThreadPoolBuilder {
        ThreadPoolBuilder {
            max_workers: None,
            thread_name_prefix: None,
            initializer: None,
        }
    }

    /// CPython's default since 3.8: `min(32, cores + 4)`. A thread pool is
    /// mostly for work that waits (I/O), so more threads than cores keeps
    /// the cores busy, and 32 caps the memory on large machines.
    pub fn default_workers() -> usize {
        (crate::machine::cores() + 4).min(32)
    }

    /// Why the pool is broken, if it is: an initializer failed.
    pub fn broken(&self) -> Option<String> {
        self.shared.broken()
    }

    // ANCHOR: submit_fn
    /// Queues `task` and returns its future at once. The task is kept in
    /// its future's allocation until a worker takes it.
    pub fn submit_fn<T, F>(&self, task: F) -> Result<TaskFuture<T>, SubmitError>
    where
        T: Clone + Send + 'static,
        F: FnOnce() -> anyhow::Result<T> + Send + 'static,
    {
        let (future, queued) = TaskFuture::with_task(task);
        self.enqueue(Work::Task(queued))?;
        Ok(future)
    }
    // ANCHOR_END: submit_fn

    /// How many worker threads have been started (at most `max_workers`).
    pub fn threads(&self) -> usize {
        lock(&self.workers).len()
    }

    /// How many started workers wait for work, as far as the pool knows.
    pub fn idle_threads(&self) -> usize {
        self.shared.idle.load(Ordering::SeqCst)
    }

    fn enqueue(&self, work: Work) -> Result<(), SubmitError> {
        // Held until a worker is there for the work, so that a shutdown
        // cannot miss a thread started for it.
        let queue = lock(&self.queue);
        if let Some(why) = self.broken() {
            return Err(SubmitError::Broken(why));
        }
        let sender = queue.as_ref().ok_or(SubmitError::ShutDown)?;
        sender.send(work).map_err(|_| SubmitError::ShutDown)?;
        let adjusted = self.adjust_thread_count();
        drop(queue);
        if let Err(SubmitError::Broken(why)) = &adjusted {
            // No thread will ever take what is queued: fail it (outside
            // the lock: a done-callback may submit again).
            while let Ok(work) = self.backlog.try_recv() {
                work.order(Order::Fail(TaskError::BrokenPool(why.clone())));
            }
        }
        adjusted
    }

    // ANCHOR: on_demand
    /// After a submit: an idle worker will take the work, or else a new
    /// thread is started, up to `max_workers`. CPython's
    /// `_adjust_thread_count`: a pool of 32 that ran tasks one at a time
    /// holds one thread, not 32.
    fn adjust_thread_count(&self) -> Result<(), SubmitError> {
        let shared = &self.shared;
        if shared.full.load(Ordering::Relaxed) {
            return Ok(()); // every thread is there: nothing to count or lock
        }
        let take_idle = |n: usize| n.checked_sub(1);
        let idle =
            shared
                .idle
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, take_idle);
        if idle.is_ok() {
            return Ok(());
        }
        let mut workers = lock(&self.workers);
        if workers.len() >= self.max_workers {
            return Ok(());
        }
        match self.spawn_worker(workers.len()) {
            Ok(worker) => {
                workers.push(worker);
                let full = workers.len() >= self.max_workers;
                shared.full.store(full, Ordering::Relaxed);
            }
            Err(err) if workers.is_empty() => {
                let why = format!("cannot start a worker thread: {err}");
                shared.set_broken(why.clone());
                return Err(SubmitError::Broken(why));
            }
            Err(_) => {} // the workers already started will get to it
        }
        Ok(())
    }
    // ANCHOR_END: on_demand

    fn spawn_worker(&self, index: usize) -> std::io::Result<JoinHandle<()>> {
        let name = match &self.thread_name_prefix {
            Some(prefix) => format!("{prefix}_{index}"),
            None => format!("pool-worker-{index}"),
        };
        let (jobs, shared) = (self.backlog.clone(), self.shared.clone());
        let initializer = self.initializer.clone();
        std::thread::Builder::new()
            .name(name)
            .spawn(move || work(&jobs, &shared, initializer))
    }
}

impl Executor for ThreadPoolExecutor {
    fn submit_chunk<T: Task>(
        &self,
        tasks: Vec<T>,
    ) -> Result<Vec<TaskFuture<T::Output>>, SubmitError> {
        let futures: Vec<TaskFuture<T::Output>> =
            tasks.iter().map(|_| TaskFuture::pending()).collect();
        let handles = futures.clone();
        self.enqueue(Work::Chunk(Box::new(move |order| {
            for (task, future) in tasks.into_iter().zip(handles) {
                match &order {
                    Order::Run if future.set_running() => {
                        future.finish(run_caught(|| task.run()))
                    }
                    Order::Run => {}
                    Order::Cancel => drop(future.cancel()),
                    Order::Fail(why) => future.finish(Err(why.clone())),
                }
            }
        })))?;
        Ok(futures)
    }

    fn submit_batch<T: Task>(
        &self,
        tasks: Vec<T>,
    ) -> Result<BatchFuture<T::Output>, SubmitError> {
        let future = TaskFuture::pending();
        let handle = future.clone();
        self.enqueue(Work::Chunk(Box::new(move |order| match order {
            Order::Run if handle.set_running() => {
                let results =
                    tasks.into_iter().map(|task| run_caught(|| task.run()));
                handle.finish(Ok(results.collect()));
            }
            Order::Run => {}
            Order::Cancel => drop(handle.cancel()),
            Order::Fail(why) => handle.finish(Err(why)),
        })))?;
        Ok(future)
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        lock(&self.queue).take();
        if cancel_futures {
            while let Ok(work) = self.backlog.try_recv() {
                work.order(Order::Cancel);
            }
        }
        if wait {
            let workers = std::mem::take(&mut *lock(&self.workers));
            let this_thread = std::thread::current().id();
            for worker in workers {
                // A task that held the last handle to its own pool drops it
                // on a worker: that worker cannot join itself (std panics,
                // and the task's value would be lost). It is left to end
                // its loop, now that the queue is closed.
                if worker.thread().id() != this_thread {
                    let _ = worker.join();
                }
            }
        }
    }
}

impl Drop for ThreadPoolExecutor {
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}
