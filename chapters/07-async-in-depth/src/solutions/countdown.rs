use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The reference answer's own `Countdown` (the learner's is in
/// `exercises/`).
#[derive(Debug)]
pub struct Countdown {
    pub left: u32,
}

// ANCHOR: solution
impl Future for Countdown {
    type Output = &'static str;

    fn poll(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<&'static str> {
        if self.left == 0 {
            return Poll::Ready("liftoff");
        }
        self.left -= 1;
        context.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: solution
