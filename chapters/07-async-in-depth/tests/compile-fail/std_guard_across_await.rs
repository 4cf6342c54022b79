// A `std::sync::MutexGuard` must be unlocked on the thread that locked it,
// so it is not `Send`, and a task that holds one across an `.await` cannot
// be spawned. (While it waited, every other task needing the lock would
// block its thread, too.)
// ANCHOR: guard
use std::sync::{Arc, Mutex};
use tokio::task::yield_now;

#[tokio::main]
async fn main() {
    let counter = Arc::new(Mutex::new(0));
    let handle = tokio::spawn(async move {
        let count = counter.lock().unwrap();
        yield_now().await; // the guard is still held here
        println!("{}", *count);
    });
    handle.await.unwrap();
}
// ANCHOR_END: guard
