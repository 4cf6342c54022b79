use crate::db::bank::is_check_failure;
use rusqlite::Connection;

// ANCHOR: solution
pub fn pay_all(
    conn: &mut Connection,
    payments: &[(i64, i64)],
) -> rusqlite::Result<bool> {
    let tx = conn.transaction()?;
    for &(account, amount) in payments {
        let debit = "UPDATE accounts SET balance = balance - ?2 WHERE id = ?1";
        match tx.execute(debit, (account, amount)) {
            Ok(_) => {}
            // Returning drops `tx`, which rolls back the earlier debits.
            Err(e) if is_check_failure(&e) => return Ok(false),
            Err(e) => return Err(e),
        }
    }
    tx.commit()?;
    Ok(true)
}
// ANCHOR_END: solution
