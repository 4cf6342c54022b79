use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

// ANCHOR: solution
pub async fn fetch_bounded(
    client: reqwest::Client,
    urls: Vec<String>,
    limit: usize,
) -> Vec<String> {
    let permits = Arc::new(Semaphore::new(limit.max(1)));
    let mut tasks = JoinSet::new();
    for (i, url) in urls.into_iter().enumerate() {
        let (client, permits) = (client.clone(), Arc::clone(&permits));
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let response = client.get(url).send().await.expect("a response");
            (i, response.text().await.expect("a body"))
        });
    }
    let mut bodies = Vec::new();
    while let Some(done) = tasks.join_next().await {
        bodies.push(done.expect("a fetch task"));
    }
    bodies.sort_by_key(|(i, _)| *i);
    bodies.into_iter().map(|(_, body)| body).collect()
}
// ANCHOR_END: solution
