use crate::sections::idempotency::{Charge, Ledger, Receipt};

// ANCHOR: solution
pub fn handle(ledger: &mut Ledger, charge: &Charge) -> Receipt {
    if let Some(first) = ledger.receipts.get(&charge.request_id) {
        return first.clone(); // a retry: answer again, charge nothing
    }
    ledger.total += charge.amount;
    ledger.applied += 1;
    let receipt = Receipt {
        request_id: charge.request_id,
        total_after: ledger.total,
    };
    ledger.receipts.insert(charge.request_id, receipt.clone());
    receipt
}
// ANCHOR_END: solution
