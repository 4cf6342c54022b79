//! `lock-order`: rule 3, avoid deadlocks — one lock order everywhere, and
//! a timeout on acquisition as the safety net.
//!
//! Two transfers in opposite directions, each locking the payer and then
//! the payee, deadlock when they meet half-way. The demo makes them meet
//! every time (a barrier between the two locks), so the deadlock is real
//! and certain; `try_lock_for` detects it and backs out. Locking by
//! account id instead — lower id first, whoever pays — makes the cycle
//! impossible.

use crate::{Context, Results, need};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

/// A bank account. The id gives every account its place in the one
/// global lock order.
pub struct Account {
    pub id: usize,
    balance: Mutex<i64>,
}

impl Account {
    pub fn new(id: usize, balance: i64) -> Account {
        Account {
            id,
            balance: Mutex::new(balance),
        }
    }

    pub fn balance(&self) -> i64 {
        *self.balance.lock()
    }
}

/// A lock was not free within the limit: the transfer backed out, having
/// changed nothing.
#[derive(Debug, PartialEq, Eq)]
pub struct TimedOut;

// ANCHOR: naive
/// Before: lock the payer, then the payee. Two opposite transfers take the
/// same two locks in opposite orders. `between` runs while the first lock
/// is held (the demo uses it to make both transfers meet there).
pub fn transfer_payer_first(
    from: &Account,
    to: &Account,
    amount: i64,
    limit: Duration,
    between: impl Fn(),
) -> Result<(), TimedOut> {
    let mut payer = from.balance.try_lock_for(limit).ok_or(TimedOut)?;
    between();
    // The safety net: give up instead of waiting forever.
    let mut payee = to.balance.try_lock_for(limit).ok_or(TimedOut)?;
    *payer -= amount;
    *payee += amount;
    Ok(())
}
// ANCHOR_END: naive

// ANCHOR: ordered
/// After: lock the account with the lower id first, whichever way the
/// money goes. No two transfers can each hold what the other waits for.
pub fn transfer_in_id_order(
    from: &Account,
    to: &Account,
    amount: i64,
    limit: Duration,
    between: impl Fn(),
) -> Result<(), TimedOut> {
    if from.id == to.id {
        return Ok(()); // one lock, taken twice, would deadlock with itself
    }
    let (first, second) = if from.id < to.id {
        (from, to)
    } else {
        (to, from)
    };
    let mut first = first.balance.try_lock_for(limit).ok_or(TimedOut)?;
    between();
    let mut second = second.balance.try_lock_for(limit).ok_or(TimedOut)?;
    let (payer, payee) = if from.id < to.id {
        (&mut *first, &mut *second)
    } else {
        (&mut *second, &mut *first)
    };
    *payer -= amount;
    *payee += amount;
    Ok(())
}
// ANCHOR_END: ordered

type Transfer =
    fn(&Account, &Account, i64, Duration, &dyn Fn()) -> Result<(), TimedOut>;

/// What one way of transferring did over several rounds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rounds {
    pub rounds: usize,
    /// Rounds in which at least one transfer timed out.
    pub deadlocked: usize,
    /// Transfers that timed out, over all rounds.
    pub timeouts: u64,
    pub conserved: bool,
}

/// Runs `rounds` of two opposite transfers between two accounts, meeting
/// in the middle with `between`.
fn opposite_transfers(
    transfer: Transfer,
    rounds: usize,
    limit: Duration,
    between: &(dyn Fn() + Sync),
) -> Rounds {
    let (a, b) = (Account::new(0, 100), Account::new(1, 100));
    let (mut deadlocked, mut timeouts) = (0, 0);
    for _ in 0..rounds {
        let failed = thread::scope(|s| {
            let one = s.spawn(|| transfer(&a, &b, 10, limit, between));
            let two = s.spawn(|| transfer(&b, &a, 10, limit, between));
            [one.join(), two.join()]
                .into_iter()
                .filter(|r| !matches!(r, Ok(Ok(()))))
                .count() as u64
        });
        deadlocked += usize::from(failed > 0);
        timeouts += failed;
    }
    Rounds {
        rounds,
        deadlocked,
        timeouts,
        conserved: a.balance() + b.balance() == 200,
    }
}

/// Many threads making transfers between four accounts in every
/// direction, in id order. Returns the timeouts and whether money was
/// conserved.
fn stress_in_id_order(
    threads: usize,
    transfers: usize,
    limit: Duration,
) -> (u64, bool) {
    let accounts: Vec<Account> = (0..4).map(|id| Account::new(id, 1_000)).collect();
    let timeouts: u64 = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let accounts = &accounts;
                s.spawn(move || {
                    let mut failed = 0;
                    for i in 0..transfers {
                        let from = &accounts[(t + i) % 4];
                        let to = &accounts[(t + 3 * i + 1) % 4];
                        let r = transfer_in_id_order(from, to, 1, limit, || {});
                        failed += u64::from(r.is_err());
                    }
                    failed
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(1)).sum()
    });
    let total: i64 = accounts.iter().map(Account::balance).sum();
    (timeouts, total == 4_000)
}

/// What `lock-order` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LockOrder {
    /// How long a lock is waited for, in seconds: payer first (the
    /// detector), and lower id first (only a safety net).
    pub lock_timeout: f64,
    pub safety_net: f64,
    pub before: Rounds,
    pub after: Rounds,
    pub stress: Stress,
}

