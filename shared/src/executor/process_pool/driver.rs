//! The pool's side of one worker: a driver thread that feeds it jobs and
//! completes their futures from its replies. Busy, it reads the worker's
//! stdout itself and sees it close if the worker dies; idle, it looks at
//! the worker every [`IDLE_CHECK`], so that an idle worker's death is
//! noticed then, not when the next task is sent to it.

use super::super::TaskError;
use super::super::sync::{Arc, Mutex, lock};
use super::jobs::Job;
use super::state::{PoolState, Stop};
use super::wire::{Raw, Request, read_reply, write_frame};
use super::worker::WORKER_FLAG;
use crossbeam::channel::{Receiver, RecvTimeoutError, unbounded};
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often an idle driver checks that its worker is still alive. Each
/// check is one `waitpid` with WNOHANG; a shorter interval would notice a
/// death sooner and wake every idle driver more often. (A reader thread
/// per worker noticed at once, but put a thread wake-up on every reply,
/// which a trivial task's round trip measurably paid.)
pub const IDLE_CHECK: Duration = Duration::from_millis(50);

/// What every worker of a pool is started with, replacements too.
pub(super) struct WorkerSpec {
    pub program: PathBuf,
    /// The task each worker runs before its first job, encoded.
    pub initializer: Option<(&'static str, Raw)>,
    pub max_tasks_per_child: Option<usize>,
}

/// Starts `workers` worker processes and a driver thread for each. A
/// program that cannot be started is an error here; an initializer that
/// fails breaks the pool later, as in CPython.
pub(super) fn start_pool(
    workers: usize,
    spec: WorkerSpec,
) -> anyhow::Result<StartedPool> {
    let (queue, backlog) = unbounded::<Job>();
    let state = Arc::new(PoolState::new(queue));
    let spec = std::sync::Arc::new(spec);
    let mut drivers = Vec::new();
    for index in 0..workers {
        let worker = WorkerProcess::start(&spec.program)?;
        lock(&state.workers).push(worker.child.clone());
        let (jobs, state, spec) = (backlog.clone(), state.clone(), spec.clone());
        let driver = std::thread::Builder::new()
            .name(format!("process-driver-{index}"))
            .spawn(move || drive(index, worker, &spec, &jobs, &state))?;
        drivers.push(driver);
    }
    Ok(StartedPool {
        state,
        backlog,
        drivers,
    })
}

/// What [`start_pool`] started, for the pool to keep.
pub(super) struct StartedPool {
    pub state: Arc<PoolState>,
    pub backlog: Receiver<Job>,
    pub drivers: Vec<JoinHandle<()>>,
}

// ANCHOR: drive
/// One driver thread's life: feed its worker until the queue closes, then
/// reap it. If the worker dies, busy or idle, the whole pool breaks: every
/// worker is killed, and every running and queued task fails.
fn drive(
    index: usize,
    worker: WorkerProcess,
    spec: &WorkerSpec,
    jobs: &Receiver<Job>,
    pool: &PoolState,
) {
    let Err(why) = feed(index, worker, spec, jobs, pool) else {
        return; // shut down, the queue drained
    };
    // The queue closed when the pool broke: fail what is left in it.
    for job in jobs.iter() {
        job.futures.fail(&TaskError::BrokenPool(why.clone()));
    }
}

/// Feeds the worker jobs until the queue closes (`Ok`) or the pool breaks
/// (`Err` with why), replacing it after `max_tasks_per_child` jobs.
fn feed(
    index: usize,
    mut worker: WorkerProcess,
    spec: &WorkerSpec,
    jobs: &Receiver<Job>,
    pool: &PoolState,
) -> Result<(), String> {
    initialise(&mut worker, spec, pool)?;
    let mut jobs_run = 0;
    loop {
        match jobs.recv_timeout(IDLE_CHECK) {
            Ok(job) => jobs_run += usize::from(run_job(&mut worker, job, pool)?),
            Err(RecvTimeoutError::Disconnected) => {
                worker.finish();
                return Ok(());
            }
            Err(RecvTimeoutError::Timeout) if worker.has_exited() => {
                return Err(pool.break_pool(worker.death("idle"), Stop::Kill));
            }
            Err(RecvTimeoutError::Timeout) => continue,
        }
        if spec.max_tasks_per_child.is_some_and(|max| jobs_run >= max) {
            worker.finish();
            worker = replacement(index, spec, pool)?;
            jobs_run = 0;
        }
    }
}
// ANCHOR_END: drive

/// A fresh worker in place of worker `index`, initialised.
fn replacement(
    index: usize,
    spec: &WorkerSpec,
    pool: &PoolState,
) -> Result<WorkerProcess, String> {
    let mut worker = match WorkerProcess::start(&spec.program) {
        Ok(worker) => worker,
        Err(err) => {
            let why = format!("could not start a replacement worker: {err:#}");
            return Err(pool.break_pool(why, Stop::Kill));
        }
    };
    lock(&pool.workers)[index] = worker.child.clone();
    initialise(&mut worker, spec, pool)?;
    Ok(worker)
}

/// Runs the pool's initializer, if it has one, in a new worker; a failure
/// breaks the pool.
fn initialise(
    worker: &mut WorkerProcess,
    spec: &WorkerSpec,
    pool: &PoolState,
) -> Result<(), String> {
    let Some((task, args)) = &spec.initializer else {
        return Ok(());
    };
    let failed = match worker.call(task, vec![args.clone()]) {
        Ok(mut results) => match results.pop() {
            Some(Ok(_)) => return Ok(()),
            Some(Err(err)) => format!("the initializer {task} failed: {err}"),
            None => format!("the initializer {task} gave no result"),
        },
        Err(()) => worker.death(&format!("running the initializer {task}")),
    };
    Err(pool.break_pool(failed, Stop::Kill))
}

/// Runs one job on the worker: whether it was sent (not if every task of
/// it was cancelled), or `Err` with why the pool is broken, if it is (this
/// worker died, or another did).
fn run_job(
    worker: &mut WorkerProcess,
    job: Job,
    pool: &PoolState,
) -> Result<bool, String> {
    if let Some(why) = pool.broken() {
        job.futures.fail(&TaskError::BrokenPool(why.clone()));
        return Err(why);
    }
    let started = job.futures.start();
    let args: Vec<Raw> = job
        .args
        .into_iter()
        .zip(&started)
        .filter_map(|(arg, started)| started.then_some(arg))
        .collect();
    if args.is_empty() {
        return Ok(false); // every task of the job was cancelled
    }
    match worker.call(job.task, args) {
        Ok(results) => {
            job.futures.complete(&started, results);
            Ok(true)
        }
        Err(()) => {
            // The first reason stands: a termination, not its SIGKILL.
            let why = pool.break_pool(
                worker.death(&format!("running {}", job.task)),
                Stop::Kill,
            );
            job.futures.fail(&TaskError::BrokenPool(why.clone()));
            Err(why)
        }
    }
}

/// A running worker process and the two ends of its pipes.
pub(super) struct WorkerProcess {
    pub child: Arc<Mutex<Child>>,
    to_worker: Option<BufWriter<ChildStdin>>,
    from_worker: BufReader<ChildStdout>,
    program: PathBuf,
}

impl WorkerProcess {
    pub fn start(program: &Path) -> anyhow::Result<WorkerProcess> {
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

    /// Whether the worker has ended (and is now reaped).
    fn has_exited(&self) -> bool {
        !matches!(lock(&self.child).try_wait(), Ok(None))
    }

    /// Sends one request and reads its reply; `Err` if the worker is gone
    /// or answered wrong.
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
        write_frame(to_worker, &request).map_err(drop)?;
        to_worker.flush().map_err(drop)?;
        let reply = read_reply(&mut self.from_worker, &mut pass_on);
        let reply = reply.map_err(drop)?.ok_or(())?;
        if reply.results.len() != count {
            return Err(());
        }
        Ok(reply.results)
    }

    /// Reaps a worker that stopped answering and says how it ended and
    /// what it was `doing`.
    fn death(&mut self, doing: &str) -> String {
        self.to_worker.take();
        let mut child = lock(&self.child);
        let _ = child.kill();
        let status = match child.wait() {
            Ok(status) => status.to_string(),
            Err(err) => err.to_string(),
        };
        format!(
            "worker {} ({}) ended ({status}) while {doing}",
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
fn pass_on(printed: &[u8]) {
    if !printed.is_empty() {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(printed);
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
