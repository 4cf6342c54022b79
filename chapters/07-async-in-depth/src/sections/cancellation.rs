//! `cancellation`: asyncio cancels a task by raising `CancelledError` at
//! its current `await`, and the coroutine may catch it. Rust has no such
//! exception: a future is cancelled by dropping it, so it stops at the
//! `.await` where it last returned `Pending`, runs its `Drop`s, and nothing
//! more of it ever runs. That makes every `.await` a place where work can
//! end, which is what a careless `select!` loop gets wrong.
//!
//! Every demo here runs on a paused tokio clock: time moves only when every
//! task waits, so each step count is exact on any machine.

use crate::hand_written::YieldNow;
use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Waker;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::time::{Instant, sleep, sleep_until};

/// What `cancellation` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cancellation {
    /// What a future polled once, then dropped, wrote to its log.
    pub dropped_midway: Vec<String>,
    pub select: SelectLoss,
    pub handles: Handles,
    pub timeout: TimedOut,
}

/// Messages sent in two halves, read by a `select!` loop that also
/// handles a ticker, two ways.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelectLoss {
    pub sent: u64,
    pub lossy: Received,
    pub cancel_safe: Received,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Received {
    /// Messages whose header and body belong together.
    pub intact: u64,
    /// Pairs made of halves of two different messages.
    pub garbled: u64,
    /// Halves taken from the channel and never delivered.
    pub halves_lost: u64,
    pub ticks: u64,
}

/// A ticking task's count, when its handle went and a while later.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handles {
    pub dropped: Ticks,
    pub aborted: Ticks,
    /// `handle.await` after `abort()` said the task was cancelled.
    pub abort_reported_cancelled: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ticks {
    pub at_the_time: u64,
    pub later: u64,
}

/// Five steps of work under a timeout that falls during the third.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedOut {
    pub timed_out: bool,
    pub steps_at_timeout: u64,
    pub steps_later: u64,
    pub cleanup_ran: bool,
}

type Log = Arc<Mutex<Vec<String>>>;

fn write(log: &Log, line: &str) {
    log.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(line.to_string());
}

// ANCHOR: cleanup
/// Something a future holds that must be let go: a connection, a lock, a
/// temporary file. Its `Drop` is the only code of a cancelled future that
/// still runs (Python's `finally:`, without the chance to `await`).
struct Cleanup(Log);

impl Drop for Cleanup {
    fn drop(&mut self) {
        write(&self.0, "cleanup (its Drop ran)");
    }
}
// ANCHOR_END: cleanup

fn dropped_midway() -> Vec<String> {
    let log = Log::default();
    // ANCHOR: midway
    let steps = {
        let log = log.clone();
        async move {
            let _cleanup = Cleanup(log.clone());
            write(&log, "step 1");
            YieldNow::default().await; // the only places it can stop
            write(&log, "step 2");
            YieldNow::default().await;
            write(&log, "step 3");
        }
    };
    let mut future = Box::pin(steps);
    let mut context = std::task::Context::from_waker(Waker::noop());
    let _ = future.as_mut().poll(&mut context); // runs to the first .await
    drop(future); // cancelled: step 2 never runs, the Drop does
    // ANCHOR_END: midway
    let lines = log.lock().unwrap_or_else(PoisonError::into_inner);
    lines.clone()
}

/// One half of a message: `(message number, 'h' or 'b')`.
pub type Half = (u64, char);

/// How far apart the ticker ticks; the halves of each message come
/// further apart than that, so a tick always falls between them.
pub const TICK: Duration = Duration::from_millis(10);

/// Sends `messages` messages, each a header then (15 ms later) a body.
pub async fn produce(halves: UnboundedSender<Half>, messages: u64) {
    let start = Instant::now();
    for id in 0..messages {
        let at = start + Duration::from_millis(25 * id);
        sleep_until(at + Duration::from_millis(2)).await;
        let _ = halves.send((id, 'h'));
        sleep_until(at + Duration::from_millis(17)).await;
        let _ = halves.send((id, 'b'));
    }
}

// ANCHOR: read_message
/// Reads one message: a header, then a body. Not cancel-safe: dropped
/// between its two `.await`s, it takes the header it read with it.
async fn read_message(halves: &mut UnboundedReceiver<Half>) -> Option<(Half, Half)> {
    let header = halves.recv().await?;
    let body = halves.recv().await?;
    Some((header, body))
}
// ANCHOR_END: read_message

