// `poll` takes `Pin<&mut Self>`: once polled, a future must not move, since
// an async block may hold a borrow of its own locals across an `.await`.
// `Pin::new` is only for `Unpin` types, which an async block is not: pin it
// with `std::pin::pin!` or `Box::pin`.
// ANCHOR: unpinned
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};

fn main() {
    let mut future = async {
        let numbers = [1, 2, 3];
        let first = &numbers[0]; // borrows the future's own state
        std::future::ready(()).await;
        println!("{first}");
    };
    let mut context = Context::from_waker(Waker::noop());
    let _ = Pin::new(&mut future).poll(&mut context);
}
// ANCHOR_END: unpinned
