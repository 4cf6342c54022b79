//! How a web handler gets its database connection: the ways the `pool`
//! section compares. Its own module, without a driver behind a feature,
//! because both the section (which reports them, with or without the
//! `postgres` feature) and the pooled server (which builds them) need it,
//! and neither may import the other.

use serde::{Deserialize, Serialize};

/// The pool's size: a few connections serve many requests.
pub const POOL_SIZE: usize = 10;

/// How a handler gets its connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Way {
    /// A new connection in every request, as `await asyncpg.connect()` in
    /// a handler would.
    ConnectPerRequest,
    /// One tokio-postgres client shared by every request: its queries are
    /// pipelined on one connection (an asyncpg connection runs one query
    /// at a time and refuses a second).
    OneSharedClient,
    /// A deadpool pool of this many connections.
    Pool(usize),
}

impl Way {
    pub const ALL: [Way; 3] = [
        Way::ConnectPerRequest,
        Way::OneSharedClient,
        Way::Pool(POOL_SIZE),
    ];

    pub fn name(self) -> String {
        match self {
            Way::ConnectPerRequest => "a new connection per request".into(),
            Way::OneSharedClient => "one client, shared".into(),
            Way::Pool(n) => format!("a deadpool pool of {n}"),
        }
    }
}
