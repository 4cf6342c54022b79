use crate::exercises::parallel_sum::SumRange;
use rayon::prelude::*;

// ANCHOR: solution
pub fn parallel_sum(n: u64, parts: usize, sum_range: SumRange) -> u64 {
    let parts = parts.max(1) as u128;
    // Part k starts at k·n/parts: lengths differ by at most one.
    let start = |k: u128| (k * u128::from(n) / parts) as u64;
    (0..parts)
        .map(|k| start(k)..start(k + 1))
        .filter(|range| !range.is_empty())
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(sum_range)
        .reduce(|| 0, u64::wrapping_add)
}
// ANCHOR_END: solution
