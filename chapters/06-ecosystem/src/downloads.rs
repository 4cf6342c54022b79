//! The download server: the chapter's real I/O workload.
//!
//! Chapter 1 simulated a download with a sleep in the client. Here the
//! sleep moves to a server on loopback, so the client does what it would do
//! against a remote host: connect, send, wait for bytes, parse. The server
//! also counts what it saw — requests, how many were in flight at once, the
//! attempts at each flaky URL — so a section can check the client's claims
//! from the other side of the socket.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The longest a `/slow/{ms}` request may ask to wait: a bound on every
/// request, so a graceful shutdown never waits long.
pub const SLOWEST: Duration = Duration::from_millis(1_000);

/// What the server saw, shared by every handler.
#[derive(Debug, Default)]
pub struct Stats {
    pub served: AtomicU64,
    pub in_flight: AtomicU64,
    pub max_in_flight: AtomicU64,
    /// Requests per flaky or slow URL: a flaky one fails the first ones.
    attempts: Mutex<HashMap<String, u32>>,
}

impl Stats {
    /// Requests seen at `path`, e.g. `/flaky/1/7`.
    pub fn attempts_at(&self, path: &str) -> u32 {
        let attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        attempts.get(path).copied().unwrap_or(0)
    }

    /// Counts one more request at `path`; returns which attempt it is.
    fn attempt(&self, path: String) -> u32 {
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        let n = attempts.entry(path).or_insert(0);
        *n += 1;
        *n
    }

    fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(self)
    }
}

/// One request in the handler; dropping it (on return, or when the client
/// goes away and hyper drops the handler) takes it out of the count.
struct InFlight<'a>(&'a Stats);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.served.fetch_add(1, Ordering::SeqCst);
    }
}

/// What every handler gets: the latency to simulate and the counters.
#[derive(Clone)]
struct Server {
    latency: Duration,
    stats: Arc<Stats>,
}

/// The routes: `/download/{id}` answers after the latency,
/// `/slow/{ms}` after `ms` (400 above [`SLOWEST`]), and `/flaky/{fails}/{id}`
/// answers 503 to its first `fails` requests, then like a download.
// ANCHOR: router
pub fn router(latency: Duration, stats: Arc<Stats>) -> Router {
    Router::new()
        .route("/download/{id}", get(download))
        .route("/slow/{ms}", get(slow))
        .route("/flaky/{fails}/{id}", get(flaky))
        .with_state(Server { latency, stats })
}

async fn download(State(server): State<Server>, Path(id): Path<u64>) -> String {
    let _counted = server.stats.enter();
    tokio::time::sleep(server.latency).await;
    format!("data from /download/{id}")
}
// ANCHOR_END: router

/// A wait longer than [`SLOWEST`] is a bad request, refused with 400
/// before it is counted: a request from outside must not enter the
/// sections' figures (a clamped `/slow/18446744073709551615` once did, and
/// the client's bound on requests in flight read as broken).
async fn slow(
    State(server): State<Server>,
    Path(ms): Path<u64>,
) -> Result<String, (StatusCode, String)> {
    if u128::from(ms) > SLOWEST.as_millis() {
        let most = SLOWEST.as_millis();
        return Err((StatusCode::BAD_REQUEST, format!("at most /slow/{most}")));
    }
    let _counted = server.stats.enter();
    server.stats.attempt(format!("/slow/{ms}"));
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(format!("data from /slow/{ms}"))
}

async fn flaky(
    State(server): State<Server>,
    Path((fails, id)): Path<(u32, u64)>,
) -> Result<String, StatusCode> {
    let _counted = server.stats.enter();
    let path = format!("/flaky/{fails}/{id}");
    let attempt = server.stats.attempt(path.clone());
    tokio::time::sleep(server.latency).await;
    if attempt <= fails {
        Err(StatusCode::SERVICE_UNAVAILABLE)
    } else {
        Ok(format!("data from {path}"))
    }
}
