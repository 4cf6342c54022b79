//! Exercise 2: ask every mirror, keep the first good answer.

// ANCHOR: exercise
/// GET every mirror at once and return the body of the first one to answer
/// with a success status; cancel the rest as soon as one has (dropping or
/// aborting their futures is how async code cancels). `None` when every
/// mirror failed. Python: `asyncio.wait(..., return_when=FIRST_COMPLETED)`,
/// then `cancel()` the others.
pub async fn first_answer(
    client: reqwest::Client,
    mirrors: Vec<String>,
) -> Option<String> {
    // TODO: a JoinSet of requests; take results until one is Ok.
    let _ = (client, mirrors);
    todo!("first_answer: race the mirrors")
}
// ANCHOR_END: exercise
