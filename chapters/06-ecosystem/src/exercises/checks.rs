//! The checks behind the exercises: each runs an attempt against a real
//! server on loopback (or a real SQLite database in memory) and describes
//! what it did in words a snapshot can hold. The server counts what it saw,
//! so "at most 3 at once" is checked from the other side of the socket.
//! Timing decides nothing here but a wide margin (an answer in under half
//! of a slow mirror's delay).

use crate::client;
use crate::downloads::{self, SLOWEST, Stats};
use crate::server::RunningServer;
use rusqlite::Connection;
use shared::exercise::attempt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Each request the checks send is bounded by this.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A runtime, a download server on it, and a client for the attempt.
struct Bench {
    runtime: tokio::runtime::Runtime,
    server: Option<RunningServer>,
    stats: Arc<Stats>,
    client: reqwest::Client,
}

impl Bench {
    fn start(latency: Duration) -> Bench {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let stats = Arc::new(Stats::default());
        let app = downloads::router(latency, Arc::clone(&stats));
        let server = runtime
            .block_on(RunningServer::start(app))
            .expect("a server on 127.0.0.1:0");
        let client = client::async_client(TIMEOUT).expect("a client");
        Bench {
            runtime,
            server: Some(server),
            stats,
            client,
        }
    }

    fn url(&self, path: &str) -> String {
        self.server
            .as_ref()
            .map(|s| s.url(path))
            .unwrap_or_default()
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = self.runtime.block_on(server.stop());
        }
    }
}

/// Exercise 1: twelve downloads of 50 ms, at most three at a time.
pub fn check_fetch_bounded<F, Fut>(fetch_bounded: F) -> String
where
    F: FnOnce(reqwest::Client, Vec<String>, usize) -> Fut + Send + 'static,
    Fut: Future<Output = Vec<String>>,
{
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let bench = Bench::start(Duration::from_millis(50));
        let urls: Vec<String> = (0..12)
            .map(|i| bench.url(&format!("/download/{i}")))
            .collect();
        let client = bench.client.clone();
        attempt(
            || {
                bench
                    .runtime
                    .block_on(fetch_bounded(client, urls.clone(), 3))
            },
            |bodies| {
                let expected: Vec<String> = (0..12)
                    .map(|i| format!("data from /download/{i}"))
                    .collect();
                let most = bench.stats.max_in_flight.load(Ordering::SeqCst);
                format!(
                    "bodies returned: {}\nevery body right, in the order of the URLs: {}\n\
                     never more than 3 at the server at once: {}\n\
                     more than one at once: {}\n",
                    bodies.len(),
                    yes(bodies == expected),
                    yes(most <= 3),
                    yes(most > 1),
                )
            },
        )
    })
}

/// Exercise 2: three races of mirrors, one of them with no good mirror.
pub fn check_first_answer<F, Fut>(first_answer: F) -> String
where
    F: Fn(reqwest::Client, Vec<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Option<String>>,
{
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let bench = Bench::start(Duration::from_millis(20));
        let slow = format!("/slow/{}", SLOWEST.as_millis());
        let races: [(&str, Vec<String>); 3] = [
            (
                "slow, fast, slow",
                vec![bench.url(&slow), bench.url("/download/7"), bench.url(&slow)],
            ),
            (
                "failing, fast",
                vec![bench.url("/flaky/9/1"), bench.url("/download/8")],
            ),
            (
                "failing, failing",
                vec![bench.url("/flaky/9/2"), bench.url("/flaky/9/3")],
            ),
        ];
        let mut out = String::new();
        for (name, mirrors) in races {
            let client = bench.client.clone();
            let line = attempt(
                || {
                    let start = Instant::now();
                    let answer =
                        bench.runtime.block_on(first_answer(client, mirrors));
                    (answer, start.elapsed())
                },
                |(answer, took)| {
                    format!(
                        "answer {}, before a slow mirror could answer: {}",
                        answer.as_deref().unwrap_or("none"),
                        yes(took < SLOWEST / 2),
                    )
                },
            );
            out += &format!("{name}: {line}\n");
        }
        out
    })
}

/// An answer to exercise 3: pay a batch, all or nothing.
pub type PayAll = fn(&mut Connection, &[(i64, i64)]) -> rusqlite::Result<bool>;

/// Exercise 3: four batches of payments from accounts holding 100, 50, 10.
pub fn check_pay_all(pay_all: PayAll) -> String {
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let batches: [&[(i64, i64)]; 4] = [
            &[(1, 30), (2, 20)],
            &[(1, 30), (3, 20)],
            &[],
            &[(2, 50), (2, 1)],
        ];
        let mut out = String::new();
        for batch in batches {
            let mut conn = accounts().expect("an in-memory database");
            let line = attempt(
                || {
                    let paid = pay_all(&mut conn, batch);
                    (paid, conn)
                },
                |(paid, conn)| match paid {
                    Ok(paid) => {
                        format!("paid: {}, balances: {}", yes(paid), balances(&conn))
                    }
                    Err(e) => format!("error: {e}"),
                },
            );
            out += &format!("{batch:?}: {line}\n");
        }
        out
    })
}

/// Accounts 1, 2 and 3 holding 100, 50 and 10, never below 0.
fn accounts() -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(
        "CREATE TABLE accounts (
             id INTEGER PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0));
         INSERT INTO accounts VALUES (1, 100), (2, 50), (3, 10);",
    )?;
    Ok(conn)
}

fn balances(conn: &Connection) -> String {
    let read = || -> rusqlite::Result<Vec<i64>> {
        let mut query = conn.prepare("SELECT balance FROM accounts ORDER BY id")?;
        let rows = query.query_map([], |r| r.get(0))?;
        rows.collect()
    };
    match read() {
        Ok(balances) => format!("{balances:?}"),
        Err(e) => format!("unreadable ({e})"),
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
