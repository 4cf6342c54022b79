//! sqlx's queries checked at compile time, against tokio-postgres on the
//! same SELECT. `query_scalar!` sends its SQL to a PostgreSQL while the
//! crate compiles (or reads what such a build saved in `.sqlx/`, which is
//! how this crate builds everywhere else: `SQLX_OFFLINE=true` in
//! .cargo/config.toml): a misspelt column or a wrong type is a compile
//! error, and the result's Rust type (`i32`, not `Option<i32>`, since the
//! column is `NOT NULL`) comes from the schema. `chapters/06-ecosystem/sqlx-prepare`
//! writes `.sqlx/` again after a query changes.
//!
//! The table has a fixed name, because a checked query names it: created
//! if missing and filled if empty, never dropped, so that runs and tests
//! against the same server can share it.

use super::{bounded, postgres::connect};
use crate::versus::endpoint::{IDS, id_of_call};
use crate::versus::load::{self, Bounds, Load, Tally};
use sqlx::Connection;
use std::time::Instant;

/// The table both drivers query, as the checked query names it.
pub const TABLE: &str = "checked_items";

/// Its schema: the one file sqlx-prepare checks the query against.
pub const SCHEMA: &str = include_str!("../../../sql/checked_items.sql");

/// Creates the table if it is missing: `IDS` rows of (id, quantity = id %
/// 100), the rows the versus loads use.
pub async fn create(url: &str) -> anyhow::Result<()> {
    let admin = connect(url).await?;
    bounded("create the table", admin.batch_execute(SCHEMA)).await?;
    let fill = format!(
        "INSERT INTO {TABLE} SELECT i, i % 100 FROM generate_series(1, {IDS}) AS i
         ON CONFLICT (id) DO NOTHING"
    );
    bounded("fill the table", admin.batch_execute(&fill)).await
}

// ANCHOR: sqlx_load
/// The load through sqlx: each worker on a connection of its own, as the
/// tokio-postgres load has, asking the checked query.
pub async fn sqlx_load(url: &str, bounds: Bounds) -> anyhow::Result<Load> {
    load::run(bounds, |tickets| {
        let url = url.to_owned();
        async move {
            let mut connection =
                bounded("connect", sqlx::PgConnection::connect(&url)).await?;
            let mut tally = Tally::default();
            while let Some(index) = tickets.take() {
                let id = id_of_call(index) as i32;
                let started = Instant::now();
                // Checked at compile time: `quantity` exists, is an INT
                // NOT NULL, so this is an i32; `$1` must be an i32 too.
                let query = sqlx::query_scalar!(
                    "SELECT quantity FROM checked_items WHERE id = $1",
                    id
                );
                let quantity: i32 =
                    bounded("SELECT", query.fetch_one(&mut connection)).await?;
                tally.record(started, quantity == id % 100);
            }
            Ok(tally)
        }
    })
    .await
}
// ANCHOR_END: sqlx_load

/// The same load through tokio-postgres, on the same table.
pub async fn tokio_postgres_load(url: &str, bounds: Bounds) -> anyhow::Result<Load> {
    crate::versus::database::postgres::load(url, TABLE, bounds).await
}
