//! Exercise 3: drain a JoinSet into an account of every task — nothing
//! unread, each outcome in its own column.

use tokio::task::JoinSet;

/// Every task of a set, by how it ended; each list sorted.
#[derive(Debug, Default, PartialEq)]
pub struct Account {
    pub ok: Vec<u64>,
    /// The error's message (`to_string()`).
    pub failed: Vec<String>,
    /// The panic's message.
    pub panicked: Vec<String>,
    pub cancelled: usize,
}

// ANCHOR: exercise
/// Await every task of `set` and file its outcome. `JoinError::is_panic`,
/// `is_cancelled` and `into_panic` tell the failures apart.
pub async fn drain(set: JoinSet<anyhow::Result<u64>>) -> Account {
    // TODO: loop on set.join_next() until it returns None.
    let _ = set;
    todo!("drain")
}
// ANCHOR_END: exercise
