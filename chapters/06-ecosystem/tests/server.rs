//! The server's promise: it shuts down on every path. `stop` is exercised
//! by every section; here the error path, where the server is only
//! dropped, and the bound on `stop` itself.

use ecosystem::downloads::{self, Stats};
use ecosystem::server::{HEADER_WITHIN, RunningServer, STOP_BOUND};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
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

#[test]
fn a_half_sent_request_does_not_hold_the_stop() {
    runtime().block_on(async {
        let server = RunningServer::start(app()).await.unwrap();
        // A request line and half a header, then silence.
        let mut client = TcpStream::connect(server.addr).await.unwrap();
        client
            .write_all(b"GET /download/1 HTTP/1.1\r\nHost: x")
            .await
            .unwrap();
        // Let the server read what was sent before it is told to stop.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let took = server.stop().await.expect("a stop within its bound");
        assert!(took < STOP_BOUND, "{took:?}");
        // The server closed the half-sent request's connection: reading
        // ends (end of file or a reset), it does not wait.
        let mut rest = Vec::new();
        let read =
            tokio::time::timeout(HEADER_WITHIN * 2, client.read_to_end(&mut rest));
        assert!(read.await.is_ok(), "the connection was left open");
    });
}

#[test]
fn a_request_in_flight_is_finished_before_the_stop_returns() {
    runtime().block_on(async {
        let stats = Arc::new(Stats::default());
        let slow = downloads::router(Duration::from_millis(300), stats);
        let server = RunningServer::start(slow).await.unwrap();
        let mut client = TcpStream::connect(server.addr).await.unwrap();
        client
            .write_all(b"GET /download/1 HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let stopping = tokio::spawn(server.stop());
        let mut answer = Vec::new();
        let read = tokio::time::timeout(STOP_BOUND, client.read_to_end(&mut answer));
        read.await.expect("an answer within the bound").unwrap();
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        stopping.await.unwrap().expect("a graceful stop");
    });
}

#[test]
fn a_wait_above_the_slowest_is_a_bad_request_and_is_not_counted() {
    runtime().block_on(async {
        let stats = Arc::new(Stats::default());
        let app = downloads::router(Duration::from_millis(10), Arc::clone(&stats));
        let server = RunningServer::start(app).await.unwrap();
        let too_slow = downloads::SLOWEST.as_millis() + 1;
        for ms in [too_slow.to_string(), u64::MAX.to_string()] {
            let mut client = TcpStream::connect(server.addr).await.unwrap();
            let request = format!(
                "GET /slow/{ms} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            );
            client.write_all(request.as_bytes()).await.unwrap();
            let mut answer = Vec::new();
            let read =
                tokio::time::timeout(STOP_BOUND, client.read_to_end(&mut answer));
            read.await.expect("an answer within the bound").unwrap();
            let answer = String::from_utf8_lossy(&answer);
            assert!(answer.starts_with("HTTP/1.1 400"), "/slow/{ms}: {answer}");
            assert!(answer.contains("at most /slow/1000"), "{answer}");
        }
        let served = stats.served.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(served, 0, "a refused request entered the figures");
        assert_eq!(
            stats
                .max_in_flight
                .load(std::sync::atomic::Ordering::SeqCst),
            0
        );
        server.stop().await.expect("a graceful stop");
    });
}
