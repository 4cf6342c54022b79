//! `events`: server-sent events from axum, read by reqwest, on loopback.
//! A burst as fast as the connection takes it, a paced stream and the lag
//! of each event, and the lesson an endless stream teaches: a graceful
//! stop waits for every response in flight, so a stream that never ends
//! must end itself when the stop begins.

use crate::events::{Tick, now_us, router};
use crate::server::RunningServer;
use crate::stats::percentile;
use crate::{Context, Results, need};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table, format_seconds};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Bound on every stream this section reads.
const TIMEOUT: Duration = Duration::from_secs(10);

/// How long the stop may wait on an endless stream before the server is
/// aborted: short, since the stream that ignores the signal always
/// reaches it.
pub const HOLD_BOUND: Duration = Duration::from_secs(1);

/// Events an endless stream delivers before the stop is asked for.
const BEFORE_STOP: u64 = 3;

/// What `events` measured, durations in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Events {
    pub burst: Delivery,
    pub paced: Delivery,
    pub every_ms: u64,
    /// The stop with an endless stream open: one that watches the
    /// shutdown signal, one that ignores it.
    pub stops: Vec<StreamStop>,
    pub hold_bound: f64,
}

/// One stream read to its end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub sent: u64,
    pub received: u64,
    /// The numbers came 0, 1, 2, … with none missing or repeated.
    pub in_order: bool,
    pub wall: f64,
    /// From the server's send to the client's parse of each event.
    pub lag_p50: f64,
    pub lag_p99: f64,
}

/// A graceful stop asked for while an endless stream was open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamStop {
    pub watches: bool,
    /// Events the client had read when the stop returned or gave up.
    pub received: u64,
    /// How long the stop took, or why it failed.
    pub stopped_in: Option<f64>,
    pub stop_error: Option<String>,
    /// The client saw the stream end without an error.
    pub ended_cleanly: bool,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let (burst, paced, every) =
        (sizes.events_burst, sizes.events_paced, sizes.events_every);
    results.events = Some(context.runtime()?.block_on(async move {
        let (burst, paced) = deliveries(burst, paced, every).await?;
        let mut stops = Vec::new();
        for watches in [true, false] {
            stops.push(stop_with_stream_open(watches, every).await?);
        }
        anyhow::Ok(Events {
            burst,
            paced,
            every_ms: every.as_millis() as u64,
            stops,
            hold_bound: HOLD_BOUND.as_secs_f64(),
        })
    })?);
    Ok(())
}

async fn deliveries(
    burst: u64,
    paced: u64,
    every: Duration,
) -> anyhow::Result<(Delivery, Delivery)> {
    let (_signal, shutting_down) = watch::channel(false);
    let server = RunningServer::start(router(shutting_down)).await?;
    let client = crate::client::async_client(TIMEOUT)?;
    let url = |count, every_ms| server.url(&format!("/events/{count}/{every_ms}"));
    let burst = read(&client, &url(burst, 0), burst).await?;
    let paced = read(&client, &url(paced, every.as_millis()), paced).await?;
    server.stop().await?;
    Ok((burst, paced))
}

// ANCHOR: read
/// Reads a stream of `sent` events to its end: what came, in what order,
/// and each event's lag from the server's send to its parse here.
async fn read(
    client: &reqwest::Client,
    url: &str,
    sent: u64,
) -> anyhow::Result<Delivery> {
    let start = Instant::now();
    let response = client.get(url).send().await?.error_for_status()?;
    let mut events = response.bytes_stream().eventsource();
    let (mut expected, mut in_order, mut lags) = (0, true, Vec::new());
    while let Some(event) = events.next().await {
        let tick: Tick = serde_json::from_str(&event?.data)?;
        lags.push(now_us().saturating_sub(tick.sent_us) as f64 / 1e6);
        in_order &= tick.number == expected;
        expected += 1;
    }
    lags.sort_by(f64::total_cmp);
    Ok(Delivery {
        sent,
        received: lags.len() as u64,
        in_order: in_order && expected == sent,
        wall: start.elapsed().as_secs_f64(),
        lag_p50: percentile(&lags, 50.0),
        lag_p99: percentile(&lags, 99.0),
    })
}
// ANCHOR_END: read

