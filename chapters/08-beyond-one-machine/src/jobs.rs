//! The jobs that cross the broker: the seed's two workloads, a trivial job
//! for the broker's own cost, and the two that the faults need. A job is
//! plain data (serde), as a Celery task's arguments are: the worker
//! process on the other side of Redis finds the code by the variant.

use serde::{Deserialize, Serialize};
use std::time::Duration;

// ANCHOR: job
/// One job on the queue. `id` is the job's own name, chosen by whoever
/// submits it: the idempotency key its effect is recorded under, so a
/// second delivery of the same job cannot take effect twice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: u64,
    pub work: Work,
}

/// What a job does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Work {
    /// The CPU-bound job: the sum of `i * i` below `n`.
    SumOfSquares { n: u64 },
    /// The I/O-bound job: a download that waits `delay_ms`.
    Download { delay_ms: u64 },
    /// Nothing at all: what is left is the broker's cost per job.
    Trivial,
    /// Records its effect, then stalls for `stall_ms` on its first attempt
    /// only: the window in which the faults section kills its worker.
    Stall { stall_ms: u64 },
    /// Always fails: it must end in the dead set, not loop forever.
    Poison,
}
// ANCHOR_END: job

/// Why a job's work failed (only [`Work::Poison`] does).
pub const POISON_FAILURE: &str = "poison job: fails on every attempt";

impl Work {
    /// Runs the work on the calling thread (a worker's blocking thread or
    /// the pool's worker process) and returns its value: the sum, the
    /// length of the downloaded body, or 0.
    pub fn run(&self) -> Result<u64, String> {
        match self {
            Work::SumOfSquares { n } => Ok(shared::workload::sum_of_squares(*n)),
            Work::Download { delay_ms } => {
                let url = "https://example.com/job";
                let d = shared::workload::download_blocking(
                    url,
                    Duration::from_millis(*delay_ms),
                );
                Ok(d.body.len() as u64)
            }
            Work::Trivial | Work::Stall { .. } => Ok(0),
            Work::Poison => Err(POISON_FAILURE.to_string()),
        }
    }
}

/// The same job for chapter 2's process pool: the baseline the broker's
/// workers are measured against runs exactly these jobs.
impl shared::executor::Task for Job {
    type Output = u64;
    const NAME: &'static str = "beyond-one-machine job";
    fn run(self) -> anyhow::Result<u64> {
        self.work.run().map_err(anyhow::Error::msg)
    }
}

/// Every task this chapter's pool worker processes can run.
pub fn registry() -> shared::executor::Registry {
    shared::tasks::registry().register::<Job>()
}

/// `count` jobs numbered from `first`, each doing `work`.
pub fn numbered(first: u64, count: u64, work: &Work) -> Vec<Job> {
    (first..first + count)
        .map(|id| Job {
            id,
            work: work.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_work_returns_the_workloads_values_and_poison_fails() {
        let sum = Work::SumOfSquares { n: 4 }.run();
        assert_eq!(sum, Ok(1 + 4 + 9));
        assert_eq!(Work::Trivial.run(), Ok(0));
        assert_eq!(Work::Poison.run(), Err(POISON_FAILURE.to_string()));
        let body = "data from https://example.com/job".len() as u64;
        assert_eq!(Work::Download { delay_ms: 0 }.run(), Ok(body));
    }

    #[test]
    fn numbered_jobs_have_distinct_ids() {
        let jobs = numbered(10, 3, &Work::Trivial);
        let ids: Vec<u64> = jobs.iter().map(|j| j.id).collect();
        assert_eq!(ids, [10, 11, 12]);
    }
}
