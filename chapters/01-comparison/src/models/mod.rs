//! The eight ways to run the same work, one file each. Every model has a
//! `download_all` (the I/O-bound job) and a `sum_all` (the CPU-bound job)
//! that return their results in input order.

pub mod async_std_tasks;
pub mod processes;
pub mod rayon_pool;
pub mod sequential;
pub mod smol_tasks;
pub mod thread_pool;
pub mod threads;
pub mod tokio_tasks;

use crate::Context;
use serde::{Deserialize, Serialize};
use shared::workload::Download;
use std::time::Duration;

/// A way of running work concurrently, named as the chapter prints it
/// (and as the results document spells it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Model {
    Sequential,
    Threads,
    ThreadPool,
    Rayon,
    Processes,
    Tokio,
    AsyncStd,
    Smol,
}

impl Model {
    pub const ALL: [Model; 8] = [
        Model::Sequential,
        Model::Threads,
        Model::ThreadPool,
        Model::Rayon,
        Model::Processes,
        Model::Tokio,
        Model::AsyncStd,
        Model::Smol,
    ];

    /// Whether the model can run CPU work on more than one core at once.
    pub fn is_parallel(self) -> bool {
        matches!(
            self,
            Model::Threads | Model::ThreadPool | Model::Rayon | Model::Processes
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Model::Sequential => "sequential",
            Model::Threads => "threads",
            Model::ThreadPool => "thread-pool",
            Model::Rayon => "rayon",
            Model::Processes => "processes",
            Model::Tokio => "tokio",
            Model::AsyncStd => "async-std",
            Model::Smol => "smol",
        }
    }

    /// Downloads every URL (each a wait of `delay`), results in URL order.
    pub fn download_all(
        self,
        context: &Context,
        urls: &[String],
        delay: Duration,
    ) -> anyhow::Result<Vec<Download>> {
        Ok(match self {
            Model::Sequential => sequential::download_all(urls, delay),
            Model::Threads => threads::download_all(urls, delay)?,
            Model::ThreadPool => {
                thread_pool::download_all(context.pool_size(), urls, delay)?
            }
            Model::Rayon => rayon_pool::download_all(urls, delay),
            Model::Processes => processes::download_all(
                &context.worker,
                context.process_count(),
                urls,
                delay,
            )?,
            Model::Tokio => tokio_tasks::download_all(context.tokio()?, urls, delay),
            Model::AsyncStd => async_std_tasks::download_all(urls, delay),
            Model::Smol => smol_tasks::download_all(urls, delay),
        })
    }

    /// Sums the squares below each `n`, results in input order.
    pub fn sum_all(self, context: &Context, ns: &[u64]) -> anyhow::Result<Vec<u64>> {
        Ok(match self {
            Model::Sequential => sequential::sum_all(ns),
            Model::Threads => threads::sum_all(ns)?,
            Model::ThreadPool => thread_pool::sum_all(context.pool_size(), ns)?,
            Model::Rayon => rayon_pool::sum_all(ns),
            Model::Processes => {
                processes::sum_all(&context.worker, context.process_count(), ns)?
            }
            Model::Tokio => tokio_tasks::sum_all(context.tokio()?, ns),
            Model::AsyncStd => async_std_tasks::sum_all(ns),
            Model::Smol => smol_tasks::sum_all(ns),
        })
    }

    /// What the model runs `jobs` jobs on, e.g. "6 threads" or "2 processes".
    pub fn runs_on(self, context: &Context, jobs: usize) -> String {
        let cores = context.cores;
        match self {
            Model::Sequential => "1 thread".into(),
            Model::Threads => format!("{jobs} threads"),
            Model::ThreadPool => format!("{} threads", context.pool_size()),
            Model::Rayon => format!("{} threads", rayon_pool::threads()),
            Model::Processes => format!("{} processes", context.process_count()),
            Model::Tokio | Model::AsyncStd => {
                format!("{jobs} tasks on {cores} threads")
            }
            Model::Smol => format!("{jobs} tasks on 1 thread"),
        }
    }

    /// The model's source file, for counting what each model costs to write.
    pub fn source(self) -> &'static str {
        match self {
            Model::Sequential => include_str!("sequential.rs"),
            Model::Threads => include_str!("threads.rs"),
            Model::ThreadPool => include_str!("thread_pool.rs"),
            Model::Rayon => include_str!("rayon_pool.rs"),
            Model::Processes => include_str!("processes.rs"),
            Model::Tokio => include_str!("tokio_tasks.rs"),
            Model::AsyncStd => include_str!("async_std_tasks.rs"),
            Model::Smol => include_str!("smol_tasks.rs"),
        }
    }
}
