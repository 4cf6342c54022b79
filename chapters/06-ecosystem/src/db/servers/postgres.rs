//! PostgreSQL through tokio-postgres (asyncpg's counterpart): concurrent
//! writers on separate connections, each insert in a transaction that also
//! keeps a running total, and the invariant checked at the end.

use super::{bounded, unique_name};
use tokio::task::JoinSet;
use tokio_postgres::{Client, NoTls};

/// What the run saw: rows inserted, their sum, and the kept total.
#[derive(Debug, PartialEq, Eq)]
pub struct Counts {
    pub rows: i64,
    pub sum: i64,
    pub total: i64,
}

/// A connection whose background half runs on its own task; it ends when
/// the client is dropped.
pub(crate) async fn connect(url: &str) -> anyhow::Result<Client> {
    let (client, connection) =
        bounded("connect", tokio_postgres::connect(url, NoTls)).await?;
    tokio::spawn(async move {
        let _closed = connection.await;
    });
    Ok(client)
}

/// Creates two tables of this run's own, has `tasks` connections insert
/// `per_task` rows each, then reads back and drops the tables (also when
/// a step failed).
pub async fn run(
    url: &str,
    tasks: usize,
    per_task: usize,
) -> anyhow::Result<Counts> {
    let table = unique_name("ecosystem");
    let admin = connect(url).await?;
    let create = format!(
        "CREATE TABLE {table} (task INT NOT NULL, amount BIGINT NOT NULL);
         CREATE TABLE {table}_total (id INT PRIMARY KEY, total BIGINT NOT NULL);
         INSERT INTO {table}_total VALUES (1, 0);"
    );
    bounded("create tables", admin.batch_execute(&create)).await?;
    let result = insert_and_count(url, &table, tasks, per_task, &admin).await;
    let drop = format!("DROP TABLE IF EXISTS {table}, {table}_total");
    bounded("drop tables", admin.batch_execute(&drop)).await?;
    result
}

async fn insert_and_count(
    url: &str,
    table: &str,
    tasks: usize,
    per_task: usize,
    admin: &Client,
) -> anyhow::Result<Counts> {
    let mut writers = JoinSet::new();
    for task in 0..tasks {
        let (url, table) = (url.to_owned(), table.to_owned());
        writers.spawn(async move { writer(&url, &table, task, per_task).await });
    }
    while let Some(joined) = writers.join_next().await {
        joined??;
    }
    let query = format!(
        "SELECT (SELECT count(*) FROM {table}), \
                (SELECT coalesce(sum(amount), 0)::BIGINT FROM {table}), \
                (SELECT total FROM {table}_total WHERE id = 1)"
    );
    let row = bounded("read back", admin.query_one(&query, &[])).await?;
    Ok(Counts {
        rows: row.try_get(0)?,
        sum: row.try_get(1)?,
        total: row.try_get(2)?,
    })
}

// ANCHOR: postgres_writer
/// One connection of its own; each insert and its update of the total
/// commit together or not at all.
async fn writer(
    url: &str,
    table: &str,
    task: usize,
    rows: usize,
) -> anyhow::Result<()> {
    let mut client = connect(url).await?;
    let task = i32::try_from(task)?;
    let insert = format!("INSERT INTO {table} (task, amount) VALUES ($1, 1)");
    let add = format!("UPDATE {table}_total SET total = total + 1 WHERE id = 1");
    for _ in 0..rows {
        let tx = bounded("begin", client.transaction()).await?;
        bounded("insert", tx.execute(&insert, &[&task])).await?;
        bounded("update total", tx.execute(&add, &[])).await?;
        bounded("commit", tx.commit()).await?;
    }
    Ok(())
}
// ANCHOR_END: postgres_writer
