//! Exercise 2: make a charge handler idempotent.

use crate::sections::idempotency::{Charge, Ledger, Receipt};

// ANCHOR: exercise
/// Apply `charge` to `ledger`: add its amount to `ledger.total`, count it
/// in `ledger.applied`, and return a receipt with the total after it.
/// A charge whose `request_id` was seen before must change nothing and
/// return the same receipt as the first time (`ledger.receipts` is there
/// to remember them).
pub fn handle(ledger: &mut Ledger, charge: &Charge) -> Receipt {
    // TODO: look the request id up first; remember each new receipt.
    let _ = (ledger, charge);
    todo!("handle: a charge applied at most once per request id")
}
// ANCHOR_END: exercise
