//! `http-server`: axum serving simulated downloads on loopback.
//!
//! The claim: one async server holds every request in flight at once on a
//! couple of threads, so N downloads of latency L take about L, not N × L;
//! bad input is refused by the types before a handler runs; and a graceful
//! shutdown lets the request in flight finish before the port closes.

use super::{all_bodies_match, download_urls, status_text};
use crate::client::{self, Retries};
use crate::downloads::{self, Stats};
use crate::server::RunningServer;
use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table, format_seconds};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Bound on every request this section sends.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The bad requests sent: a path that is not a number, an unknown route.
const BAD_PATHS: [&str; 2] = ["/download/abc", "/upload/1"];

/// What `http-server` measured, durations in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpServer {
    /// Downloads sent at once, and the server's latency for each.
    pub requests: usize,
    pub latency: f64,
    pub wall: f64,
    pub served: u64,
    /// The most requests the server held at one time.
    pub most_in_flight: u64,
    /// Every download came back with its own body.
    pub bodies_match: bool,
    pub refusals: Vec<Refusal>,
    pub shutdown: Shutdown,
}

/// A bad request and the status it got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub path: String,
    pub status: u16,
}

/// A graceful shutdown with a request in flight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shutdown {
    /// The slow request was inside its handler when the signal came.
    pub was_in_flight: bool,
    /// Its answer, or `None` if it failed.
    pub answer: Option<String>,
    pub stopped_in: f64,
    /// A new connection afterwards: why it was refused, or `None` if it
    /// was accepted.
    pub refused: Option<String>,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let (n, latency) = (sizes.server_requests, sizes.latency);
    results.http_server = Some(context.runtime()?.block_on(serve(n, latency))?);
    Ok(())
}

async fn serve(n: usize, latency: Duration) -> anyhow::Result<HttpServer> {
    let stats = Arc::new(Stats::default());
    let server =
        RunningServer::start(downloads::router(latency, Arc::clone(&stats))).await?;
    let client = client::async_client(TIMEOUT)?;

    let urls = download_urls(&server, n);
    let start = Instant::now();
    let results = client::fetch_all(&client, &urls, n, Retries::DEFAULT).await;
    let wall = start.elapsed();
    let most_in_flight = stats.max_in_flight.load(Ordering::SeqCst);
    let served = stats.served.load(Ordering::SeqCst);
    let refusals = refusals(&client, &server).await?;
    let shutdown = graceful_shutdown(&client, server, &stats).await?;
    Ok(HttpServer {
        requests: n,
        latency: latency.as_secs_f64(),
        wall: wall.as_secs_f64(),
        served,
        most_in_flight,
        bodies_match: all_bodies_match(&urls, &results),
        refusals,
        shutdown,
    })
}

/// Typed extraction: `Path<u64>` refuses "abc" with 400, and an unknown
/// route is 404, before any handler runs.
async fn refusals(
    client: &reqwest::Client,
    server: &RunningServer,
) -> anyhow::Result<Vec<Refusal>> {
    let mut refusals = Vec::new();
    for path in BAD_PATHS {
        let status = client.get(server.url(path)).send().await?.status();
        refusals.push(Refusal {
            path: path.to_string(),
            status: status.as_u16(),
        });
    }
    Ok(refusals)
}

/// Shutdown with a request in flight: the request finishes, then the port
/// closes.
// ANCHOR: graceful
async fn graceful_shutdown(
    client: &reqwest::Client,
    server: RunningServer,
    stats: &Stats,
) -> anyhow::Result<Shutdown> {
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
    Ok(Shutdown {
        was_in_flight,
        answer: answer.ok(),
        stopped_in: stopped_in.as_secs_f64(),
        refused: after.err().map(|e| e.kind().to_string()),
    })
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let served = need(&results.http_server, "http-server")?;
    let (n, latency) = (served.requests, served.latency);
    let mut report = SectionReport::new(
        "http-server",
        format!(
            "An axum server on 127.0.0.1 (a port the kernel picked) answers {n} \
             downloads, each after {}, all sent at once. The server holds every \
             request that arrives meanwhile on the runtime's few threads: no \
             thread per connection.",
            format_seconds(latency)
        ),
    );
    report_downloads(&mut report, served);
    report_refusals(&mut report, served);
    report_shutdown(&mut report, &served.shutdown);
    report.note(
        "aiohttp's `web.run_app` and uvicorn do the same on Ctrl-C: stop \
         accepting, finish what is in flight, then close. Here the signal is a \
         oneshot channel, sent by `stop` or by dropping the server on an \
         error path.",
    );
    Ok(report)
}

