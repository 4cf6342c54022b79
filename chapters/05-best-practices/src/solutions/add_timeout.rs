use crate::sections::timeouts::{CallError, Request};
use crossbeam::channel::{self, RecvTimeoutError, Sender};
use std::time::Duration;

// ANCHOR: solution
pub fn call(
    server: &Sender<Request>,
    deadline: Duration,
) -> Result<String, CallError> {
    let (reply, answer) = channel::bounded(1);
    server.send(reply).map_err(|_| CallError::ServerGone)?;
    answer.recv_timeout(deadline).map_err(|e| match e {
        RecvTimeoutError::Timeout => CallError::TimedOut,
        RecvTimeoutError::Disconnected => CallError::ServerGone,
    })
}
// ANCHOR_END: solution
