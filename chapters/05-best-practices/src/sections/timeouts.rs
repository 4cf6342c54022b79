//! `timeouts`: rule 5, put a timeout on every external call.
//!
//! The server here takes requests and never answers, yet keeps each reply
//! channel open — to the caller, indistinguishable from a slow server. A
//! caller without a deadline waits forever; the demo bounds that wait with
//! a watchdog, then shuts the server down so the stuck thread can end.
//! Callers with a deadline fail fast, three ways: `recv_timeout`,
//! crossbeam's `select!` with a deadline, and `tokio::time::timeout`.

use crate::Context;
use crossbeam::channel::{self, Receiver, RecvTimeoutError, Sender};
use shared::report::{Cell, SectionReport, Table};
use std::thread;
use std::time::{Duration, Instant};

/// A request carries the channel its answer should come back on.
pub type Request = Sender<String>;

/// Why a call returned without an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallError {
    /// No answer within the deadline.
    TimedOut,
    /// The server closed the reply channel.
    ServerGone,
}

/// A server that never answers. Dropping `stop` shuts it down; the reply
/// channels it held close with it.
pub struct SilentServer {
    pub requests: Sender<Request>,
    stop: Sender<()>,
    thread: thread::JoinHandle<usize>,
}

impl SilentServer {
    pub fn start() -> SilentServer {
        let (requests, inbox) = channel::unbounded::<Request>();
        let (stop, stopped) = channel::bounded::<()>(1);
        let thread = thread::spawn(move || hold_forever(&inbox, &stopped));
        SilentServer {
            requests,
            stop,
            thread,
        }
    }

    /// Shuts the server down; returns how many requests it swallowed.
    pub fn shut_down(self) -> usize {
        drop(self.stop);
        drop(self.requests);
        self.thread.join().unwrap_or(0)
    }
}

/// Takes requests and keeps their reply channels, answering none, until
/// told to stop.
fn hold_forever(inbox: &Receiver<Request>, stopped: &Receiver<()>) -> usize {
    let mut held = Vec::new();
    loop {
        channel::select! {
            recv(inbox) -> request => match request {
                Ok(reply) => held.push(reply),
                Err(_) => return held.len(),
            },
            recv(stopped) -> _ => return held.len(),
        }
    }
}

// ANCHOR: naive
/// Before: send, then wait for the answer as long as it takes.
pub fn call_naive(server: &Sender<Request>) -> Result<String, CallError> {
    let (reply, answer) = channel::bounded(1);
    server.send(reply).map_err(|_| CallError::ServerGone)?;
    answer.recv().map_err(|_| CallError::ServerGone) // no bound at all
}
// ANCHOR_END: naive

// ANCHOR: recv_timeout
/// After: wait at most `deadline`.
pub fn call_with_deadline(
    server: &Sender<Request>,
    deadline: Duration,
) -> Result<String, CallError> {
    let (reply, answer) = channel::bounded(1);
    server.send(reply).map_err(|_| CallError::ServerGone)?;
    answer.recv_timeout(deadline).map_err(|e| match e {
        RecvTimeoutError::Timeout => CallError::TimedOut,
        RecvTimeoutError::Disconnected => CallError::ServerGone,
    })
}
// ANCHOR_END: recv_timeout

// ANCHOR: select
/// After, with `select!`: the answer or the deadline, whichever is first.
/// The same shape waits on several servers, or on a cancel signal too.
pub fn call_with_select(
    server: &Sender<Request>,
    deadline: Duration,
) -> Result<String, CallError> {
    let (reply, answer) = channel::bounded(1);
    server.send(reply).map_err(|_| CallError::ServerGone)?;
    channel::select! {
        recv(answer) -> got => got.map_err(|_| CallError::ServerGone),
        recv(channel::after(deadline)) -> _ => Err(CallError::TimedOut),
    }
}
// ANCHOR_END: select

// ANCHOR: tokio
/// After, in async code: any future can be given a deadline.
pub async fn call_async(
    server: &tokio::sync::mpsc::Sender<tokio::sync::oneshot::Sender<String>>,
    deadline: Duration,
) -> Result<String, CallError> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    server
        .send(reply)
        .await
        .map_err(|_| CallError::ServerGone)?;
    match tokio::time::timeout(deadline, answer).await {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(_)) => Err(CallError::ServerGone),
        Err(_elapsed) => Err(CallError::TimedOut),
    }
}
// ANCHOR_END: tokio

// ANCHOR: watchdog
/// Runs the naive call on a thread and watches it for `watchdog`. Returns
/// whether it was still stuck then, and what the call finally returned
/// once the server was shut down.
pub fn naive_under_watchdog(
    watchdog: Duration,
) -> (bool, Result<String, CallError>) {
    let server = SilentServer::start();
    let requests = server.requests.clone();
    let (done, finished) = channel::bounded(1);
    let caller = thread::spawn(move || {
        let result = call_naive(&requests);
        let _ = done.send(());
        result
    });
    let stuck = finished.recv_timeout(watchdog).is_err();
    server.shut_down(); // closes the reply channel the caller waits on
    let result = caller.join().unwrap_or(Err(CallError::ServerGone));
    (stuck, result)
}
// ANCHOR_END: watchdog

