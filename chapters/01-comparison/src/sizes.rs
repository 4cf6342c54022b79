//! How much work each section does. The quick default keeps a whole run to
//! seconds; `--full` is for figures worth quoting; `tiny` is for tests,
//! where only the shape of the output and the invariants matter.

use shared::cli::RunSizes;
use std::time::Duration;

/// Whether this build is optimised. A debug build runs the CPU loop many
/// times slower, so it gets smaller CPU jobs and says so.
pub const OPTIMISED: bool = !cfg!(debug_assertions);

/// Every size a section uses.
#[derive(Clone, Debug)]
pub struct Sizes {
    /// How many times each measurement is repeated (median and range).
    pub runs: usize,
    /// Simulated downloads in the I/O-bound section, and each one's wait.
    pub io_tasks: usize,
    pub io_delay: Duration,
    /// CPU jobs, and the `n` each sums the squares below.
    pub cpu_jobs: usize,
    pub cpu_n: u64,
    /// The Python counterpart's `n`: CPython's loop is some 50 to 100 times
    /// slower per iteration, so the same `n` would take minutes.
    pub python_cpu_n: u64,
    /// The most workers the scaling section tries; `None` for twice the
    /// cores (at most 8).
    pub scaling_most: Option<usize>,
    /// Concurrent waits per unit kind in the memory section.
    pub memory_threads: Vec<usize>,
    pub memory_tasks: Vec<usize>,
    pub memory_processes: Vec<usize>,
    pub memory_delay: Duration,
    /// Units started one after another in the overhead section.
    pub spawn_threads: usize,
    pub spawn_tasks: usize,
    pub spawn_processes: usize,
    /// Messages sent back and forth in the data-exchange section.
    pub round_trips: usize,
    pub pipe_round_trips: usize,
    /// The event-loop section: CPU jobs run beside a ticker, how long each
    /// job should take, and the tick.
    pub blocking_jobs: usize,
    pub blocking_job: Duration,
    pub tick: Duration,
    /// The combining section: batches of downloads, each followed by a sum.
    pub combine_batches: usize,
    pub combine_urls: usize,
}

impl RunSizes for Sizes {
    /// The default: every section in seconds.
    fn quick() -> Sizes {
        Sizes {
            runs: 3,
            io_tasks: 32,
            io_delay: Duration::from_millis(10),
            cpu_jobs: 8,
            cpu_n: if OPTIMISED { 60_000_000 } else { 2_000_000 },
            python_cpu_n: 300_000,
            scaling_most: None,
            memory_threads: vec![1_000, 10_000],
            memory_tasks: vec![1_000, 10_000, 100_000],
            memory_processes: vec![100],
            memory_delay: Duration::from_millis(100),
            spawn_threads: 500,
            spawn_tasks: 20_000,
            spawn_processes: 20,
            round_trips: 5_000,
            pipe_round_trips: 1_000,
            blocking_jobs: 3,
            blocking_job: Duration::from_millis(50),
            tick: Duration::from_millis(5),
            combine_batches: 4,
            combine_urls: 8,
        }
    }

    /// Figures worth quoting: larger sizes, more runs, and still under three
    /// minutes on two cores with `--python` (the sequential waits and the
    /// CPU jobs set the time: each is large enough that a start-up cost or
    /// a busy millisecond moves its figure by little).
    fn full() -> Sizes {
        Sizes {
            runs: 5,
            io_tasks: 100,
            io_delay: Duration::from_millis(20),
            cpu_jobs: 16,
            cpu_n: if OPTIMISED { 200_000_000 } else { 10_000_000 },
            python_cpu_n: 1_000_000,
            scaling_most: None,
            memory_threads: vec![1_000, 10_000, 100_000],
            memory_tasks: vec![1_000, 10_000, 100_000],
            memory_processes: vec![100, 1_000],
            memory_delay: Duration::from_millis(100),
            spawn_threads: 5_000,
            spawn_tasks: 200_000,
            spawn_processes: 200,
            round_trips: 50_000,
            pipe_round_trips: 10_000,
            blocking_jobs: 5,
            blocking_job: Duration::from_millis(100),
            tick: Duration::from_millis(5),
            combine_batches: 8,
            combine_urls: 16,
        }
    }
}

impl Sizes {
    /// For tests: the least work that still shows every effect.
    pub fn tiny() -> Sizes {
        Sizes {
            runs: 1,
            io_tasks: 16,
            io_delay: Duration::from_millis(20),
            cpu_jobs: 4,
            cpu_n: if OPTIMISED { 40_000_000 } else { 2_000_000 },
            python_cpu_n: 20_000,
            // Tests see the same rows on any machine.
            scaling_most: Some(2),
            memory_threads: vec![200],
            memory_tasks: vec![1_000],
            memory_processes: vec![4],
            memory_delay: Duration::from_millis(20),
            spawn_threads: 50,
            spawn_tasks: 1_000,
            spawn_processes: 3,
            round_trips: 200,
            pipe_round_trips: 50,
            blocking_jobs: 2,
            blocking_job: Duration::from_millis(40),
            tick: Duration::from_millis(5),
            combine_batches: 2,
            combine_urls: 4,
        }
    }
}
