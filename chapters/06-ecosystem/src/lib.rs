//! Chapter 6: the async ecosystem — an HTTP server and client, a web
//! framework and a database, each run for real on this machine.
//!
//! Layout:
//! - [`server`]: start any axum app on `127.0.0.1:0` and stop it
//!   gracefully, with a bound on the wait.
//! - [`downloads`]: the download server, the chapter's real I/O workload
//!   (a latency, a slow route, a flaky route) and what it counted.
//! - [`client`]: reqwest, async and blocking, with one timeout and retry
//!   policy, and bounded-concurrency fetching for both.
//! - [`limits`]: the server-limits app — tower's timeout, concurrency
//!   limit and load shedding around axum's routes.
//! - [`items`]: the web-framework app — typed JSON handlers over shared
//!   state, FastAPI's counterpart.
//! - [`db`]: SQLite through rusqlite, driven from async code with
//!   `spawn_blocking`: writers, readers and transfers in transactions.
//!   PostgreSQL and Redis through their async drivers (`db::servers`),
//!   behind the opt-in `postgres` and `redis` features.
//! - [`events`]: server-sent events, a counted stream and an endless one
//!   that may watch the shutdown signal.
//! - [`stats`]: requests per second and latency percentiles.
//! - [`versus`]: the same endpoint, clients and queries under Python's
//!   frameworks and drivers, for `versus-python --python`.
//! - [`sections`]: one file per section of the chapter, each a `measure`
//!   into its typed results and a pure `report` from them.
//! - [`Results`]: every section's typed results, the `results` of the
//!   `--json` document.
//! - [`exercises`] and [`solutions`]: the learner's stubs and the reference
//!   answers, checked by the same snapshots.

pub mod client;
pub mod db;
pub mod downloads;
pub mod events;
pub mod exercises;
pub mod items;
pub mod limits;
pub mod sections;
pub mod server;
pub mod sizes;
pub mod solutions;
pub mod stats;
pub mod versus;

use serde::{Deserialize, Serialize};
use shared::cli::{Chapter, Options, Section};
use shared::typed;
use sizes::Sizes;
use std::sync::OnceLock;

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context, Results> = Chapter {
    package: "ecosystem",
    title: "Chapter 6 · The async ecosystem, against real local services",
    sections: &[
        Section {
            name: "http-server",
            summary: "axum serving simulated downloads on loopback; graceful shutdown",
            run: typed!(http_server),
        },
        Section {
            name: "http-client",
            summary: "reqwest async vs blocking: requests/s, p50/p99, timeouts, retries",
            run: typed!(http_client),
        },
        Section {
            name: "server-limits",
            summary: "tower layers: a timeout (408), a concurrency limit, load shedding (503)",
            run: typed!(server_limits),
        },
        Section {
            name: "events",
            summary: "server-sent events: a burst, a paced stream, a stop with a stream open",
            run: typed!(events),
        },
        Section {
            name: "web-framework",
            summary: "FastAPI's counterpart: typed JSON handlers, shared state",
            run: typed!(web_framework),
        },
        Section {
            name: "database",
            summary: "SQLite from async code: spawn_blocking, readers, writers, transactions",
            run: typed!(database),
        },
        Section {
            name: "pool",
            summary: "with a PostgreSQL: a handler's connections, 200 requests in flight (deadpool)",
            run: typed!(pool),
        },
        Section {
            name: "checked-queries",
            summary: "with --features sqlx and a PostgreSQL: sqlx's checked query vs tokio-postgres",
            run: typed!(checked_queries),
        },
        Section {
            name: "versus-python",
            summary: "with --python: axum, reqwest and the drivers against FastAPI, httpx, asyncpg…",
            run: typed!(versus_python),
        },
    ],
    python: Some("versus-python runs its Python side too (FastAPI, httpx…)"),
};

/// Everything one run of the chapter measured, section by section: what
/// `--json` prints under `results`, what every report is drawn from. A
/// section that did not run is `None`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Results {
    pub http_server: Option<sections::http_server::HttpServer>,
    pub http_client: Option<sections::http_client::HttpClient>,
    pub server_limits: Option<sections::server_limits::ServerLimits>,
    pub events: Option<sections::events::Events>,
    pub web_framework: Option<sections::web_framework::WebFramework>,
    pub database: Option<sections::database::Database>,
    pub pool: Option<sections::pool::Pool>,
    pub checked_queries: Option<sections::checked_queries::CheckedQueries>,
    pub versus_python: Option<sections::versus_python::VersusPython>,
}

/// The results of a section a report needs (shared by every chapter).
pub use shared::cli::need;

/// What the sections share during one run.
pub struct Context {
    pub sizes: Sizes,
    /// The PostgreSQL and Redis URLs: none in [`Context::new`], the
    /// environment's on the command line.
    pub servers: db::servers::Urls,
    /// The Python side of `versus-python`, when `--python` asked for it.
    pub python: Option<versus::python::Python>,
    /// Where the servers and the async clients run, built on first use.
    runtime: OnceLock<tokio::runtime::Runtime>,
}

impl Context {
    pub fn new(sizes: Sizes) -> Context {
        Context {
            sizes,
            servers: db::servers::Urls::default(),
            python: None,
            runtime: OnceLock::new(),
        }
    }

    pub fn from_options(options: &Options) -> anyhow::Result<Context> {
        let sizes = options.sizes();
        let mut context = Context::new(sizes);
        context.servers = db::servers::Urls::from_environment();
        if options.python {
            context.python = Some(versus::python::Python::from_environment());
        }
        Ok(context)
    }

    /// The multi-threaded tokio runtime: servers run on its workers while
    /// the main thread drives a client, blocking or not.
    pub fn runtime(&self) -> anyhow::Result<&tokio::runtime::Runtime> {
        if let Some(runtime) = self.runtime.get() {
            return Ok(runtime);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        Ok(self.runtime.get_or_init(|| runtime))
    }
}
