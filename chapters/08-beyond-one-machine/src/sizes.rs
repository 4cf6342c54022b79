//! How much work each section does: quick by default, `--full` for figures
//! worth quoting, `tiny` for tests. Only the measured loads change size;
//! the faults run the same jobs at every size.

use shared::cli::RunSizes;

/// Every size a section uses.
#[derive(Clone, Debug)]
pub struct Sizes {
    /// CPU-bound jobs per throughput run, and the `n` of each.
    pub cpu_jobs: u64,
    pub n: u64,
    /// Download-like jobs per throughput run, and each one's wait.
    pub downloads: u64,
    pub delay_ms: u64,
    /// Trivial jobs sent one at a time for the broker's latency.
    pub latency_jobs: u64,
    /// Timed runs of each way: the median and range show how steady.
    pub runs: usize,
    /// The dataflow section: how many sums of squares, the `n` of each at
    /// every size it is measured at (the work per job), and its runs.
    pub dataflow_jobs: u64,
    pub dataflow_n: Vec<u64>,
    pub dataflow_runs: usize,
}

impl RunSizes for Sizes {
    fn quick() -> Sizes {
        Sizes {
            cpu_jobs: 24,
            n: 2_000_000,
            downloads: 24,
            delay_ms: 20,
            latency_jobs: 10,
            runs: 1,
            dataflow_jobs: 64,
            dataflow_n: vec![1_000, 1_000_000],
            dataflow_runs: 3,
        }
    }

    fn full() -> Sizes {
        Sizes {
            cpu_jobs: 80,
            n: 5_000_000,
            downloads: 80,
            delay_ms: 20,
            latency_jobs: 30,
            runs: 3,
            dataflow_jobs: 64,
            dataflow_n: vec![100, 10_000, 100_000, 1_000_000, 10_000_000],
            dataflow_runs: 7,
        }
    }
}

impl Sizes {
    pub fn tiny() -> Sizes {
        Sizes {
            cpu_jobs: 4,
            n: 100_000,
            downloads: 4,
            delay_ms: 5,
            latency_jobs: 3,
            runs: 1,
            dataflow_jobs: 8,
            dataflow_n: vec![1_000],
            dataflow_runs: 1,
        }
    }
}
