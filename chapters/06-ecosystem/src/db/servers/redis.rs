//! Redis through the `redis` crate (aioredis's counterpart): concurrent
//! INCRs from separate connections, then a MULTI/EXEC transaction, on a
//! key of this run's own that is deleted afterwards.

use super::{bounded, unique_name};
use tokio::task::JoinSet;

/// What the run saw: the counter after the INCRs, and what MULTI/EXEC
/// returned (the INCRBY's result and the GET that followed it).
#[derive(Debug, PartialEq, Eq)]
pub struct Counts {
    pub after_incrs: i64,
    pub multi_incr: i64,
    pub multi_get: i64,
}

/// How much the MULTI/EXEC transaction adds.
pub const MULTI_ADDS: i64 = 10;

pub async fn run(url: &str, tasks: usize) -> anyhow::Result<Counts> {
    let client = redis::Client::open(url)?;
    let key = unique_name("ecosystem:counter");
    let mut admin =
        bounded("connect", client.get_multiplexed_async_connection()).await?;
    let result = count(&client, &key, tasks, &mut admin).await;
    let mut del = redis::cmd("DEL");
    del.arg(&key);
    bounded("DEL", del.query_async::<i64>(&mut admin)).await?;
    result
}

async fn count(
    client: &redis::Client,
    key: &str,
    tasks: usize,
    admin: &mut redis::aio::MultiplexedConnection,
) -> anyhow::Result<Counts> {
    // ANCHOR: redis_incr
    let mut incrs = JoinSet::new();
    for _ in 0..tasks {
        let (client, key) = (client.clone(), key.to_owned());
        incrs.spawn(async move {
            // Each call opens a new connection: separate clients, one key.
            let connecting = client.get_multiplexed_async_connection();
            let mut connection = bounded("connect", connecting).await?;
            let mut incr = redis::cmd("INCR");
            incr.arg(&key);
            bounded("INCR", incr.query_async::<i64>(&mut connection)).await
        });
    }
    // ANCHOR_END: redis_incr
    while let Some(joined) = incrs.join_next().await {
        joined??;
    }
    let mut get = redis::cmd("GET");
    get.arg(key);
    let after_incrs = bounded("GET", get.query_async::<i64>(admin)).await?;
    // ANCHOR: redis_multi
    // MULTI ... EXEC: both commands run with nothing in between.
    let mut multi = redis::pipe();
    multi.atomic().incr(key, MULTI_ADDS).get(key);
    let exec = multi.query_async::<(i64, i64)>(admin);
    let (multi_incr, multi_get) = bounded("MULTI/EXEC", exec).await?;
    // ANCHOR_END: redis_multi
    Ok(Counts {
        after_incrs,
        multi_incr,
        multi_get,
    })
}
