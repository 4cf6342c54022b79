//! `timeouts`: rule 5, put a timeout on every external call.
//!
//! The server here takes requests and never answers, yet keeps each reply
//! channel open — to the caller, indistinguishable from a slow server. A
//! caller without a deadline waits forever; the demo bounds that wait with
//! a watchdog, then shuts the server down so the stuck thread can end.
//! Callers with a deadline fail fast, three ways: `recv_timeout`,
//! crossbeam's `select!` with a deadline, and `tokio::time::timeout`.

use crate::{Context, Results, need};
use crossbeam::channel::{self, Receiver, RecvTimeoutError, Sender};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::thread;
use std::time::{Duration, Instant};

/// A request carries the channel its answer should come back on.
pub type Request = Sender<String>;

/// Why a call returned without an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
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

/// What `timeouts` measured, durations in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timeouts {
    pub deadline: f64,
    pub watchdog: f64,
    /// The caller without a deadline: whether it was still waiting when
    /// the watchdog fired, what it finally returned, and how long it took.
    pub naive_stuck: bool,
    pub naive: Call,
    /// The callers with a deadline.
    pub bounded: Vec<Call>,
    /// Requests the silent server took and never answered.
    pub swallowed: usize,
}

/// The ways of calling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Way {
    Recv,
    RecvTimeout,
    Select,
    TokioTimeout,
}

impl Way {
    pub fn name(self) -> &'static str {
        match self {
            Way::Recv => "no deadline: recv()",
            Way::RecvTimeout => "recv_timeout",
            Way::Select => "select! with a deadline",
            Way::TokioTimeout => "tokio::time::timeout",
        }
    }
}

/// One way of calling, and what it did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub way: Way,
    pub result: Result<String, CallError>,
    pub waited: f64,
}

fn timed(way: Way, call: impl FnOnce() -> Result<String, CallError>) -> Call {
    let start = Instant::now();
    let result = call();
    Call {
        way,
        result,
        waited: start.elapsed().as_secs_f64(),
    }
}

fn describe(result: &Result<String, CallError>) -> String {
    match result {
        Ok(text) => format!("answer: {text}"),
        Err(CallError::TimedOut) => "timed out".into(),
        Err(CallError::ServerGone) => "server gone".into(),
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let (deadline, watchdog) = (context.sizes.deadline, context.sizes.watchdog);
    let mut stuck = false;
    let naive = timed(Way::Recv, || {
        let (was_stuck, result) = naive_under_watchdog(watchdog);
        stuck = was_stuck;
        result
    });

    let server = SilentServer::start();
    let mut bounded = vec![
        timed(Way::RecvTimeout, || {
            call_with_deadline(&server.requests, deadline)
        }),
        timed(Way::Select, || call_with_select(&server.requests, deadline)),
    ];
    let swallowed = server.shut_down();
    bounded.push(timed(Way::TokioTimeout, || {
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
    results.timeouts = Some(Timeouts {
        deadline: deadline.as_secs_f64(),
        watchdog: watchdog.as_secs_f64(),
        naive_stuck: stuck,
        naive,
        bounded,
        swallowed,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let timeouts = need(&results.timeouts, "timeouts")?;
    let mut report = SectionReport::new(
        "timeouts",
        "Rule 5: put a timeout on every external call. A server that never \
         answers: the caller without a deadline is stuck (a watchdog ends the \
         demo); callers with one fail fast.",
    );
    report.table(calls_table(timeouts));
    check_calls(&mut report, timeouts);
    report.note(
        "A timeout turns 'hangs forever' into an error the caller can handle: \
         retry (safely, if the call is idempotent — see idempotency), fall back, \
         or report. Python spells it queue.get(timeout=…), future.result(timeout=…) \
         and asyncio.wait_for(…, timeout).",
    );
    Ok(report)
}

/// What must hold: stuck without a deadline, timed out within one with it.
fn check_calls(report: &mut SectionReport, timeouts: &Timeouts) {
    let (deadline, watchdog) = (timeouts.deadline, timeouts.watchdog);
    report.check(
        timeouts.naive_stuck && timeouts.naive.result == Err(CallError::ServerGone),
        "without a deadline the caller was still waiting when the watchdog fired",
    );
    let bounded = &timeouts.bounded;
    report.check(
        !bounded.is_empty()
            && bounded.iter().all(|c| c.result == Err(CallError::TimedOut)),
        "every caller with a deadline failed with 'timed out'",
    );
    report.check(
        bounded
            .iter()
            .all(|c| c.waited >= deadline && c.waited < watchdog),
        "each waited at least its deadline, and far less than the watchdog",
    );
    report.check(
        timeouts.swallowed == 2,
        "the silent server swallowed both requests",
    );
}

/// One row per caller: how its call ended and how long it waited.
fn calls_table(timeouts: &Timeouts) -> Table {
    let (deadline, watchdog) = (timeouts.deadline, timeouts.watchdog);
    let mut table = Table::new(
        format!(
            "Calling a server that never answers (deadline {} ms, watchdog {} ms)",
            super::millis(deadline),
            super::millis(watchdog)
        ),
        &["caller", "outcome", "waited"],
    );
    let stuck_text = if timeouts.naive_stuck {
        "stuck until the watchdog; then server gone"
    } else {
        "returned on its own"
    };
    table.push(vec![
        Cell::text(timeouts.naive.way.name()),
        Cell::text(stuck_text),
        Cell::Seconds(timeouts.naive.waited),
    ]);
    for call in &timeouts.bounded {
        table.push(vec![
            Cell::text(call.way.name()),
            Cell::text(describe(&call.result)),
            Cell::Seconds(call.waited),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up(stuck: bool, waited: f64) -> Results {
        let call = |way, result, waited| Call {
            way,
            result,
            waited,
        };
        let timed_out = Err(CallError::TimedOut);
        Results {
            timeouts: Some(Timeouts {
                deadline: 0.05,
                watchdog: 0.5,
                naive_stuck: stuck,
                naive: call(Way::Recv, Err(CallError::ServerGone), 0.5),
                bounded: vec![
                    call(Way::RecvTimeout, timed_out.clone(), waited),
                    call(Way::Select, timed_out.clone(), 0.051),
                    call(Way::TokioTimeout, timed_out, 0.051),
                ],
                swallowed: 2,
            }),
            ..Results::default()
        }
    }

    #[test]
    fn stuck_without_a_deadline_and_fast_with_one_holds() {
        let good = report(&made_up(true, 0.051)).unwrap();
        assert!(good.checks().all(|c| c.holds), "{good:?}");
    }

    #[test]
    fn a_caller_that_returned_on_its_own_or_too_early_is_broken() {
        let unstuck = report(&made_up(false, 0.051)).unwrap();
        assert_eq!(unstuck.broken().len(), 1, "{unstuck:?}");
        assert!(unstuck.broken()[0].claim.contains("watchdog fired"));
        let early = report(&made_up(true, 0.01)).unwrap();
        assert_eq!(early.broken().len(), 1);
        assert!(early.broken()[0].claim.contains("at least its deadline"));
    }

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
