//! `http-client`: reqwest async against reqwest blocking, the same
//! requests to the same server.
//!
//! The claim: both clients keep N requests in flight — the async one as N
//! tasks, the blocking one as N OS threads — and both respect the bound;
//! they differ in what each request in flight costs. Every request has a
//! timeout, and failures worth retrying are retried, a bounded number of
//! times.

use super::{all_bodies_match, download_urls};
use crate::client::{self, Fetched, Retries};
use crate::downloads::{self, SLOWEST, Stats};
use crate::server::RunningServer;
use crate::sizes::Sizes;
use crate::stats::Throughput;
use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table, format_seconds};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Bound on every request in the measured runs.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The timeout of the client that is meant to give up.
const QUICK: Duration = Duration::from_millis(50);

/// What `http-client` measured, durations in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpClient {
    /// The server's latency for each download.
    pub latency: f64,
    /// Requests each worker or task makes, one after another.
    pub rounds: usize,
    /// The requests in flight of each measurement.
    pub concurrency: Vec<usize>,
    pub runs: Vec<ClientRun>,
    pub timed_out: TimedOut,
    pub flaky: Vec<Flaky>,
    /// The most attempts a request gets.
    pub max_attempts: u32,
}

/// reqwest's two clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Client {
    Async,
    Blocking,
}

impl Client {
    pub fn name(self) -> &'static str {
        match self {
            Client::Async => "async",
            Client::Blocking => "blocking",
        }
    }
}

/// One measured run: which client, how many in flight, what it achieved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientRun {
    pub client: Client,
    pub in_flight: usize,
    pub requests: usize,
    pub wall: f64,
    pub throughput: Throughput,
    /// Every request came back with its own body.
    pub correct: bool,
    /// The most requests the server saw at once.
    pub server_most: u64,
}

/// A request to the slowest route through a client with a short timeout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedOut {
    pub path: String,
    /// The client's timeout, and how long the server would have taken.
    pub timeout: f64,
    pub slowest: f64,
    /// Attempts made, and how many the server saw.
    pub attempts: u32,
    pub seen: u32,
    /// The request failed with a timeout.
    pub is_timeout: bool,
    pub waited: f64,
}

/// A request to a route that fails a number of times first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flaky {
    pub client: Client,
    pub fails: u32,
    pub path: String,
    /// The body, or the status it gave up on.
    pub result: Result<String, String>,
    pub attempts: u32,
    /// Attempts the server saw.
    pub seen: u32,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let latency = sizes.latency;
    raise_open_file_limit();
    let runtime = context.runtime()?;
    // The server gets a runtime of its own, as if it ran elsewhere: the
    // async client's tasks and the server's do not share worker threads.
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let stats = Arc::new(Stats::default());
    let server = server_runtime.block_on(RunningServer::start(
        downloads::router(latency, Arc::clone(&stats)),
    ))?;
    let async_client = client::async_client(TIMEOUT)?;
    // Built here, outside the runtime: the blocking client owns a runtime
    // of its own and must not be created or dropped inside another.
    let blocking_client = client::blocking_client(TIMEOUT)?;

    let clients = (&async_client, &blocking_client);
    let runs = loads(&sizes, runtime, &server, &stats, clients);
    let (timed_out, flaky) =
        timeouts_and_retries(runtime, &server, &stats, &blocking_client)?;
    server_runtime.block_on(server.stop())?;
    drop(blocking_client);
    results.http_client = Some(HttpClient {
        latency: latency.as_secs_f64(),
        rounds: sizes.rounds,
        concurrency: sizes.concurrency.clone(),
        runs,
        timed_out,
        flaky,
        max_attempts: Retries::DEFAULT.attempts,
    });
    Ok(())
}