/// Many threads transferring in every direction, in id order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stress {
    pub threads: usize,
    pub transfers: usize,
    pub timeouts: u64,
    pub conserved: bool,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = &context.sizes;
    // A meeting point for exactly two threads: both hold their first lock
    // before either asks for its second.
    let meet = Barrier::new(2);
    let before = opposite_transfers(
        |f, t, a, l, b| transfer_payer_first(f, t, a, l, b),
        sizes.forced_rounds,
        sizes.lock_timeout,
        &|| {
            meet.wait();
        },
    );
    // The same two transfers in id order. They cannot both reach a barrier
    // (the second waits for the first lock), so they meet as closely as a
    // pause allows; the generous limit is a safety net, not a detector.
    let safety_net = Duration::from_secs(5);
    let pause = || thread::sleep(Duration::from_millis(1));
    let after = opposite_transfers(
        |f, t, a, l, b| transfer_in_id_order(f, t, a, l, b),
        sizes.forced_rounds,
        safety_net,
        &pause,
    );
    let (threads, transfers) = (sizes.threads, sizes.transfers);
    let (timeouts, conserved) = stress_in_id_order(threads, transfers, safety_net);
    results.lock_order = Some(LockOrder {
        lock_timeout: sizes.lock_timeout.as_secs_f64(),
        safety_net: safety_net.as_secs_f64(),
        before,
        after,
        stress: Stress {
            threads,
            transfers,
            timeouts,
            conserved,
        },
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let order = need(&results.lock_order, "lock-order")?;
    let mut report = SectionReport::new(
        "lock-order",
        "Rule 3: avoid deadlocks. Two opposite transfers that lock payer then \
         payee deadlock when they meet; locking in one global order (by account \
         id) cannot. A timeout on every acquisition turns a deadlock into an \
         error instead of a hang.",
    );
    report_meeting(&mut report, order);
    report_stress(&mut report, &order.stress);
    report.note(
        "In each deadlocked round one or both transfers time out: the first to \
         give up releases its lock, and the other may then get through. Python's \
         Lock.acquire(timeout=…) is the same safety net; the fix is the same \
         order, not a longer timeout.",
    );
    Ok(report)
}

/// The two transfers made to meet: payer first deadlocks, id order cannot.
fn report_meeting(report: &mut SectionReport, order: &LockOrder) {
    let (before, after) = (&order.before, &order.after);
    let mut table = Table::new(
        format!(
            "Two opposite transfers, made to meet half-way (lock wait limit: {} ms \
             before, {} s after)",
            super::millis(order.lock_timeout),
            order.safety_net.round() as u64
        ),
        &[
            "locking",
            "rounds",
            "deadlocked",
            "timeouts",
            "money conserved",
        ],
    );
    for (name, r) in [("payer first", before), ("lower id first", after)] {
        table.push(vec![
            Cell::text(name),
            Cell::Count(r.rounds as u64),
            Cell::Count(r.deadlocked as u64),
            Cell::Tally(r.timeouts),
            Cell::text(super::yes(r.conserved)),
        ]);
    }
    report.table(table);
    report.check(
        before.deadlocked == before.rounds,
        "payer-first deadlocked in every round, and the timeout caught each one",
    );
    report.check(after.deadlocked == 0, "lower-id-first never deadlocked");
    report.check(
        before.conserved && after.conserved,
        "a transfer that timed out changed nothing: money is conserved",
    );
}

/// Transfers in every direction, in id order: no timeout at all.
fn report_stress(report: &mut SectionReport, stress: &Stress) {
    let mut table = Table::new(
        "Stress: transfers between 4 accounts in every direction, in id order",
        &["threads", "transfers each", "timeouts", "money conserved"],
    );
    table.push(vec![
        Cell::Count(stress.threads as u64),
        Cell::Count(stress.transfers as u64),
        Cell::Count(stress.timeouts),
        Cell::text(super::yes(stress.conserved)),
    ]);
    report.table(table);
    report.check(
        stress.timeouts == 0 && stress.conserved,
        "no transfer in id order ever timed out, and money is conserved",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up(before_deadlocked: usize, after_deadlocked: usize) -> Results {
        let rounds = |deadlocked| Rounds {
            rounds: 5,
            deadlocked,
            timeouts: deadlocked as u64,
            conserved: true,
        };
        Results {
            lock_order: Some(LockOrder {
                lock_timeout: 0.05,
                safety_net: 5.0,
                before: rounds(before_deadlocked),
                after: rounds(after_deadlocked),
                stress: Stress {
                    threads: 4,
                    transfers: 100,
                    timeouts: 0,
                    conserved: true,
                },
            }),
            ..Results::default()
        }
    }

    #[test]
    fn a_forced_deadlock_every_round_holds() {
        let good = report(&made_up(5, 0)).unwrap();
        assert!(good.checks().all(|c| c.holds), "{good:?}");
    }

    #[test]
    fn a_round_that_escaped_or_an_ordered_deadlock_is_broken() {
        let escaped = report(&made_up(4, 0)).unwrap();
        assert_eq!(escaped.broken().len(), 1, "{escaped:?}");
        assert!(escaped.broken()[0].claim.contains("every round"));
        let ordered = report(&made_up(5, 1)).unwrap();
        assert_eq!(ordered.broken().len(), 1);
        assert!(ordered.broken()[0].claim.contains("never deadlocked"));
    }

    #[test]
    fn money_lost_is_broken() {
        let mut results = made_up(5, 0);
        results.lock_order.as_mut().unwrap().stress.conserved = false;
        assert_eq!(report(&results).unwrap().broken().len(), 1);
    }
}
