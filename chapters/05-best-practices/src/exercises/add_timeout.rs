//! Exercise 1: give a call a deadline.

use crate::sections::timeouts::{CallError, Request};
use crossbeam::channel::Sender;
use std::time::Duration;

// ANCHOR: exercise
/// Send a request to `server` (a `Request` is the `Sender<String>` the
/// answer should come back on) and return the answer — but wait at most
/// `deadline`. No answer in time: `Err(CallError::TimedOut)`. The server
/// gone (the request cannot be sent, or the reply channel closes):
/// `Err(CallError::ServerGone)`.
pub fn call(
    server: &Sender<Request>,
    deadline: Duration,
) -> Result<String, CallError> {
    // TODO: make a reply channel, send its sender, wait with a bound.
    let _ = (server, deadline);
    todo!("call: a request with a deadline")
}
// ANCHOR_END: exercise
