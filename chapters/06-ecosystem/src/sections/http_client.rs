//! `http-client`: reqwest async against reqwest blocking, the same
//! requests to the same server.
//!
//! The claim: both clients keep N requests in flight — the async one as N
//! tasks, the blocking one as N OS threads — and both respect the bound;
//! they differ in what each request in flight costs. Every request has a
//! timeout, and failures worth retrying are retried, a bounded number of
//! times.

use super::{all_bodies_match, download_urls};
use crate::Context;
use crate::client::{self, Fetched, Retries};
use crate::downloads::{self, SLOWEST, Stats};
use crate::server::RunningServer;
use crate::stats::Throughput;
use shared::report::{Cell, Record, SectionReport, Table, format_seconds};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Bound on every request in the measured runs.
const TIMEOUT: Duration = Duration::from_secs(10);

/// One measured run: which client, how many in flight, what it achieved.
struct Run {
    client: &'static str,
    in_flight: usize,
    requests: usize,
    wall: Duration,
    throughput: Throughput,
    correct: bool,
    server_most: u64,
}

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let latency = sizes.latency;
    raise_open_file_limit();
    let mut report = SectionReport::new(
        "http-client",
        format!(
            "The same downloads ({} of server latency each) through reqwest's async \
             client (tasks on a tokio runtime) and its blocking client (one OS \
             thread per request in flight), at {} requests in flight.",
            format_seconds(latency.as_secs_f64()),
            sizes
                .concurrency
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    );
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

    let mut runs = Vec::new();
    for &in_flight in &sizes.concurrency {
        let urls = download_urls(&server, in_flight * sizes.rounds);
        stats.max_in_flight.store(0, Ordering::SeqCst);
        let start = Instant::now();
        let results = runtime.block_on(client::fetch_all(
            &async_client,
            &urls,
            in_flight,
            Retries::DEFAULT,
        ));
        runs.push(measured("async", in_flight, &urls, &results, start, &stats));

        stats.max_in_flight.store(0, Ordering::SeqCst);
        let start = Instant::now();
        let results = client::fetch_all_blocking(
            &blocking_client,
            &urls,
            in_flight,
            Retries::DEFAULT,
        );
        runs.push(measured(
            "blocking", in_flight, &urls, &results, start, &stats,
        ));
    }
    throughput_table(&runs, latency, sizes.rounds, &mut report);

    timeouts_and_retries(context, &server, &stats, &blocking_client, &mut report)?;
    server_runtime.block_on(server.stop())?;
    drop(blocking_client);
    report.note(
        "httpx's `Client` and `AsyncClient` are two faces of one library; so are \
         `reqwest::blocking::Client` and `reqwest::Client`. The blocking one \
         drives the async one on a hidden runtime thread, which is why it must \
         not be called from inside async code: use the async client there.",
    );
    Ok(report)
}

fn measured(
    client: &'static str,
    in_flight: usize,
    urls: &[String],
    results: &[anyhow::Result<Fetched>],
    start: Instant,
    stats: &Stats,
) -> Run {
    let wall = start.elapsed();
    let took: Vec<Duration> = results.iter().flatten().map(|f| f.took).collect();
    Run {
        client,
        in_flight,
        requests: urls.len(),
        wall,
        throughput: Throughput::of(&took, wall),
        correct: all_bodies_match(urls, results),
        server_most: stats.max_in_flight.load(Ordering::SeqCst),
    }
}

