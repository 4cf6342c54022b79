//! `checked-queries`: sqlx's query checked at compile time against
//! tokio-postgres on the same point SELECT, the same connections and the
//! same load. What the check buys is in the build (a wrong column or type
//! does not compile); what it costs at run time is measured here. Needs
//! `--features sqlx` and a PostgreSQL at DATABASE_URL; without them the
//! section says which is missing.

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};

/// What `checked-queries` measured, or why it did not run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckedQueries {
    pub skipped: Option<String>,
    /// (driver, its load), tokio-postgres first.
    pub loads: Vec<(String, crate::versus::load::Load)>,
}

const CLAIM: &str = "sqlx checks a query against the schema while the crate compiles; what \
     its checked query costs at run time is measured beside tokio-postgres's \
     prepared statement, on the same SELECT.";

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    results.checked_queries = Some(run(context)?);
    Ok(())
}

/// Why the section cannot run here, the server first: a run without one
/// says the same in every build.
fn skip_reason(context: &Context) -> Option<String> {
    if context.servers.postgres.is_none() {
        Some(
            "DATABASE_URL is not set (chapters/06-ecosystem/servers run -- …)"
                .into(),
        )
    } else if !cfg!(feature = "sqlx") {
        Some("built without the `sqlx` feature (--features sqlx)".into())
    } else {
        None
    }
}

fn run(context: &Context) -> anyhow::Result<CheckedQueries> {
    match skip_reason(context) {
        Some(why) => Ok(CheckedQueries {
            skipped: Some(why),
            loads: Vec::new(),
        }),
        None => measured(context),
    }
}

#[cfg(not(feature = "sqlx"))]
fn measured(_: &Context) -> anyhow::Result<CheckedQueries> {
    anyhow::bail!("checked-queries needs the `sqlx` feature")
}

#[cfg(feature = "sqlx")]
fn measured(context: &Context) -> anyhow::Result<CheckedQueries> {
    use crate::db::servers::checked;
    use crate::versus::load::Bounds;
    let url = context.servers.postgres.clone().unwrap_or_default();
    let sizes = &context.sizes;
    let bounds = Bounds {
        workers: sizes.versus_db_workers,
        calls: sizes.versus_db_calls,
        within: sizes.versus_within,
    };
    let loads = context.runtime()?.block_on(async {
        checked::create(&url).await?;
        let postgres = checked::tokio_postgres_load(&url, bounds).await?;
        let sqlx = checked::sqlx_load(&url, bounds).await?;
        anyhow::Ok(vec![
            ("tokio-postgres".to_string(), postgres),
            ("sqlx".to_string(), sqlx),
        ])
    })?;
    Ok(CheckedQueries {
        skipped: None,
        loads,
    })
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let checked = need(&results.checked_queries, "checked-queries")?;
    let mut report = SectionReport::new("checked-queries", CLAIM);
    if let Some(why) = &checked.skipped {
        report.note(format!("skipped: {why}"));
        return Ok(report);
    }
    let mut table = Table::new(
        "SELECT quantity FROM checked_items WHERE id = $1, a connection per worker",
        &[
            "driver",
            "in flight",
            "calls",
            "per second",
            "p50",
            "p99",
            "ratio",
        ],
    );
    let base = checked
        .loads
        .first()
        .map(|(_, l)| l.throughput.requests_per_second);
    for (driver, load) in &checked.loads {
        let rate = load.throughput.requests_per_second;
        table.push(vec![
            Cell::text(driver),
            Cell::Count(load.workers as u64),
            Cell::Tally(load.calls as u64),
            Cell::PerSecond(rate),
            Cell::Seconds(load.throughput.p50),
            Cell::Seconds(load.throughput.p99),
            match base {
                Some(base) if driver != "tokio-postgres" => Cell::Ratio(rate / base),
                _ => Cell::text(""),
            },
        ]);
    }
    report.table(table);
    report
        .note("ratio: sqlx's calls per second over tokio-postgres's, in this run.");
    let right = checked.loads.len() == 2
        && checked
            .loads
            .iter()
            .all(|(_, l)| l.wrong == 0 && l.calls > 0);
    report.check(
        right,
        "both drivers made calls, and every answer was the row asked for",
    );
    Ok(report)
}
