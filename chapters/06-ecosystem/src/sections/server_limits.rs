//! `server-limits`: timeouts and back-pressure on the server, with tower.
//!
//! The claim: a request slower than the server's timeout is answered 408
//! at the timeout, not when the handler would have finished; with a
//! concurrency limit and load shedding, requests beyond the limit are
//! refused at once (503) while the ones inside finish; without shedding
//! they wait their turn. The requests inside are held by the section until
//! it lets them go, so every count is the same on any machine.

use crate::limits::{self, Holds};
use crate::server::RunningServer;
use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// The server's timeout, and the sleep that outlasts it.
pub const TIMEOUT: Duration = Duration::from_millis(500);
const TOO_SLOW_MS: u64 = 10_000;
/// Requests the server runs at once.
pub const LIMIT: usize = 4;
/// How long the section waits for the held requests to get inside, and
/// for the shed ones to be refused.
const INSIDE_WITHIN: Duration = Duration::from_secs(10);
/// How long it watches a full limit without shedding for an answer that
/// must not come.
const QUEUE_LOOK: Duration = Duration::from_millis(200);

/// What `server-limits` measured, durations in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerLimits {
    pub timeout: f64,
    /// `/sleep/0` and `/sleep/TOO_SLOW_MS`: status, and how long each took.
    pub quick: Answer,
    pub too_slow: Answer,
    pub limit: usize,
    /// Requests sent while the limit was full.
    pub extra: usize,
    pub shed: Crowd,
    pub queued: Crowd,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub status: u16,
    pub took: f64,
}

/// The limit held full, then `extra` more requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Crowd {
    /// The statuses of the held requests, and of the extra ones.
    pub held: Vec<u16>,
    pub extra: Vec<u16>,
    /// The slowest extra request answered before the release (seconds;
    /// `None` if none was), and how many were answered only after it.
    pub slowest_before_release: Option<f64>,
    pub after_release: usize,
    /// Requests that got inside the handler in all.
    pub inside: usize,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let extra = context.sizes.limit_extra;
    let runtime = context.runtime()?;
    let (quick, too_slow) = runtime.block_on(timeouts())?;
    let shed = runtime.block_on(crowd(extra, true))?;
    let queued = runtime.block_on(crowd(extra, false))?;
    results.server_limits = Some(ServerLimits {
        timeout: TIMEOUT.as_secs_f64(),
        quick,
        too_slow,
        limit: LIMIT,
        extra,
        shed,
        queued,
    });
    Ok(())
}

async fn get(client: &reqwest::Client, url: &str) -> anyhow::Result<Answer> {
    let start = Instant::now();
    let status = client.get(url).send().await?.status().as_u16();
    Ok(Answer {
        status,
        took: start.elapsed().as_secs_f64(),
    })
}

async fn timeouts() -> anyhow::Result<(Answer, Answer)> {
    let app = limits::app(Holds::default(), 100, TIMEOUT, true);
    let server = RunningServer::start(app).await?;
    let client = crate::client::async_client(TIMEOUT * 10)?;
    let quick = get(&client, &server.url("/sleep/0")).await?;
    let too_slow =
        get(&client, &server.url(&format!("/sleep/{TOO_SLOW_MS}"))).await?;
    server.stop().await?;
    Ok((quick, too_slow))
}

