//! How much work each section does. The quick default keeps a whole run to
//! seconds; `--full` runs each demo more often, for rarer outcomes; `tiny`
//! is for tests, where only the invariants and the shape of the output
//! matter.

use shared::cli::RunSizes;
use std::time::Duration;

/// Every size a section uses.
#[derive(Clone, Debug)]
pub struct Sizes {
    /// race-condition: threads, increments per thread, and runs.
    pub race_threads: usize,
    pub race_increments: u64,
    pub race_runs: usize,
    /// race-condition --python: CPython's increments per thread (its
    /// threads change hands every switch interval, so each must run long
    /// enough to be interrupted), runs per way, and the switch interval
    /// (`sys.setswitchinterval`: shorter, more chances to be interrupted).
    pub python_increments: u64,
    pub python_runs: usize,
    pub python_switch_interval: Duration,
    /// deadlock: runs of the deadlock, how long a thread waits for its
    /// second lock before it calls it a deadlock, and transfers per thread
    /// for each fix.
    pub deadlock_runs: usize,
    pub lock_timeout: Duration,
    pub transfers: usize,
    /// relock: lock/unlock pairs per timed batch, and batches (the
    /// fastest is kept). Its second lock waits `lock_timeout`, and its two
    /// ways out make `transfers` calls per thread.
    pub lock_pairs: usize,
    pub lock_batches: usize,
    /// starvation: how often the patient thread wants the lock, how long
    /// the greedy one holds it each time, and when the greedy one gives up.
    pub patient_turns: usize,
    pub greedy_hold: Duration,
    pub greedy_deadline: Duration,
    /// reproduce: runs on real threads, and schedules shuttle tries.
    pub real_runs: usize,
    pub shuttle_schedules: usize,
    /// profiling: threads contending for one lock, and turns each.
    pub contenders: usize,
    pub contended_turns: usize,
    /// blocked-executor: how long the blocking task holds the thread.
    pub block_for: Duration,
    /// debugger: the longest gdb may take to attach and print.
    pub gdb_timeout: Duration,
}

impl RunSizes for Sizes {
    /// The default: every section in seconds.
    fn quick() -> Sizes {
        Sizes {
            race_threads: 4,
            race_increments: 2_000,
            race_runs: 20,
            python_increments: 100_000,
            python_runs: 10,
            python_switch_interval: Duration::from_micros(10),
            deadlock_runs: 3,
            lock_timeout: Duration::from_millis(100),
            transfers: 10_000,
            lock_pairs: 10_000,
            lock_batches: 20,
            patient_turns: 20,
            greedy_hold: Duration::from_micros(500),
            greedy_deadline: Duration::from_millis(500),
            real_runs: 2_000,
            shuttle_schedules: 1_000,
            contenders: 4,
            contended_turns: 2_000,
            block_for: Duration::from_millis(100),
            gdb_timeout: Duration::from_secs(30),
        }
    }

    /// More runs, for rarer outcomes and steadier figures.
    fn full() -> Sizes {
        Sizes {
            race_runs: 200,
            python_runs: 30,
            deadlock_runs: 10,
            transfers: 100_000,
            lock_batches: 100,
            patient_turns: 100,
            greedy_deadline: Duration::from_secs(2),
            real_runs: 20_000,
            shuttle_schedules: 10_000,
            contended_turns: 20_000,
            ..Sizes::quick()
        }
    }
}

impl Sizes {
    /// For tests: the least work that still shows every effect.
    pub fn tiny() -> Sizes {
        Sizes {
            race_threads: 4,
            race_increments: 500,
            race_runs: 10,
            python_increments: 2_000,
            python_runs: 2,
            python_switch_interval: Duration::from_micros(10),
            deadlock_runs: 2,
            lock_timeout: Duration::from_millis(50),
            transfers: 1_000,
            lock_pairs: 1_000,
            lock_batches: 3,
            patient_turns: 10,
            greedy_hold: Duration::from_micros(500),
            greedy_deadline: Duration::from_millis(400),
            real_runs: 200,
            shuttle_schedules: 300,
            contenders: 4,
            contended_turns: 500,
            block_for: Duration::from_millis(80),
            gdb_timeout: Duration::from_secs(60),
        }
    }
}
