//! The server's promise: it shuts down on every path. `stop` is exercised
//! by every section; here the error path, where the server is only
//! dropped, and the bound on `stop` itself.

use ecosystem::downloads::{self, Stats};
use ecosystem::server::{RunningServer, STOP_BOUND};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn app() -> axum::Router {
    downloads::router(Duration::from_millis(10), Arc::new(Stats::default()))
}

/// Polls (at most 2 s) until nothing accepts connections at `addr`.
async fn closes(addr: std::net::SocketAddr) -> bool {
    for _ in 0..200 {
        if TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[test]
fn a_dropped_server_still_shuts_down() {
    runtime().block_on(async {
        let server = RunningServer::start(app()).await.unwrap();
        let addr = server.addr;
        assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");
        drop(TcpStream::connect(addr).await.expect("it listens"));
        drop(server);
        assert!(closes(addr).await, "the port stayed open after a drop");
    });
}

#[test]
fn stop_returns_once_the_port_is_closed() {
    runtime().block_on(async {
        let server = RunningServer::start(app()).await.unwrap();
        let addr = server.addr;
        let took = server.stop().await.expect("a graceful stop");
        assert!(took < STOP_BOUND, "{took:?}");
        assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
    });
}

#[test]
fn two_servers_get_two_ports() {
    runtime().block_on(async {
        let a = RunningServer::start(app()).await.unwrap();
        let b = RunningServer::start(app()).await.unwrap();
        assert_ne!(a.addr.port(), b.addr.port());
        a.stop().await.unwrap();
        b.stop().await.unwrap();
    });
}