async fn lossy(mut halves: UnboundedReceiver<Half>) -> (Vec<(Half, Half)>, u64) {
    let (mut messages, mut ticks) = (Vec::new(), 0);
    let mut ticker = tokio::time::interval_at(Instant::now() + TICK, TICK);
    // ANCHOR: lossy
    loop {
        tokio::select! {
            biased;
            message = read_message(&mut halves) => match message {
                Some(message) => messages.push(message),
                None => break,
            },
            // When the tick wins, the read_message future is dropped,
            // and with it a header it had already taken.
            _ = ticker.tick() => ticks += 1,
        }
    }
    // ANCHOR_END: lossy
    (messages, ticks)
}

async fn cancel_safe(
    mut halves: UnboundedReceiver<Half>,
) -> (Vec<(Half, Half)>, u64) {
    let (mut messages, mut ticks) = (Vec::new(), 0);
    let mut ticker = tokio::time::interval_at(Instant::now() + TICK, TICK);
    // ANCHOR: cancel_safe
    let mut header = None; // outlives every select!: nothing is lost
    loop {
        tokio::select! {
            biased;
            // recv() is cancel-safe: it takes a half only when it wins.
            half = halves.recv() => match (half, header.take()) {
                (None, _) => break,
                (Some(first), None) => header = Some(first),
                (Some(body), Some(first)) => messages.push((first, body)),
            },
            _ = ticker.tick() => ticks += 1,
        }
    }
    // ANCHOR_END: cancel_safe
    (messages, ticks)
}

/// Runs `read` against the producer on a paused clock.
fn received<F, R>(messages: u64, read: R) -> anyhow::Result<Received>
where
    R: FnOnce(UnboundedReceiver<Half>) -> F,
    F: Future<Output = (Vec<(Half, Half)>, u64)>,
{
    let (send, halves) = unbounded_channel();
    let (pairs, ticks) = paused_runtime()?.block_on(async {
        tokio::spawn(produce(send, messages));
        tokio::time::timeout(BOUND, read(halves)).await
    })?;
    let intact = pairs
        .iter()
        .filter(|((a, h), (b, c))| a == b && *h == 'h' && *c == 'b')
        .count() as u64;
    let garbled = pairs.len() as u64 - intact;
    Ok(Received {
        intact,
        garbled,
        halves_lost: 2 * messages - 2 * pairs.len() as u64,
        ticks,
    })
}

/// A current-thread runtime whose clock moves only when every task waits.
pub fn paused_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
}

/// How far apart [`ticker`] ticks.
pub const TICKER_PERIOD: Duration = Duration::from_millis(2);

/// Counts a tick every [`TICKER_PERIOD`], the first 1 ms after it starts.
/// Started at a whole even millisecond, as every task here is, it ticks
/// on odd ones, and the demos' waits end on even ones. Keeping them apart
/// needs whole milliseconds: tokio rounds every deadline up to the next
/// one, so a half-millisecond offset would land on a tick after all, and
/// a count would rest on which of two tasks woken at the same instant ran
/// first.
pub async fn ticker(count: Arc<AtomicU64>) {
    let first = Instant::now() + Duration::from_millis(1);
    let mut ticks = tokio::time::interval_at(first, TICKER_PERIOD);
    loop {
        ticks.tick().await;
        count.fetch_add(1, Ordering::SeqCst);
    }
}

/// Ten ticks' worth, in whole even milliseconds: between two ticks.
const WHILE: Duration = Duration::from_millis(20);

async fn handles() -> anyhow::Result<Handles> {
    let count = |c: &Arc<AtomicU64>| c.load(Ordering::SeqCst);
    // ANCHOR: abort
    let dropped_count = Arc::new(AtomicU64::new(0));
    let dropped = tokio::spawn(ticker(dropped_count.clone()));
    sleep(WHILE).await;
    drop(dropped); // detaches: the task goes on, unseen
    let at_drop = count(&dropped_count);

    let aborted_count = Arc::new(AtomicU64::new(0));
    let aborted = tokio::spawn(ticker(aborted_count.clone()));
    sleep(WHILE).await;
    aborted.abort(); // cancels: dropped at its next .await
    let at_abort = count(&aborted_count);
    let outcome = tokio::time::timeout(BOUND, aborted).await?;
    // ANCHOR_END: abort
    sleep(WHILE).await;
    Ok(Handles {
        dropped: Ticks {
            at_the_time: at_drop,
            later: count(&dropped_count),
        },
        aborted: Ticks {
            at_the_time: at_abort,
            later: count(&aborted_count),
        },
        abort_reported_cancelled: outcome.is_err_and(|e| e.is_cancelled()),
    })
}

