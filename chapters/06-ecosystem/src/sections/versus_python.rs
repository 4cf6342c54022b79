//! `versus-python`: is it really faster than what I use in Python?
//!
//! The claim: on the same machine, in the same run, under the same load
//! generator, axum serves a JSON endpoint at several times FastAPI's and
//! aiohttp's rate; reqwest makes requests faster than httpx and aiohttp's
//! client; tokio-postgres and the `redis` crate beat asyncpg and
//! redis-py. Only with `--python` (the Python side needs its packages:
//! `python/requirements.txt`); the database rows also need the servers.

use crate::db::servers::{self, Urls};
use crate::sizes::Sizes;
use crate::versus::endpoint;
use crate::versus::load::{self, Bounds, Load};
use crate::versus::python::{Python, PythonServer, Versions};
use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::time::Duration;
use tokio::runtime::Runtime;

/// What `versus-python` measured; `python` is `None` without `--python`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersusPython {
    pub python: Option<BothSides>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BothSides {
    pub interpreter: String,
    /// What the interpreter and its packages were; `None` where they could
    /// not be read (the interpreter did not run: the rows say why) and in
    /// runs saved before versions were recorded.
    #[serde(default)]
    pub versions: Option<Versions>,
    /// The cores of this machine: what axum's multi-threaded row used.
    pub cores: usize,
    pub servers: Vec<Row>,
    pub clients: Vec<Row>,
    pub databases: Vec<Row>,
}

/// One piece of software under one load.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub software: Software,
    pub workers: usize,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Ran(Load),
    /// Could not run here (a package or a server missing), and why.
    Skipped(String),
    /// Asked for and able to run, but it failed: a bug to report.
    Failed(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Software {
    /// axum on a tokio runtime of this many worker threads.
    Axum(usize),
    FastApi,
    AiohttpServer,
    Reqwest,
    Httpx,
    AiohttpClient,
    TokioPostgres,
    Asyncpg,
    RedisRs,
    RedisPy,
}

impl Software {
    pub fn name(self) -> String {
        match self {
            Software::Axum(1) => "axum, 1 thread".into(),
            Software::Axum(n) => format!("axum, {n} threads"),
            Software::FastApi => "FastAPI (uvicorn)".into(),
            Software::AiohttpServer | Software::AiohttpClient => "aiohttp".into(),
            Software::Reqwest => "reqwest".into(),
            Software::Httpx => "httpx".into(),
            Software::TokioPostgres => "tokio-postgres".into(),
            Software::Asyncpg => "asyncpg".into(),
            Software::RedisRs => "redis (Rust)".into(),
            Software::RedisPy => "redis-py".into(),
        }
    }

    /// The Rust row a Python row is compared with: for the servers, axum
    /// on one thread, as uvicorn and aiohttp serve from one.
    pub fn rust_counterpart(self) -> Option<Software> {
        match self {
            Software::FastApi | Software::AiohttpServer => Some(Software::Axum(1)),
            Software::Httpx | Software::AiohttpClient => Some(Software::Reqwest),
            Software::Asyncpg => Some(Software::TokioPostgres),
            Software::RedisPy => Some(Software::RedisRs),
            _ => None,
        }
    }

    /// What the script calls the part this software needs.
    fn python_part(self) -> &'static str {
        match self {
            Software::FastApi => "fastapi",
            Software::AiohttpServer | Software::AiohttpClient => "aiohttp",
            Software::Httpx => "httpx",
            Software::Asyncpg => "postgres",
            _ => "redis",
        }
    }
}

