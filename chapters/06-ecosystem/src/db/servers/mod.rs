//! PostgreSQL and Redis through their async drivers, for readers who have
//! a server: opt-in cargo features (`postgres`, `redis`), because each
//! driver adds 15-27 s to a clean build and most readers have no server.
//!
//! Every call to a server is bounded by [`TIMEOUT`]: a server that is
//! absent or stalled ends the run with an error, never a hang.

#[cfg(feature = "sqlx")]
pub mod checked;
pub mod connections;
#[cfg(feature = "postgres")]
pub mod pooled;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "redis")]
pub mod redis;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The longest any one call to a server may take.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// A server the section can talk to, and how the reader turns it on.
#[derive(Clone, Copy, Debug)]
pub struct Server {
    pub name: &'static str,
    pub driver: &'static str,
    pub feature: &'static str,
    pub variable: &'static str,
    /// Whether this build includes the driver.
    pub built: bool,
}

pub const POSTGRES: Server = Server {
    name: "PostgreSQL",
    driver: "tokio-postgres",
    feature: "postgres",
    variable: "DATABASE_URL",
    built: cfg!(feature = "postgres"),
};

pub const REDIS: Server = Server {
    name: "Redis",
    driver: "redis (tokio-comp)",
    feature: "redis",
    variable: "REDIS_URL",
    built: cfg!(feature = "redis"),
};

/// The servers' URLs as a run found them: read from the environment once,
/// by the command line, so that a test's run never depends on the
/// environment it was started in.
#[derive(Clone, Debug, Default)]
pub struct Urls {
    pub postgres: Option<String>,
    pub redis: Option<String>,
}

impl Urls {
    pub fn from_environment() -> Urls {
        Urls {
            postgres: std::env::var(POSTGRES.variable).ok(),
            redis: std::env::var(REDIS.variable).ok(),
        }
    }
}

impl Server {
    /// The server's URL, or the line saying why this run skips it.
    pub fn url(&self) -> Result<String, String> {
        self.url_from(std::env::var(self.variable).ok())
    }

    /// The server's URL among `urls`, or the line saying why this run
    /// skips it.
    pub fn url_in(&self, urls: &Urls) -> Result<String, String> {
        let value = if self.variable == POSTGRES.variable {
            &urls.postgres
        } else {
            &urls.redis
        };
        self.url_from(value.clone())
    }

    /// [`Server::url`] with the variable's value given: testable without
    /// touching the process environment.
    pub fn url_from(&self, value: Option<String>) -> Result<String, String> {
        let (feature, variable) = (self.feature, self.variable);
        match value {
            Some(url) if self.built && !url.is_empty() => Ok(url),
            _ if !self.built => Err(format!(
                "skipped: build with `--features {feature}` and set {variable} \
                 to run this"
            )),
            _ => Err(format!("skipped: {variable} is unset")),
        }
    }
}

/// A name no other run uses at the same time: the process id and the clock.
pub fn unique_name(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// Awaits `future` for at most [`TIMEOUT`], naming the step that timed out.
pub async fn bounded<T, E>(
    step: &str,
    future: impl Future<Output = Result<T, E>>,
) -> anyhow::Result<T>
where
    E: Into<anyhow::Error>,
{
    match tokio::time::timeout(TIMEOUT, future).await {
        Ok(result) => result.map_err(|e| e.into().context(step.to_owned())),
        Err(_) => anyhow::bail!("{step}: no answer within {TIMEOUT:?}"),
    }
}
