//! Exercise 1: fetch every URL, at most `limit` at a time.

// ANCHOR: exercise
/// GET every URL with `client` and return the bodies (`.text()`) in the
/// order of `urls`, with at most `limit` requests in flight at once and
/// more than one whenever `limit` allows: a `tokio::sync::Semaphore` and a
/// `JoinSet`, or `futures`' `buffered(limit)`. A failed request may
/// panic: the check only sends good ones.
pub async fn fetch_bounded(
    client: reqwest::Client,
    urls: Vec<String>,
    limit: usize,
) -> Vec<String> {
    // TODO: one task per URL, each holding a permit while it fetches.
    let _ = (client, urls, limit);
    todo!("fetch_bounded: a semaphore with `limit` permits")
}
// ANCHOR_END: exercise
