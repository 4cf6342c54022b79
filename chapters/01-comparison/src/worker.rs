//! Worker processes: this chapter's own binary, started again with
//! `--worker`, taking jobs on its stdin and answering on its stdout.
//!
//! Everything that crosses the process boundary is serialised (here one
//! JSON document per line) — the Rust counterpart of `multiprocessing`
//! pickling a task and its arguments. A job is named by a variant of
//! [`Job`], a type both sides are compiled from, as Python names a function
//! by its module and qualified name.

use anyhow::{Context as _, anyhow, bail};
use serde::{Deserialize, Serialize};
use shared::workload::{Download, download_blocking, sum_of_squares};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

/// The argument that turns the chapter's binary into a worker.
pub const WORKER_FLAG: &str = "--worker";

// ANCHOR: protocol
/// A job sent to a worker process.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Job {
    Sum {
        n: u64,
    },
    Download {
        url: String,
        delay_ms: u64,
    },
    /// Sent back unchanged: the cost of the boundary itself.
    Echo {
        payload: String,
    },
    /// Download every URL concurrently with async I/O inside the worker,
    /// then sum the squares below `n` for each: the article's advice to
    /// combine processes (for CPU) with async (for I/O).
    FetchThenSum {
        urls: Vec<String>,
        delay_ms: u64,
        n: u64,
    },
}

/// A worker's answer to one [`Job`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Reply {
    Sum(u64),
    Download(Download),
    Echo(String),
    FetchedAndSummed { sums: Vec<u64>, pid: u32 },
}
// ANCHOR_END: protocol

/// How to start a worker: the path of a binary that understands
/// [`WORKER_FLAG`]. The chapter passes its own executable; tests pass the
/// binary Cargo built for them.
#[derive(Clone, Debug)]
pub struct WorkerCommand {
    pub program: PathBuf,
}

impl WorkerCommand {
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.program);
        command.args(args);
        command
    }
}

// ANCHOR: serve
/// The worker's side: answer jobs until the parent closes our stdin.
pub fn serve(input: impl BufRead, output: impl Write) -> anyhow::Result<()> {
    let mut output = BufWriter::new(output);
    for line in input.lines() {
        let job: Job =
            serde_json::from_str(&line?).context("a job that is not JSON")?;
        let reply = run_job(job)?;
        serde_json::to_writer(&mut output, &reply)?;
        output.write_all(b"\n")?;
        output.flush()?; // the parent is waiting for this line
    }
    Ok(())
}
// ANCHOR_END: serve

fn run_job(job: Job) -> anyhow::Result<Reply> {
    Ok(match job {
        Job::Sum { n } => Reply::Sum(sum_of_squares(n)),
        Job::Download { url, delay_ms } => {
            Reply::Download(download_blocking(&url, Duration::from_millis(delay_ms)))
        }
        Job::Echo { payload } => Reply::Echo(payload),
        Job::FetchThenSum { urls, delay_ms, n } => {
            let delay = Duration::from_millis(delay_ms);
            let sums = crate::sections::combining::fetch_then_sum(&urls, delay, n)?;
            Reply::FetchedAndSummed {
                sums,
                pid: std::process::id(),
            }
        }
    })
}

/// The parent's handle on one running worker process.
pub struct Worker {
    child: Child,
    to_worker: Option<BufWriter<ChildStdin>>,
    from_worker: BufReader<ChildStdout>,
}

impl Worker {
    pub fn start(command: &WorkerCommand) -> anyhow::Result<Worker> {
        let mut child = command
            .command(&[WORKER_FLAG])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| {
                format!("starting worker {}", command.program.display())
            })?;
        let to_worker = BufWriter::new(child.stdin.take().expect("stdin is piped"));
        let from_worker =
            BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(Worker {
            child,
            to_worker: Some(to_worker),
            from_worker,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends one job and waits for its reply.
    pub fn call(&mut self, job: &Job) -> anyhow::Result<Reply> {
        let to_worker = self
            .to_worker
            .as_mut()
            .ok_or_else(|| anyhow!("worker closed"))?;
        serde_json::to_writer(&mut *to_worker, job)?;
        to_worker.write_all(b"\n")?;
        to_worker.flush()?;
        let mut line = String::new();
        if self.from_worker.read_line(&mut line)? == 0 {
            bail!("worker {} exited without answering", self.pid());
        }
        Ok(serde_json::from_str(&line)?)
    }

    /// Closes the worker's stdin, which ends its loop, and reaps it.
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.to_worker.take();
        let status = self.child.wait()?;
        if !status.success() {
            bail!("worker {} ended with {status}", self.child.id());
        }
        Ok(())
    }
}

impl Drop for Worker {
    /// A worker is never left running or unreaped (a zombie), whatever path
    /// the parent takes out.
    fn drop(&mut self) {
        if self.to_worker.take().is_some() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
