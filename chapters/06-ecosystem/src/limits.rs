//! The `server-limits` app: what a server does when a request is too slow
//! or too many arrive at once, with tower's layers around axum's routes —
//! the counterparts of a Starlette timeout middleware and of uvicorn's
//! `--limit-concurrency` (503 above the limit).
//!
//! `GET /hold` waits until the section lets it go: the requests in flight
//! are decided by the section, not by timing, so the counts it checks are
//! the same on any machine. `GET /sleep/{ms}` sleeps, for the timeout.

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::watch;
use tower::{BoxError, ServiceBuilder};

/// What the section shares with the app: how many `/hold` requests are
/// inside the handler, and the signal that lets them all go.
#[derive(Clone)]
pub struct Holds {
    pub inside: Arc<AtomicUsize>,
    pub release: watch::Sender<bool>,
}

impl Default for Holds {
    fn default() -> Holds {
        Holds {
            inside: Arc::new(AtomicUsize::new(0)),
            release: watch::channel(false).0,
        }
    }
}

/// The layers, outermost first: errors from the layers below become
/// statuses; a request that finds the limit full is refused at once (503)
/// instead of queueing; at most `limit` requests run at once; each has
/// `timeout` to answer (408 after it).
// ANCHOR: layers
pub fn app(holds: Holds, limit: usize, timeout: Duration, shed: bool) -> Router {
    let routes = Router::new()
        .route("/hold", get(hold))
        .route("/sleep/{ms}", get(sleep))
        .with_state(holds);
    let limits = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(status_of))
        .option_layer(shed.then(tower::load_shed::LoadShedLayer::new))
        .concurrency_limit(limit)
        .timeout(timeout);
    routes.layer(limits)
}

async fn status_of(error: BoxError) -> StatusCode {
    if error.is::<tower::timeout::error::Elapsed>() {
        StatusCode::REQUEST_TIMEOUT
    } else if error.is::<tower::load_shed::error::Overloaded>() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}
// ANCHOR_END: layers

async fn hold(State(holds): State<Holds>) -> &'static str {
    holds.inside.fetch_add(1, Ordering::SeqCst);
    let mut released = holds.release.subscribe();
    // Ends when released, or when the section is gone.
    let _either = released.wait_for(|&go| go).await;
    "released"
}

async fn sleep(Path(ms): Path<u64>) -> &'static str {
    tokio::time::sleep(Duration::from_millis(ms.min(60_000))).await;
    "slept"
}