/// Calls each load may make, and its time bound.
fn bounds(sizes: &Sizes, workers: usize) -> Bounds {
    Bounds {
        workers,
        calls: sizes.versus_calls,
        within: sizes.versus_within,
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let Some(python) = context.python.clone() else {
        results.versus_python = Some(VersusPython { python: None });
        return Ok(());
    };
    let sizes = context.sizes.clone();
    let runtime = context.runtime()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let both = BothSides {
        interpreter: python.interpreter.clone(),
        // An interpreter that cannot say its versions cannot run the parts
        // either, and each row then says why: nothing is lost here.
        versions: python.versions().ok(),
        cores,
        servers: servers(&python, &sizes, runtime, cores)?,
        clients: clients(&python, &sizes, runtime, cores)?,
        databases: databases(&python, &sizes, &context.servers, runtime),
    };
    results.versus_python = Some(VersusPython { python: Some(both) });
    Ok(())
}

/// A server for the loads: axum on a runtime of its own (so that its
/// threads are the only ones serving), or a Python one in its own process.
enum Served {
    Axum {
        runtime: Runtime,
        server: crate::server::RunningServer,
    },
    Python(PythonServer),
}

impl Served {
    fn axum(threads: usize) -> anyhow::Result<Served> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("axum")
            .enable_all()
            .build()?;
        let server = runtime
            .block_on(crate::server::RunningServer::start(endpoint::app()))?;
        Ok(Served::Axum { runtime, server })
    }

    fn base(&self) -> String {
        match self {
            Served::Axum { server, .. } => format!("http://{}", server.addr),
            Served::Python(server) => server.base(),
        }
    }

    fn stop(self) -> anyhow::Result<()> {
        if let Served::Axum { runtime, server } = self {
            runtime.block_on(server.stop())?;
        }
        Ok(())
    }
}

/// A few calls before measuring: connections made, code paths warm, and a
/// server that is not answering found out before it counts.
const WARM_UP: Bounds = Bounds {
    workers: 1,
    calls: 50,
    within: Duration::from_secs(10),
};

fn servers(
    python: &Python,
    sizes: &Sizes,
    runtime: &Runtime,
    cores: usize,
) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    let all = [
        Software::Axum(1),
        Software::Axum(cores),
        Software::FastApi,
        Software::AiohttpServer,
    ];
    for software in all {
        let served = match software {
            Software::Axum(threads) => Served::axum(threads).map(Some),
            _ => match python.missing(software.python_part()) {
                Some(why) => {
                    rows.extend(skipped(software, &sizes.versus_workers, &why));
                    Ok(None)
                }
                None => python
                    .serve(software.python_part())
                    .map(|server| Some(Served::Python(server))),
            },
        };
        let served = match served {
            Ok(Some(served)) => served,
            Ok(None) => continue,
            Err(error) => {
                rows.extend(failed(software, &sizes.versus_workers, &error));
                continue;
            }
        };
        let base = served.base();
        let warm = runtime.block_on(load::http(&base, WARM_UP));
        for &workers in &sizes.versus_workers {
            let outcome = match &warm {
                Err(error) => Outcome::Failed(format!("warming up: {error:#}")),
                Ok(_) => outcome(
                    runtime.block_on(load::http(&base, bounds(sizes, workers))),
                ),
            };
            rows.push(Row {
                software,
                workers,
                outcome,
            });
        }
        served.stop()?;
    }
    Ok(rows)
}

fn clients(
    python: &Python,
    sizes: &Sizes,
    runtime: &Runtime,
    cores: usize,
) -> anyhow::Result<Vec<Row>> {
    let served = Served::axum(cores)?;
    let base = served.base();
    runtime.block_on(load::http(&base, WARM_UP))?;
    let mut rows = Vec::new();
    for software in [Software::Reqwest, Software::Httpx, Software::AiohttpClient] {
        let missing = match software {
            Software::Reqwest => None,
            _ => python.missing(software.python_part()),
        };
        if let Some(why) = missing {
            rows.extend(skipped(software, &sizes.versus_client_workers, &why));
            continue;
        }
        for &workers in &sizes.versus_client_workers {
            let bounds = bounds(sizes, workers);
            let measured = match software {
                Software::Reqwest => runtime.block_on(load::http(&base, bounds)),
                _ => python.load(&["client", software.python_part(), &base], bounds),
            };
            rows.push(Row {
                software,
                workers,
                outcome: outcome(measured),
            });
        }
    }
    served.stop()?;
    Ok(rows)
}

