//! Exercise 3: a batch of payments, all or nothing.

use rusqlite::Connection;

// ANCHOR: exercise
/// Take each `(account, amount)` payment out of `accounts.balance`, in
/// one transaction. The table refuses a negative balance (a `CHECK`
/// constraint): if any payment would overdraw, undo the whole batch and
/// return `Ok(false)`; otherwise commit and return `Ok(true)`. Helpful:
/// `conn.transaction()`, `tx.execute(...)`,
/// `crate::db::bank::is_check_failure(&error)`, `tx.commit()`.
pub fn pay_all(
    conn: &mut Connection,
    payments: &[(i64, i64)],
) -> rusqlite::Result<bool> {
    // TODO: open a transaction, debit each account, commit or roll back.
    let _ = (conn, payments);
    todo!("pay_all: one transaction for the batch")
}
// ANCHOR_END: exercise
