//! Worker processes fed over pipes — what `multiprocessing.Pool` does.
//! Each worker is a separate program with its own memory; jobs and results
//! are serialised to cross between them.

use crate::worker::{Job, Reply, Worker, WorkerCommand};
use anyhow::{Context as _, bail};
use crossbeam::channel::{bounded, unbounded};
use shared::workload::Download;
use std::thread;
use std::time::Duration;

// ANCHOR: pool
/// Runs `jobs` on `workers` processes and returns the replies in job order.
/// One thread in this process drives each worker: it takes the next job from
/// a shared queue, writes it down the pipe and reads the reply.
pub fn run_jobs(
    command: &WorkerCommand,
    workers: usize,
    jobs: Vec<Job>,
    deadline: Duration,
) -> anyhow::Result<Vec<Reply>> {
    let count = jobs.len();
    let (queue, next_job) = bounded(count.max(1));
    for job in jobs.into_iter().enumerate() {
        queue.send(job).expect("the queue holds every job");
    }
    drop(queue);
    let (done, replies) = unbounded();
    let mut pids = Vec::new();
    thread::scope(|scope| -> anyhow::Result<Vec<Reply>> {
        for _ in 0..workers.max(1).min(count.max(1)) {
            let (next_job, done) = (next_job.clone(), done.clone());
            let mut worker = Worker::start(command)?;
            pids.push(worker.pid());
            scope.spawn(move || {
                for (index, job) in next_job.iter() {
                    let reply = worker.call(&job);
                    let failed = reply.is_err();
                    let _ = done.send((index, reply));
                    if failed {
                        return;
                    }
                }
                let _ = worker.finish();
            });
        }
        drop(done);
        let mut slots: Vec<Option<Reply>> = (0..count).map(|_| None).collect();
        for _ in 0..count {
            // Every wait has a bound: a worker that hangs fails the batch.
            let Ok((index, reply)) = replies.recv_timeout(deadline) else {
                // Kill the workers so the threads driving them can end.
                pids.iter().for_each(|&pid| kill(pid));
                bail!("no reply from the workers within {deadline:?}");
            };
            slots[index] = Some(reply.with_context(|| format!("job {index}"))?);
        }
        Ok(slots
            .into_iter()
            .map(|r| r.expect("every job answered"))
            .collect())
    })
}

fn kill(pid: u32) {
    use nix::sys::signal::{Signal, kill};
    if let Ok(pid) = i32::try_from(pid) {
        let _ = kill(nix::unistd::Pid::from_raw(pid), Signal::SIGKILL);
    }
}
// ANCHOR_END: pool

// ANCHOR: io
pub fn download_all(
    command: &WorkerCommand,
    workers: usize,
    urls: &[String],
    delay: Duration,
) -> anyhow::Result<Vec<Download>> {
    let delay_ms = delay.as_millis() as u64;
    let jobs = urls
        .iter()
        .map(|url| Job::Download {
            url: url.clone(),
            delay_ms,
        })
        .collect();
    let deadline = delay * urls.len() as u32 + Duration::from_secs(30);
    let replies = run_jobs(command, workers, jobs, deadline)?;
    replies
        .into_iter()
        .map(|reply| match reply {
            Reply::Download(d) => Ok(d),
            other => bail!("expected a download, got {other:?}"),
        })
        .collect()
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(
    command: &WorkerCommand,
    workers: usize,
    ns: &[u64],
) -> anyhow::Result<Vec<u64>> {
    let jobs = ns.iter().map(|&n| Job::Sum { n }).collect();
    let deadline = Duration::from_secs(600);
    let replies = run_jobs(command, workers, jobs, deadline)?;
    replies
        .into_iter()
        .map(|reply| match reply {
            Reply::Sum(sum) => Ok(sum),
            other => bail!("expected a sum, got {other:?}"),
        })
        .collect()
}
// ANCHOR_END: cpu
