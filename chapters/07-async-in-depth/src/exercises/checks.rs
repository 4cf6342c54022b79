//! The checks behind the exercises. Each describes what an attempt did in
//! words a snapshot can hold; none depends on timing: the async ones run
//! on a paused clock.

use super::read_messages::Delivered;
use crate::BOUND;
use crate::hand_written::Counted;
use crate::mini_executor::block_on;
use crate::sections::cancellation::{
    Half, MESSAGES, TICK, paused_runtime, produce, ticker,
};
use shared::exercise::{CHECK_LIMIT, attempt, bounded};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio::task::JoinHandle;
use tokio::time::{Instant, Interval, sleep};

/// How long the chapter's executor waits for a wake before it calls a
/// countdown stuck: far longer than a countdown that wakes takes.
const WAKE_LIMIT: Duration = Duration::from_secs(2);

/// Exercise 1: countdowns from 0 and from 3, on the chapter's executor,
/// each poll counted.
pub fn check_countdown<F>(countdown: fn(u32) -> F) -> String
where
    F: Future<Output = &'static str> + Send + 'static,
{
    bounded(CHECK_LIMIT, move || {
        let mut out = String::new();
        for left in [0, 3] {
            let polls = Arc::new(AtomicU64::new(0));
            let counted = Counted::new(countdown(left), polls.clone());
            out += &attempt(
                || block_on(counted, WAKE_LIMIT),
                |outcome| match outcome {
                    Ok(said) => format!(
                        "from {left}: {said:?} after {} polls\n",
                        polls.load(Ordering::Relaxed)
                    ),
                    Err(stuck) => format!(
                        "from {left}: {stuck} after {} polls \
                         (Pending without a wake?)\n",
                        polls.load(Ordering::Relaxed)
                    ),
                },
            );
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    })
}

/// Exercise 2: five messages in halves, a tick between every two halves.
pub fn check_read_messages<F>(
    read: fn(UnboundedReceiver<Half>, Interval) -> F,
) -> String
where
    F: Future<Output = Delivered> + 'static,
{
    bounded(CHECK_LIMIT, move || {
        let runtime = match paused_runtime() {
            Ok(runtime) => runtime,
            Err(err) => return format!("could not start a runtime: {err}"),
        };
        attempt(
            || {
                runtime.block_on(async {
                    let (send, halves) = unbounded_channel();
                    tokio::spawn(produce(send, MESSAGES));
                    let ticker =
                        tokio::time::interval_at(Instant::now() + TICK, TICK);
                    tokio::time::timeout(BOUND, read(halves, ticker)).await
                })
            },
            |delivered| match delivered {
                Ok(delivered) => {
                    let mut out = String::new();
                    for (header, body) in &delivered.messages {
                        out += &format!("message {header:?} + {body:?}\n");
                    }
                    out + &format!("ticks: {}\n", delivered.ticks)
                }
                Err(_) => "did not return once the halves' channel closed\n".into(),
            },
        )
    })
}

/// Exercise 3: three tasks ticking every 2 ms and one already finished;
/// is anything still ticking once `stop_all` returns?
pub fn check_stop_all<F>(stop_all: fn(Vec<JoinHandle<()>>) -> F) -> String
where
    F: Future<Output = usize> + 'static,
{
    bounded(CHECK_LIMIT, move || {
        let runtime = match paused_runtime() {
            Ok(runtime) => runtime,
            Err(err) => return format!("could not start a runtime: {err}"),
        };
        attempt(
            || {
                runtime.block_on(async {
                    let ticks = Arc::new(AtomicU64::new(0));
                    let mut tasks: Vec<_> = (0..3)
                        .map(|_| tokio::spawn(ticker(ticks.clone())))
                        .collect();
                    tasks.push(tokio::spawn(async {}));
                    sleep(Duration::from_millis(6)).await; // between two ticks
                    let cancelled =
                        tokio::time::timeout(BOUND, stop_all(tasks)).await;
                    let at_return = ticks.load(Ordering::SeqCst);
                    sleep(Duration::from_millis(20)).await;
                    (cancelled, at_return != ticks.load(Ordering::SeqCst))
                })
            },
            |(cancelled, still_ticking)| match cancelled {
                Ok(cancelled) => format!(
                    "cancelled: {cancelled}\n\
                     still ticking after stop_all returned: {}\n",
                    if still_ticking { "yes" } else { "no" }
                ),
                Err(_) => "stop_all did not return\n".into(),
            },
        )
    })
}
