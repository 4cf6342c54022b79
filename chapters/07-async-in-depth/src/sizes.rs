//! How much work each section does: quick by default, `--full` for figures
//! worth quoting, `tiny` for tests. Only the timed loops change size; every
//! demo that checks an invariant runs the same at every size.

use shared::cli::RunSizes;

/// Every size a section uses.
#[derive(Clone, Debug)]
pub struct Sizes {
    /// Clones (and drops) of one `Rc` or `Arc` per timed run.
    pub clones: u64,
    /// Timed runs of each loop: the minimum is the cost without
    /// interference, the median and range show how steady it was.
    pub runs: usize,
    /// Values the orderings section's writer publishes behind its flag.
    pub rounds: u64,
    /// Atomic operations per timed run.
    pub atomic_ops: u64,
}

impl RunSizes for Sizes {
    fn quick() -> Sizes {
        Sizes {
            clones: 1_000_000,
            runs: 11,
            rounds: 1_000_000,
            atomic_ops: 1_000_000,
        }
    }

    fn full() -> Sizes {
        Sizes {
            clones: 5_000_000,
            runs: 21,
            rounds: 10_000_000,
            atomic_ops: 5_000_000,
        }
    }
}

impl Sizes {
    pub fn tiny() -> Sizes {
        Sizes {
            clones: 10_000,
            runs: 3,
            rounds: 10_000,
            atomic_ops: 10_000,
        }
    }
}
