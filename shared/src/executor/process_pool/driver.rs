//! The pool's side of one worker: a driver thread that feeds it jobs and
//! completes their futures from its replies.

use super::super::TaskError;
use super::super::sync::{Arc, Mutex, lock};
use super::jobs::Job;
use super::wire::{Raw, Request, read_reply, write_frame};
use super::worker::WORKER_FLAG;
use crossbeam::channel::Receiver;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

// ANCHOR: drive
/// One driver thread's life: feed its worker until the queue closes or the
/// worker dies, then reap it.
pub(super) fn drive(
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
        write_frame(to_worker, &request).map_err(drop)?;
        to_worker.flush().map_err(drop)?;
        let reply = read_reply(&mut self.from_worker, &mut pass_on);
        let reply = reply.map_err(drop)?.ok_or(())?;
        if reply.results.len() != count {
            return Err(());
        }
        Ok(reply.results)
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
