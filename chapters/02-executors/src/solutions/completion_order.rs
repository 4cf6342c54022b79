use shared::executor::TaskFuture;

// ANCHOR: solution
pub fn completion_order(futures: &[TaskFuture<u64>]) -> Vec<u64> {
    let (done, finished) = std::sync::mpsc::channel();
    for future in futures {
        let done = done.clone();
        future.add_done_callback(move |f| {
            if let Ok(value) = f.result() {
                let _ = done.send(value);
            }
        });
    }
    drop(done); // the iterator ends when every callback has run
    finished.iter().collect()
}
// ANCHOR_END: solution