/// N downloads at once: all answered, and their waits overlapped.
fn report_downloads(report: &mut SectionReport, served: &HttpServer) {
    let (n, latency) = (served.requests, served.latency);
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
        Cell::Seconds(served.wall),
        Cell::Count(served.served),
        Cell::Tally(served.most_in_flight),
    ]);
    report.table(table);
    report.check(
        served.bodies_match,
        format!("all {n} downloads came back, each with its own body"),
    );
    let serial = n as f64 * latency;
    report.check(
        served.most_in_flight > 1,
        "the server held more than one request at a time",
    );
    report.measured(
        served.wall < serial / 2.0,
        "the waits overlapped: the batch took under half of N × L",
    );
}

/// Bad paths refused by the extractor and the router.
fn report_refusals(report: &mut SectionReport, served: &HttpServer) {
    let mut table = Table::new("Bad requests", &["request", "status"]);
    for refusal in &served.refusals {
        table.push(vec![
            Cell::text(format!("GET {}", refusal.path)),
            Cell::text(status_text(refusal.status)),
        ]);
    }
    report.table(table);
    let statuses: Vec<u16> = served.refusals.iter().map(|r| r.status).collect();
    report.check(
        statuses == [400, 404],
        "a path that is not a number is refused with 400 by `Path<u64>`, an \
         unknown route with 404",
    );
}

/// A request in flight at the stop is answered; then the port is closed.
fn report_shutdown(report: &mut SectionReport, shutdown: &Shutdown) {
    let mut table = Table::new("Graceful shutdown", &["step", "outcome"]);
    let answered = shutdown.answer.as_deref().unwrap_or("an error");
    table.push(vec![
        Cell::text("request to /slow/200 in flight at the signal"),
        Cell::text(if shutdown.was_in_flight { "yes" } else { "no" }),
    ]);
    table.push(vec![Cell::text("its answer"), Cell::text(answered)]);
    table.push(vec![
        Cell::text("the server stopped after"),
        Cell::Seconds(shutdown.stopped_in),
    ]);
    table.push(vec![
        Cell::text("a new connection afterwards"),
        Cell::text(shutdown.refused.as_deref().unwrap_or("accepted")),
    ]);
    report.table(table);
    report.check(
        shutdown.was_in_flight && answered == "data from /slow/200",
        "the request in flight when shutdown began was answered in full",
    );
    report.check(
        shutdown.refused.is_some(),
        "after the stop the port is closed: a new connection is refused",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up(most_in_flight: u64, refused: Option<&str>) -> Results {
        Results {
            http_server: Some(HttpServer {
                requests: 16,
                latency: 0.05,
                wall: 0.06,
                served: 16,
                most_in_flight,
                bodies_match: true,
                refusals: vec![
                    Refusal {
                        path: BAD_PATHS[0].into(),
                        status: 400,
                    },
                    Refusal {
                        path: BAD_PATHS[1].into(),
                        status: 404,
                    },
                ],
                shutdown: Shutdown {
                    was_in_flight: true,
                    answer: Some("data from /slow/200".into()),
                    stopped_in: 0.2,
                    refused: refused.map(str::to_string),
                },
            }),
            ..Results::default()
        }
    }

    #[test]
    fn overlapping_waits_and_a_clean_shutdown_hold() {
        let good = report(&made_up(16, Some("connection refused"))).unwrap();
        assert!(good.checks().all(|c| c.holds), "{good:?}");
    }

    #[test]
    fn one_at_a_time_or_a_port_left_open_is_broken() {
        let serial = report(&made_up(1, Some("connection refused"))).unwrap();
        assert_eq!(serial.broken().len(), 1, "{serial:?}");
        assert!(serial.broken()[0].claim.contains("more than one request"));
        let open = report(&made_up(16, None)).unwrap();
        assert_eq!(open.broken().len(), 1);
        assert!(open.broken()[0].claim.contains("port is closed"));
    }

    #[test]
    fn a_wrong_status_is_broken() {
        let mut results = made_up(16, Some("connection refused"));
        results.http_server.as_mut().unwrap().refusals[0].status = 200;
        assert_eq!(report(&results).unwrap().broken().len(), 1);
    }
}
