//! `ProcessPoolExecutor`: worker processes fed over pipes.
//!
//! A worker is a program that calls [`serve_if_worker`] first thing in
//! `main` (a chapter declares it as a hidden mode, `shared::cli::Mode`,
//! running [`serve_worker`]): started with [`WORKER_FLAG`], it reads one request frame at a
//! time on stdin — a task's `NAME` and its serialised arguments — runs it,
//! and writes the results as one frame on stdout ([`wire`]). In the parent,
//! one driver thread per worker takes the next job from a crossbeam
//! channel, sends it and completes the futures from the reply; idle, it
//! checks its worker every [`IDLE_CHECK`]. A worker that dies, busy or idle, breaks
//! the pool: every worker is killed, every running and queued task fails
//! with `TaskError::BrokenPool`, and later submits are refused, as Python's
//! `BrokenProcessPool` does.
//! A worker that hangs would make shutting down wait for ever, as in
//! Python: [`ProcessPoolExecutor::terminate_workers`] (Python 3.14's name)
//! stops every worker at once.

mod builder;
mod driver;
mod jobs;
mod state;
pub mod wire;
mod worker;

pub use builder::ProcessPoolBuilder;
pub use driver::IDLE_CHECK;
pub use wire::{REPLY_MARKER, Raw, Reply, Request};
pub use worker::{Registry, WORKER_FLAG, serve, serve_if_worker, serve_worker};

use super::sync::{Arc, Mutex, lock};
use super::{BatchFuture, Executor, SubmitError, Task, TaskFuture};
use crossbeam::channel::Receiver;
use jobs::{Batch, Job, JobFutures};
use state::{PoolState, Stop};
use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A pool of worker processes. Dropping it shuts down and reaps them all.
pub struct ProcessPoolExecutor {
    /// The queue, whether the pool is broken, and the workers: shared with
    /// the driver threads.
    state: Arc<PoolState>,
    /// Kept to drain queued work when shutdown cancels it.
    backlog: Receiver<Job>,
    drivers: Mutex<Vec<JoinHandle<()>>>,
    /// How long a dropped pool waits for its running tasks: see `Drop`.
    drop_wait: Duration,
}

/// How long a dropped pool waits for running tasks before it terminates
/// the workers still busy with them.
pub const DROP_WAIT: Duration = Duration::from_secs(10);

/// How long `terminate_workers` gives a worker to end on SIGTERM before it
/// sends SIGKILL.
pub const TERMINATE_GRACE: Duration = Duration::from_secs(2);

impl ProcessPoolExecutor {
    /// Starts `workers` copies of `program` with [`WORKER_FLAG`].
    pub fn new(
        workers: usize,
        program: &Path,
    ) -> anyhow::Result<ProcessPoolExecutor> {
        ProcessPoolExecutor::builder(program)
            .max_workers(workers)
            .build()
    }

    /// A pool of `program`'s worker processes with CPython's other
    /// arguments: `max_workers`, `max_tasks_per_child`, `initializer`.
    pub fn builder(program: &Path) -> ProcessPoolBuilder {
        ProcessPoolBuilder::new(program)
    }

    /// CPython's default: one worker per core this process may use
    /// (`os.process_cpu_count()`). Each runs CPU work in parallel; more
    /// would only take turns on the cores.
    pub fn default_workers() -> usize {
        crate::machine::cores()
    }

    /// How long dropping the pool waits for its running tasks before it
    /// terminates the workers still busy ([`DROP_WAIT`] unless set).
    pub fn with_drop_wait(mut self, bound: Duration) -> ProcessPoolExecutor {
        self.drop_wait = bound;
        self
    }

    /// The worker processes' ids (for demonstrations that kill one).
    pub fn pids(&self) -> Vec<u32> {
        let workers = lock(&self.state.workers);
        workers.iter().map(|w| lock(w).id()).collect()
    }

    /// Why the pool is broken, if it is: a worker died, an initializer
    /// failed, or the workers were terminated.
    pub fn broken(&self) -> Option<String> {
        self.state.broken()
    }

    // ANCHOR: terminate
    /// Stops every worker now, whatever it is running: Python 3.14's
    /// `terminate_workers()`, SIGTERM. The running tasks and every queued
    /// one fail with `BrokenPool`, later submits are refused, and every
    /// worker has been reaped when this returns: one that has not ended
    /// [`TERMINATE_GRACE`] after SIGTERM (a stopped one cannot) gets
    /// SIGKILL. For a worker that stopped answering, which `shutdown(wait)`
    /// would wait for for ever.
    pub fn terminate_workers(&self) {
        let why = "the workers were terminated (terminate_workers)";
        self.stop_workers(why, Stop::Terminate);
    }

