//! How much work each section does. The quick default keeps a whole run to
//! seconds; `--full` is for figures worth quoting; `tiny` is for tests,
//! where only the invariants and the shape of the output matter.

use shared::cli::RunSizes;
use std::time::Duration;

/// Every size a section uses.
#[derive(Clone, Debug)]
pub struct Sizes {
    /// How many times each timing is repeated (median and range).
    pub runs: usize,
    /// `shared-state`: threads, and the numbers each one adds up.
    pub threads: usize,
    pub items_per_thread: u64,
    /// `primitives`: increments per thread for the counters, and the
    /// bounded channel's capacity, messages and slow consumer.
    pub increments: u64,
    pub capacity: usize,
    pub messages: usize,
    pub consumer_delay: Duration,
    /// `lock-order`: rounds of the forced deadlock, how long a lock is
    /// waited for, and transfers made in the right order.
    pub forced_rounds: usize,
    pub lock_timeout: Duration,
    pub transfers: usize,
    /// `idempotency`: charges sent, and the most a reply is waited for
    /// (a bound for a silent server; lost replies show at once).
    pub charges: usize,
    pub reply_timeout: Duration,
    /// `timeouts`: the caller's deadline, and the watchdog that ends the
    /// naive caller's wait.
    pub deadline: Duration,
    pub watchdog: Duration,
    /// `testing`: the stress test's bound on runs, and increments per
    /// thread in each run.
    pub stress_runs: usize,
    pub stress_increments: u64,
    /// `right-tool`: light I/O jobs and each one's wait.
    pub light_jobs: usize,
    pub light_wait: Duration,
}

impl RunSizes for Sizes {
    /// The default: every section in seconds.
    fn quick() -> Sizes {
        Sizes {
            runs: 3,
            threads: 4,
            items_per_thread: 1_000_000,
            increments: 10_000,
            capacity: 4,
            messages: 40,
            consumer_delay: Duration::from_millis(2),
            forced_rounds: 5,
            lock_timeout: Duration::from_millis(50),
            transfers: 20_000,
            charges: 100,
            reply_timeout: Duration::from_secs(5),
            deadline: Duration::from_millis(50),
            watchdog: Duration::from_millis(500),
            stress_runs: 1_000,
            stress_increments: 1_000,
            light_jobs: 32,
            light_wait: Duration::from_millis(5),
        }
    }

    /// Figures worth quoting: larger sizes, more runs.
    fn full() -> Sizes {
        Sizes {
            runs: 7,
            items_per_thread: 10_000_000,
            increments: 100_000,
            messages: 200,
            forced_rounds: 20,
            transfers: 200_000,
            charges: 1_000,
            stress_runs: 10_000,
            light_jobs: 128,
            ..Sizes::quick()
        }
    }
}

impl Sizes {
    /// For tests: the least work that still shows every effect.
    pub fn tiny() -> Sizes {
        Sizes {
            runs: 1,
            items_per_thread: 200_000,
            increments: 1_000,
            messages: 16,
            forced_rounds: 2,
            transfers: 2_000,
            charges: 5,
            stress_runs: 200,
            light_jobs: 16,
            ..Sizes::quick()
        }
    }
}
