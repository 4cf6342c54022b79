//! `idempotency`: rule 4, make operations safe to retry.
//!
//! A client charges a card over a connection that breaks after the
//! server has done the work but before the reply gets back. The client
//! sends the charge again — the only sensible thing it can do, since it
//! cannot tell a lost request from a lost reply. Here the first reply to
//! every request is lost, so every charge is retried once. A handler that
//! applies every message it receives charges twice; one that remembers
//! request ids answers the retry with the first receipt.
//!
//! The lost reply shows as a broken connection (its channel closes) rather
//! than as silence, so the client retries at once and the demo does not
//! depend on how fast the server thread runs; the client's timeout is
//! there for a server that goes silent (see `timeouts`).

use crate::{Context, Results, need};
use crossbeam::channel::{self, Receiver, RecvTimeoutError, Sender};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::collections::HashMap;
use std::thread;
use std::time::Duration;

/// A request to charge `amount`. The client picks `request_id` once and
/// sends the same id with every retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    pub request_id: u64,
    pub amount: u64,
}

/// The server's answer: which request, and the total charged after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub request_id: u64,
    pub total_after: u64,
}

/// The server's state.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Everything charged so far.
    pub total: u64,
    /// How many charges were applied (a duplicate counts again).
    pub applied: u64,
    /// The receipt already given for each request id.
    pub receipts: HashMap<u64, Receipt>,
}

/// How a server handles one charge.
pub type Handler = fn(&mut Ledger, &Charge) -> Receipt;

// ANCHOR: naive
/// Before: apply whatever arrives. A retry is a second charge.
pub fn handle_naive(ledger: &mut Ledger, charge: &Charge) -> Receipt {
    ledger.total += charge.amount;
    ledger.applied += 1;
    Receipt {
        request_id: charge.request_id,
        total_after: ledger.total,
    }
}
// ANCHOR_END: naive

// ANCHOR: idempotent
/// After: a request id seen before gets its first receipt again, and
/// nothing is charged.
pub fn handle_idempotent(ledger: &mut Ledger, charge: &Charge) -> Receipt {
    if let Some(receipt) = ledger.receipts.get(&charge.request_id) {
        return receipt.clone();
    }
    let receipt = handle_naive(ledger, charge);
    ledger.receipts.insert(charge.request_id, receipt.clone());
    receipt
}
// ANCHOR_END: idempotent

/// A charge on the wire, with the channel its reply goes back on.
type Message = (Charge, Sender<Receipt>);

/// The server: handles every message, then loses the first reply to each
/// request id — the connection breaks after the work is done.
fn server(handler: Handler, inbox: Receiver<Message>) -> Ledger {
    let mut ledger = Ledger::default();
    let mut replied_to: HashMap<u64, u32> = HashMap::new();
    for (charge, reply) in inbox {
        let receipt = handler(&mut ledger, &charge);
        let times = replied_to.entry(charge.request_id).or_default();
        *times += 1;
        if *times == 1 {
            drop(reply); // the connection breaks: the reply is lost
        } else {
            let _ = reply.send(receipt);
        }
    }
    ledger
}

/// The client gave up: no reply after every attempt.
#[derive(Debug, PartialEq, Eq)]
pub struct GaveUp;

// ANCHOR: retry
/// Sends `charge` until a receipt comes back, at most `attempts` times,
/// waiting at most `timeout` for each reply. Every retry carries the same
/// request id. Returns the receipt and the attempts it took.
pub fn charge_with_retries(
    server: &Sender<Message>,
    charge: &Charge,
    timeout: Duration,
    attempts: u32,
) -> Result<(Receipt, u32), GaveUp> {
    for attempt in 1..=attempts {
        let (reply, receipt) = channel::bounded(1);
        server.send((charge.clone(), reply)).map_err(|_| GaveUp)?;
        match receipt.recv_timeout(timeout) {
            Ok(receipt) => return Ok((receipt, attempt)),
            // No reply, or a broken connection: the charge may or may not
            // have been applied. Send it again, with the same id.
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
        }
    }
    Err(GaveUp)
}
// ANCHOR_END: retry

/// What a batch of charges did to the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub requests: u64,
    /// Requests the client got a receipt for.
    pub answered: u64,
    /// Messages sent, retries included.
    pub sent: u64,
    pub applied: u64,
    /// What the card was charged, and what the client meant to charge.
    pub charged: u64,
    pub meant: u64,
}