fn databases(
    python: &Python,
    sizes: &Sizes,
    urls: &Urls,
    runtime: &Runtime,
) -> Vec<Row> {
    let bounds = Bounds {
        workers: sizes.versus_db_workers,
        calls: sizes.versus_db_calls,
        within: sizes.versus_within,
    };
    type Measure = fn(&Python, Bounds, &str, &Runtime) -> Vec<Row>;
    let both: [([Software; 2], Result<String, String>, Measure); 2] = [
        (
            [Software::TokioPostgres, Software::Asyncpg],
            servers::POSTGRES.url_in(urls),
            postgres_rows,
        ),
        (
            [Software::RedisRs, Software::RedisPy],
            servers::REDIS.url_in(urls),
            redis_rows,
        ),
    ];
    let mut rows = Vec::new();
    for (pair, url, measure) in both {
        match url {
            Ok(url) => rows.extend(measure(python, bounds, &url, runtime)),
            Err(why) => {
                for software in pair {
                    rows.extend(skipped(software, &[bounds.workers], &why));
                }
            }
        }
    }
    rows
}

fn postgres_rows(
    python: &Python,
    bounds: Bounds,
    url: &str,
    runtime: &Runtime,
) -> Vec<Row> {
    let pair = [Software::TokioPostgres, Software::Asyncpg];
    #[cfg(feature = "postgres")]
    {
        use crate::versus::database::postgres::{Items, load};
        let items = match runtime.block_on(Items::create(url)) {
            Ok(items) => items,
            Err(error) => {
                return pair
                    .map(|s| {
                        one(s, bounds.workers, Outcome::Failed(format!("{error:#}")))
                    })
                    .into();
            }
        };
        let rust = outcome(runtime.block_on(load(url, &items.table, bounds)));
        let python_side = match python.missing("postgres") {
            Some(why) => Outcome::Skipped(why),
            None => outcome(python.load(&["postgres", url, &items.table], bounds)),
        };
        let dropped = runtime.block_on(items.drop_table());
        let python_side = match dropped {
            Ok(()) => python_side,
            Err(error) => Outcome::Failed(format!("{error:#}")),
        };
        vec![
            one(pair[0], bounds.workers, rust),
            one(pair[1], bounds.workers, python_side),
        ]
    }
    #[cfg(not(feature = "postgres"))]
    {
        let _unbuilt = (python, bounds, runtime, url, pair);
        Vec::new()
    }
}

fn redis_rows(
    python: &Python,
    bounds: Bounds,
    url: &str,
    runtime: &Runtime,
) -> Vec<Row> {
    let pair = [Software::RedisRs, Software::RedisPy];
    #[cfg(feature = "redis")]
    {
        use crate::versus::database::redis::{load, take_count};
        // Each side INCRs a key of its own; the count afterwards must be
        // the calls it made: a lost INCR is a wrong answer.
        let counted = |key: &str, measured: anyhow::Result<Load>| -> Outcome {
            let counted = runtime.block_on(take_count(url, key));
            match (measured, counted) {
                (Ok(mut load), Ok(count)) => {
                    load.wrong += (load.calls as i64).abs_diff(count) as usize;
                    Outcome::Ran(load)
                }
                (Err(error), _) | (_, Err(error)) => {
                    Outcome::Failed(format!("{error:#}"))
                }
            }
        };
        let key = servers::unique_name("versus:rust");
        let rust = counted(&key, runtime.block_on(load(url, &key, bounds)));
        let python_side = match python.missing("redis") {
            Some(why) => Outcome::Skipped(why),
            None => {
                let key = servers::unique_name("versus:python");
                counted(&key, python.load(&["redis", url, &key], bounds))
            }
        };
        vec![
            one(pair[0], bounds.workers, rust),
            one(pair[1], bounds.workers, python_side),
        ]
    }
    #[cfg(not(feature = "redis"))]
    {
        let _unbuilt = (python, bounds, runtime, url, pair);
        Vec::new()
    }
}

