// `tokio::spawn` may resume a task on another worker thread after any
// `.await`, so everything the task holds across one must be `Send`. An `Rc`
// counts its owners with a plain integer: it is not.
// ANCHOR: rc
use std::rc::Rc;
use tokio::task::yield_now;

#[tokio::main]
async fn main() {
    let handle = tokio::spawn(async {
        let names = Rc::new(vec!["a", "b"]);
        yield_now().await; // may resume on another thread
        names.len()
    });
    println!("{}", handle.await.unwrap());
}
// ANCHOR_END: rc
