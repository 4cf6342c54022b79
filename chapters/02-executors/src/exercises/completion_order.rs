//! Exercise 2: `as_completed`, built from done-callbacks.

use shared::executor::TaskFuture;

// ANCHOR: exercise
/// Return the futures' values in the order the tasks finish. Hang a
/// done-callback on each future (`add_done_callback`) that sends its result
/// down a channel, then receive one message per future. Do not use
/// `shared::executor::as_completed`: this is how it works.
pub fn completion_order(futures: &[TaskFuture<u64>]) -> Vec<u64> {
    // TODO: a channel, a callback per future, then one receive per future.
    let _ = futures;
    todo!("completion_order")
}
// ANCHOR_END: exercise