fn outcome(measured: anyhow::Result<Load>) -> Outcome {
    match measured {
        Ok(load) => Outcome::Ran(load),
        Err(error) => Outcome::Failed(format!("{error:#}")),
    }
}

/// A software that cannot run here is one row, whatever the loads.
fn skipped(software: Software, workers: &[usize], why: &str) -> Vec<Row> {
    let why = why.strip_prefix("skipped: ").unwrap_or(why);
    let first = workers.first().copied().unwrap_or(0);
    vec![one(software, first, Outcome::Skipped(why.to_owned()))]
}

fn failed(software: Software, workers: &[usize], error: &anyhow::Error) -> Vec<Row> {
    rows_of(software, workers, Outcome::Failed(format!("{error:#}")))
}

fn rows_of(software: Software, workers: &[usize], outcome: Outcome) -> Vec<Row> {
    let row = |&workers: &usize| one(software, workers, outcome.clone());
    workers.iter().map(row).collect()
}

fn one(software: Software, workers: usize, outcome: Outcome) -> Row {
    Row {
        software,
        workers,
        outcome,
    }
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let versus = need(&results.versus_python, "versus-python")?;
    let mut report = SectionReport::new(
        "versus-python",
        "The same JSON endpoint, HTTP clients and database calls in Rust and in \
         Python, under one load generator, on this machine in this run.",
    );
    let Some(both) = &versus.python else {
        report.note(
            "Not asked: add --python to run the Python side beside the Rust one \
             (it needs the packages in chapters/06-ecosystem/python/requirements.txt; \
             the database rows also need the servers).",
        );
        return Ok(report);
    };
    let parts = [
        ("Servers: GET /items/{id} as JSON", "server", &both.servers),
        ("Clients against axum", "client", &both.clients),
        (
            "Databases: a SELECT by key, and INCR",
            "driver",
            &both.databases,
        ),
    ];
    for (title, what, rows) in parts {
        if rows
            .iter()
            .any(|r| !matches!(r.outcome, Outcome::Skipped(_)))
        {
            report.table(table(title, what, rows));
        }
        for (why, names) in skips(rows) {
            // Which parts run depends on the machine: shown, not snapshotted.
            report.verdict(format!("{title}: skipped {names}: {why}."));
        }
        claim_every_answer_right(&mut report, what, rows);
    }
    report.note(
        "Rust ÷ this: the Rust row's rate at the same load over this row's. \
         Servers are compared with axum on one thread, as uvicorn and aiohttp \
         serve from one process and one thread; axum on every core is what \
         the default runtime gives. The load generator, the servers and the \
         databases share this machine's cores.",
    );
    report.verdict(match &both.versions {
        Some(versions) => format!(
            "Python ran as {}: {}.",
            both.interpreter,
            versions.describe()
        ),
        None => format!("Python ran as {}.", both.interpreter),
    });
    claim_rust_is_faster(&mut report, both);
    Ok(report)
}

fn table(title: &str, what: &str, rows: &[Row]) -> Table {
    let mut table = Table::new(
        title,
        &["in flight", what, "per second", "p50", "p99", "Rust ÷ this"],
    );
    for row in rows {
        let figures = match &row.outcome {
            Outcome::Ran(load) => vec![
                Cell::PerSecond(load.throughput.requests_per_second),
                Cell::Seconds(load.throughput.p50),
                Cell::Seconds(load.throughput.p99),
                ratio(row, rows),
            ],
            Outcome::Skipped(_) => continue,
            Outcome::Failed(why) => vec![
                Cell::Missing(format!("failed: {why}")),
                Cell::text(""),
                Cell::text(""),
                Cell::text(""),
            ],
        };
        // axum's threads are the machine's cores: they vary.
        let name = match row.software {
            Software::Axum(n) if n > 1 => Cell::Varies(row.software.name()),
            _ => Cell::text(row.software.name()),
        };
        let mut cells = vec![Cell::Count(row.workers as u64), name];
        cells.extend(figures);
        table.push(cells);
    }
    table
}

