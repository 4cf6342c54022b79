use crate::exercises::drain::Account;
use shared::panics::panic_message;
use tokio::task::JoinSet;

// ANCHOR: solution
pub async fn drain(mut set: JoinSet<anyhow::Result<u64>>) -> Account {
    let mut account = Account::default();
    while let Some(outcome) = set.join_next().await {
        match outcome {
            Ok(Ok(value)) => account.ok.push(value),
            Ok(Err(err)) => account.failed.push(err.to_string()),
            Err(err) if err.is_panic() => {
                account.panicked.push(panic_message(&*err.into_panic()));
            }
            Err(_) => account.cancelled += 1,
        }
    }
    account.ok.sort();
    account.failed.sort();
    account.panicked.sort();
    account
}
// ANCHOR_END: solution
