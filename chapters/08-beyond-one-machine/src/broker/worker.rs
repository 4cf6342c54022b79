//! The worker process: the chapter binary started as
//! `--broker-worker REDIS_URL QUEUE NAME`. It connects to Redis on its
//! own — nothing but the URL ties it to the producer, so it could run on
//! another machine — and runs one apalis worker, one job at a time.
//!
//! It ends when its stdin closes (the parent went away or stopped it), so
//! no worker outlives the run that started it.

use super::effects::Effects;
use super::{MAX_ATTEMPTS, config};
use crate::jobs::{Job, Work};
use apalis::layers::WorkerBuilderExt;
use apalis::prelude::{AbortError, BoxDynError, Data, WorkerBuilder};
use apalis_redis::RedisStorage;
use std::process::ExitCode;
use std::time::Duration;

// ANCHOR: handler
/// One delivery of a job. The work runs on a blocking thread (the CPU job
/// must not stall the worker's heartbeats); its effect is recorded under
/// the job's id, so a second delivery of a job that already took effect
/// changes nothing. A failure is retried by the storage until the job's
/// [`MAX_ATTEMPTS`]-th attempt, which aborts it into the dead set.
async fn handle(job: Job, effects: Data<Effects>) -> Result<u64, BoxDynError> {
    let attempt = effects.attempt(job.id).await?;
    let work = job.work.clone();
    let outcome = tokio::task::spawn_blocking(move || work.run()).await?;
    match outcome {
        Ok(value) => {
            effects.record(job.id, value).await?;
            if let Work::Stall { stall_ms } = job.work
                && attempt == 1
            {
                // Took effect, not yet acknowledged: a kill now means
                // the job is delivered again.
                effects.stalling(std::process::id()).await?;
                tokio::time::sleep(Duration::from_millis(stall_ms)).await;
            }
            Ok(value)
        }
        Err(why) if attempt >= MAX_ATTEMPTS => Err(AbortError::new(why).into()),
        Err(why) => Err(why.into()),
    }
}
// ANCHOR_END: handler

/// The hidden mode's entry: `args` are the URL, the queue and the name.
pub fn serve(args: &[String]) -> ExitCode {
    let [url, queue, name] = args else {
        eprintln!(
            "beyond-one-machine: {} needs REDIS_URL QUEUE NAME",
            super::WORKER_FLAG
        );
        return ExitCode::from(2);
    };
    crate::children::end_when_stdin_closes();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("beyond-one-machine worker: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(supervise(url, queue, name));
    ExitCode::SUCCESS
}

// ANCHOR: supervise
/// Runs the worker, and builds a new one whenever the old one stopped on
/// a broker error (apalis' `Worker::run` returns then). Each generation
/// registers under a new name: the old name's in-flight job is an orphan
/// a live worker re-enqueues after the missed heartbeats.
async fn supervise(url: &str, queue: &str, name: &str) {
    for generation in 0u64.. {
        if let Ok(conn) = apalis_redis::connect(url).await {
            let effects = Effects::new(conn.clone(), queue);
            if generation > 0 {
                let _ = effects.reconnected().await;
            }
            let storage = RedisStorage::<Job>::new(conn).with_config(config(queue));
            let worker = WorkerBuilder::new(format!("{name}-{generation}"))
                .backend(storage)
                .data(effects)
                .concurrency(1)
                .build(handle);
            if worker.run().await.is_ok() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
// ANCHOR_END: supervise
