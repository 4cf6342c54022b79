//! The worker processes: N copies of this binary in its hidden worker
//! mode, each connected to Redis on its own. Nothing but the URL ties
//! them to the producer, as it would on other machines.

use super::effects::Tally;
use super::queue::{Counts, Queue};
use super::{WORKER_FLAG, fresh_queue};
use crate::BOUND;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long stopped workers get to exit before they are killed.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Running worker processes, stopped on drop (also when a section fails
/// half-way), so none outlives the run that started it.
pub struct Fleet {
    workers: Vec<Child>,
}

impl Fleet {
    /// Starts `count` workers of `queue` on the Redis at `url`.
    pub fn start(
        program: &Path,
        url: &str,
        queue: &str,
        count: usize,
    ) -> anyhow::Result<Fleet> {
        let mut fleet = Fleet {
            workers: Vec::new(),
        };
        for i in 0..count {
            let child = Command::new(program)
                .args([WORKER_FLAG, url, queue, &format!("worker-{i}")])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .map_err(|e| anyhow::anyhow!("starting a worker process: {e}"))?;
            fleet.workers.push(child);
        }
        Ok(fleet)
    }

    /// SIGKILLs the worker with process id `pid`, as a crash or an
    /// out-of-memory kill would: no cleanup, no goodbye to Redis.
    pub fn kill(&mut self, pid: u32) -> anyhow::Result<()> {
        let at = self
            .workers
            .iter()
            .position(|w| w.id() == pid)
            .ok_or_else(|| anyhow::anyhow!("no worker process {pid}"))?;
        let mut child = self.workers.remove(at);
        let killed = child.kill();
        child.wait()?;
        Ok(killed?)
    }

    /// Closes every worker's stdin (they exit on it), waits a bounded
    /// while, and kills what is left.
    pub fn stop(&mut self) {
        for worker in &mut self.workers {
            drop(worker.stdin.take());
        }
        let deadline = Instant::now() + STOP_GRACE;
        for worker in &mut self.workers {
            while Instant::now() < deadline && matches!(worker.try_wait(), Ok(None))
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            if matches!(worker.try_wait(), Ok(None)) {
                let _ = worker.kill();
            }
            let _ = worker.wait();
        }
        self.workers.clear();
    }
}

/// Where every run starts: a fresh queue named for its `purpose`, and
/// `workers` worker processes registered on it (bounded).
pub async fn on_fresh_queue(
    program: &Path,
    url: &str,
    purpose: &str,
    workers: u64,
) -> anyhow::Result<(Queue, Fleet)> {
    let name = fresh_queue(purpose);
    let queue = Queue::connect(url, &name).await?;
    let fleet = Fleet::start(program, url, &name, workers as usize)?;
    queue.await_workers(workers, BOUND).await?;
    Ok((queue, fleet))
}

/// Where every run ends: all `submitted` jobs settled (bounded), the
/// workers stopped, the counts read.
pub async fn finish(
    queue: &Queue,
    fleet: &mut Fleet,
    submitted: u64,
) -> anyhow::Result<(Counts, Tally)> {
    let counts = queue.settle(submitted, BOUND).await?;
    fleet.stop();
    Ok((counts, queue.tally().await?))
}

impl Drop for Fleet {
    fn drop(&mut self) {
        self.stop();
    }
}
