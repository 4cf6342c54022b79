use tokio::task::JoinSet;

// ANCHOR: solution
pub async fn first_answer(
    client: reqwest::Client,
    mirrors: Vec<String>,
) -> Option<String> {
    let mut requests = JoinSet::new();
    for url in mirrors {
        let client = client.clone();
        requests.spawn(async move {
            let response = client.get(url).send().await?.error_for_status()?;
            response.text().await
        });
    }
    while let Some(done) = requests.join_next().await {
        if let Ok(Ok(body)) = done {
            // Dropping the set would do too: abort the others now.
            requests.abort_all();
            return Some(body);
        }
    }
    None
}
// ANCHOR_END: solution
