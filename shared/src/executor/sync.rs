//! The synchronisation types the executors are built on: the standard
//! library's, or shuttle's when the `shuttle` feature is on, so a model
//! checker can drive the very code the pools run.

#[cfg(feature = "shuttle")]
pub use shuttle::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
#[cfg(not(feature = "shuttle"))]
pub use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};

/// Locks `mutex`, ignoring poisoning: every critical section in the
/// executors leaves its data consistent before anything can panic.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
