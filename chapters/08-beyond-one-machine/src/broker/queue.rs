//! The producer's side of the queue: push jobs, read what apalis counted
//! (`{queue}:done`, `{queue}:dead`, `{queue}:workers`), and wait, bounded,
//! until every submitted job is settled. Every call to Redis is retried
//! until a deadline, so a producer rides out a broker restart as the
//! workers do.

use super::effects::{Effects, Tally};
use crate::jobs::Job;
use apalis::prelude::TaskSink;
use apalis_redis::{ConnectionManager, RedisStorage};
use std::future::Future;
use std::time::{Duration, Instant};

/// What apalis' own sets say about a queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Jobs acknowledged done (`{queue}:done`).
    pub done: u64,
    /// Jobs dead-lettered (`{queue}:dead`).
    pub dead: u64,
}

impl Counts {
    pub fn settled(&self) -> u64 {
        self.done + self.dead
    }
}

/// One queue on one Redis, as the producer sees it.
pub struct Queue {
    pub name: String,
    pub url: String,
    conn: ConnectionManager,
    storage: RedisStorage<Job>,
    pub effects: Effects,
}

/// How long the producer keeps retrying one call while Redis is away.
pub const RETRY_BOUND: Duration = Duration::from_secs(30);

impl Queue {
    /// Connects (retrying until [`RETRY_BOUND`]) to the queue `name`.
    pub async fn connect(url: &str, name: &str) -> anyhow::Result<Queue> {
        let conn =
            retry("connecting to Redis", || apalis_redis::connect(url)).await?;
        let storage =
            RedisStorage::new(conn.clone()).with_config(super::config(name));
        Ok(Queue {
            name: name.to_string(),
            url: url.to_string(),
            effects: Effects::new(conn.clone(), name),
            conn,
            storage,
        })
    }

    /// Pushes every job, in order, each retried while Redis is away.
    pub async fn push(&mut self, jobs: &[Job]) -> anyhow::Result<()> {
        for job in jobs {
            let deadline = Instant::now() + RETRY_BOUND;
            loop {
                match self.storage.push(job.clone()).await {
                    Ok(()) => break,
                    Err(_) if Instant::now() < deadline => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Err(e) => anyhow::bail!("pushing job {}: {e}", job.id),
                }
            }
        }
        Ok(())
    }

    /// The done and dead counts now.
    pub async fn counts(&self) -> anyhow::Result<Counts> {
        let done = self.card("SCARD", &config_key(&self.name, "done")).await?;
        let dead = self.card("SCARD", &config_key(&self.name, "dead")).await?;
        Ok(Counts { done, dead })
    }

    /// How many workers are registered (alive or not yet found dead).
    pub async fn workers(&self) -> anyhow::Result<u64> {
        self.card("ZCARD", &config_key(&self.name, "workers")).await
    }

    async fn card(&self, command: &str, key: &str) -> anyhow::Result<u64> {
        let conn = self.conn.clone();
        retry(key, || {
            let mut conn = conn.clone();
            async move { redis::cmd(command).arg(key).query_async(&mut conn).await }
        })
        .await
    }

    /// Waits until `submitted` jobs are done or dead, or `bound` passes
    /// (an error then: a job was lost or a worker hangs).
    pub async fn settle(
        &self,
        submitted: u64,
        bound: Duration,
    ) -> anyhow::Result<Counts> {
        let deadline = Instant::now() + bound;
        loop {
            let counts = self.counts().await?;
            if counts.settled() >= submitted {
                return Ok(counts);
            }
            if Instant::now() >= deadline {
                anyhow::bail!(
                    "after {bound:?}, {} of {submitted} jobs settled ({} done, {} dead)",
                    counts.settled(),
                    counts.done,
                    counts.dead
                );
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until `count` workers have registered, bounded.
    pub async fn await_workers(
        &self,
        count: u64,
        bound: Duration,
    ) -> anyhow::Result<()> {
        let deadline = Instant::now() + bound;
        while self.workers().await? < count {
            if Instant::now() >= deadline {
                anyhow::bail!("{count} workers did not register within {bound:?}");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(())
    }

    /// The chapter's counts (effects, deliveries, attempts), retried.
    pub async fn tally(&self) -> anyhow::Result<Tally> {
        retry("reading the effects", || self.effects.tally()).await
    }
}

/// apalis' key for one of a queue's sets (`{queue}:done`, …).
fn config_key(queue: &str, set: &str) -> String {
    let config = super::config(queue);
    match set {
        "done" => config.done_jobs_set(),
        "dead" => config.dead_jobs_set(),
        _ => config.workers_set(),
    }
}

/// Runs `call` until it succeeds or [`RETRY_BOUND`] passes.
pub async fn retry<T, E, F, Fut>(what: &str, mut call: F) -> anyhow::Result<T>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let deadline = Instant::now() + RETRY_BOUND;
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(e) if Instant::now() >= deadline => {
                anyhow::bail!("{what}: still failing after {RETRY_BOUND:?}: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}
