//! A bounded channel is a queue with back-pressure: when the consumer is
//! slow, the producer waits instead of the queue growing without limit.
//! Python's `queue.Queue(maxsize=N)` does the same.

use super::{Demo, Saw};
use crate::sizes::Sizes;
use crossbeam::channel::{self, Receiver, Sender, TrySendError};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::thread;
use std::time::{Duration, Instant};

/// With nobody receiving yet: a bounded channel refuses the message past
/// its capacity (the producer learns to wait), an unbounded one takes all.
pub fn demo(sizes: &Sizes) -> Demo {
    let (send, _keep_open) = channel::bounded::<usize>(sizes.capacity);
    let mut accepted = 0;
    let refused = loop {
        match send.try_send(accepted) {
            Ok(()) => accepted += 1,
            Err(TrySendError::Full(_)) => break true,
            Err(TrySendError::Disconnected(_)) => break false,
        }
        if accepted > sizes.messages {
            break false; // a bound on the loop, should the channel not fill
        }
    };
    Demo {
        saw: Saw::BoundedChannel {
            capacity: sizes.capacity,
            accepted,
        },
        holds: refused && accepted == sizes.capacity,
    }
}

/// What a fast producer and a slow consumer did through each queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    /// The bounded queue's capacity, the messages sent, and the seconds
    /// the consumer pauses after each.
    pub capacity: usize,
    pub messages: usize,
    pub consumer_delay: f64,
    /// The most messages ever waiting in the queue.
    pub bounded_peak: usize,
    pub unbounded_peak: usize,
    /// How long the producer took to send every message, in seconds.
    pub bounded_send_time: f64,
    pub unbounded_send_time: f64,
    /// The least time the bounded producer can take: until the consumer
    /// has taken all but `capacity` messages, pausing after each.
    pub lower_bound: f64,
}

// ANCHOR: flow
/// Sends `messages` as fast as it can to a consumer that pauses `delay`
/// after each one; returns the longest the queue got and the send time.
fn produce(
    (send, receive): (Sender<usize>, Receiver<usize>),
    messages: usize,
    delay: Duration,
) -> (usize, Duration) {
    thread::scope(|s| {
        let consumer = s.spawn(move || {
            let mut taken = 0;
            // recv_timeout: a stuck producer cannot hang the consumer.
            while receive.recv_timeout(Duration::from_secs(10)).is_ok() {
                taken += 1;
                thread::sleep(delay); // a slow consumer
            }
            taken
        });
        let start = Instant::now();
        let mut peak = 0;
        for m in 0..messages {
            send.send(m).expect("the consumer is alive"); // waits when full
            peak = peak.max(send.len());
        }
        let took = start.elapsed();
        drop(send); // ends the consumer's loop
        let taken = consumer.join().expect("the consumer panicked");
        assert_eq!(taken, messages, "every message arrives");
        (peak, took)
    })
}
// ANCHOR_END: flow

pub fn flow(sizes: &Sizes) -> Flow {
    let (m, d) = (sizes.messages, sizes.consumer_delay);
    let (bounded_peak, bounded_send_time) =
        produce(channel::bounded(sizes.capacity), m, d);
    // The unbounded producer never waits. No consumer here: what it shows
    // (everything queued at once) must not depend on how threads are
    // scheduled.
    let (send, _receive) = channel::unbounded();
    let start = Instant::now();
    for i in 0..m {
        let _ = send.send(i);
    }
    let unbounded_send_time = start.elapsed();
    let unbounded_peak = send.len();
    let waits = m.saturating_sub(sizes.capacity + 1) as u32;
    Flow {
        capacity: sizes.capacity,
        messages: m,
        consumer_delay: d.as_secs_f64(),
        bounded_peak,
        unbounded_peak,
        bounded_send_time: bounded_send_time.as_secs_f64(),
        unbounded_send_time: unbounded_send_time.as_secs_f64(),
        lower_bound: (d * waits).as_secs_f64(),
    }
}

/// The table, and the checks that the bounded queue held the producer back.
pub fn report(report: &mut SectionReport, flow: &Flow) {
    report.table(table(flow));
    report.check(
        flow.bounded_peak <= flow.capacity,
        "the bounded queue never held more than its capacity",
    );
    report.check(
        flow.bounded_send_time >= flow.lower_bound,
        "the producer was held back to the consumer's pace",
    );
    report.check(
        flow.unbounded_peak == flow.messages,
        "the unbounded queue took every message at once",
    );
}

fn table(flow: &Flow) -> Table {
    let mut table = Table::new(
        format!(
            "A producer sends {} messages; the consumer pauses {} ms after each",
            flow.messages,
            super::super::millis(flow.consumer_delay)
        ),
        &["queue", "most ever waiting", "producer's send time"],
    );
    table.push(vec![
        Cell::text(format!("bounded({})", flow.capacity)),
        Cell::Tally(flow.bounded_peak as u64),
        Cell::Seconds(flow.bounded_send_time),
    ]);
    table.push(vec![
        Cell::text("unbounded"),
        Cell::Count(flow.unbounded_peak as u64),
        Cell::Seconds(flow.unbounded_send_time),
    ]);
    table
}
