//! Exercise 3: pick the model for a job, as this chapter's table suggests.

use models::Model;

// ANCHOR: job
/// A job to run concurrently, described by what decides the model.
#[derive(Clone, Debug)]
pub struct Job {
    pub what: &'static str,
    /// How many pieces of work are in flight at once.
    pub in_flight: usize,
    pub kind: Kind,
    /// A crash in one piece must not take down the rest.
    pub needs_isolation: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Mostly waiting on the network or a timer.
    Waiting,
    /// Mostly computing on data already in memory.
    Computing,
    /// Calls into a library that blocks its thread (no async API).
    BlockingLibrary,
}
// ANCHOR_END: job

// ANCHOR: exercise
/// Pick one of `Model::Tokio`, `Model::Rayon`, `Model::ThreadPool` or
/// `Model::Processes` for `job`, using the chapter's measurements: what a
/// wait costs under each model, where CPU work runs in parallel, and what
/// only a process can contain.
pub fn pick_model(job: &Job) -> Model {
    // TODO: decide from job.needs_isolation, job.kind and job.in_flight.
    let _ = job;
    todo!("pick_model")
}
// ANCHOR_END: exercise