/// Every load: at each concurrency, the async client, then the blocking
/// one, on the same URLs.
fn loads(
    sizes: &Sizes,
    runtime: &tokio::runtime::Runtime,
    server: &RunningServer,
    stats: &Stats,
    (async_client, blocking_client): (&reqwest::Client, &reqwest::blocking::Client),
) -> Vec<ClientRun> {
    let mut runs = Vec::new();
    for &in_flight in &sizes.concurrency {
        let urls = download_urls(server, in_flight * sizes.rounds);
        stats.max_in_flight.store(0, Ordering::SeqCst);
        let start = Instant::now();
        let results = runtime.block_on(client::fetch_all(
            async_client,
            &urls,
            in_flight,
            Retries::DEFAULT,
        ));
        runs.push(measured(
            Client::Async,
            in_flight,
            &urls,
            &results,
            start,
            stats,
        ));

        stats.max_in_flight.store(0, Ordering::SeqCst);
        let start = Instant::now();
        let results = client::fetch_all_blocking(
            blocking_client,
            &urls,
            in_flight,
            Retries::DEFAULT,
        );
        runs.push(measured(
            Client::Blocking,
            in_flight,
            &urls,
            &results,
            start,
            stats,
        ));
    }
    runs
}

fn measured(
    client: Client,
    in_flight: usize,
    urls: &[String],
    results: &[anyhow::Result<Fetched>],
    start: Instant,
    stats: &Stats,
) -> ClientRun {
    let wall = start.elapsed();
    let took: Vec<Duration> = results.iter().flatten().map(|f| f.took).collect();
    ClientRun {
        client,
        in_flight,
        requests: urls.len(),
        wall: wall.as_secs_f64(),
        throughput: Throughput::of(&took, wall),
        correct: all_bodies_match(urls, results),
        server_most: stats.max_in_flight.load(Ordering::SeqCst),
    }
}

/// A timeout that fires, a flaky URL that succeeds on its second attempt,
/// and one that never does.
fn timeouts_and_retries(
    runtime: &tokio::runtime::Runtime,
    server: &RunningServer,
    stats: &Stats,
    blocking_client: &reqwest::blocking::Client,
) -> anyhow::Result<(TimedOut, Vec<Flaky>)> {
    let timed_out = time_out(runtime, server, stats)?;
    let patient = client::async_client(TIMEOUT)?;
    let mut flaky = Vec::new();
    for (client, fails, id) in [
        (Client::Async, 1, 1),
        (Client::Blocking, 1, 2),
        (Client::Async, 5, 3),
    ] {
        let path = format!("/flaky/{fails}/{id}");
        let url = server.url(&path);
        let result = match client {
            Client::Async => runtime.block_on(client::get_with_retries(
                &patient,
                &url,
                Retries::DEFAULT,
            )),
            Client::Blocking => client::get_with_retries_blocking(
                blocking_client,
                &url,
                Retries::DEFAULT,
            ),
        };
        let seen = stats.attempts_at(&path);
        let (result, attempts) = match result {
            Ok(f) => (Ok(f.body), f.attempts),
            Err(e) => (Err(status_of(&e)), Retries::DEFAULT.attempts),
        };
        flaky.push(Flaky {
            client,
            fails,
            path,
            result,
            attempts,
            seen,
        });
    }
    Ok((timed_out, flaky))
}

