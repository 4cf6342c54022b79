//! Moving money between accounts: the textbook transaction.
//!
//! The transfer credits first and debits second, on purpose: when the debit
//! breaks the `balance >= 0` rule, the credit has already been written, and
//! only the transaction stands between that and money made from nothing.
//! [`transfer_without_transaction`] is the same two statements in
//! autocommit mode, and the `database` section shows it losing the total.

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

/// What became of one transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Moved,
    /// The debit would have overdrawn the account: nothing changed.
    RolledBack,
}

/// Sets up `accounts` accounts numbered from 0, each holding `balance`.
pub fn open_accounts(
    conn: &mut Connection,
    accounts: i64,
    balance: i64,
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM accounts", [])?;
    for id in 0..accounts {
        tx.execute(
            "INSERT INTO accounts (id, balance) VALUES (?1, ?2)",
            (id, balance),
        )?;
    }
    tx.commit()
}

// ANCHOR: transfer
pub fn transfer(
    conn: &mut Connection,
    from: i64,
    to: i64,
    amount: i64,
) -> rusqlite::Result<Outcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(CREDIT, (to, amount))?;
    match tx.execute(DEBIT, (from, amount)) {
        Ok(_) => {
            tx.commit()?;
            Ok(Outcome::Moved)
        }
        // Dropping `tx` without commit rolls the credit back.
        Err(e) if is_check_failure(&e) => Ok(Outcome::RolledBack),
        Err(e) => Err(e),
    }
}

const CREDIT: &str = "UPDATE accounts SET balance = balance + ?2 WHERE id = ?1";
const DEBIT: &str = "UPDATE accounts SET balance = balance - ?2 WHERE id = ?1";
// ANCHOR_END: transfer

/// The broken version: the same statements, each committed on its own.
pub fn transfer_without_transaction(
    conn: &Connection,
    from: i64,
    to: i64,
    amount: i64,
) -> rusqlite::Result<Outcome> {
    conn.execute(CREDIT, (to, amount))?;
    match conn.execute(DEBIT, (from, amount)) {
        Ok(_) => Ok(Outcome::Moved),
        Err(e) if is_check_failure(&e) => Ok(Outcome::RolledBack),
        Err(e) => Err(e),
    }
}

/// Whether `error` is a broken `CHECK` (or other) constraint.
pub fn is_check_failure(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)
}

/// The money in every account together, and the smallest balance.
pub fn total_and_lowest(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row(
        "SELECT coalesce(sum(balance), 0), coalesce(min(balance), 0) FROM accounts",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}
