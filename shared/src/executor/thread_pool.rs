//! `ThreadPoolExecutor`: a fixed set of worker threads taking work from one
//! crossbeam channel. Any closure can be submitted ([`submit_fn`]), as any
//! callable can in Python; [`Task`]s work too, for code written against
//! [`Executor`].
//!
//! [`submit_fn`]: ThreadPoolExecutor::submit_fn

use super::sync::{Mutex, lock};
use super::{BatchFuture, Executor, SubmitError, Task, TaskFuture, run_caught};
use crossbeam::channel::{Receiver, Sender, unbounded};
use std::thread::JoinHandle;

/// One queued unit of work: run it (`true`) or cancel it (`false`).
type Work = Box<dyn FnOnce(bool) + Send>;

/// A pool of worker threads. Dropping it shuts it down and joins the
/// workers, like leaving a `with ThreadPoolExecutor() as pool:` block.
pub struct ThreadPoolExecutor {
    /// `None` after shutdown: dropping the sender ends the workers' loops.
    queue: Mutex<Option<Sender<Work>>>,
    /// Kept to drain queued work when shutdown cancels it.
    backlog: Receiver<Work>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

impl ThreadPoolExecutor {
    /// A pool of `workers` threads; zero workers is an error, as in Python.
    pub fn new(workers: usize) -> anyhow::Result<ThreadPoolExecutor> {
        anyhow::ensure!(workers > 0, "a pool needs at least one worker");
        let (queue, backlog) = unbounded::<Work>();
        let handles = (0..workers)
            .map(|i| {
                let jobs = backlog.clone();
                std::thread::Builder::new()
                    .name(format!("pool-worker-{i}"))
                    .spawn(move || jobs.iter().for_each(|work| work(true)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ThreadPoolExecutor {
            queue: Mutex::new(Some(queue)),
            backlog,
            workers: Mutex::new(handles),
        })
    }

    // ANCHOR: submit_fn
    /// Queues `task` and returns its future at once.
    pub fn submit_fn<T, F>(&self, task: F) -> Result<TaskFuture<T>, SubmitError>
    where
        T: Clone + Send + 'static,
        F: FnOnce() -> anyhow::Result<T> + Send + 'static,
    {
        let future = TaskFuture::pending();
        let handle = future.clone();
        self.enqueue(Box::new(move |run| {
            if !run {
                handle.cancel();
            } else if handle.set_running() {
                handle.finish(run_caught(task));
            } // else: cancelled while queued, so it never runs
        }))?;
        Ok(future)
    }
    // ANCHOR_END: submit_fn

    fn enqueue(&self, work: Work) -> Result<(), SubmitError> {
        let queue = lock(&self.queue);
        let sender = queue.as_ref().ok_or(SubmitError::ShutDown)?;
        sender.send(work).map_err(|_| SubmitError::ShutDown)
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
        self.enqueue(Box::new(move |run| {
            for (task, future) in tasks.into_iter().zip(handles) {
                if !run {
                    future.cancel();
                } else if future.set_running() {
                    future.finish(run_caught(|| task.run()));
                }
            }
        }))?;
        Ok(futures)
    }

    fn submit_batch<T: Task>(
        &self,
        tasks: Vec<T>,
    ) -> Result<BatchFuture<T::Output>, SubmitError> {
        let future = TaskFuture::pending();
        let handle = future.clone();
        self.enqueue(Box::new(move |run| {
            if !run {
                handle.cancel();
            } else if handle.set_running() {
                let results =
                    tasks.into_iter().map(|task| run_caught(|| task.run()));
                handle.finish(Ok(results.collect()));
            }
        }))?;
        Ok(future)
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        lock(&self.queue).take();
        if cancel_futures {
            while let Ok(work) = self.backlog.try_recv() {
                work(false);
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
