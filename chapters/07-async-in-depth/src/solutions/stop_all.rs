use tokio::task::JoinHandle;

// ANCHOR: solution
pub async fn stop_all(tasks: Vec<JoinHandle<()>>) -> usize {
    for task in &tasks {
        task.abort();
    }
    let mut cancelled = 0;
    for task in tasks {
        if task.await.is_err_and(|e| e.is_cancelled()) {
            cancelled += 1;
        }
    }
    cancelled
}
// ANCHOR_END: solution