fn throughput_table(
    runs: &[Run],
    latency: Duration,
    rounds: usize,
    report: &mut SectionReport,
) {
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
            Cell::text(run.client),
            Cell::Count(run.in_flight as u64),
            Cell::Count(run.requests as u64),
            Cell::Seconds(run.wall.as_secs_f64()),
            Cell::PerSecond(run.throughput.requests_per_second),
            Cell::Seconds(run.throughput.p50),
            Cell::Seconds(run.throughput.p99),
            Cell::Tally(run.server_most),
        ]);
        report.record(
            Record::new("http-client", Some("download"), run.client)
                .with("in_flight", run.in_flight)
                .with("requests", run.requests)
                .with("wall_s", run.wall.as_secs_f64())
                .with("requests_per_s", run.throughput.requests_per_second)
                .with("p50_s", run.throughput.p50)
                .with("p99_s", run.throughput.p99)
                .with("max_in_flight_at_server", run.server_most),
        );
    }
    report.table(table);
    report.check(
        runs.iter().all(|r| r.correct),
        "every request of every run came back with its own body",
    );
    report.check(
        runs.iter().all(|r| r.server_most <= r.in_flight as u64),
        "the bound held: the server never saw more requests at once than the \
         client allowed (a semaphore for async, the thread count for blocking)",
    );
    let floor = rounds as f64 * latency.as_secs_f64();
    report.check(
        runs.iter().all(|r| r.wall.as_secs_f64() >= floor),
        "no run beat the floor: each of the N requests waited L, so each worker \
         or task spent at least N / (in flight) × L",
    );
    report.measured(
        runs.iter().all(|r| {
            let serial = r.requests as f64 * latency.as_secs_f64();
            r.wall.as_secs_f64() < serial / 2.0
        }),
        "every run overlapped its waits: under half of N × L",
    );
}

/// A timeout that fires, a flaky URL that succeeds on its second attempt,
/// and one that never does.
fn timeouts_and_retries(
    context: &Context,
    server: &RunningServer,
    stats: &Stats,
    blocking_client: &reqwest::blocking::Client,
    report: &mut SectionReport,
) -> anyhow::Result<()> {
    let runtime = context.runtime()?;
    let mut table = Table::new(
        "Timeouts and retries (3 attempts at most, backoff from 5 ms)",
        &["client", "request", "outcome", "attempts", "seen by server"],
    );
    let quick = client::async_client(Duration::from_millis(50))?;
    let patient = client::async_client(TIMEOUT)?;
    let slow_path = format!("/slow/{}", SLOWEST.as_millis());
    let two = Retries {
        attempts: 2,
        ..Retries::DEFAULT
    };
    let start = Instant::now();
    let timed_out = runtime.block_on(client::get_with_retries(
        &quick,
        &server.url(&slow_path),
        two,
    ));
    let waited = start.elapsed();
    let is_timeout = timed_out.as_ref().is_err_and(|e| e.is_timeout());
    table.push(vec![
        Cell::text("async, 50 ms timeout"),
        Cell::text(format!("GET {slow_path}")),
        Cell::text(if is_timeout {
            "timed out"
        } else {
            "no timeout"
        }),
        Cell::Count(2),
        Cell::Tally(stats.attempts_at(&slow_path).into()),
    ]);
    let mut flaky_ok = true;
    for (name, fails, id) in [("async", 1, 1), ("blocking", 1, 2), ("async", 5, 3)] {
        let path = format!("/flaky/{fails}/{id}");
        let url = server.url(&path);
        let result = if name == "async" {
            runtime.block_on(client::get_with_retries(
                &patient,
                &url,
                Retries::DEFAULT,
            ))
        } else {
            client::get_with_retries_blocking(
                blocking_client,
                &url,
                Retries::DEFAULT,
            )
        };
        let seen = stats.attempts_at(&path);
        let (outcome, attempts) = match &result {
            Ok(f) => (f.body.clone(), f.attempts),
            Err(e) => (
                format!("gave up: {}", status_of(e)),
                Retries::DEFAULT.attempts,
            ),
        };
        flaky_ok &= match fails {
            1 => result.as_ref().is_ok_and(|f| f.attempts == 2) && seen == 2,
            _ => result.is_err() && seen == Retries::DEFAULT.attempts,
        };
        table.push(vec![
            Cell::text(name),
            Cell::text(format!("GET {path} (fails {fails}×)")),
            Cell::text(outcome),
            Cell::Count(attempts.into()),
            Cell::Count(seen.into()),
        ]);
    }
    report.table(table);
    report.check(
        is_timeout && waited < SLOWEST,
        format!(
            "a request to a server that takes {} gave up at its 50 ms timeout \
             (both attempts), long before the server would have answered",
            format_seconds(SLOWEST.as_secs_f64())
        ),
    );
    report.check(
        flaky_ok,
        "a URL that fails once succeeded on the second attempt (async and \
         blocking alike); one that keeps failing was tried exactly 3 times, \
         then the error came back",
    );
    Ok(())
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