/// One way of calling, and what it did.
struct Row {
    way: &'static str,
    result: Result<String, CallError>,
    waited: Duration,
}

fn timed(
    way: &'static str,
    call: impl FnOnce() -> Result<String, CallError>,
) -> Row {
    let start = Instant::now();
    let result = call();
    Row {
        way,
        result,
        waited: start.elapsed(),
    }
}

fn describe(result: &Result<String, CallError>) -> String {
    match result {
        Ok(text) => format!("answer: {text}"),
        Err(CallError::TimedOut) => "timed out".into(),
        Err(CallError::ServerGone) => "server gone".into(),
    }
}

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let (deadline, watchdog) = (context.sizes.deadline, context.sizes.watchdog);
    let mut report = SectionReport::new(
        "timeouts",
        "Rule 5: put a timeout on every external call. A server that never \
         answers: the caller without a deadline is stuck (a watchdog ends the \
         demo); callers with one fail fast.",
    );
    let start = Instant::now();
    let (stuck, naive_result) = naive_under_watchdog(watchdog);
    let naive_waited = start.elapsed();

    let server = SilentServer::start();
    let mut rows = vec![
        timed("recv_timeout", || {
            call_with_deadline(&server.requests, deadline)
        }),
        timed("select! with a deadline", || {
            call_with_select(&server.requests, deadline)
        }),
    ];
    let swallowed = server.shut_down();
    rows.push(timed("tokio::time::timeout", || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(|_| CallError::ServerGone)?;
        runtime.block_on(async {
            let (server, mut inbox) = tokio::sync::mpsc::channel(8);
            let silent = tokio::spawn(async move {
                let mut held = Vec::new();
                while let Some(reply) = inbox.recv().await {
                    held.push(reply); // kept open, never answered
                }
            });
            let result = call_async(&server, deadline).await;
            drop(server);
            let _ = silent.await;
            result
        })
    }));

    let mut table = Table::new(
        format!(
            "Calling a server that never answers (deadline {} ms, watchdog {} ms)",
            deadline.as_millis(),
            watchdog.as_millis()
        ),
        &["caller", "outcome", "waited"],
    );
    let stuck_text = if stuck {
        "stuck until the watchdog; then server gone"
    } else {
        "returned on its own"
    };
    table.push(vec![
        Cell::text("no deadline: recv()"),
        Cell::text(stuck_text),
        Cell::Seconds(naive_waited.as_secs_f64()),
    ]);
    for row in &rows {
        table.push(vec![
            Cell::text(row.way),
            Cell::text(describe(&row.result)),
            Cell::Seconds(row.waited.as_secs_f64()),
        ]);
    }
    report.table(table);
    report.check(
        stuck && naive_result == Err(CallError::ServerGone),
        "without a deadline the caller was still waiting when the watchdog fired",
    );
    report.check(
        rows.iter().all(|r| r.result == Err(CallError::TimedOut)),
        "every caller with a deadline failed with 'timed out'",
    );
    report.check(
        rows.iter()
            .all(|r| r.waited >= deadline && r.waited < watchdog),
        "each waited at least its deadline, and far less than the watchdog",
    );
    report.check(swallowed == 2, "the silent server swallowed both requests");
    report.note(
        "A timeout turns 'hangs forever' into an error the caller can handle: \
         retry (safely, if the call is idempotent — see idempotency), fall back, \
         or report. Python spells it queue.get(timeout=…), future.result(timeout=…) \
         and asyncio.wait_for(…, timeout).",
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With time paused the deadline is exact, and the test takes no time.
    #[tokio::test(start_paused = true)]
    async fn tokio_timeout_fails_at_the_deadline() {
        let (server, mut inbox) = tokio::sync::mpsc::channel(1);
        let held = tokio::spawn(async move { inbox.recv().await });
        let start = tokio::time::Instant::now();
        let result = call_async(&server, Duration::from_secs(30)).await;
        assert_eq!(result, Err(CallError::TimedOut));
        assert_eq!(start.elapsed(), Duration::from_secs(30));
        drop(held);
    }

    #[test]
    fn a_server_that_answers_is_not_timed_out() {
        let (server, inbox) = channel::unbounded::<Request>();
        let answering = thread::spawn(move || {
            for reply in inbox {
                let _ = reply.send("pong".into());
            }
        });
        let deadline = Duration::from_secs(10);
        assert_eq!(call_with_deadline(&server, deadline), Ok("pong".into()));
        assert_eq!(call_with_select(&server, deadline), Ok("pong".into()));
        drop(server);
        answering.join().unwrap();
    }
}
