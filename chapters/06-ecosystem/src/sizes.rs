//! How much work each section does. The quick default keeps a whole run to
//! seconds; `--full` gives the figures the page quotes (100 and 1 000
//! requests in flight); `tiny` is for tests, where only the shape of the
//! output and the invariants matter.

use shared::cli::RunSizes;
use std::time::Duration;

/// Every size a section uses.
#[derive(Clone, Debug)]
pub struct Sizes {
    /// How long the server takes to answer one simulated download: the
    /// stand-in for a remote server's work, so the client has to wait.
    pub latency: Duration,
    /// Downloads fetched at once in `http-server`.
    pub server_requests: usize,
    /// Requests in flight at once in `http-client`, one measurement each.
    pub concurrency: Vec<usize>,
    /// Requests per measurement, as a multiple of the concurrency: each
    /// worker or task makes this many, one after another.
    pub rounds: usize,
    /// Items created at once in `web-framework`.
    pub items: usize,
    /// `database`: writers, the transactions each commits, and the rows in
    /// each transaction.
    pub writers: usize,
    pub transactions: usize,
    pub rows_per_transaction: usize,
    /// Readers counting the rows while the writers write.
    pub readers: usize,
    /// Transfers between accounts, all at once.
    pub transfers: usize,
    /// The slow query: a count to this number in SQL.
    pub slow_query_to: i64,
    /// `versus-python`: connections in flight for the servers and for the
    /// clients, calls per measurement and its time bound, and the
    /// database loads' connections and calls.
    pub versus_workers: Vec<usize>,
    pub versus_client_workers: Vec<usize>,
    pub versus_calls: usize,
    pub versus_within: Duration,
    pub versus_db_workers: usize,
    pub versus_db_calls: usize,
    /// `server-limits`: requests sent while the limit is full.
    pub limit_extra: usize,
    /// `pool`: requests in flight, and requests in all for each way.
    pub pool_in_flight: usize,
    pub pool_calls: usize,
    /// `events`: a burst of events sent as fast as they go, then a paced
    /// stream of this many, one every `events_every`.
    pub events_burst: u64,
    pub events_paced: u64,
    pub events_every: Duration,
}

impl RunSizes for Sizes {
    /// The default: every section in seconds.
    fn quick() -> Sizes {
        Sizes {
            latency: Duration::from_millis(20),
            server_requests: 50,
            concurrency: vec![10, 100],
            rounds: 4,
            items: 100,
            writers: 4,
            transactions: 20,
            rows_per_transaction: 10,
            readers: 4,
            transfers: 200,
            slow_query_to: 300_000,
            versus_workers: vec![1, 50, 200],
            versus_client_workers: vec![1, 50],
            versus_calls: 2_000,
            versus_within: Duration::from_secs(5),
            versus_db_workers: 10,
            versus_db_calls: 5_000,
            pool_in_flight: 200,
            pool_calls: 2_000,
            events_burst: 10_000,
            events_paced: 50,
            events_every: Duration::from_millis(10),
            limit_extra: 20,
        }
    }

    /// The figures for the page: 100 and 1 000 requests in flight.
    fn full() -> Sizes {
        Sizes {
            latency: Duration::from_millis(20),
            server_requests: 1_000,
            concurrency: vec![100, 1_000],
            rounds: 10,
            items: 1_000,
            writers: 8,
            transactions: 100,
            rows_per_transaction: 10,
            readers: 8,
            transfers: 2_000,
            slow_query_to: 1_000_000,
            versus_workers: vec![1, 50, 200],
            versus_client_workers: vec![1, 50],
            versus_calls: 20_000,
            versus_within: Duration::from_secs(10),
            versus_db_workers: 10,
            versus_db_calls: 50_000,
            pool_in_flight: 200,
            pool_calls: 20_000,
            events_burst: 100_000,
            events_paced: 200,
            events_every: Duration::from_millis(10),
            limit_extra: 100,
        }
    }
}

impl Sizes {
    /// For tests: the least work that still shows every effect.
    pub fn tiny() -> Sizes {
        Sizes {
            // Long enough that the overlap checks keep a wide margin on a
            // loaded machine in a debug build.
            latency: Duration::from_millis(50),
            server_requests: 16,
            concurrency: vec![8, 16],
            rounds: 2,
            items: 20,
            writers: 2,
            transactions: 5,
            rows_per_transaction: 5,
            readers: 2,
            transfers: 40,
            slow_query_to: 200_000,
            versus_workers: vec![1, 4],
            versus_client_workers: vec![1, 4],
            versus_calls: 40,
            versus_within: Duration::from_secs(10),
            versus_db_workers: 2,
            versus_db_calls: 40,
            pool_in_flight: 8,
            pool_calls: 40,
            events_burst: 200,
            events_paced: 5,
            events_every: Duration::from_millis(5),
            limit_extra: 6,
        }
    }
}
