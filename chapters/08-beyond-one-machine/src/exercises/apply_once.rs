//! Exercise 1: take effect once per job, whatever the broker redelivers.

use super::checks::Delivery;
use std::collections::HashSet;

// ANCHOR: exercise
/// Applies one delivery of a job to `balance`, unless a delivery of the
/// same job (the same `id`) already did: a broker delivers at least once,
/// so a job whose worker died comes again. `applied` holds the ids that
/// took effect so far. Returns whether this delivery took effect.
pub fn apply_once(
    applied: &mut HashSet<u64>,
    balance: &mut u64,
    delivery: &Delivery,
) -> bool {
    // TODO: HashSet::insert answers whether the id was new.
    let _ = (applied, balance, delivery);
    todo!("apply_once")
}
// ANCHOR_END: exercise