/// Sends `requests` charges of 10 through the lossy link to `handler`.
pub fn run_charges(handler: Handler, requests: usize, timeout: Duration) -> Outcome {
    let (to_server, inbox) = channel::unbounded();
    let server = thread::spawn(move || server(handler, inbox));
    let (mut answered, mut sent) = (0, 0);
    for id in 0..requests as u64 {
        let charge = Charge {
            request_id: 1_000 + id,
            amount: 10,
        };
        match charge_with_retries(&to_server, &charge, timeout, 3) {
            Ok((_, attempts)) => (answered, sent) = (answered + 1, sent + attempts),
            Err(GaveUp) => sent += 3,
        }
    }
    drop(to_server); // ends the server's loop
    let ledger = server.join().unwrap_or_default();
    Outcome {
        requests: requests as u64,
        answered,
        sent: u64::from(sent),
        applied: ledger.applied,
        charged: ledger.total,
        meant: 10 * requests as u64,
    }
}

/// What `idempotency` measured: the same charges through each handler.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Idempotency {
    /// Applies every message it receives.
    pub naive: Outcome,
    /// Answers a request id seen before with its first receipt.
    pub keyed: Outcome,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let (n, timeout) = (context.sizes.charges, context.sizes.reply_timeout);
    results.idempotency = Some(Idempotency {
        naive: run_charges(handle_naive, n, timeout),
        keyed: run_charges(handle_idempotent, n, timeout),
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let Idempotency { naive, keyed } = need(&results.idempotency, "idempotency")?;
    let mut report = SectionReport::new(
        "idempotency",
        "Rule 4: make operations idempotent so retries are safe. A client retries \
         each charge once its reply is lost on the way back. Applied as it arrives, every retry \
         charges the card again; keyed by request id, a retry gets the first \
         receipt back.",
    );
    report.table(outcomes_table(naive, keyed));
    check_outcomes(&mut report, naive, keyed);
    report.note(
        "The client cannot make this safe on its own: from its side a lost \
         request and a lost reply look the same. The id must travel with the \
         request and the server must remember it — the Idempotency-Key header \
         of payment APIs. Operations that are idempotent by nature (set x = 5, \
         delete id 7) need no key.",
    );
    Ok(report)
}

/// Both handlers side by side: what was sent, applied and charged.
fn outcomes_table(naive: &Outcome, keyed: &Outcome) -> Table {
    let n = naive.requests;
    let mut table = Table::new(
        format!(
            "{n} charges of 10; the first reply to each is lost; up to 3 attempts"
        ),
        &[
            "handler",
            "answered",
            "sent",
            "applied",
            "duplicates",
            "charged",
            "meant",
        ],
    );
    for (name, o) in [
        ("apply every message", naive),
        ("keyed by request id", keyed),
    ] {
        table.push(vec![
            Cell::text(name),
            Cell::Count(o.answered),
            Cell::Count(o.sent),
            Cell::Count(o.applied),
            Cell::Count(o.applied.saturating_sub(o.requests)),
            Cell::Count(o.charged),
            Cell::Count(o.meant),
        ]);
    }
    table
}

/// What must hold of each handler, from its counts alone.
fn check_outcomes(report: &mut SectionReport, naive: &Outcome, keyed: &Outcome) {
    report.check(
        naive.sent == 2 * naive.requests && keyed.sent == 2 * keyed.requests,
        "every charge was sent twice: once, and once more after its reply was lost",
    );
    report.check(
        naive.applied == 2 * naive.requests && naive.charged == 2 * naive.meant,
        "applying every message charged every retry again: twice the amount",
    );
    report.check(
        keyed.applied == keyed.requests && keyed.charged == keyed.meant,
        "keyed by request id: no duplicates, the amount meant",
    );
    report.check(
        naive.answered == naive.requests && keyed.answered == keyed.requests,
        "the client got a receipt for every charge, both ways",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `requests` charges of 10, each sent twice, `applied` applied.
    fn outcome(requests: u64, applied: u64) -> Outcome {
        Outcome {
            requests,
            answered: requests,
            sent: 2 * requests,
            applied,
            charged: 10 * applied,
            meant: 10 * requests,
        }
    }

    fn made_up(naive: Outcome, keyed: Outcome) -> Results {
        Results {
            idempotency: Some(Idempotency { naive, keyed }),
            ..Results::default()
        }
    }

    #[test]
    fn duplicates_only_without_a_key_hold() {
        let good = report(&made_up(outcome(5, 10), outcome(5, 5))).unwrap();
        assert!(good.checks().all(|c| c.holds), "{good:?}");
    }

    #[test]
    fn a_duplicate_through_the_keyed_handler_is_broken() {
        let twice = report(&made_up(outcome(5, 10), outcome(5, 6))).unwrap();
        assert_eq!(twice.broken().len(), 1, "{twice:?}");
        assert!(twice.broken()[0].claim.contains("no duplicates"));
    }

    #[test]
    fn a_charge_left_unanswered_is_broken() {
        let mut keyed = outcome(5, 5);
        keyed.answered = 4;
        let lost = report(&made_up(outcome(5, 10), keyed)).unwrap();
        assert_eq!(lost.broken().len(), 1);
        assert!(lost.broken()[0].claim.contains("receipt for every charge"));
    }
}
