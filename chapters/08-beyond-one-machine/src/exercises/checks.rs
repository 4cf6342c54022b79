//! The check behind the exercise. It describes what an attempt did in
//! words a snapshot can hold; nothing in it depends on timing or on Redis.

use shared::exercise::{CHECK_LIMIT, attempt, bounded};
use std::collections::HashSet;

/// One delivery of a job, as a worker receives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The job's own id: the idempotency key.
    pub id: u64,
    /// What the job adds to the balance.
    pub amount: u64,
}

/// What a broker delivered: three jobs, two of them twice (their workers
/// were killed after the effect, before the acknowledgement).
pub const DELIVERIES: [Delivery; 5] = [
    Delivery { id: 1, amount: 10 },
    Delivery { id: 2, amount: 20 },
    Delivery { id: 1, amount: 10 },
    Delivery { id: 3, amount: 5 },
    Delivery { id: 2, amount: 20 },
];

/// Exercise 1: every delivery through the attempt, then the balance. The
/// check runs under a watchdog: an attempt that never returns fails it.
pub fn check_apply_once(
    apply_once: fn(&mut HashSet<u64>, &mut u64, &Delivery) -> bool,
) -> String {
    bounded(CHECK_LIMIT, move || {
        attempt(
            || {
                let (mut applied, mut balance) = (HashSet::new(), 0);
                let took: Vec<bool> = DELIVERIES
                    .iter()
                    .map(|d| apply_once(&mut applied, &mut balance, d))
                    .collect();
                (took, balance)
            },
            |(took, balance)| {
                let mut out = String::new();
                for (delivery, took) in DELIVERIES.iter().zip(took) {
                    let said = if took { "took effect" } else { "skipped" };
                    out += &format!(
                        "job {} (+{}): {said}\n",
                        delivery.id, delivery.amount
                    );
                }
                out + &format!("balance: {balance}\n")
            },
        )
    })
}
