//! One OS thread per job, like starting a `threading.Thread` for each — but
//! with no GIL, so CPU-bound threads really run on every core.
//!
//! Threads start with `thread::Builder`, whose `spawn_scoped` returns the
//! OS's refusal (too many threads, no memory for a stack) as an error where
//! `thread::spawn` would panic — Python's `start()` raises `RuntimeError`
//! there. The scope joins the threads already started before it returns it.

use anyhow::{Context as _, Result};
use shared::workload::{Download, download_blocking, sum_of_squares};
#[cfg(not(test))]
use std::thread;
use std::time::Duration;
#[cfg(test)]
use tests::thread; // std's, but a test can make the OS refuse a thread

// ANCHOR: io
pub fn download_all(urls: &[String], delay: Duration) -> Result<Vec<Download>> {
    each_on_a_thread(urls, |url| download_blocking(url, delay))
}
// ANCHOR_END: io

// ANCHOR: cpu
pub fn sum_all(ns: &[u64]) -> Result<Vec<u64>> {
    each_on_a_thread(ns, |&n| sum_of_squares(n))
}

/// Runs `job` on each item, one thread per item; results in item order.
fn each_on_a_thread<T: Sync, R: Send>(
    items: &[T],
    job: impl Fn(&T) -> R + Sync,
) -> Result<Vec<R>> {
    // A scope lets the threads borrow `items`; it joins them all before it ends.
    thread::scope(|s| {
        let handles = items
            .iter()
            .map(|item| thread::Builder::new().spawn_scoped(s, || job(item)))
            .collect::<Result<Vec<_>, _>>()
            .context("the OS refused a thread")?;
        // join() hands back each thread's return value, in the order spawned.
        Ok(handles
            .into_iter()
            .map(|h| h.join().expect("a thread panicked"))
            .collect())
    })
}
// ANCHOR_END: cpu

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    /// `std::thread` as the code above uses it, except that a test can
    /// ask for threads no OS grants: a stack larger than any address space.
    pub mod thread {
        pub use std::thread::scope;

        std::thread_local! {
            pub static REFUSE: super::Cell<bool> = const { super::Cell::new(false) };
        }

        pub struct Builder;

        impl Builder {
            #[allow(clippy::new_ret_no_self)] // it stands in for std's `new`
            pub fn new() -> std::thread::Builder {
                let builder = std::thread::Builder::new();
                if REFUSE.get() {
                    builder.stack_size(usize::MAX / 4)
                } else {
                    builder
                }
            }
        }
    }

    #[test]
    fn a_thread_the_os_refuses_is_an_error_with_its_cause_not_a_panic() {
        assert_eq!(super::sum_all(&[3, 4]).unwrap(), [5, 14]);
        thread::REFUSE.set(true);
        let refused = super::sum_all(&[3, 4]);
        thread::REFUSE.set(false);
        // The refusal and the OS's reason (EAGAIN or ENOMEM), not a panic.
        let err = format!("{:#}", refused.unwrap_err());
        let cause = err.strip_prefix("the OS refused a thread: ");
        assert!(cause.is_some_and(|c| !c.is_empty()), "{err}");
    }
}
