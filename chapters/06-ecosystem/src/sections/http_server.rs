//! `http-server`: axum serving simulated downloads on loopback.
//!
//! The claim: one async server holds every request in flight at once on a
//! couple of threads, so N downloads of latency L take about L, not N × L;
//! bad input is refused by the types before a handler runs; and a graceful
//! shutdown lets the request in flight finish before the port closes.

use super::{all_bodies_match, download_urls};
use crate::Context;
use crate::client::{self, Retries};
use crate::downloads::{self, Stats};
use crate::server::RunningServer;
use shared::report::{Cell, Record, SectionReport, Table, format_seconds};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Bound on every request this section sends.
const TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let (n, latency) = (sizes.server_requests, sizes.latency);
    let mut report = SectionReport::new(
        "http-server",
        format!(
            "An axum server on 127.0.0.1 (a port the kernel picked) answers {n} \
             downloads, each after {}, all sent at once. The server holds every \
             request that arrives meanwhile on the runtime's few threads: no \
             thread per connection.",
            format_seconds(latency.as_secs_f64())
        ),
    );
    context
        .runtime()?
        .block_on(serve(n, latency, &mut report))?;
    Ok(report)
}

async fn serve(
    n: usize,
    latency: Duration,
    report: &mut SectionReport,
) -> anyhow::Result<()> {
    let stats = Arc::new(Stats::default());
    let server =
        RunningServer::start(downloads::router(latency, Arc::clone(&stats))).await?;
    let client = client::async_client(TIMEOUT)?;

    let urls = download_urls(&server, n);
    let start = Instant::now();
    let results = client::fetch_all(&client, &urls, n, Retries::DEFAULT).await;
    let wall = start.elapsed();
    let most = stats.max_in_flight.load(Ordering::SeqCst);
    let mut table = Table::new(
        "Downloads from the server",
        &[
            "requests",
            "sent at once",
            "wall",
            "served",
            "most in flight",
        ],
    );
    table.push(vec![
        Cell::Count(n as u64),
        Cell::Count(n as u64),
        Cell::Seconds(wall.as_secs_f64()),
        Cell::Count(stats.served.load(Ordering::SeqCst)),
        Cell::Tally(most),
    ]);
    report.table(table);
    report.record(
        Record::new("http-server", Some("download"), "axum")
            .with("requests", n)
            .with("latency_s", latency.as_secs_f64())
            .with("wall_s", wall.as_secs_f64())
            .with("max_in_flight", most),
    );
    report.check(
        all_bodies_match(&urls, &results),
        format!("all {n} downloads came back, each with its own body"),
    );
    let serial = n as f64 * latency.as_secs_f64();
    report.check(most > 1, "the server held more than one request at a time");
    report.measured(
        wall.as_secs_f64() < serial / 2.0,
        "the waits overlapped: the batch took under half of N × L",
    );

    refusals(&client, &server, report).await?;
    graceful_shutdown(&client, server, &stats, report).await
}

/// Typed extraction: `Path<u64>` refuses "abc" with 400, and an unknown
/// route is 404, before any handler runs.
async fn refusals(
    client: &reqwest::Client,
    server: &RunningServer,
    report: &mut SectionReport,
) -> anyhow::Result<()> {
    let mut table = Table::new("Bad requests", &["request", "status"]);
    let mut statuses = Vec::new();
    for path in ["/download/abc", "/upload/1"] {
        let status = client.get(server.url(path)).send().await?.status();
        table.push(vec![
            Cell::text(format!("GET {path}")),
            Cell::text(status.to_string()),
        ]);
        statuses.push(status.as_u16());
    }
    report.table(table);
    report.check(
        statuses == [400, 404],
        "a path that is not a number is refused with 400 by `Path<u64>`, an \
         unknown route with 404",
    );
    Ok(())
}

/// Shutdown with a request in flight: the request finishes, then the port
/// closes.
// ANCHOR: graceful
async fn graceful_shutdown(
    client: &reqwest::Client,
    server: RunningServer,
    stats: &Stats,
    report: &mut SectionReport,
) -> anyhow::Result<()> {
    let slow = client.get(server.url("/slow/200")).send();
    let in_flight = tokio::spawn(async move { slow.await?.text().await });
    // Wait (bounded) until the server is inside the handler.
    for _ in 0..400 {
        if stats.in_flight.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let was_in_flight = stats.in_flight.load(Ordering::SeqCst) > 0;
    let addr = server.addr;
    let stopped_in = server.stop().await?;
    let answer = tokio::time::timeout(TIMEOUT, in_flight).await??;
    let after =
        tokio::time::timeout(TIMEOUT, tokio::net::TcpStream::connect(addr)).await?;
    // ANCHOR_END: graceful
    let mut table = Table::new("Graceful shutdown", &["step", "outcome"]);
    let answered = answer.as_deref().unwrap_or("an error");
    table.push(vec![
        Cell::text("request to /slow/200 in flight at the signal"),
        Cell::text(if was_in_flight { "yes" } else { "no" }),
    ]);
    table.push(vec![Cell::text("its answer"), Cell::text(answered)]);
    table.push(vec![
        Cell::text("the server stopped after"),
        Cell::Seconds(stopped_in.as_secs_f64()),
    ]);
    let refused = after.as_ref().err().map(|e| e.kind().to_string());
    table.push(vec![
        Cell::text("a new connection afterwards"),
        Cell::text(refused.as_deref().unwrap_or("accepted")),
    ]);
    report.table(table);
    report.check(
        was_in_flight && answered == "data from /slow/200",
        "the request in flight when shutdown began was answered in full",
    );
    report.check(
        after.is_err(),
        "after the stop the port is closed: a new connection is refused",
    );
    report.note(
        "aiohttp's `web.run_app` and uvicorn do the same on Ctrl-C: stop \
         accepting, finish what is in flight, then close. Here the signal is a \
         oneshot channel, sent by `stop` or by dropping the server on an \
         error path.",
    );
    Ok(())
}