    /// As [`terminate_workers`](Self::terminate_workers), with SIGKILL
    /// straight away: Python 3.14's `kill_workers()`.
    pub fn kill_workers(&self) {
        self.stop_workers("the workers were killed (kill_workers)", Stop::Kill);
    }
    // ANCHOR_END: terminate

    fn stop_workers(&self, why: &str, how: Stop) {
        self.state.break_pool(why.to_string(), how);
        if how == Stop::Terminate {
            let deadline = Instant::now() + TERMINATE_GRACE;
            while self.busy_drivers() > 0 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(2));
            }
            self.state.break_pool(why.to_string(), Stop::Kill);
        }
        self.shutdown(true, false);
    }

    /// Driver threads still running: each holds a worker not yet reaped.
    fn busy_drivers(&self) -> usize {
        let drivers = lock(&self.drivers);
        drivers.iter().filter(|d| !d.is_finished()).count()
    }
}

impl ProcessPoolExecutor {
    /// Serialises `tasks` and queues them as one job for one worker.
    fn enqueue<T: Task>(
        &self,
        tasks: &[T],
        futures: Box<dyn JobFutures>,
    ) -> Result<(), SubmitError> {
        let refused = || match self.state.broken() {
            Some(why) => SubmitError::Broken(why),
            None => SubmitError::ShutDown,
        };
        if let Some(why) = self.state.broken() {
            return Err(SubmitError::Broken(why));
        }
        let args = tasks
            .iter()
            .map(wire::encode)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SubmitError::Serialise(e.to_string()))?;
        let job = Job {
            task: T::NAME,
            args,
            futures,
        };
        // Sent under the queue's lock: a pool that breaks takes the queue
        // first, so a job is either refused or drained by a driver.
        let queue = lock(&self.state.queue);
        let sender = queue.as_ref().ok_or_else(refused)?;
        sender.send(job).map_err(|_| refused())
    }
}

impl Executor for ProcessPoolExecutor {
    fn submit_chunk<T: Task>(
        &self,
        tasks: Vec<T>,
    ) -> Result<Vec<TaskFuture<T::Output>>, SubmitError> {
        let futures: Vec<TaskFuture<T::Output>> =
            tasks.iter().map(|_| TaskFuture::pending()).collect();
        self.enqueue(&tasks, Box::new(futures.clone()))?;
        Ok(futures)
    }

    fn submit_batch<T: Task>(
        &self,
        tasks: Vec<T>,
    ) -> Result<BatchFuture<T::Output>, SubmitError> {
        let future = TaskFuture::pending();
        let batch = Batch {
            future: future.clone(),
            len: tasks.len(),
        };
        self.enqueue(&tasks, Box::new(batch))?;
        Ok(future)
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        lock(&self.state.queue).take();
        if cancel_futures {
            while let Ok(job) = self.backlog.try_recv() {
                job.futures.cancel();
            }
        }
        if wait {
            let drivers = std::mem::take(&mut *lock(&self.drivers));
            for driver in drivers {
                let _ = driver.join();
            }
        }
    }
}

impl Drop for ProcessPoolExecutor {
    /// Finishes the queue as `shutdown(wait = true)` does, but not for
    /// ever. A pool is often dropped on an error path — a result that timed
    /// out, a `?` — and a worker that stopped answering (stopped, hung,
    /// deadlocked) would hold the program there with nothing said. After
    /// `drop_wait`, the workers still busy are killed (SIGKILL: a stopped
    /// worker does not act on SIGTERM), their tasks fail
    /// with `BrokenPool`, and stderr says so. An explicit
    /// `shutdown(wait = true)` still waits as long as it takes, as
    /// CPython's does.
    fn drop(&mut self) {
        lock(&self.state.queue).take();
        let drivers = std::mem::take(&mut *lock(&self.drivers));
        let deadline = Instant::now() + self.drop_wait;
        let busy = || drivers.iter().filter(|d| !d.is_finished()).count();
        while busy() > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        let still_busy = busy();
        if still_busy > 0 {
            eprintln!(
                "process pool: {still_busy} worker(s) still busy {:.1} s after the \
                 pool was dropped: killed",
                self.drop_wait.as_secs_f64()
            );
            let why = "the pool was dropped while they were busy: killed";
            self.stop_workers(why, Stop::Kill);
        }
        for driver in drivers {
            let _ = driver.join();
        }
    }
}
