//! `ProcessPoolExecutor`: worker processes fed over pipes.
//!
//! A worker is a program that calls [`serve_if_worker`] first thing in
//! `main`: started with [`WORKER_FLAG`], it reads one request per line on
//! stdin — a task's `NAME` and its serialised arguments — runs it, and
//! writes the results as one line on stdout. In the parent, one driver
//! thread per worker takes the next job from a crossbeam channel, sends it
//! and completes the futures from the reply. A worker that dies breaks the
//! pool: its job and every queued one fail with `TaskError::BrokenPool`,
//! and later submits are refused, as Python's `BrokenProcessPool` does.
//! A worker that hangs would make shutting down wait for ever, as in
//! Python: [`ProcessPoolExecutor::terminate_workers`] (Python 3.14's name)
//! stops every worker at once.

use super::sync::{Arc, Mutex, lock};
use super::{
    BatchFuture, Executor, SubmitError, Task, TaskError, TaskFuture, run_caught,
};
use crossbeam::channel::{Receiver, Sender, unbounded};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::{RawValue, to_raw_value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The argument that makes a program serve as a worker process.
pub const WORKER_FLAG: &str = "--executor-worker";

/// What starts a reply on the worker's stdout. A task's own output (a
/// `println!`, a dependency that logs) travels on the same pipe; the parent
/// passes everything before the marker on to its own stdout, as Python's
/// workers share the parent's, and reads the reply after it. The ASCII
/// record separator is a character no text a task prints contains by
/// accident.
pub const REPLY_MARKER: char = '\u{1e}';

// ANCHOR: messages
/// One line from the parent: run task `task` once for each of `args`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    pub task: String,
    pub args: Vec<Raw>,
}

/// One line back: a result for each of the request's `args`, in order.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub results: Vec<Result<Raw, TaskError>>,
}

/// A value already serialised: it is written and read as it stands, never
/// built into a tree on the way.
pub type Raw = Box<RawValue>;
// ANCHOR_END: messages

type Runner = fn(&RawValue) -> Result<Raw, TaskError>;

// ANCHOR: registry
/// The tasks a worker process can run, by name.
#[derive(Default)]
pub struct Registry {
    tasks: HashMap<&'static str, Runner>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub fn register<T: Task>(mut self) -> Registry {
        self.tasks.insert(T::NAME, run_named::<T>);
        self
    }
}

fn run_named<T: Task>(args: &RawValue) -> Result<Raw, TaskError> {
    let task: T = serde_json::from_str(args.get())
        .map_err(|e| TaskError::Failed(format!("arguments of {}: {e}", T::NAME)))?;
    let output = run_caught(|| task.run())?;
    to_raw_value(&output).map_err(|e| TaskError::Failed(format!("result: {e}")))
}
// ANCHOR_END: registry