// ANCHOR: stop
/// Opens an endless stream, waits for its first events, then stops the
/// server the graceful way: the signal first, then the stop, bounded.
async fn stop_with_stream_open(
    watches: bool,
    every: Duration,
) -> anyhow::Result<StreamStop> {
    let (signal, shutting_down) = watch::channel(false);
    let server = RunningServer::start(router(shutting_down)).await?;
    let client = crate::client::async_client(TIMEOUT)?;
    let url =
        server.url(&format!("/events/forever/{}/{watches}", every.as_millis()));
    let (seen, mut first) = watch::channel(0u64);
    let reader = tokio::spawn(async move {
        let response = client.get(&url).send().await?.error_for_status()?;
        let mut events = response.bytes_stream().eventsource();
        while let Some(event) = events.next().await {
            event?;
            seen.send_modify(|n| *n += 1);
        }
        anyhow::Ok(())
    });
    let started =
        tokio::time::timeout(TIMEOUT, first.wait_for(|n| *n >= BEFORE_STOP))
            .await?
            .is_ok();
    if !started {
        // The reader ended before the stream's first events: say why.
        let why = match reader.await {
            Ok(Err(e)) => e.to_string(),
            _ => "the stream ended".to_string(),
        };
        anyhow::bail!("the endless stream broke before {BEFORE_STOP} events: {why}");
    }
    let _ = signal.send(true);
    let stopped = server.stop_within(HOLD_BOUND).await;
    let ended = tokio::time::timeout(TIMEOUT, reader).await;
    Ok(StreamStop {
        watches,
        received: *first.borrow(),
        stopped_in: stopped.as_ref().ok().map(Duration::as_secs_f64),
        stop_error: stopped.err().map(|e| e.to_string()),
        ended_cleanly: matches!(ended, Ok(Ok(Ok(())))),
    })
}
// ANCHOR_END: stop

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let events = need(&results.events, "events")?;
    let mut report = SectionReport::new(
        "events",
        "axum streams server-sent events to reqwest on loopback as fast as the \
         connection takes them; an endless stream holds a graceful stop until \
         it ends itself on the shutdown signal.",
    );
    let mut table = Table::new(
        "Server-sent events, one stream each",
        &[
            "stream", "sent", "received", "wall", "events/s", "lag p50", "lag p99",
        ],
    );
    let every =
        format!("one every {}", format_seconds(events.every_ms as f64 / 1e3));
    for (name, delivery) in [
        ("as fast as it goes", &events.burst),
        (every.as_str(), &events.paced),
    ] {
        table.push(vec![
            Cell::text(name),
            Cell::Count(delivery.sent),
            Cell::Count(delivery.received),
            Cell::Seconds(delivery.wall),
            Cell::PerSecond(delivery.received as f64 / delivery.wall.max(1e-9)),
            Cell::Seconds(delivery.lag_p50),
            Cell::Seconds(delivery.lag_p99),
        ]);
    }
    report.table(table);
    let whole = [&events.burst, &events.paced]
        .iter()
        .all(|d| d.in_order && d.received == d.sent);
    report.check(
        whole,
        "every event arrived, once, in the order sent, on both streams",
    );
    report_stops(&mut report, events);
    report.note(
        "Starlette's StreamingResponse (or sse-starlette) has the same trap: \
         uvicorn's graceful shutdown waits for the response, so an endless \
         generator must watch for the shutdown itself, or the stop ends only \
         at `timeout_graceful_shutdown`.",
    );
    Ok(report)
}

fn report_stops(report: &mut SectionReport, events: &Events) {
    let bound = format_seconds(events.hold_bound);
    let mut table = Table::new(
        format!("A graceful stop with an endless stream open (bound {bound})"),
        &["stream", "events read", "stop", "the client saw"],
    );
    for stop in &events.stops {
        table.push(vec![
            Cell::text(if stop.watches {
                "watches the signal"
            } else {
                "ignores it"
            }),
            Cell::Tally(stop.received),
            match stop.stopped_in {
                Some(s) => Cell::Seconds(s),
                None => Cell::Missing("held past the bound: aborted".into()),
            },
            Cell::text(if stop.ended_cleanly {
                "the stream's end"
            } else {
                "a broken stream"
            }),
        ]);
    }
    report.table(table);
    let watching = events.stops.iter().find(|s| s.watches);
    let ignoring = events.stops.iter().find(|s| !s.watches);
    report.check(
        watching.is_some_and(|s| s.stopped_in.is_some() && s.ended_cleanly),
        format!("the stream that watches the signal ended, and the stop finished within {bound}"),
    );
    report.check(
        ignoring.is_some_and(|s| s.stopped_in.is_none()),
        format!("the stream that ignores it held the stop past {bound}, until the server was aborted"),
    );
}
