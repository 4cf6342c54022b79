//! The eight models by name, and the one place that runs a job under any
//! of them.

use crate::Runners;
use crate::{processes, rayon_pool, sequential, thread_pool, threads, tokio_tasks};
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
    #[cfg(feature = "async-std")]
    AsyncStd,
    #[cfg(feature = "smol")]
    Smol,
}

impl Model {
    /// Every model this build has: all eight with both features on.
    pub const ALL: &[Model] = &[
        Model::Sequential,
        Model::Threads,
        Model::ThreadPool,
        Model::Rayon,
        Model::Processes,
        Model::Tokio,
        #[cfg(feature = "async-std")]
        Model::AsyncStd,
        #[cfg(feature = "smol")]
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
            #[cfg(feature = "async-std")]
            Model::AsyncStd => "async-std",
            #[cfg(feature = "smol")]
            Model::Smol => "smol",
        }
    }

    /// Downloads every URL (each a wait of `delay`), results in URL order.
    pub fn download_all(
        self,
        runners: &Runners,
        urls: &[String],
        delay: Duration,
    ) -> anyhow::Result<Vec<Download>> {
        Ok(match self {
            Model::Sequential => sequential::download_all(urls, delay),
            Model::Threads => threads::download_all(urls, delay)?,
            Model::ThreadPool => {
                thread_pool::download_all(runners.pool_size(), urls, delay)?
            }
            Model::Rayon => rayon_pool::download_all(urls, delay),
            Model::Processes => processes::download_all(
                &runners.worker,
                runners.process_count(),
                urls,
                delay,
            )?,
            Model::Tokio => tokio_tasks::download_all(runners.tokio()?, urls, delay),
            #[cfg(feature = "async-std")]
            Model::AsyncStd => crate::async_std_tasks::download_all(urls, delay),
            #[cfg(feature = "smol")]
            Model::Smol => crate::smol_tasks::download_all(urls, delay),
        })
    }

    /// Sums the squares below each `n`, results in input order.
    pub fn sum_all(self, runners: &Runners, ns: &[u64]) -> anyhow::Result<Vec<u64>> {
        Ok(match self {
            Model::Sequential => sequential::sum_all(ns),
            Model::Threads => threads::sum_all(ns)?,
            Model::ThreadPool => thread_pool::sum_all(runners.pool_size(), ns)?,
            Model::Rayon => rayon_pool::sum_all(ns),
            Model::Processes => {
                processes::sum_all(&runners.worker, runners.process_count(), ns)?
            }
            Model::Tokio => tokio_tasks::sum_all(runners.tokio()?, ns),
            #[cfg(feature = "async-std")]
            Model::AsyncStd => crate::async_std_tasks::sum_all(ns),
            #[cfg(feature = "smol")]
            Model::Smol => crate::smol_tasks::sum_all(ns),
        })
    }

    /// What the model runs `jobs` jobs on, e.g. "6 threads" or "2 processes".
    pub fn runs_on(self, runners: &Runners, jobs: usize) -> String {
        let cores = runners.cores;
        match self {
            Model::Sequential => "1 thread".into(),
            Model::Threads => format!("{jobs} threads"),
            Model::ThreadPool => format!("{} threads", runners.pool_size()),
            Model::Rayon => format!("{} threads", rayon_pool::threads()),
            Model::Processes => format!("{} processes", runners.process_count()),
            Model::Tokio => format!("{jobs} tasks on {cores} threads"),
            #[cfg(feature = "async-std")]
            Model::AsyncStd => format!("{jobs} tasks on {cores} threads"),
            #[cfg(feature = "smol")]
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
            #[cfg(feature = "async-std")]
            Model::AsyncStd => include_str!("async_std_tasks.rs"),
            #[cfg(feature = "smol")]
            Model::Smol => include_str!("smol_tasks.rs"),
        }
    }
}
