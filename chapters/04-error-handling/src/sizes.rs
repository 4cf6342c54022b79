//! How much work each section does: quick by default, `--full` for figures
//! worth quoting, `tiny` for tests.

use shared::cli::RunSizes;

/// Every size a section uses.
#[derive(Clone, Debug)]
pub struct Sizes {
    /// The unit of time for demos where one thing must happen before
    /// another: wide enough that a busy machine does not reorder them.
    pub step_ms: u64,
    /// Panics caught (and errors returned) to time what a panic costs.
    pub unwind_iterations: u32,
    /// Items of the rayon section's parallel iterators.
    pub rayon_items: u64,
}

impl RunSizes for Sizes {
    fn quick() -> Sizes {
        Sizes {
            step_ms: 40,
            unwind_iterations: 2_000,
            rayon_items: 10_000,
        }
    }

    fn full() -> Sizes {
        Sizes {
            step_ms: 100,
            unwind_iterations: 50_000,
            rayon_items: 100_000,
        }
    }
}

impl Sizes {
    pub fn tiny() -> Sizes {
        Sizes {
            step_ms: 30,
            unwind_iterations: 200,
            rayon_items: 1_000,
        }
    }

    pub fn step(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.step_ms)
    }
}
