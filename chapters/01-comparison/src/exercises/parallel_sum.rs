//! Exercise 2: split a sum into parts and add them up in parallel.

use std::ops::Range;

/// The function that sums one range: the check passes one that also
/// records which ranges were asked for.
pub type SumRange<'a> = &'a (dyn Fn(Range<u64>) -> u64 + Sync);

// ANCHOR: exercise
/// The sum of `i * i` for `i` below `n` (wrapping), computed by splitting
/// `0..n` into `parts` ranges of near-equal length that cover it exactly,
/// summing each with `sum_range` in parallel (rayon's `into_par_iter`), and
/// adding the results with `wrapping_add`.
pub fn parallel_sum(n: u64, parts: usize, sum_range: SumRange) -> u64 {
    // TODO: build the ranges, sum them in parallel, add up the parts.
    let _ = (n, parts, sum_range);
    todo!("parallel_sum: split, sum in parallel, combine")
}
// ANCHOR_END: exercise
