//! Starting and stopping a server on loopback, whatever it serves.
//!
//! Every server in this chapter binds `127.0.0.1:0`: the kernel picks a free
//! port, so runs and tests never collide and nothing listens beyond this
//! machine. Stopping is graceful on every path: [`RunningServer::stop`]
//! signals and waits (with a bound), and dropping a server signals too.
//!
//! The accept loop is written here, on hyper and hyper-util (what
//! `axum::serve` is built on), rather than taken from `axum::serve`, for
//! one setting axum 0.8 does not expose: a bound on how long a client may
//! take to send a request's headers. Without it a graceful stop waits for
//! ever on a client that sent half a request; with it, such a connection
//! is closed after [`HEADER_WITHIN`], and a stop waits for requests in
//! flight only.

use anyhow::Context as _;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

/// How long a graceful stop may take before the server is aborted: longer
/// than any request this chapter sends.
pub const STOP_BOUND: Duration = Duration::from_secs(5);

/// How long a client may take to send a request's headers before its
/// connection is closed: loopback clients send them at once, and a stop
/// held by a half-sent request ends well within [`STOP_BOUND`].
pub const HEADER_WITHIN: Duration = Duration::from_secs(2);

/// A server running as a task on the current tokio runtime.
pub struct RunningServer {
    pub addr: SocketAddr,
    /// Sending (or dropping) this starts the graceful shutdown: stop
    /// accepting, let requests in flight finish, close idle connections.
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningServer {
    /// Binds a free port on loopback and serves `app` there until stopped.
    /// Must be called inside a tokio runtime.
    // ANCHOR: start
    pub async fn start(app: Router) -> anyhow::Result<RunningServer> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, app, signal));
        Ok(RunningServer {
            addr,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }
    // ANCHOR_END: start

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Signals the shutdown and waits for the server to finish the requests
    /// it has; returns how long that took. Past [`STOP_BOUND`] the server
    /// task is aborted and this is an error.
    // ANCHOR: stop
    pub async fn stop(self) -> anyhow::Result<Duration> {
        self.stop_within(STOP_BOUND).await
    }

    /// [`stop`](Self::stop) with another bound: the `events` section shows
    /// an endless response holding the stop, and need not wait long for it.
    pub async fn stop_within(mut self, bound: Duration) -> anyhow::Result<Duration> {
        let start = Instant::now();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let task = self.task.take().context("the server was already stopped")?;
        let abort = task.abort_handle();
        match tokio::time::timeout(bound, task).await {
            Ok(served) => served.context("the server task failed")??,
            Err(_) => {
                abort.abort();
                anyhow::bail!("the server did not stop within {bound:?}");
            }
        }
        Ok(start.elapsed())
    }
    // ANCHOR_END: stop
}

// ANCHOR: serve
/// Serves every connection on its own task until `signal` (a message or a
/// dropped sender), then stops accepting, lets each connection finish the
/// request it is serving, and closes the idle ones.
async fn serve(
    listener: TcpListener,
    app: Router,
    mut signal: oneshot::Receiver<()>,
) -> std::io::Result<()> {
    let (closing, _) = watch::channel(());
    let mut connections = JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A client that gave up before we accepted it, or no file
                // descriptor free for a moment: the server goes on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = &mut signal => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let mut close = closing.subscribe();
        connections.spawn(async move {
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_WITHIN)
                .serve_connection(TokioIo::new(stream), service);
            let mut connection = pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = close.changed() => connection.as_mut().graceful_shutdown(),
            }
            let _ = connection.await;
        });
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    closing.send_replace(());
    while connections.join_next().await.is_some() {}
    Ok(())
}
// ANCHOR_END: serve

impl Drop for RunningServer {
    /// A server dropped on an error path still shuts down gracefully: the
    /// signal goes out here, and the runtime finishes the task.
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
