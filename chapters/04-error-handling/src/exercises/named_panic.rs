//! Exercise 2: a worker's panic, passed on with the worker's name — what
//! a supervisor needs to say which worker died.

/// A job: computes a number, or panics.
pub type Job = Box<dyn FnOnce() -> u64 + Send>;

/// Each job with the name of the worker that runs it.
pub type Jobs = Vec<(String, Job)>;

// ANCHOR: exercise
/// Run each job on its own thread, named after the job
/// (`thread::Builder::name`), and join them all. If none panicked, return
/// their values in order; otherwise an error for the first job (in input
/// order) that panicked: "worker 'NAME' panicked: MESSAGE". Every thread
/// must be joined, even after a panic is found.
pub fn run_named(jobs: Jobs) -> anyhow::Result<Vec<u64>> {
    // TODO: spawn with a name, keep each handle with its name, join all.
    let _ = jobs;
    todo!("run_named")
}
// ANCHOR_END: exercise
