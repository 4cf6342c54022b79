use crate::exercises::pick_model::{Job, Kind};
use models::Model;

// ANCHOR: solution
pub fn pick_model(job: &Job) -> Model {
    if job.needs_isolation {
        return Model::Processes; // only a process contains a crash
    }
    match job.kind {
        Kind::Waiting => Model::Tokio, // a wait costs bytes, not a thread
        Kind::Computing => Model::Rayon, // every core, shared memory
        Kind::BlockingLibrary => Model::ThreadPool, // blocking needs threads
    }
}
// ANCHOR_END: solution