/// A client with a timeout shorter than the server's slowest answer, two
/// attempts: what it got, and how long it waited in all.
fn time_out(
    runtime: &tokio::runtime::Runtime,
    server: &RunningServer,
    stats: &Stats,
) -> anyhow::Result<TimedOut> {
    let quick = client::async_client(QUICK)?;
    let slow_path = format!("/slow/{}", SLOWEST.as_millis());
    let two = Retries {
        attempts: 2,
        ..Retries::DEFAULT
    };
    let start = Instant::now();
    let result = runtime.block_on(client::get_with_retries(
        &quick,
        &server.url(&slow_path),
        two,
    ));
    let waited = start.elapsed();
    Ok(TimedOut {
        seen: stats.attempts_at(&slow_path),
        path: slow_path,
        timeout: QUICK.as_secs_f64(),
        slowest: SLOWEST.as_secs_f64(),
        attempts: two.attempts,
        is_timeout: result.as_ref().is_err_and(|e| e.is_timeout()),
        waited: waited.as_secs_f64(),
    })
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let http = need(&results.http_client, "http-client")?;
    let mut report = SectionReport::new(
        "http-client",
        format!(
            "The same downloads ({} of server latency each) through reqwest's async \
             client (tasks on a tokio runtime) and its blocking client (one OS \
             thread per request in flight), at {} requests in flight.",
            format_seconds(http.latency),
            (http.concurrency.iter())
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    );
    throughput_table(http, &mut report);
    retries_table(http, &mut report);
    report.note(
        "httpx's `Client` and `AsyncClient` are two faces of one library; so are \
         `reqwest::blocking::Client` and `reqwest::Client`. The blocking one \
         drives the async one on a hidden runtime thread, which is why it must \
         not be called from inside async code: use the async client there.",
    );
    Ok(report)
}

fn throughput_table(http: &HttpClient, report: &mut SectionReport) {
    let (runs, latency) = (&http.runs, http.latency);
    let mut table = Table::new(
        "Throughput and latency (p50, p99 of each request, first attempt to last byte)",
        &[
            "client",
            "in flight",
            "requests",
            "wall",
            "requests/s",
            "p50",
            "p99",
            "most at server",
        ],
    );
    for run in runs {
        table.push(vec![
            Cell::text(run.client.name()),
            Cell::Count(run.in_flight as u64),
            Cell::Count(run.requests as u64),
            Cell::Seconds(run.wall),
            Cell::PerSecond(run.throughput.requests_per_second),
            Cell::Seconds(run.throughput.p50),
            Cell::Seconds(run.throughput.p99),
            Cell::Tally(run.server_most),
        ]);
    }
    report.table(table);
    report.check(
        !runs.is_empty() && runs.iter().all(|r| r.correct),
        "every request of every run came back with its own body",
    );
    report.check(
        runs.iter().all(|r| r.server_most <= r.in_flight as u64),
        "the bound held: the server never saw more requests at once than the \
         client allowed (a semaphore for async, the thread count for blocking)",
    );
    let floor = http.rounds as f64 * latency;
    report.check(
        runs.iter().all(|r| r.wall >= floor),
        "no run beat the floor: each of the N requests waited L, so each worker \
         or task spent at least N / (in flight) × L",
    );
    report.measured(
        runs.iter().all(|r| {
            let serial = r.requests as f64 * latency;
            r.wall < serial / 2.0
        }),
        "every run overlapped its waits: under half of N × L",
    );
}

fn retries_table(http: &HttpClient, report: &mut SectionReport) {
    let max = http.max_attempts;
    let mut table = Table::new(
        format!("Timeouts and retries ({max} attempts at most, backoff from 5 ms)"),
        &["client", "request", "outcome", "attempts", "seen by server"],
    );
    let t = &http.timed_out;
    table.push(vec![
        Cell::text(format!("async, {} timeout", format_millis(t.timeout))),
        Cell::text(format!("GET {}", t.path)),
        Cell::text(if t.is_timeout {
            "timed out"
        } else {
            "no timeout"
        }),
        Cell::Count(t.attempts.into()),
        Cell::Tally(t.seen.into()),
    ]);
    let mut flaky_ok = !http.flaky.is_empty();
    for f in &http.flaky {
        let outcome = match &f.result {
            Ok(body) => body.clone(),
            Err(status) => format!("gave up: {status}"),
        };
        flaky_ok &= match f.fails {
            1 => f.result.is_ok() && f.attempts == 2 && f.seen == 2,
            _ => f.result.is_err() && f.seen == max,
        };
        table.push(vec![
            Cell::text(f.client.name()),
            Cell::text(format!("GET {} (fails {}×)", f.path, f.fails)),
            Cell::text(outcome),
            Cell::Count(f.attempts.into()),
            Cell::Count(f.seen.into()),
        ]);
    }
    report.table(table);
    report.check(
        t.is_timeout && t.waited < t.slowest,
        format!(
            "a request to a server that takes {} gave up at its {} timeout \
             (both attempts), long before the server would have answered",
            format_seconds(t.slowest),
            format_millis(t.timeout)
        ),
    );
    report.check(
        flaky_ok,
        format!(
            "a URL that fails once succeeded on the second attempt (async and \
             blocking alike); one that keeps failing was tried exactly {max} times, \
             then the error came back"
        ),
    );
}

/// "50 ms": a timeout as the code sets it.
fn format_millis(seconds: f64) -> String {
    format!("{} ms", (seconds * 1e3).round() as u64)
}

fn status_of(error: &reqwest::Error) -> String {
    match error.status() {
        Some(status) => status.to_string(),
        None => error.to_string(),
    }
}

/// 1 000 requests in flight are 2 000 sockets in this process (client and
/// server ends): more than a default soft limit of 1 024 allows.
fn raise_open_file_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE)
        && soft < hard
    {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up(server_most: u64, flaky_seen: u32) -> Results {
        let run = |client, in_flight: usize| ClientRun {
            client,
            in_flight,
            requests: 2 * in_flight,
            wall: 0.11,
            throughput: Throughput {
                requests_per_second: 2.0 * in_flight as f64 / 0.11,
                p50: 0.05,
                p99: 0.06,
            },
            correct: true,
            server_most: server_most.min(in_flight as u64 * 2),
        };
        let flaky =
            |client, fails, result: Result<&str, &str>, attempts, seen| Flaky {
                client,
                fails,
                path: format!("/flaky/{fails}/1"),
                result: result.map(str::to_string).map_err(str::to_string),
                attempts,
                seen,
            };
        Results {
            http_client: Some(HttpClient {
                latency: 0.05,
                rounds: 2,
                concurrency: vec![8],
                runs: vec![run(Client::Async, 8), run(Client::Blocking, 8)],
                timed_out: TimedOut {
                    path: "/slow/1000".into(),
                    timeout: 0.05,
                    slowest: 1.0,
                    attempts: 2,
                    seen: 2,
                    is_timeout: true,
                    waited: 0.11,
                },
                flaky: vec![
                    flaky(Client::Async, 1, Ok("data from /flaky/1/1"), 2, 2),
                    flaky(Client::Blocking, 1, Ok("data from /flaky/1/2"), 2, 2),
                    flaky(
                        Client::Async,
                        5,
                        Err("503 Service Unavailable"),
                        3,
                        flaky_seen,
                    ),
                ],
                max_attempts: 3,
            }),
            ..Results::default()
        }
    }

    #[test]
    fn bounded_runs_and_bounded_retries_hold() {
        let good = report(&made_up(8, 3)).unwrap();
        assert!(good.checks().all(|c| c.holds), "{good:?}");
    }

    #[test]
    fn a_bound_passed_or_a_retry_too_many_is_broken() {
        let over = report(&made_up(9, 3)).unwrap();
        assert_eq!(over.broken().len(), 1, "{over:?}");
        assert!(over.broken()[0].claim.contains("the bound held"));
        let retried = report(&made_up(8, 4)).unwrap();
        assert_eq!(retried.broken().len(), 1);
        assert!(retried.broken()[0].claim.contains("exactly 3 times"));
    }

    #[test]
    fn a_run_faster_than_its_waits_is_broken() {
        let mut results = made_up(8, 3);
        results.http_client.as_mut().unwrap().runs[0].wall = 0.05;
        let fast = report(&results).unwrap();
        assert_eq!(fast.broken().len(), 1);
        assert!(fast.broken()[0].claim.contains("floor"));
    }
}
