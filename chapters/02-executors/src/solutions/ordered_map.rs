use crate::exercises::ordered_map::Work;
use crossbeam::channel::unbounded;

// ANCHOR: solution
pub fn map_in_order(workers: usize, inputs: Vec<u64>, f: Work) -> Vec<u64> {
    let count = inputs.len();
    let (jobs, next_job) = unbounded();
    let (done, results) = unbounded();
    for job in inputs.into_iter().enumerate() {
        jobs.send(job).expect("the receiver is alive");
    }
    drop(jobs); // workers stop when the queue is empty
    std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            let (next_job, done) = (next_job.clone(), done.clone());
            s.spawn(move || {
                for (index, input) in next_job {
                    let _ = done.send((index, f(input)));
                }
            });
        }
    });
    drop(done);
    let mut outputs = vec![0; count];
    for (index, output) in results {
        outputs[index] = output;
    }
    outputs
}
// ANCHOR_END: solution
