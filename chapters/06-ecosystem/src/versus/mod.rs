//! `versus-python`: the same work under Rust's crates and Python's, on one
//! machine in one run, for the ratio a Python programmer asks about.
//!
//! - [`endpoint`]: the JSON endpoint every server serves, `GET /items/{id}`.
//! - [`load`]: the load generator — workers that each make their calls one
//!   after another on a connection of their own, bounded in calls and time.
//!   `python/ecosystem.py` drives Python's clients and drivers the same way.
//! - [`python`]: starting that script (a server, or a load) with a bound on
//!   every wait, and reading what it measured.
//! - [`database`]: the PostgreSQL and Redis loads on the Rust side.

pub mod database;
pub mod endpoint;
pub mod load;
pub mod python;