/// The skipped software, grouped by why: ("REDIS_URL is unset", "redis
/// (Rust), redis-py").
fn skips(rows: &[Row]) -> Vec<(String, String)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for row in rows {
        let Outcome::Skipped(why) = &row.outcome else {
            continue;
        };
        let name = row.software.name();
        match groups.iter_mut().find(|(w, _)| w == why) {
            Some((_, names)) if !names.contains(&name) => names.push(name),
            Some(_) => {}
            None => groups.push((why.clone(), vec![name])),
        }
    }
    groups
        .into_iter()
        .map(|(why, names)| (why, names.join(", ")))
        .collect()
}

fn rate(row: &Row) -> Option<f64> {
    match &row.outcome {
        Outcome::Ran(load) => Some(load.throughput.requests_per_second),
        _ => None,
    }
}

/// How many times this Python row's rate the Rust counterpart's is, at
/// the same load; blank on a Rust row.
pub fn rust_over_python(row: &Row, rows: &[Row]) -> Option<f64> {
    let counterpart = row.software.rust_counterpart()?;
    let rust = rows
        .iter()
        .find(|r| r.software == counterpart && r.workers == row.workers)
        .and_then(rate)?;
    Some(rust / rate(row)?)
}

fn ratio(row: &Row, rows: &[Row]) -> Cell {
    match (row.software.rust_counterpart(), rust_over_python(row, rows)) {
        (None, _) => Cell::text(""),
        (Some(_), Some(ratio)) => Cell::Ratio(ratio),
        (Some(_), None) => Cell::Missing("no Rust figure".into()),
    }
}

fn claim_every_answer_right(report: &mut SectionReport, what: &str, rows: &[Row]) {
    let ran: Vec<&Load> = rows
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Ran(load) => Some(load),
            _ => None,
        })
        .collect();
    let failed: Vec<String> = rows
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Failed(why) => Some(format!("{}: {why}", r.software.name())),
            _ => None,
        })
        .collect();
    if ran.is_empty() && failed.is_empty() {
        return;
    }
    let calls: usize = ran.iter().map(|l| l.calls).sum();
    let wrong: usize = ran.iter().map(|l| l.wrong).sum();
    let holds = failed.is_empty() && wrong == 0;
    let mut claim = format!(
        "all {} answers of the {what}s that ran were the ones asked for ({wrong} wrong)",
        shared::report::group_thousands(calls as u64)
    );
    if !failed.is_empty() {
        claim = format!("{claim}; failed: {}", failed.join("; "));
    }
    report.check(holds, claim);
}

