//! Exercise 1: a transfer between two accounts that cannot deadlock.

// ANCHOR: account
/// An account: its balance behind a lock, and an id that gives every
/// account a place in one global order.
#[derive(Debug)]
pub struct Account {
    pub id: usize,
    /// A mutex: `balance.lock()` waits until it is free; the guard it
    /// returns reads and writes as an `i64` and unlocks when dropped.
    pub balance: super::balance::Balance,
}
// ANCHOR_END: account

// ANCHOR: exercise
/// Move `amount` from `from` to `to`, holding both locks at once. Two
/// threads will call it at the same time in opposite directions: take the
/// two locks in the same order every time (the lower `id` first), whichever
/// way the money goes.
pub fn transfer(from: &Account, to: &Account, amount: i64) {
    // TODO: lock the account with the lower id first, then the other;
    // then subtract from `from` and add to `to`.
    let _ = (from, to, amount);
    todo!("transfer: take the locks in one order")
}
// ANCHOR_END: exercise
