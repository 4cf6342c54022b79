use crate::exercises::lock_order::Account;

// ANCHOR: solution
pub fn transfer(from: &Account, to: &Account, amount: i64) {
    let (first, second) = if from.id < to.id {
        (from, to)
    } else {
        (to, from)
    };
    let mut first_balance = first.balance.lock();
    let mut second_balance = second.balance.lock();
    if first.id == from.id {
        *first_balance -= amount;
        *second_balance += amount;
    } else {
        *second_balance -= amount;
        *first_balance += amount;
    }
}
// ANCHOR_END: solution