fn claim_rust_is_faster(report: &mut SectionReport, both: &BothSides) {
    let groups = [&both.servers, &both.clients, &both.databases];
    let ratios: Vec<f64> = groups
        .iter()
        .flat_map(|rows| rows.iter().filter_map(|row| rust_over_python(row, rows)))
        .collect();
    if ratios.is_empty() {
        return;
    }
    report.measured(
        ratios.iter().all(|&r| r > 1.0),
        format!(
            "the Rust side had the higher rate in each of the {} comparisons",
            ratios.len()
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Throughput;
    use shared::report::Render;

    fn ran(
        software: Software,
        workers: usize,
        per_second: f64,
        wrong: usize,
    ) -> Row {
        let load = Load {
            workers,
            calls: 100,
            asked: 100,
            wrong,
            wall: 100.0 / per_second,
            throughput: Throughput {
                requests_per_second: per_second,
                p50: 0.001,
                p99: 0.002,
            },
        };
        one(software, workers, Outcome::Ran(load))
    }

    fn report_of(servers: Vec<Row>) -> SectionReport {
        let both = BothSides {
            interpreter: "python3".into(),
            versions: None,
            cores: 2,
            servers,
            clients: Vec::new(),
            databases: Vec::new(),
        };
        let results = Results {
            versus_python: Some(VersusPython { python: Some(both) }),
            ..Results::default()
        };
        report(&results).unwrap()
    }

    #[test]
    fn a_python_row_is_divided_into_its_rust_counterpart_at_the_same_load() {
        let rows = vec![
            ran(Software::Axum(1), 1, 3000.0, 0),
            ran(Software::Axum(1), 50, 9000.0, 0),
            ran(Software::Axum(2), 50, 99_000.0, 0),
            ran(Software::FastApi, 1, 1000.0, 0),
            ran(Software::FastApi, 50, 1500.0, 0),
        ];
        assert_eq!(rust_over_python(&rows[3], &rows), Some(3.0));
        // Against one thread, not the two-thread row beside it.
        assert_eq!(rust_over_python(&rows[4], &rows), Some(6.0));
        assert_eq!(rust_over_python(&rows[0], &rows), None);
        let report = report_of(rows);
        assert!(report.broken().is_empty(), "{report:?}");
        assert!(report.cells().any(|c| *c == Cell::Ratio(6.0)));
    }

    #[test]
    fn the_verdict_names_the_versions_and_what_is_not_installed() {
        let mut results = report_of(Vec::new());
        let versions = Versions {
            python: "CPython 3.11.7".into(),
            packages: vec![
                ("fastapi".into(), Some("0.165.0".into())),
                ("asyncpg".into(), None),
                ("redis".into(), Some("8.1.0".into())),
            ],
        };
        // Wrapped to the terminal: compared word by word.
        let words = |report: &SectionReport| {
            let text = report.render(Render::Plain);
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        assert!(words(&results).contains("Python ran as python3."));
        let both = BothSides {
            interpreter: "python3".into(),
            versions: Some(versions),
            cores: 2,
            servers: Vec::new(),
            clients: Vec::new(),
            databases: Vec::new(),
        };
        results = report(&Results {
            versus_python: Some(VersusPython { python: Some(both) }),
            ..Results::default()
        })
        .unwrap();
        let text = words(&results);
        assert!(
            text.contains(
                "Python ran as python3: CPython 3.11.7 with fastapi 0.165.0, \
                 redis 8.1.0; not installed: asyncpg."
            ),
            "{text}"
        );
    }

    #[test]
    fn a_wrong_answer_or_a_failure_breaks_the_invariant() {
        let wrong = report_of(vec![ran(Software::FastApi, 1, 1000.0, 1)]);
        assert_eq!(wrong.broken().len(), 1, "{wrong:?}");
        let failed = report_of(vec![one(
            Software::AiohttpServer,
            1,
            Outcome::Failed("the server said nothing".into()),
        )]);
        let broken = failed.broken();
        assert_eq!(broken.len(), 1, "{failed:?}");
        assert!(broken[0].claim.contains("the server said nothing"));
    }

    #[test]
    fn a_slower_rust_row_misses_the_measured_claim_but_breaks_nothing() {
        let rows = vec![
            ran(Software::Axum(1), 1, 500.0, 0),
            ran(Software::FastApi, 1, 1000.0, 0),
        ];
        let report = report_of(rows);
        assert!(report.broken().is_empty());
        assert!(
            report
                .checks()
                .any(|c| !c.holds && c.kind == shared::report::Kind::Measured)
        );
    }

    #[test]
    fn skipped_software_is_named_once_per_reason_and_not_tabled() {
        let why = "no module fastapi";
        let mut rows = skipped(Software::FastApi, &[1, 50], why);
        rows.extend(skipped(Software::AiohttpServer, &[1, 50], why));
        assert_eq!(rows.len(), 2, "one row each, whatever the loads");
        assert_eq!(
            skips(&rows),
            [(why.to_owned(), "FastAPI (uvicorn), aiohttp".to_owned())]
        );
        let report = report_of(rows);
        assert_eq!(report.checks().count(), 0, "nothing ran, nothing to check");
        assert_eq!(report.cells().count(), 0, "no table of skips");
    }

    #[test]
    fn without_python_nothing_is_measured_or_checked() {
        let results = Results {
            versus_python: Some(VersusPython { python: None }),
            ..Results::default()
        };
        let report = report(&results).unwrap();
        assert_eq!(report.checks().count(), 0);
        assert_eq!(report.cells().count(), 0);
    }
}
