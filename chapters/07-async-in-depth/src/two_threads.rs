//! Two threads running the same timed loop at once: what the contended
//! rows of `send-sync` and `orderings` measure.

use std::sync::Barrier;

/// Runs `timed` on two threads that a barrier starts together, and
/// returns the slower one's figure. A thread that panicked is an error,
/// not a figure: read as NaN, it would vanish in a maximum and leave the
/// other thread's time standing for the pair's.
pub fn slower_of_two(timed: impl Fn() -> f64 + Sync) -> anyhow::Result<f64> {
    let start = Barrier::new(2);
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    timed()
                })
            })
            .collect();
        let mut slower = 0.0_f64;
        for thread in threads {
            let seconds = thread.join().map_err(|panic| {
                let why = shared::panics::panic_message(&*panic);
                anyhow::anyhow!("a timing thread panicked: {why}")
            })?;
            slower = slower.max(seconds);
        }
        Ok(slower)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn the_slower_thread_decides() {
        let first = AtomicBool::new(true);
        let seconds = slower_of_two(|| {
            if first.swap(false, Ordering::SeqCst) {
                1.0
            } else {
                3.0
            }
        });
        assert_eq!(seconds.unwrap(), 3.0);
    }

    #[test]
    fn a_thread_that_panics_is_an_error_not_a_lost_figure() {
        let first = AtomicBool::new(true);
        let seconds = slower_of_two(|| {
            assert!(!first.swap(false, Ordering::SeqCst), "timer broke");
            2.0
        });
        let error = seconds.expect_err("the panic was dropped");
        assert!(error.to_string().contains("timer broke"), "{error}");
    }
}
