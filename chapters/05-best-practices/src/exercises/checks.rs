//! The checks behind the exercises: each runs an attempt and describes
//! what it did in words a snapshot can hold. Nothing depends on timing
//! beyond a wide margin, and nothing can hang: an attempt that never
//! returns is reported after a watchdog's bound.

use crate::sections::idempotency::{Charge, Ledger, Receipt};
use crate::sections::timeouts::{CallError, Request, SilentServer};
use crossbeam::channel::{self, Sender};
use shared::exercise::{CHECK_LIMIT, attempt, bounded};
use shared::report::group_thousands;
use std::thread;
use std::time::{Duration, Instant};

/// Exercise 1: a call against a server that answers, one that never
/// does, and one that is gone.
pub fn check_add_timeout(
    call: fn(&Sender<Request>, Duration) -> Result<String, CallError>,
) -> String {
    let deadline = Duration::from_millis(100);
    let watchdog = Duration::from_secs(3);
    let mut out = String::new();

    let (server, inbox) = channel::unbounded::<Request>();
    let answering = thread::spawn(move || {
        for reply in inbox {
            let _ = reply.send("pong".into());
        }
    });
    out += &format!(
        "answering server: {}\n",
        watched(call, &server, deadline, watchdog)
    );
    drop(server);
    let _ = answering.join();

    let silent = SilentServer::start();
    out += &format!(
        "silent server: {}\n",
        watched(call, &silent.requests, deadline, watchdog)
    );
    silent.shut_down(); // frees an attempt still stuck waiting

    let (gone, inbox) = channel::unbounded::<Request>();
    drop(inbox);
    out += &format!(
        "server gone: {}\n",
        watched(call, &gone, deadline, watchdog)
    );
    out
}

/// Runs one call on its own thread, so an attempt without a deadline is
/// reported instead of hanging the check.
fn watched(
    call: fn(&Sender<Request>, Duration) -> Result<String, CallError>,
    server: &Sender<Request>,
    deadline: Duration,
    watchdog: Duration,
) -> String {
    let server = server.clone();
    let (done, finished) = channel::bounded(1);
    thread::spawn(move || {
        let start = Instant::now();
        let text = attempt(
            || call(&server, deadline),
            |result| {
                let waited = start.elapsed();
                match result {
                    Ok(answer) => format!("answered {answer:?}"),
                    Err(CallError::TimedOut) => format!(
                        "timed out, after at least the deadline: {}",
                        yes(waited >= deadline)
                    ),
                    Err(CallError::ServerGone) => "server gone".into(),
                }
            },
        );
        let _ = done.send(text);
    });
    finished
        .recv_timeout(watchdog)
        .unwrap_or_else(|_| format!("still waiting after {watchdog:?}: no deadline"))
}

/// Exercise 2: a sequence of charges with repeated request ids.
pub fn check_idempotent_handler(
    handle: fn(&mut Ledger, &Charge) -> Receipt,
) -> String {
    check_idempotent_handler_within(CHECK_LIMIT, handle)
}

/// [`check_idempotent_handler`] with its watchdog's bound: a handler that
/// never returns (a lock it waits on for ever) is reported after `limit`.
pub fn check_idempotent_handler_within(
    limit: Duration,
    handle: fn(&mut Ledger, &Charge) -> Receipt,
) -> String {
    bounded(limit, move || describe_charges(handle))
}

fn describe_charges(handle: fn(&mut Ledger, &Charge) -> Receipt) -> String {
    let charges = [(1, 10), (1, 10), (2, 5), (1, 10), (3, 7), (2, 5)];
    attempt(
        || {
            let mut ledger = Ledger::default();
            let receipts: Vec<Receipt> = charges
                .iter()
                .map(|&(request_id, amount)| {
                    handle(&mut ledger, &Charge { request_id, amount })
                })
                .collect();
            (ledger, receipts)
        },
        |(ledger, receipts)| {
            let mut out = String::new();
            for ((id, amount), r) in charges.iter().zip(&receipts) {
                out += &format!(
                    "charge {amount} for request {id}: receipt for request {}, total after {}\n",
                    r.request_id, r.total_after
                );
            }
            out += &format!("total charged: {} (meant 22)\n", ledger.total);
            out += &format!("charges applied: {} (meant 3)\n", ledger.applied);
            out
        },
    )
}

/// Exercise 3: chunks of known sums, and the messages that arrive.
pub fn check_lock_to_channel(
    send_subtotals: fn(&[Vec<u64>], Sender<u64>),
) -> String {
    check_lock_to_channel_within(CHECK_LIMIT, send_subtotals)
}

/// [`check_lock_to_channel`] with its watchdog's bound: an attempt that
/// waits on a channel whose sender it still holds is reported after
/// `limit` instead of hanging the check.
pub fn check_lock_to_channel_within(
    limit: Duration,
    send_subtotals: fn(&[Vec<u64>], Sender<u64>),
) -> String {
    bounded(limit, move || describe_subtotals(send_subtotals))
}

fn describe_subtotals(send_subtotals: fn(&[Vec<u64>], Sender<u64>)) -> String {
    let chunks: Vec<Vec<u64>> = (0..4u64)
        .map(|c| (c * 1_000..(c + 1) * 1_000).collect())
        .collect();
    let (subtotals, inbox) = channel::unbounded();
    attempt(
        || send_subtotals(&chunks, subtotals),
        |()| {
            // Every message was sent before the function returned.
            let mut got: Vec<u64> = inbox.try_iter().collect();
            got.sort_unstable();
            let mut want: Vec<u64> = chunks.iter().map(|c| c.iter().sum()).collect();
            want.sort_unstable();
            format!(
                "messages received: {} (one per chunk: {})\n\
                 each message is one chunk's sum: {}\n\
                 total: {} (want {})\n",
                got.len(),
                yes(got.len() == chunks.len()),
                yes(got == want),
                group_thousands(got.iter().sum::<u64>()),
                group_thousands(want.iter().sum::<u64>()),
            )
        },
    )
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