/// Call first in `main`: if this process was started as a worker, serve
/// until the parent closes stdin and return the exit code.
pub fn serve_if_worker(registry: &Registry) -> Option<ExitCode> {
    if std::env::args_os()
        .nth(1)
        .is_none_or(|arg| arg != WORKER_FLAG)
    {
        return None;
    }
    // A task's panic travels back in its reply; do not also print it here.
    std::panic::set_hook(Box::new(|_| {}));
    let served = serve(registry, std::io::stdin().lock(), std::io::stdout().lock());
    Some(if served.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// The worker's loop: a request per line in, a reply per line out.
pub fn serve(
    registry: &Registry,
    input: impl BufRead,
    output: impl Write,
) -> std::io::Result<()> {
    let mut output = BufWriter::new(output);
    for line in input.lines() {
        let request: Request = serde_json::from_str(&line?)?;
        let results = match registry.tasks.get(request.task.as_str()) {
            Some(run) => request.args.iter().map(|args| run(args)).collect(),
            None => {
                let why = format!("no task named '{}' in this worker", request.task);
                request
                    .args
                    .iter()
                    .map(|_| Err(TaskError::Failed(why.clone())))
                    .collect()
            }
        };
        // The task's prints went to the same stdout: flush them first, so
        // they come before the marker, never inside the reply.
        std::io::stdout().flush()?;
        write!(output, "{REPLY_MARKER}")?;
        serde_json::to_writer(&mut output, &Reply { results })?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    Ok(())
}

/// The futures of one job, whatever their output type.
trait JobFutures: Send {
    /// Moves each pending future to running; false for those cancelled.
    fn start(&self) -> Vec<bool>;
    /// Completes the started futures from the worker's results.
    fn complete(&self, started: &[bool], results: Vec<Result<Raw, TaskError>>);
    fn fail(&self, why: &TaskError);
    fn cancel(&self);
}

impl<T: DeserializeOwned + Clone + Send + 'static> JobFutures
    for Vec<TaskFuture<T>>
{
    fn start(&self) -> Vec<bool> {
        self.iter().map(TaskFuture::set_running).collect()
    }

    fn complete(&self, started: &[bool], results: Vec<Result<Raw, TaskError>>) {
        let running = self
            .iter()
            .zip(started)
            .filter(|(_, s)| **s)
            .map(|(f, _)| f);
        for (future, result) in running.zip(results) {
            future.finish(result.and_then(|value| {
                serde_json::from_str(value.get()).map_err(|e| {
                    TaskError::Failed(format!("reading the result: {e}"))
                })
            }));
        }
    }

    fn fail(&self, why: &TaskError) {
        self.iter().for_each(|f| f.finish(Err(why.clone())));
    }

    fn cancel(&self) {
        for future in self {
            future.cancel();
        }
    }
}

/// One future for a whole chunk of tasks: what `map` uses.
struct Batch<T: Clone + Send + 'static> {
    future: TaskFuture<Vec<Result<T, TaskError>>>,
    len: usize,
}

impl<T: DeserializeOwned + Clone + Send + 'static> JobFutures for Batch<T> {
    fn start(&self) -> Vec<bool> {
        vec![self.future.set_running(); self.len]
    }

    fn complete(&self, started: &[bool], results: Vec<Result<Raw, TaskError>>) {
        if !started.first().copied().unwrap_or(false) {
            return;
        }
        let values = results.into_iter().map(|result| {
            result.and_then(|raw| {
                serde_json::from_str(raw.get()).map_err(|e| {
                    TaskError::Failed(format!("reading the result: {e}"))
                })
            })
        });
        self.future.finish(Ok(values.collect()));
    }

    fn fail(&self, why: &TaskError) {
        self.future.finish(Err(why.clone()));
    }

    fn cancel(&self) {
        self.future.cancel();
    }
}

/// A queued unit of work: a task name, one argument set per future.
struct Job {
    task: &'static str,
    args: Vec<Raw>,
    futures: Box<dyn JobFutures>,
}

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
            .map(to_raw_value)
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

// ANCHOR: drive
/// One driver thread's life: feed its worker until the queue closes or the
/// worker dies, then reap it.
fn drive(
    mut worker: WorkerProcess,
    jobs: &Receiver<Job>,
    broken: &Mutex<Option<String>>,
) {
    for job in jobs.iter() {
        if let Some(why) = lock(broken).clone() {
            job.futures.fail(&TaskError::BrokenPool(why));
            continue;
        }
        let started = job.futures.start();
        let args: Vec<Raw> = job
            .args
            .into_iter()
            .zip(&started)
            .filter_map(|(arg, started)| started.then_some(arg))
            .collect();
        if args.is_empty() {
            continue; // every task of the job was cancelled
        }
        match worker.call(job.task, args) {
            Ok(results) => job.futures.complete(&started, results),
            Err(()) => {
                let death = worker.death(job.task);
                // The first reason stands: a termination, not its SIGKILL.
                let why = lock(broken).get_or_insert(death).clone();
                job.futures.fail(&TaskError::BrokenPool(why));
            }
        }
    }
    worker.finish();
}
// ANCHOR_END: drive

/// A running worker process and the two ends of its pipes.
struct WorkerProcess {
    child: Arc<Mutex<Child>>,
    to_worker: Option<BufWriter<ChildStdin>>,
    from_worker: BufReader<ChildStdout>,
    program: PathBuf,
}

impl WorkerProcess {
    fn start(program: &Path) -> anyhow::Result<WorkerProcess> {
        use anyhow::Context as _;
        let mut child = Command::new(program)
            .arg(WORKER_FLAG)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting worker {}", program.display()))?;
        let to_worker = BufWriter::new(child.stdin.take().expect("stdin is piped"));
        let from_worker =
            BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(WorkerProcess {
            child: Arc::new(Mutex::new(child)),
            to_worker: Some(to_worker),
            from_worker,
            program: program.to_path_buf(),
        })
    }

    /// Sends one request and reads its reply; `Err` if the worker is gone.
    fn call(
        &mut self,
        task: &str,
        args: Vec<Raw>,
    ) -> Result<Vec<Result<Raw, TaskError>>, ()> {
        let count = args.len();
        let request = Request {
            task: task.to_string(),
            args,
        };
        let to_worker = self.to_worker.as_mut().ok_or(())?;
        serde_json::to_writer(&mut *to_worker, &request).map_err(drop)?;
        to_worker.write_all(b"\n").map_err(drop)?;
        to_worker.flush().map_err(drop)?;
        let line = self.read_reply().map_err(drop)?.ok_or(())?;
        let reply: Reply = serde_json::from_str(&line).map_err(drop)?;
        if reply.results.len() != count {
            return Err(());
        }
        Ok(reply.results)
    }

    /// The next reply line, after passing on what the task printed before
    /// it; `None` if the worker closed its stdout.
    fn read_reply(&mut self) -> std::io::Result<Option<String>> {
        loop {
            let mut line = String::new();
            if self.from_worker.read_line(&mut line)? == 0 {
                return Ok(None);
            }
            match line.split_once(REPLY_MARKER) {
                Some((printed, reply)) => {
                    pass_on(printed);
                    return Ok(Some(reply.to_string()));
                }
                None => pass_on(&line),
            }
        }
    }

    /// Reaps a worker that stopped answering and says how it ended.
    fn death(&mut self, task: &str) -> String {
        self.to_worker.take();
        let mut child = lock(&self.child);
        let _ = child.kill();
        let status = match child.wait() {
            Ok(status) => status.to_string(),
            Err(err) => err.to_string(),
        };
        format!(
            "worker {} ({}) ended ({status}) while running {task}",
            child.id(),
            self.program.display()
        )
    }

    /// Closes stdin, which ends the worker's loop, and reaps it.
    fn finish(mut self) {
        self.to_worker.take();
        self.reap();
    }

    /// Waits for the worker to exit without holding its lock for long, so
    /// that `terminate_workers` can still kill it meanwhile.
    fn reap(&self) {
        loop {
            match lock(&self.child).try_wait() {
                Ok(None) => {}
                Ok(Some(_)) | Err(_) => return,
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}

/// A task's output, on to this process's stdout, as a Python worker's
/// `print` reaches the terminal. Nowhere to write it is no reason to fail
/// the task.
fn pass_on(printed: &str) {
    if !printed.is_empty() {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(printed.as_bytes());
        let _ = stdout.flush();
    }
}

impl Drop for WorkerProcess {
    /// Never leave a worker running or unreaped, whatever path got here.
    fn drop(&mut self) {
        if self.to_worker.take().is_some() {
            let _ = lock(&self.child).kill();
        }
        self.reap();
    }
}