async fn timed_out() -> TimedOut {
    let log = Log::default();
    let steps = Arc::new(AtomicU64::new(0));
    let work = {
        let (log, steps) = (log.clone(), steps.clone());
        async move {
            let _cleanup = Cleanup(log);
            for _ in 0..5 {
                sleep(Duration::from_millis(4)).await;
                steps.fetch_add(1, Ordering::SeqCst);
            }
        }
    };
    // ANCHOR: timeout
    let outcome = tokio::time::timeout(Duration::from_millis(10), work).await;
    // ANCHOR_END: timeout
    let steps_at_timeout = steps.load(Ordering::SeqCst);
    sleep(Duration::from_millis(50)).await;
    let cleanup_ran = !log
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .is_empty();
    TimedOut {
        timed_out: outcome.is_err(),
        steps_at_timeout,
        steps_later: steps.load(Ordering::SeqCst),
        cleanup_ran,
    }
}

/// Messages the `select!` demo sends.
pub const MESSAGES: u64 = 5;

pub fn measure(_context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let select = SelectLoss {
        sent: MESSAGES,
        lossy: received(MESSAGES, lossy)?,
        cancel_safe: received(MESSAGES, cancel_safe)?,
    };
    let (handles, timeout) = paused_runtime()?
        .block_on(async { anyhow::Ok((handles().await?, timed_out().await)) })?;
    results.cancellation = Some(Cancellation {
        dropped_midway: dropped_midway(),
        select,
        handles,
        timeout,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let cancellation = need(&results.cancellation, "cancellation")?;
    let mut report = SectionReport::new(
        "cancellation",
        "A Rust future is cancelled by dropping it: it stops at the .await \
         where it waited, only its Drops run, and whatever it had taken and \
         not yet handed on is lost. Cancel-safe code keeps such state outside \
         the future that may be dropped.",
    );
    let log = &cancellation.dropped_midway;
    report.note(format!(
        "Polled once, then dropped, a three-step future wrote: {}.",
        log.join("; ")
    ));
    report.check(
        *log == ["step 1", "cleanup (its Drop ran)"],
        "it ran up to its first .await and no further, and its Drop ran",
    );
    select_report(&mut report, &cancellation.select);
    handles_report(&mut report, &cancellation.handles);
    timeout_report(&mut report, &cancellation.timeout);
    Ok(report)
}

fn select_report(report: &mut SectionReport, select: &SelectLoss) {
    let mut table = Table::new(
        format!(
            "{} messages sent in two halves, read by a select! loop beside a ticker",
            select.sent
        ),
        &["loop", "intact", "garbled", "halves lost", "ticks"],
    );
    for (name, got) in [
        ("read_message() in select!", &select.lossy),
        (
            "recv() in select!, header kept outside",
            &select.cancel_safe,
        ),
    ] {
        table.push(vec![
            Cell::text(name),
            Cell::Count(got.intact),
            Cell::Count(got.garbled),
            Cell::Count(got.halves_lost),
            Cell::Count(got.ticks),
        ]);
    }
    report.table(table);
    let lossy = &select.lossy;
    report.check(
        lossy.intact < select.sent && lossy.halves_lost + lossy.garbled > 0,
        "the loop that select!s on read_message() lost halves: each tick \
         dropped a read that held a half",
    );
    let safe = &select.cancel_safe;
    report.check(
        (safe.intact, safe.garbled, safe.halves_lost) == (select.sent, 0, 0),
        "the loop that keeps the half it read outside select! got every \
         message intact, with as many ticks",
    );
}

fn handles_report(report: &mut SectionReport, handles: &Handles) {
    let mut table = Table::new(
        "A task ticking every 2 ms, its JoinHandle dropped or aborted",
        &["handle", "ticks then", "ticks later"],
    );
    for (name, ticks) in
        [("dropped", &handles.dropped), ("abort()", &handles.aborted)]
    {
        table.push(vec![
            Cell::text(name),
            Cell::Count(ticks.at_the_time),
            Cell::Count(ticks.later),
        ]);
    }
    report.table(table);
    report.check(
        handles.dropped.later > handles.dropped.at_the_time,
        "dropping a JoinHandle detaches the task: it kept ticking",
    );
    report.check(
        handles.aborted.later == handles.aborted.at_the_time
            && handles.abort_reported_cancelled,
        "abort() stopped the task, and awaiting its handle said cancelled \
         (Python: task.cancel(), then CancelledError)",
    );
}

fn timeout_report(report: &mut SectionReport, timeout: &TimedOut) {
    report.note(format!(
        "Five 4 ms steps under a 10 ms timeout: {} steps done when it fired, \
         {} a while later; cleanup ran: {}.",
        timeout.steps_at_timeout, timeout.steps_later, timeout.cleanup_ran
    ));
    report.check(
        timeout.timed_out
            && timeout.steps_at_timeout == 2
            && timeout.steps_later == 2
            && timeout.cleanup_ran,
        "a timeout is a cancellation: the work stopped in its third step's \
         wait, never resumed, and dropped what it held",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> Cancellation {
        let ticks = |at_the_time, later| Ticks { at_the_time, later };
        Cancellation {
            dropped_midway: vec!["step 1".into(), "cleanup (its Drop ran)".into()],
            select: SelectLoss {
                sent: 5,
                lossy: Received {
                    intact: 0,
                    garbled: 0,
                    halves_lost: 10,
                    ticks: 11,
                },
                cancel_safe: Received {
                    intact: 5,
                    ticks: 11,
                    ..Received::default()
                },
            },
            handles: Handles {
                dropped: ticks(10, 20),
                aborted: ticks(10, 10),
                abort_reported_cancelled: true,
            },
            timeout: TimedOut {
                timed_out: true,
                steps_at_timeout: 2,
                steps_later: 2,
                cleanup_ran: true,
            },
        }
    }

    fn report_of(cancellation: Cancellation) -> SectionReport {
        let results = Results {
            cancellation: Some(cancellation),
            ..Results::default()
        };
        report(&results).unwrap()
    }

    #[test]
    fn a_correct_run_holds_every_check() {
        let report = report_of(honest());
        assert!(report.checks().all(|c| c.holds), "{report:?}");
    }

    #[test]
    fn a_lost_half_a_task_past_abort_or_work_past_its_timeout_is_broken() {
        let mut ran_on = honest();
        ran_on.dropped_midway.insert(1, "step 2".into());
        let mut safe_lost_one = honest();
        safe_lost_one.select.cancel_safe.halves_lost = 1;
        let mut lossy_lost_none = honest();
        lossy_lost_none.select.lossy = lossy_lost_none.select.cancel_safe.clone();
        let mut ran_past_abort = honest();
        ran_past_abort.handles.aborted.later += 1;
        let mut resumed = honest();
        resumed.timeout.steps_later = 3;
        for broken in [
            ran_on,
            safe_lost_one,
            lossy_lost_none,
            ran_past_abort,
            resumed,
        ] {
            assert_eq!(report_of(broken).broken().len(), 1);
        }
    }

    /// Why the ticker and the waits are kept a whole millisecond apart.
    #[test]
    fn tokio_rounds_a_deadline_up_to_a_whole_millisecond() {
        let elapsed = paused_runtime().unwrap().block_on(async {
            let start = Instant::now();
            sleep(Duration::from_micros(10_500)).await;
            start.elapsed()
        });
        assert_eq!(elapsed, Duration::from_millis(11));
    }

    #[test]
    fn the_paused_clock_makes_every_count_exact() {
        let mut results = Results::default();
        measure(&mut Context::new(crate::sizes::Sizes::tiny()), &mut results)
            .unwrap();
        let mut seen = results.cancellation.unwrap();
        // The detached task ticks on through the abort demo after it.
        assert!(seen.handles.dropped.later >= 20, "{seen:?}");
        seen.handles.dropped.later = 20;
        assert_eq!(seen, honest());
    }
}
