//! Server-sent events: what a Python programmer writes with Starlette's
//! `StreamingResponse` (or sse-starlette) and reads with httpx's streaming
//! API, here with axum's `Sse` and reqwest's byte stream, parsed by
//! eventsource-stream (the parser reqwest-eventsource is built on).
//!
//! One lesson lives here, beyond the format: a response that never ends
//! holds a graceful shutdown for ever, because "let the requests in flight
//! finish" includes it. An endless stream must watch the same signal that
//! starts the shutdown and end itself; [`forever`] does either, as asked.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::sse::{Event, Sse};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// What every event carries: its number, and when the server sent it
/// (microseconds since the Unix epoch, the clock client and server share
/// on one machine), so the client can tell how long delivery took.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tick {
    pub number: u64,
    pub sent_us: u64,
}

/// The routes, and the signal the endless streams may watch: `true` on
/// it means the server is shutting down. `/events/N/M`: N events, one
/// every M ms; `/events/forever/M/W`: endless, watching the signal if W.
pub fn router(shutting_down: watch::Receiver<bool>) -> Router {
    Router::new()
        .route("/events/{count}/{every_ms}", get(counted))
        .route("/events/forever/{every_ms}/{watch}", get(forever))
        .with_state(shutting_down)
}

/// Microseconds since the Unix epoch, now.
pub fn now_us() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_micros()).unwrap_or(u64::MAX)
}

fn event(number: u64) -> Result<Event, Infallible> {
    let tick = Tick {
        number,
        sent_us: now_us(),
    };
    let data = serde_json::to_string(&tick).unwrap_or_default();
    Ok(Event::default().id(number.to_string()).data(data))
}

/// Events 0, 1, 2, … with `every` between them (none: as fast as the
/// connection takes them).
fn ticks(every: Duration) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(0u64, move |number| async move {
        if every.is_zero() {
            tokio::task::yield_now().await;
        } else {
            tokio::time::sleep(every).await;
        }
        Some((event(number), number + 1))
    })
}

async fn counted(
    Path((count, every_ms)): Path<(u64, u64)>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let every = Duration::from_millis(every_ms);
    Sse::new(ticks(every).take(usize::try_from(count).unwrap_or(usize::MAX)))
}

// ANCHOR: forever
/// An endless stream. With `watch`, it ends itself when the shutdown
/// starts, so the server's graceful stop can finish; without, it holds
/// the stop until the server gives up on it.
async fn forever(
    State(shutting_down): State<watch::Receiver<bool>>,
    Path((every_ms, watch)): Path<(u64, bool)>,
) -> Sse<stream::BoxStream<'static, Result<Event, Infallible>>> {
    let every = Duration::from_millis(every_ms.max(1));
    if !watch {
        return Sse::new(ticks(every).boxed());
    }
    let mut signal = shutting_down.clone();
    let shutdown = async move {
        let _ = signal.wait_for(|down| *down).await;
    };
    Sse::new(ticks(every).take_until(shutdown).boxed())
}
// ANCHOR_END: forever
