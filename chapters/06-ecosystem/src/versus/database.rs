//! The database loads on the Rust side: tokio-postgres (asyncpg's
//! counterpart) and the `redis` crate (redis-py's asyncio client, which
//! aioredis became), each worker on a connection of its own. The queries
//! are the script's: a point SELECT by primary key, and INCR on one key.

#[cfg(feature = "postgres")]
pub mod postgres {
    use crate::db::servers::postgres::connect;
    use crate::db::servers::{bounded, unique_name};
    use crate::versus::endpoint::{IDS, id_of_call};
    use crate::versus::load::{self, Bounds, Load, Tally};
    use std::time::Instant;

    /// A table of this run's own, `IDS` rows of (id, quantity = id % 100),
    /// for both sides to query.
    pub struct Items {
        admin: tokio_postgres::Client,
        pub table: String,
    }

    impl Items {
        pub async fn create(url: &str) -> anyhow::Result<Items> {
            let admin = connect(url).await?;
            let table = unique_name("versus");
            let create = format!(
                "CREATE TABLE {table} (id INT PRIMARY KEY, quantity INT NOT NULL);
                 INSERT INTO {table} SELECT i, i % 100 FROM generate_series(1, {IDS}) AS i;"
            );
            bounded("create the table", admin.batch_execute(&create)).await?;
            Ok(Items { admin, table })
        }

        pub async fn drop_table(self) -> anyhow::Result<()> {
            let drop = format!("DROP TABLE IF EXISTS {}", self.table);
            bounded("drop the table", self.admin.batch_execute(&drop)).await
        }
    }

    // ANCHOR: postgres_load
    pub async fn load(
        url: &str,
        table: &str,
        bounds: Bounds,
    ) -> anyhow::Result<Load> {
        load::run(bounds, |tickets| {
            let url = url.to_owned();
            let query = format!("SELECT quantity FROM {table} WHERE id = $1");
            async move {
                let client = connect(&url).await?;
                // Prepared once per connection, as asyncpg does for us.
                let statement = bounded("prepare", client.prepare(&query)).await?;
                let mut tally = Tally::default();
                while let Some(index) = tickets.take() {
                    let id = id_of_call(index) as i32;
                    let started = Instant::now();
                    let row =
                        bounded("SELECT", client.query_one(&statement, &[&id]))
                            .await?;
                    let quantity: i32 = row.try_get(0)?;
                    tally.record(started, quantity == id % 100);
                }
                Ok(tally)
            }
        })
        .await
    }
    // ANCHOR_END: postgres_load
}

#[cfg(feature = "redis")]
pub mod redis {
    use crate::db::servers::bounded;
    use crate::versus::load::{self, Bounds, Load, Tally};
    use std::time::Instant;

    pub async fn load(url: &str, key: &str, bounds: Bounds) -> anyhow::Result<Load> {
        let client = ::redis::Client::open(url)?;
        load::run(bounds, |tickets| {
            let (client, key) = (client.clone(), key.to_owned());
            async move {
                let connecting = client.get_multiplexed_async_connection();
                let mut connection = bounded("connect", connecting).await?;
                let mut tally = Tally::default();
                while let Some(_index) = tickets.take() {
                    let started = Instant::now();
                    let mut incr = ::redis::cmd("INCR");
                    incr.arg(&key);
                    let value =
                        bounded("INCR", incr.query_async::<i64>(&mut connection))
                            .await?;
                    tally.record(started, value >= 1);
                }
                Ok(tally)
            }
        })
        .await
    }

    /// The counter at `key`, which is then deleted: what the INCRs of
    /// either side added up to.
    pub async fn take_count(url: &str, key: &str) -> anyhow::Result<i64> {
        let client = ::redis::Client::open(url)?;
        let mut connection =
            bounded("connect", client.get_multiplexed_async_connection()).await?;
        let mut get = ::redis::cmd("GET");
        get.arg(key);
        let count: Option<i64> =
            bounded("GET", get.query_async(&mut connection)).await?;
        let mut del = ::redis::cmd("DEL");
        del.arg(key);
        bounded("DEL", del.query_async::<i64>(&mut connection)).await?;
        Ok(count.unwrap_or(0))
    }
}
