//! `ProcessPoolExecutor`: worker processes fed over pipes.
//!
//! A worker is a program that calls [`serve_if_worker`] first thing in
//! `main`: started with [`WORKER_FLAG`], it reads one request frame at a
//! time on stdin — a task's `NAME` and its serialised arguments — runs it,
//! and writes the results as one frame on stdout ([`wire`]). In the parent, one driver
//! thread per worker takes the next job from a crossbeam channel, sends it
//! and completes the futures from the reply. A worker that dies breaks the
//! pool: its job and every queued one fail with `TaskError::BrokenPool`,
//! and later submits are refused, as Python's `BrokenProcessPool` does.
//! A worker that hangs would make shutting down wait for ever, as in
//! Python: [`ProcessPoolExecutor::terminate_workers`] (Python 3.14's name)
//! stops every worker at once.

mod driver;
mod jobs;
pub mod wire;
mod worker;

pub use wire::{REPLY_MARKER, Raw, Reply, Request};
pub use worker::{Registry, WORKER_FLAG, serve, serve_if_worker};

use super::sync::{Arc, Mutex, lock};
use super::{BatchFuture, Executor, SubmitError, Task, TaskFuture};
use crossbeam::channel::{Receiver, Sender, unbounded};
use driver::{WorkerProcess, drive};
use jobs::{Batch, Job, JobFutures};
use std::path::Path;
use std::process::Child;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A pool of worker processes. Dropping it shuts down and reaps them all.
pub struct ProcessPoolExecutor {
    queue: Mutex<Option<Sender<Job>>>,
    backlog: Receiver<Job>,
    drivers: Mutex<Vec<JoinHandle<()>>>,
    /// Why the pool broke, once a worker has died.
    broken: Arc<Mutex<Option<String>>>,
    /// Each worker, shared with its driver thread, so that the pool can
    /// kill it while the driver waits for its reply.
    workers: Vec<Arc<Mutex<Child>>>,
    /// How long a dropped pool waits for its running tasks: see `Drop`.
    drop_wait: Duration,
}

/// How long a dropped pool waits for running tasks before it terminates
/// the workers still busy with them.
pub const DROP_WAIT: Duration = Duration::from_secs(10);

impl ProcessPoolExecutor {
    /// Starts `workers` copies of `program` with [`WORKER_FLAG`].
    pub fn new(
        workers: usize,
        program: &Path,
    ) -> anyhow::Result<ProcessPoolExecutor> {
        anyhow::ensure!(workers > 0, "a pool needs at least one worker");
        let (queue, backlog) = unbounded::<Job>();
        let broken = Arc::new(Mutex::new(None));
        let mut children = Vec::new();
        let mut drivers = Vec::new();
        for i in 0..workers {
            let worker = WorkerProcess::start(program)?;
            children.push(worker.child.clone());
            let (jobs, broken) = (backlog.clone(), broken.clone());
            let driver = std::thread::Builder::new()
                .name(format!("process-driver-{i}"))
                .spawn(move || drive(worker, &jobs, &broken))?;
            drivers.push(driver);
        }
        Ok(ProcessPoolExecutor {
            queue: Mutex::new(Some(queue)),
            backlog,
            drivers: Mutex::new(drivers),
            broken,
            workers: children,
            drop_wait: DROP_WAIT,
        })
    }

    /// How long dropping the pool waits for its running tasks before it
    /// terminates the workers still busy ([`DROP_WAIT`] unless set).
    pub fn with_drop_wait(mut self, bound: Duration) -> ProcessPoolExecutor {
        self.drop_wait = bound;
        self
    }

    /// The worker processes' ids (for demonstrations that kill one).
    pub fn pids(&self) -> Vec<u32> {
        self.workers.iter().map(|w| lock(w).id()).collect()
    }

    // ANCHOR: terminate
    /// Stops every worker now, whatever it is running: Python 3.14's
    /// `terminate_workers()`. The running tasks and every queued one fail
    /// with `BrokenPool`, later submits are refused, and every worker has
    /// been reaped when this returns. For a worker that stopped answering,
    /// which `shutdown(wait)` would wait for for ever.
    pub fn terminate_workers(&self) {
        let why = "the workers were terminated (terminate_workers)".to_string();
        lock(&self.broken).get_or_insert(why);
        lock(&self.queue).take();
        for worker in &self.workers {
            // A worker already reaped is not signalled: std keeps its status.
            let _ = lock(worker).kill();
        }
        self.shutdown(true, false);
    }
    // ANCHOR_END: terminate
}

impl ProcessPoolExecutor {
    /// Serialises `tasks` and queues them as one job for one worker.
    fn enqueue<T: Task>(
        &self,
        tasks: &[T],
        futures: Box<dyn JobFutures>,
    ) -> Result<(), SubmitError> {
        if let Some(why) = lock(&self.broken).clone() {
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
        let queue = lock(&self.queue);
        let sender = queue.as_ref().ok_or(SubmitError::ShutDown)?;
        sender.send(job).map_err(|_| SubmitError::ShutDown)
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
        lock(&self.queue).take();
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
    /// `drop_wait`, the workers still busy are terminated, their tasks fail
    /// with `BrokenPool`, and stderr says so. An explicit
    /// `shutdown(wait = true)` still waits as long as it takes, as
    /// CPython's does.
    fn drop(&mut self) {
        lock(&self.queue).take();
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
                 pool was dropped: terminated",
                self.drop_wait.as_secs_f64()
            );
            self.terminate_workers();
        }
        for driver in drivers {
            let _ = driver.join();
        }
    }
}
