//! How much work each section does: quick by default, `--full` for figures
//! worth quoting, `tiny` for tests.

use shared::cli::RunSizes;

/// Every size a section uses.
#[derive(Clone, Debug)]
pub struct Sizes {
    /// The article's simulated download takes about a second; ours waits this.
    pub download_ms: u64,
    /// The unit of time for demos that need tasks to finish in a known
    /// order: wide enough that a busy machine does not reorder them.
    pub step_ms: u64,
    /// How many times each measurement is repeated.
    pub runs: usize,
    /// CPU jobs for the process-pool and landscape sections, and their `n`.
    pub cpu_jobs: usize,
    pub cpu_n: u64,
    /// Trivial tasks pushed through each pool in the throughput section.
    pub trivial_thread_tasks: usize,
    pub trivial_process_tasks_chunk_1: usize,
    pub trivial_process_tasks_chunked: usize,
    /// CPython's chunked tasks under `--python`: enough that the pool's
    /// start-up and its last, partly idle chunks do not set its rate.
    pub cpython_chunked_tasks: usize,
    /// Round trips timed one after another in the process-pool section.
    pub round_trips: usize,
}

impl RunSizes for Sizes {
    fn quick() -> Sizes {
        Sizes {
            download_ms: 300,
            step_ms: 100,
            runs: 3,
            cpu_jobs: 16,
            cpu_n: if cfg!(debug_assertions) {
                1_000_000
            } else {
                20_000_000
            },
            trivial_thread_tasks: 100_000,
            trivial_process_tasks_chunk_1: 5_000,
            trivial_process_tasks_chunked: 500_000,
            cpython_chunked_tasks: 100_000,
            round_trips: 2_000,
        }
    }

    fn full() -> Sizes {
        Sizes {
            download_ms: 1_000,
            step_ms: 200,
            runs: 7,
            cpu_jobs: 32,
            cpu_n: if cfg!(debug_assertions) {
                2_000_000
            } else {
                100_000_000
            },
            trivial_thread_tasks: 1_000_000,
            trivial_process_tasks_chunk_1: 50_000,
            trivial_process_tasks_chunked: 5_000_000,
            cpython_chunked_tasks: 1_000_000,
            round_trips: 20_000,
        }
    }
}

impl Sizes {
    pub fn tiny() -> Sizes {
        Sizes {
            download_ms: 100,
            step_ms: 60,
            runs: 1,
            cpu_jobs: 6,
            cpu_n: 200_000,
            trivial_thread_tasks: 2_000,
            trivial_process_tasks_chunk_1: 300,
            trivial_process_tasks_chunked: 20_000,
            cpython_chunked_tasks: 2_000,
            round_trips: 100,
        }
    }
}
