//! Exercise 3: stop tasks for good.

use tokio::task::JoinHandle;

// ANCHOR: exercise
/// Stop every task in `tasks` and return once none of them can run again;
/// the answer is how many were cancelled (a task that had already finished
/// was not). Dropping a handle is not enough: it only detaches the task.
pub async fn stop_all(tasks: Vec<JoinHandle<()>>) -> usize {
    // TODO: abort(), then await each handle: JoinError::is_cancelled.
    let _ = tasks;
    todo!("stop_all")
}
// ANCHOR_END: exercise
