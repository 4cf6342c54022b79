//! The seed's CPU-bound jobs on a dataflow engine, the Dask/Ray
//! counterpart: timely dataflow (the engine under Materialize, kept by the
//! TimelyDataflow project, at 0.32 on a current edition). Its workers are
//! threads of one process or processes that talk over TCP, and the same
//! dataflow runs on either: only the `Config` changes. That is the
//! property this chapter needs, so the comparison with rayon is the same
//! code on one machine and across processes. (Ray's and Dask's own Rust
//! clients do not exist; hydroflow and others are research code or
//! single-process.)
//!
//! The dataflow: process 0 holds the job list (a job is its index, every
//! job is a sum of squares below `n`); `exchange` routes each job by its
//! index to a worker, which computes it; a second `exchange` sends every
//! result to worker 0, which adds them up. Only job indices and results
//! cross the TCP connections, so what distribution costs here is the
//! engine's coordination and its start-up, not moving data. The job list
//! runs several rounds in one execution, each round a timestamp, so that
//! a round is timed on an engine already running (as work submitted to a
//! Dask or Ray cluster is) and the start-up is measured apart.

pub mod cluster;

use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;
use timely::dataflow::ProbeHandle;
use timely::dataflow::operators::vec::{Input, Map};
use timely::dataflow::operators::{Exchange, Inspect, Probe};
use timely::worker::Worker;

/// What one timely worker did: its share of the jobs, and on worker 0
/// the results it gathered and how long each round took.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub worker: usize,
    /// Jobs this worker computed, over every round.
    pub computed: u64,
    /// Results gathered (worker 0 only: every result is routed to it).
    pub gathered: u64,
    /// Their sum, wrapping as the job's own sum does.
    pub sum: u64,
    /// Seconds each round took on this worker, from its first job sent to
    /// its last result gathered: the engine already running, as a Dask
    /// or Ray cluster is when work is submitted to it.
    pub round_s: Vec<f64>,
}

// ANCHOR: dataflow
/// Builds the dataflow on one worker and runs `rounds` rounds of it:
/// `jobs` sums of squares below `n` each, introduced by worker 0,
/// computed where `exchange` routes them, gathered on worker 0.
pub fn sum_jobs(worker: &mut Worker, jobs: u64, n: u64, rounds: u64) -> Share {
    let index = worker.index();
    let (computed, gathered) = (Rc::new(Cell::new(0)), Rc::new(Cell::new((0, 0))));
    let (done, total) = (computed.clone(), gathered.clone());
    let probe = ProbeHandle::new();
    let mut input = worker.dataflow::<u64, _, _>(|scope| {
        let (input, jobs) = scope.new_input::<u64>();
        jobs.exchange(|job| *job)
            .map(move |_job| {
                done.set(done.get() + 1);
                shared::workload::sum_of_squares(n)
            })
            .exchange(|_| 0)
            .inspect(move |sum| {
                let (count, so_far): (u64, u64) = total.get();
                total.set((count + 1, so_far.wrapping_add(*sum)));
            })
            .probe_with(&probe);
        input
    });
    let mut round_s = Vec::new();
    for round in 0..rounds {
        let start = Instant::now();
        if index == 0 {
            (0..jobs).for_each(|job| input.send(job));
        }
        input.advance_to(round + 1);
        worker.step_while(|| probe.less_than(&(round + 1)));
        round_s.push(start.elapsed().as_secs_f64());
    }
    let (gathered, sum) = gathered.get();
    let computed = computed.get();
    Share {
        worker: index,
        computed,
        gathered,
        sum,
        round_s,
    }
}
// ANCHOR_END: dataflow

/// The same dataflow on `threads` worker threads of this process: the
/// engine's own cost, without TCP or a second process.
pub fn in_threads(
    threads: usize,
    jobs: u64,
    n: u64,
    rounds: u64,
) -> anyhow::Result<Vec<Share>> {
    let config = timely::Config::process(threads);
    let guards =
        timely::execute(config, move |worker| sum_jobs(worker, jobs, n, rounds))
            .map_err(anyhow::Error::msg)?;
    (guards.join().into_iter())
        .map(|share| share.map_err(anyhow::Error::msg))
        .collect()
}
