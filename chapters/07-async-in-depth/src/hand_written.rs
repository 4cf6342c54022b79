//! Futures written by hand, without `async`: what an `async` block turns
//! into, a state machine with a `poll` method.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

// ANCHOR: yield_now
/// The smallest future that waits. Its first poll answers "not yet" and
/// wakes its own waker, so the executor polls it again soon; the second
/// poll answers "done". `asyncio.sleep(0)` does the same for a coroutine.
#[derive(Debug, Default)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        context.waker().wake_by_ref(); // "poll me again"
        Poll::Pending
    }
}
// ANCHOR_END: yield_now

// ANCHOR: counted
/// Another future, counted: every poll of it adds one to `polls`. The inner
/// future is pinned in a box, so `Counted` itself may move freely.
pub struct Counted<F> {
    inner: Pin<Box<F>>,
    polls: Arc<AtomicU64>,
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::Relaxed);
        self.inner.as_mut().poll(context)
    }
}
// ANCHOR_END: counted

impl<F> Counted<F> {
    pub fn new(inner: F, polls: Arc<AtomicU64>) -> Counted<F> {
        Counted {
            inner: Box::pin(inner),
            polls,
        }
    }
}
