//! A fixed pool of threads fed through a channel — what
//! `ThreadPoolExecutor(max_workers=N)` is underneath. Chapter 2 grows this
//! into a full executor; here it is the smallest pool that works.

use crossbeam::channel::{Sender, unbounded};
use shared::workload::{Download, download_blocking, sum_of_squares};
use std::thread::{self, JoinHandle};
use std::time::Duration;

// ANCHOR: pool
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of threads taking jobs from one queue.
pub struct ThreadPool {
    /// `None` once the pool is shutting down: dropping the sender is what
    /// tells the workers there is no more work.
    queue: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    pub fn new(size: usize) -> ThreadPool {
        let (queue, jobs) = unbounded::<Job>();
        let workers = (0..size.max(1))
            .map(|i| {
                let jobs = jobs.clone();
                thread::Builder::new()
                    .name(format!("pool-{i}"))
                    .spawn(move || jobs.iter().for_each(|job| job()))
                    .expect("could not start a pool thread")
            })
            .collect();
        ThreadPool {
            queue: Some(queue),
            workers,
        }
    }

    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        if let Some(queue) = &self.queue {
            queue
                .send(Box::new(job))
                .expect("the workers outlive the pool");
        }
    }
}

impl Drop for ThreadPool {
    /// Like leaving a `with ThreadPoolExecutor()` block: finish the queued
    /// work, then join every worker.
    fn drop(&mut self) {
        self.queue.take();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
// ANCHOR_END: pool

/// Runs `f` on every input through a pool of `size` threads and returns the
/// results in input order, whatever order they finished in.
pub fn map_in_order<I, T>(size: usize, inputs: Vec<I>, f: fn(I) -> T) -> Vec<T>
where
    I: Send + 'static,
    T: Send + 'static,
{
    let (done, results) = unbounded();
    let count = inputs.len();
    {
        let pool = ThreadPool::new(size);
        for (index, input) in inputs.into_iter().enumerate() {
            let done = done.clone();
            pool.execute(move || {
                let _ = done.send((index, f(input)));
            });
        }
    } // dropping the pool waits for every job
    drop(done);
    let mut slots: Vec<Option<T>> = (0..count).map(|_| None).collect();
    for (index, value) in results.iter() {
        slots[index] = Some(value);
    }
    slots
        .into_iter()
        .map(|v| v.expect("every job reports back"))
        .collect()
}

// ANCHOR: io
pub fn download_all(size: usize, urls: &[String], delay: Duration) -> Vec<Download> {
    let jobs = urls.iter().map(|url| (url.clone(), delay)).collect();
    map_in_order(size, jobs, |(url, delay)| download_blocking(&url, delay))
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(size: usize, ns: &[u64]) -> Vec<u64> {
    map_in_order(size, ns.to_vec(), sum_of_squares)
}
// ANCHOR_END: cpu
