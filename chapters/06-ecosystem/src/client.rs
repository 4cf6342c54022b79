//! The HTTP client side: reqwest, async and blocking, with the same
//! timeout and retry policy on both.
//!
//! httpx gives Python one client with a sync and an async face; reqwest
//! does the same. `reqwest::Client` is async. `reqwest::blocking::Client`
//! blocks its caller, and runs the async client on a runtime thread of its
//! own underneath: it must not be created or used inside an async task.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// One successful fetch: the body, how long it took from the first attempt
/// to the last byte, and how many attempts it needed.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub body: String,
    pub took: Duration,
    pub attempts: u32,
}

/// The retry policy: how often, and how long to wait before trying again.
#[derive(Clone, Copy, Debug)]
pub struct Retries {
    pub attempts: u32,
    /// Doubled after every failed attempt.
    pub backoff: Duration,
}

impl Retries {
    pub const DEFAULT: Retries = Retries {
        attempts: 3,
        backoff: Duration::from_millis(5),
    };

    fn wait_before(&self, attempt: u32) -> Duration {
        self.backoff * 2u32.saturating_pow(attempt.saturating_sub(1))
    }
}

/// The async client: every request is bounded by `timeout` (connecting
/// included), and never goes through a proxy — this chapter talks to
/// loopback only.
// ANCHOR: clients
pub fn async_client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .no_proxy()
        .build()
}

pub fn blocking_client(
    timeout: Duration,
) -> reqwest::Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .no_proxy()
        .build()
}
// ANCHOR_END: clients

/// Whether another attempt could succeed: a timeout, a refused
/// connection, or a server error (5xx). A 404 will not change.
// ANCHOR: retryable
pub fn retryable(error: &reqwest::Error) -> bool {
    error.is_timeout()
        || error.is_connect()
        || error.status().is_some_and(|s| s.is_server_error())
}
// ANCHOR_END: retryable

/// GET `url`, retrying what [`retryable`] allows, at most
/// `retries.attempts` times in all.
// ANCHOR: get_with_retries
pub async fn get_with_retries(
    client: &reqwest::Client,
    url: &str,
    retries: Retries,
) -> Result<Fetched, reqwest::Error> {
    let start = Instant::now();
    let mut attempt = 1;
    loop {
        let outcome = async {
            let response = client.get(url).send().await?.error_for_status()?;
            response.text().await
        };
        match outcome.await {
            Ok(body) => {
                let took = start.elapsed();
                return Ok(Fetched {
                    body,
                    took,
                    attempts: attempt,
                });
            }
            Err(e) if attempt < retries.attempts && retryable(&e) => {
                tokio::time::sleep(retries.wait_before(attempt)).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}
// ANCHOR_END: get_with_retries

/// The same policy, blocking the calling thread.
// ANCHOR: get_blocking
pub fn get_with_retries_blocking(
    client: &reqwest::blocking::Client,
    url: &str,
    retries: Retries,
) -> Result<Fetched, reqwest::Error> {
    let start = Instant::now();
    let mut attempt = 1;
    loop {
        let outcome = client
            .get(url)
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.text());
        match outcome {
            Ok(body) => {
                let took = start.elapsed();
                return Ok(Fetched {
                    body,
                    took,
                    attempts: attempt,
                });
            }
            Err(e) if attempt < retries.attempts && retryable(&e) => {
                std::thread::sleep(retries.wait_before(attempt));
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}
// ANCHOR_END: get_blocking

/// Fetches every URL with at most `limit` requests in flight, as
/// `asyncio.Semaphore` around `httpx.AsyncClient.get` would. Results come
/// back in the order of `urls`.
// ANCHOR: fetch_async
pub async fn fetch_all(
    client: &reqwest::Client,
    urls: &[String],
    limit: usize,
    retries: Retries,
) -> Vec<anyhow::Result<Fetched>> {
    let permits = Arc::new(Semaphore::new(limit.max(1)));
    let mut tasks = JoinSet::new();
    for (i, url) in urls.iter().enumerate() {
        let (client, url) = (client.clone(), url.clone());
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            // Held until the fetch ends: at most `limit` at once.
            let _permit = permits.acquire_owned().await;
            (i, get_with_retries(&client, &url, retries).await)
        });
    }
    let mut results: Vec<Option<anyhow::Result<Fetched>>> =
        urls.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((i, result)) = joined {
            results[i] = Some(result.map_err(anyhow::Error::from));
        }
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(anyhow::anyhow!("a fetch task died"))))
        .collect()
}
// ANCHOR_END: fetch_async

/// The same with the blocking client on `threads` OS threads, each taking
/// the next URL until none is left: a `ThreadPoolExecutor` running
/// `httpx.get`.
// ANCHOR: fetch_blocking
pub fn fetch_all_blocking(
    client: &reqwest::blocking::Client,
    urls: &[String],
    threads: usize,
    retries: Retries,
) -> Vec<anyhow::Result<Fetched>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<anyhow::Result<Fetched>>>> =
        Mutex::new(urls.iter().map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, urls.len().max(1)) {
            s.spawn(|| {
                // Bounded: each turn takes a new index and stops past the end.
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(url) = urls.get(i) else { break };
                    let result = get_with_retries_blocking(client, url, retries);
                    let mut results =
                        results.lock().unwrap_or_else(|e| e.into_inner());
                    results[i] = Some(result.map_err(anyhow::Error::from));
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(anyhow::anyhow!("a fetch thread died"))))
        .collect()
}
// ANCHOR_END: fetch_blocking
