use crate::exercises::checks::Delivery;
use std::collections::HashSet;

// ANCHOR: solution
pub fn apply_once(
    applied: &mut HashSet<u64>,
    balance: &mut u64,
    delivery: &Delivery,
) -> bool {
    // The key first: in Redis, HSETNX does both steps in one command.
    let first = applied.insert(delivery.id);
    if first {
        *balance += delivery.amount;
    }
    first
}
// ANCHOR_END: solution
