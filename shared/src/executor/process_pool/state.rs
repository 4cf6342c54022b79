//! What the pool and its driver threads share: the queue, whether the pool
//! is broken, and every worker process, so that any driver that sees its
//! worker die can break the whole pool at once, as CPython's does.

use super::super::sync::{Arc, Mutex, lock};
use super::jobs::Job;
use crossbeam::channel::Sender;
use std::process::Child;

pub(super) struct PoolState {
    /// `None` once the pool is shut down or broken: dropping the sender
    /// ends the drivers' loops once the queue is drained.
    pub queue: Mutex<Option<Sender<Job>>>,
    /// Why the pool broke; the first reason stands.
    pub broken: Mutex<Option<String>>,
    /// Each driver's current worker, by the driver's index, so that the
    /// pool can kill it while the driver waits for its reply.
    pub workers: Mutex<Vec<Arc<Mutex<Child>>>>,
}

impl PoolState {
    pub fn new(queue: Sender<Job>) -> PoolState {
        PoolState {
            queue: Mutex::new(Some(queue)),
            broken: Mutex::new(None),
            workers: Mutex::new(Vec::new()),
        }
    }

    /// Why the pool is broken, if it is.
    pub fn broken(&self) -> Option<String> {
        lock(&self.broken).clone()
    }

    /// Breaks the pool for `why` (unless it already is broken, when the
    /// first reason stands and is returned): no more submits, and every
    /// worker is killed, so that every running task fails now instead of
    /// finishing on a pool that can no longer be trusted. CPython fails
    /// every pending and running future the same way.
    pub fn break_pool(&self, why: String, how: Stop) -> String {
        let why = lock(&self.broken).get_or_insert(why).clone();
        lock(&self.queue).take();
        for worker in lock(&self.workers).iter() {
            stop(&mut lock(worker), how);
        }
        why
    }
}

/// How to stop a worker: Python 3.14's `terminate_workers` sends SIGTERM,
/// `kill_workers` SIGKILL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// SIGTERM: a worker can end in its own way (a stopped one only once
    /// it is continued).
    Terminate,
    /// SIGKILL: nothing can delay it, not even a stopped process.
    Kill,
}

/// Signals `child` unless it has been reaped already: std keeps a reaped
/// child's status, so its pid, perhaps another process's now, is never
/// signalled.
pub(super) fn stop(child: &mut Child, how: Stop) {
    match how {
        Stop::Kill => {
            let _ = child.kill();
        }
        Stop::Terminate => {
            if let (Ok(None), Ok(pid)) =
                (child.try_wait(), i32::try_from(child.id()))
            {
                use nix::sys::signal::{Signal, kill};
                let _ = kill(nix::unistd::Pid::from_raw(pid), Signal::SIGTERM);
            }
        }
    }
}