// ANCHOR: crowd
/// Fills the limit with held requests, sends `extra` more, then lets the
/// held ones go.
async fn crowd(extra: usize, shed: bool) -> anyhow::Result<Crowd> {
    let holds = Holds::default();
    let app = limits::app(holds.clone(), LIMIT, Duration::from_secs(60), shed);
    let server = RunningServer::start(app).await?;
    let client = crate::client::async_client(Duration::from_secs(30))?;
    let url = server.url("/hold");
    let mut held = JoinSet::new();
    for _ in 0..LIMIT {
        let (client, url) = (client.clone(), url.clone());
        held.spawn(async move { get(&client, &url).await });
    }
    let deadline = Instant::now() + INSIDE_WITHIN;
    while holds.inside.load(Ordering::SeqCst) < LIMIT {
        anyhow::ensure!(
            Instant::now() < deadline,
            "the held requests did not get in"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let mut extras = JoinSet::new();
    for _ in 0..extra {
        let (client, url) = (client.clone(), url.clone());
        extras.spawn(async move { (get(&client, &url).await, Instant::now()) });
    }
    // With shedding every extra request is answered while the limit is
    // full; without, none can be. Either way the wait is bounded.
    // ANCHOR_END: crowd
    let wait = if shed { INSIDE_WITHIN } else { QUEUE_LOOK };
    let (answered, released) =
        answers_then_release(&mut extras, wait, &holds).await?;
    let mut held_statuses = Vec::new();
    while let Some(joined) = held.join_next().await {
        held_statuses.push(joined??.status);
    }
    server.stop().await?;
    let (extra, slowest_before_release, after_release) =
        sort_answers(answered, released)?;
    Ok(Crowd {
        held: held_statuses,
        extra,
        slowest_before_release,
        after_release,
        inside: holds.inside.load(Ordering::SeqCst),
    })
}

/// An extra request's answer, and when it came.
type Timed = (anyhow::Result<Answer>, Instant);

/// Collects the extra requests' answers for at most `wait`, then lets the
/// held requests go and collects the rest: every answer, and the moment of
/// release.
async fn answers_then_release(
    extras: &mut JoinSet<Timed>,
    wait: Duration,
    holds: &Holds,
) -> anyhow::Result<(Vec<Timed>, Instant)> {
    let until = Instant::now() + wait;
    let mut answered = Vec::new();
    while !extras.is_empty() {
        let left = until.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, extras.join_next()).await {
            Ok(Some(joined)) => answered.push(joined?),
            _ => break,
        }
    }
    let released = Instant::now();
    holds.release.send_replace(true);
    while let Some(joined) = extras.join_next().await {
        answered.push(joined?);
    }
    Ok((answered, released))
}

/// The extra requests' statuses (sorted), the slowest answer before the
/// release, and how many were answered only after it.
fn sort_answers(
    answered: Vec<Timed>,
    released: Instant,
) -> anyhow::Result<(Vec<u16>, Option<f64>, usize)> {
    let mut statuses = Vec::new();
    let mut slowest_before_release: Option<f64> = None;
    let mut after_release = 0;
    for (answer, at) in answered {
        let answer = answer?;
        statuses.push(answer.status);
        if at < released {
            let slowest = slowest_before_release.unwrap_or(0.0).max(answer.took);
            slowest_before_release = Some(slowest);
        } else {
            after_release += 1;
        }
    }
    statuses.sort_unstable();
    Ok((statuses, slowest_before_release, after_release))
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|&&s| s == status).count()
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let limits = need(&results.server_limits, "server-limits")?;
    let mut report = SectionReport::new(
        "server-limits",
        format!(
            "tower's layers around axum: a {} timeout, and at most {limit} \
             requests at once, the rest shed (503) or queued.",
            shared::report::format_seconds(limits.timeout),
            limit = limits.limit,
        ),
    );
    report_timeout(&mut report, limits);
    report_crowd(&mut report, limits);
    report.note(
        "uvicorn's --limit-concurrency N answers 503 beyond N, as load_shed + \
         concurrency_limit do here; without shedding, a full server makes \
         clients wait, which is back-pressure, and their own timeouts decide \
         how long.",
    );
    Ok(report)
}

/// The timeout layer: a quick request, and one slower than the timeout.
fn report_timeout(report: &mut SectionReport, limits: &ServerLimits) {
    let mut table = Table::new("The timeout", &["request", "status", "answered in"]);
    for (what, answer) in [
        ("GET /sleep/0".to_string(), limits.quick),
        (format!("GET /sleep/{TOO_SLOW_MS}"), limits.too_slow),
    ] {
        table.push(vec![
            Cell::text(what),
            Cell::text(super::status_text(answer.status)),
            Cell::Seconds(answer.took),
        ]);
    }
    report.table(table);
    report.check(
        limits.quick.status == 200 && limits.too_slow.status == 408,
        "the quick request was answered 200, the slow one 408",
    );
    report.check(
        limits.too_slow.took >= limits.timeout
            && limits.too_slow.took < TOO_SLOW_MS as f64 / 1000.0,
        "the slow request was answered at the timeout, not when its handler \
         would have finished",
    );
}

/// The concurrency limit, with and without load shedding, under a crowd.
fn report_crowd(report: &mut SectionReport, limits: &ServerLimits) {
    let (limit, extra) = (limits.limit, limits.extra);
    let mut table = Table::new(
        format!("{limit} requests held inside, then {extra} more"),
        &[
            "layers",
            "held: 200",
            "more: 503",
            "more: 200 after release",
        ],
    );
    for (what, crowd) in [
        ("limit + load shed", &limits.shed),
        ("limit only (queue)", &limits.queued),
    ] {
        table.push(vec![
            Cell::text(what),
            Cell::Count(count(&crowd.held, 200) as u64),
            Cell::Count(count(&crowd.extra, 503) as u64),
            Cell::Count(crowd.after_release as u64),
        ]);
    }
    report.table(table);
    let shed = &limits.shed;
    report.check(
        count(&shed.held, 200) == limit
            && count(&shed.extra, 503) == extra
            && shed.after_release == 0
            && shed.inside == limit,
        format!(
            "with load shedding, all {extra} requests beyond the limit were \
             refused 503 while it was full, and none reached the handler"
        ),
    );
    let queued = &limits.queued;
    report.check(
        count(&queued.held, 200) == limit
            && count(&queued.extra, 200) == extra
            && queued.after_release == extra
            && queued.inside == limit + extra,
        format!(
            "without it, all {extra} waited for the limit and were answered 200 \
             only after the held requests were let go"
        ),
    );
    if let Some(slowest) = shed.slowest_before_release {
        report.table({
            let mut table =
                Table::new("How fast a refusal comes", &["what", "time"]);
            table.push(vec![
                Cell::text("slowest 503 of the shed requests"),
                Cell::Seconds(slowest),
            ]);
            table
        });
    }
}
