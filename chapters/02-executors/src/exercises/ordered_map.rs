//! Exercise 1: an order-preserving map over channels — what
//! `ThreadPoolExecutor.map` does underneath.

/// The function to apply: the check passes one that also records which
/// thread ran it.
pub type Work<'a> = &'a (dyn Fn(u64) -> u64 + Sync);

// ANCHOR: exercise
/// Apply `f` to every input on `workers` threads and return the outputs in
/// the order of `inputs`, however the threads finish. Use two crossbeam
/// channels: one carrying `(index, input)` to the workers, one carrying
/// `(index, output)` back; then put each output in its place.
pub fn map_in_order(workers: usize, inputs: Vec<u64>, f: Work) -> Vec<u64> {
    // TODO: start `workers` scoped threads that take jobs from one channel
    // and send results down another; collect and reorder the results.
    let _ = (workers, inputs, f);
    todo!("map_in_order")
}
// ANCHOR_END: exercise
