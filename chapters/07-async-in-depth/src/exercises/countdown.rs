//! Exercise 1: write a future by hand.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that is ready after `left` more polls: each poll until then
/// counts one down and answers `Pending`.
#[derive(Debug)]
pub struct Countdown {
    pub left: u32,
}

// ANCHOR: exercise
impl Future for Countdown {
    type Output = &'static str;

    /// Ready with "liftoff" once `left` is 0. Until then, count down and
    /// answer `Pending` — after waking the waker, or no executor will ever
    /// poll again.
    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<&'static str> {
        // TODO: `self.left` reads and writes the field (Countdown is Unpin).
        let _ = (self, context);
        todo!("countdown")
    }
}
// ANCHOR_END: exercise
