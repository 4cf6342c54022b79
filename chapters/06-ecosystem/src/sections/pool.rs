//! `pool`: a web handler's database connections under load.
//!
//! The claim: with 200 requests in flight against an axum handler that
//! reads PostgreSQL, a pool of a few connections (deadpool, asyncpg's
//! `create_pool` counterpart) answers every request, and faster than
//! opening a connection per request, which also runs into the server's
//! `max_connections`. One tokio-postgres client shared by every request
//! works too: it pipelines their queries on one connection. Needs
//! `--features postgres` and DATABASE_URL.

use crate::db::servers;
// Re-exported: a `pool` result names its way through this section.
pub use crate::db::servers::connections::{POOL_SIZE, Way};
use crate::versus::load::Load;
use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};

/// What `pool` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pool {
    Skipped(String),
    Ran {
        in_flight: usize,
        /// The server's `max_connections`.
        max_connections: i64,
        runs: Vec<PoolRun>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PoolRun {
    pub way: Way,
    /// The load, or why it could not run.
    pub load: Result<Load, String>,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let pool = match servers::POSTGRES.url_in(&context.servers) {
        Err(why) => {
            Pool::Skipped(why.strip_prefix("skipped: ").unwrap_or(&why).to_owned())
        }
        Ok(url) => measured(context, &url)?,
    };
    results.pool = Some(pool);
    Ok(())
}

#[cfg(feature = "postgres")]
fn measured(context: &Context, url: &str) -> anyhow::Result<Pool> {
    use crate::db::servers::pooled;
    use crate::server::RunningServer;
    use crate::versus::database::postgres::Items;
    use crate::versus::load::{self, Bounds};
    let sizes = context.sizes.clone();
    let runtime = context.runtime()?;
    let items = runtime.block_on(Items::create(url))?;
    let max_connections = runtime.block_on(pooled::max_connections(url))?;
    let bounds = Bounds {
        workers: sizes.pool_in_flight,
        calls: sizes.pool_calls,
        within: sizes.versus_within,
    };
    let mut runs = Vec::new();
    for way in Way::ALL {
        let load = runtime.block_on(async {
            let app = pooled::app(url, &items.table, way).await?;
            let server = RunningServer::start(app).await?;
            let base = format!("http://{}", server.addr);
            let measured = load::http(&base, bounds).await;
            server.stop().await?;
            measured
        });
        runs.push(PoolRun {
            way,
            load: load.map_err(|error| format!("{error:#}")),
        });
    }
    runtime.block_on(items.drop_table())?;
    Ok(Pool::Ran {
        in_flight: bounds.workers,
        max_connections,
        runs,
    })
}

/// Not reached: without the feature, the URL above is always a skip.
#[cfg(not(feature = "postgres"))]
fn measured(_: &Context, _: &str) -> anyhow::Result<Pool> {
    Ok(Pool::Skipped("build with `--features postgres`".into()))
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let pool = need(&results.pool, "pool")?;
    let mut report = SectionReport::new(
        "pool",
        "An axum handler that reads PostgreSQL, with many requests in flight: \
         a pool of a few connections answers every one, faster than a \
         connection per request.",
    );
    let (in_flight, max_connections, runs) = match pool {
        Pool::Skipped(why) => {
            report.verdict(format!("Skipped: {why}."));
            return Ok(report);
        }
        Pool::Ran {
            in_flight,
            max_connections,
            runs,
        } => (*in_flight, *max_connections, runs),
    };
    report.table(table(in_flight, runs));
    report.verdict(format!(
        "This server allows {max_connections} connections at once \
         (max_connections): a connection per request may run into it."
    ));
    check_runs(&mut report, runs);
    Ok(report)
}

/// A row per way of connecting: rate, latencies, wrong answers.
fn table(in_flight: usize, runs: &[PoolRun]) -> Table {
    let mut table = Table::new(
        format!("GET /items/{{id}} from PostgreSQL, {in_flight} requests in flight"),
        &["connections", "per second", "p50", "p99", "refused"],
    );
    for run in runs {
        let mut cells = vec![Cell::text(run.way.name())];
        match &run.load {
            Ok(load) => cells.extend([
                Cell::PerSecond(load.throughput.requests_per_second),
                Cell::Seconds(load.throughput.p50),
                Cell::Seconds(load.throughput.p99),
                Cell::Tally(load.wrong as u64),
            ]),
            Err(why) => cells.extend([
                Cell::Missing(format!("failed: {why}")),
                Cell::text(""),
                Cell::text(""),
                Cell::text(""),
            ]),
        }
        table.push(cells);
    }
    table
}

/// Every answer right for the shared client and the pool; the pool faster
/// than a connection per request.
fn check_runs(report: &mut SectionReport, runs: &[PoolRun]) {
    let load_of = |way: Way| {
        runs.iter()
            .find(|r| r.way == way)
            .and_then(|r| r.load.as_ref().ok())
    };
    for way in [Way::OneSharedClient, Way::Pool(POOL_SIZE)] {
        let right = load_of(way).filter(|l| l.wrong == 0);
        let calls = right.map_or(0, |l| l.calls as u64);
        report.check(
            right.is_some(),
            format!(
                "{}: every one of the requests was answered rightly ({} answers)",
                way.name(),
                shared::report::group_thousands(calls)
            ),
        );
    }
    let rate = |way| load_of(way).map(|l: &Load| l.throughput.requests_per_second);
    if let (Some(pooled), Some(each)) =
        (rate(Way::Pool(POOL_SIZE)), rate(Way::ConnectPerRequest))
    {
        report.measured(
            pooled > each,
            format!(
                "the pool of {POOL_SIZE} served more requests per second than a \
                 connection per request"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Throughput;

    fn run(way: Way, per_second: f64, wrong: usize) -> PoolRun {
        let load = Load {
            workers: 200,
            calls: 1000,
            asked: 1000,
            wrong,
            wall: 1000.0 / per_second,
            throughput: Throughput {
                requests_per_second: per_second,
                p50: 0.01,
                p99: 0.1,
            },
        };
        PoolRun {
            way,
            load: Ok(load),
        }
    }

    fn report_of(runs: Vec<PoolRun>) -> SectionReport {
        let results = Results {
            pool: Some(Pool::Ran {
                in_flight: 200,
                max_connections: 100,
                runs,
            }),
            ..Results::default()
        };
        report(&results).unwrap()
    }

    #[test]
    fn refusals_per_request_are_a_figure_but_a_refused_pooled_request_is_a_bug() {
        let fine = report_of(vec![
            run(Way::ConnectPerRequest, 300.0, 220),
            run(Way::OneSharedClient, 2000.0, 0),
            run(Way::Pool(POOL_SIZE), 1900.0, 0),
        ]);
        assert!(fine.broken().is_empty(), "{fine:?}");
        assert!(fine.checks().all(|c| c.holds));
        let refused = report_of(vec![
            run(Way::ConnectPerRequest, 300.0, 0),
            run(Way::OneSharedClient, 2000.0, 0),
            run(Way::Pool(POOL_SIZE), 1900.0, 1),
        ]);
        assert_eq!(refused.broken().len(), 1, "{refused:?}");
    }

    #[test]
    fn a_way_that_failed_breaks_its_invariant() {
        let mut runs = vec![
            run(Way::ConnectPerRequest, 300.0, 0),
            run(Way::Pool(POOL_SIZE), 1900.0, 0),
        ];
        runs.insert(
            1,
            PoolRun {
                way: Way::OneSharedClient,
                load: Err("connect: no answer".into()),
            },
        );
        assert_eq!(report_of(runs).broken().len(), 1);
    }
}
