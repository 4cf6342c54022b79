use crate::exercises::parallel_sum::SumRange;
use rayon::prelude::*;

// ANCHOR: solution
pub fn parallel_sum(n: u64, parts: usize, sum_range: SumRange) -> u64 {
    let parts = parts.max(1) as u64;
    let size = n.div_ceil(parts);
    (0..parts)
        .map(|k| (k * size).min(n)..((k + 1) * size).min(n))
        .filter(|range| !range.is_empty())
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(sum_range)
        .reduce(|| 0, u64::wrapping_add)
}
// ANCHOR_END: solution
