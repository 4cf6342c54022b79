//! The job queue on a broker: apalis with its Redis storage, the Rust
//! counterpart of Celery or RQ on Redis.
//!
//! Why apalis (checked in the source of apalis 1.0.0 / apalis-redis 1.0.0,
//! not taken from its README):
//! - Fit: a job is a serde type, a worker a plain `async fn` over it
//!   (`WorkerBuilder::new(name).backend(storage).build(handler)`), the
//!   shape of a Celery task. The storage is a set of Redis keys
//!   (`{queue}:active`, `{queue}:inflight:{worker}`, `{queue}:done`,
//!   `{queue}:dead`, …) driven by Lua scripts, so any process that can
//!   reach Redis can push or work, on this machine or another.
//! - Lost workers: every worker heartbeats into `{queue}:workers` (a sorted
//!   set scored by time, `keep_alive.lua`); on each heartbeat a worker
//!   moves the in-flight jobs of any worker silent for longer than
//!   `heartbeat_interval × missed_heartbeats` back to the queue
//!   (`reenqueue_orphaned.lua`, called from `RedisPersistence::heartbeat`).
//!   That is at-least-once delivery: a job whose worker died is run again.
//! - Retries and dead letters: a job that fails is rescheduled
//!   (`handle_results.lua`, `{queue}:scheduled`, due after `attempt`
//!   seconds); one that returns `AbortError` (status `Killed`) goes to
//!   `{queue}:dead`. Note what 1.0.0 does *not* do: it ignores a task's
//!   `max_attempts` and retries up to a hard-coded 25 attempts (a TODO in
//!   `handle_results.lua` says so). The chapter therefore counts attempts
//!   itself and aborts at [`MAX_ATTEMPTS`].
//! - Maintenance: apalis, apalis-core and apalis-redis 1.0.0 (the
//!   apalis-dev organisation on GitHub, MIT), edition 2024, on redis 1.x
//!   and tokio 1.x: the current majors of the crates a Rust service uses
//!   anyway. The other candidates were a queue to write ourselves (the
//!   issue rules that out) or crates built on PostgreSQL only; apalis is
//!   the one with a Redis storage, as Celery and RQ use.
//!
//! What it does not do for us: a worker whose connection to Redis fails
//! stops (`Worker::run` returns the backend's error). The worker process
//! ([`worker`]) is the supervisor that builds a new worker, under a new
//! name, until Redis answers again: the old name's in-flight jobs are
//! then orphans that a live worker re-enqueues.
//!
//! Layout:
//! - [`effects`]: the effect of a job, recorded once per job id (the
//!   idempotency key), beside a naive log that records every delivery.
//! - [`queue`]: the producer and the observer: push jobs, read the counts,
//!   wait (bounded) until every job is done or dead.
//! - [`worker`]: the worker process (the chapter binary in a hidden mode).
//! - [`fleet`]: start N worker processes, kill one, stop them all.
//! - [`measure`]: the `job-queue` section's runs, and the pool's.
//! - [`faults`]: the `faults` section's three runs.

pub mod effects;
pub mod faults;
pub mod fleet;
pub mod measure;
pub mod queue;
pub mod worker;

use std::time::Duration;

/// The hidden mode that makes the chapter binary a worker process:
/// `beyond-one-machine --broker-worker REDIS_URL QUEUE NAME`.
pub const WORKER_FLAG: &str = "--broker-worker";

// ANCHOR: config
/// Attempts a failing job gets before it is dead-lettered.
pub const MAX_ATTEMPTS: u64 = 3;

/// How often a worker heartbeats. Also how long an idle worker may wait
/// before it looks at the queue again (apalis-redis parks an idle worker
/// until its next heartbeat), which the `job-queue` section measures.
pub const HEARTBEAT: Duration = Duration::from_millis(500);

/// Heartbeats a worker may miss before its jobs are re-enqueued.
/// Six: three seconds of silence. A busy machine (a load of four per
/// core) made live workers miss a one-second bound: they were taken for
/// dead, lost their jobs and their registration, and the run counted
/// completed jobs without their effect (the `faults` section's check).
pub const MISSED_HEARTBEATS: usize = 6;

/// The storage's configuration, the same in the producer and every worker.
/// One job fetched at a time (`batch_size(1)`): a worker holds no jobs it
/// is not running, so a killed worker strands only the one it ran, and
/// work spreads evenly (Celery's `worker_prefetch_multiplier = 1`).
pub fn config(queue: &str) -> apalis_redis::Config {
    apalis_redis::Config::default()
        .queue(queue)
        .batch_size(1)
        .heartbeat_interval(HEARTBEAT)
        .missed_heartbeats(MISSED_HEARTBEATS)
}
// ANCHOR_END: config

/// A queue name no earlier run used: every run starts from empty keys,
/// also on a Redis someone else runs (REDIS_URL).
pub fn fresh_queue(purpose: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("bom-{purpose}-{}-{nanos}-{n}", std::process::id())
}
