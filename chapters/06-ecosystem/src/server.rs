//! Starting and stopping a server on loopback, whatever it serves.
//!
//! Every server in this chapter binds `127.0.0.1:0`: the kernel picks a free
//! port, so runs and tests never collide and nothing listens beyond this
//! machine. Stopping is graceful on every path: [`RunningServer::stop`]
//! signals and waits (with a bound), and dropping a server signals too.

use anyhow::Context as _;
use axum::Router;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long a graceful stop may take before the server is aborted: longer
/// than any request this chapter sends.
pub const STOP_BOUND: Duration = Duration::from_secs(5);

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
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    // A message or a dropped sender: either way, stop.
                    let _ = signal.await;
                })
                .await
        });
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
    pub async fn stop(mut self) -> anyhow::Result<Duration> {
        let start = Instant::now();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let task = self.task.take().context("the server was already stopped")?;
        let abort = task.abort_handle();
        match tokio::time::timeout(STOP_BOUND, task).await {
            Ok(served) => served.context("the server task failed")??,
            Err(_) => {
                abort.abort();
                anyhow::bail!("the server did not stop within {STOP_BOUND:?}");
            }
        }
        Ok(start.elapsed())
    }
    // ANCHOR_END: stop
}

impl Drop for RunningServer {
    /// A server dropped on an error path still shuts down gracefully: the
    /// signal goes out here, and the runtime finishes the task.
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
