//! `web-framework`: the FastAPI / Starlette counterpart.
//!
//! The claim: typed handlers turn validation into types — a body that does
//! not fit is refused with the status FastAPI would send, before the
//! handler runs — shared state survives many concurrent requests without a
//! lost update, and the app shuts down gracefully.

use crate::Context;
use crate::items::{self, Item, NewItem, SharedStore};
use crate::server::RunningServer;
use shared::report::{Cell, Record, SectionReport, Table};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

const TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let count = context.sizes.items;
    let mut report = SectionReport::new(
        "web-framework",
        format!(
            "A JSON API in axum: {count} clients create an item at once, then \
             malformed requests are sent. Types do the validation; the shared \
             store loses nothing."
        ),
    );
    context
        .runtime()?
        .block_on(exercise_app(count, &mut report))?;
    Ok(report)
}

async fn exercise_app(
    count: usize,
    report: &mut SectionReport,
) -> anyhow::Result<()> {
    let server = RunningServer::start(items::app(SharedStore::default())).await?;
    let client = crate::client::async_client(TIMEOUT)?;
    let url = server.url("/items");

    // ANCHOR: concurrent_posts
    let start = Instant::now();
    let mut posts = JoinSet::new();
    for i in 0..count {
        let request = client.post(&url).json(&NewItem {
            name: format!("item {i}"),
            quantity: i as u32,
        });
        posts.spawn(async move {
            let response = request.send().await?.error_for_status()?;
            response.json::<Item>().await
        });
    }
    let mut created = Vec::new();
    while let Some(joined) = posts.join_next().await {
        created.push(joined??);
    }
    let wall = start.elapsed();
    // ANCHOR_END: concurrent_posts
    let ids: BTreeSet<u64> = created.iter().map(|item| item.id).collect();
    let listed: Vec<Item> = client.get(&url).send().await?.json().await?;
    let first = client.get(server.url("/items/1")).send().await?;
    let first_status = first.status();
    let first: Option<Item> = first.json().await.ok();
    let missing = client
        .get(server.url(&format!("/items/{}", count + 1)))
        .send()
        .await?
        .status();

    let mut table = Table::new("Concurrent creation", &["what", "result"]);
    table.push(vec![
        Cell::text("POST /items at once"),
        Cell::Count(count as u64),
    ]);
    table.push(vec![
        Cell::text("created (201)"),
        Cell::Count(created.len() as u64),
    ]);
    table.push(vec![
        Cell::text("distinct ids"),
        Cell::Count(ids.len() as u64),
    ]);
    table.push(vec![
        Cell::text("GET /items lists"),
        Cell::Count(listed.len() as u64),
    ]);
    table.push(vec![Cell::text("took"), Cell::Seconds(wall.as_secs_f64())]);
    table.push(vec![
        Cell::text("GET /items/1"),
        // Which client's item got id 1 is up to the scheduler.
        Cell::Varies(format!(
            "{} {}",
            first_status.as_u16(),
            serde_json::to_string(&first)?
        )),
    ]);
    table.push(vec![
        Cell::text(format!("GET /items/{}", count + 1)),
        Cell::text(missing.to_string()),
    ]);
    report.table(table);
    report.record(
        Record::new("web-framework", Some("create"), "axum")
            .with("items", count)
            .with("wall_s", wall.as_secs_f64()),
    );
    let expected: BTreeSet<u64> = (1..=count as u64).collect();
    report.check(
        ids == expected && listed.len() == count,
        format!(
            "{count} concurrent creations got the ids 1 to {count}, each once, and \
             the list holds all of them: no update was lost"
        ),
    );
    report.check(
        first.is_some_and(|item| item.id == 1) && missing.as_u16() == 404,
        "an item is read back by id; an id never created is 404",
    );

    refusals(&client, &url, count, report).await?;
    let stopped_in = server.stop().await?;
    report.check(
        stopped_in < crate::server::STOP_BOUND,
        "the app shut down gracefully when asked, well within its bound",
    );
    report.note(
        "FastAPI answers a body that fails its pydantic model with 422, and a \
         body that is not JSON at all with 422 too; axum's `Json` extractor \
         tells them apart: 400 for bad JSON syntax, 415 for a missing JSON \
         content type, 422 for JSON of the wrong shape. Starlette's lifespan \
         and shutdown hooks correspond to the code around `axum::serve`.",
    );
    Ok(())
}

/// Requests the types refuse, and one the handler refuses.
async fn refusals(
    client: &reqwest::Client,
    url: &str,
    count: usize,
    report: &mut SectionReport,
) -> anyhow::Result<()> {
    let json = "application/json";
    let (types, handler) = ("Json<NewItem>", "the handler");
    let cases = [
        ("not JSON at all", json, r#"{"name": "#, types, 400),
        ("a field missing", json, r#"{"name": "pen"}"#, types, 422),
        (
            "a negative quantity",
            json,
            r#"{"name": "pen", "quantity": -1}"#,
            types,
            422,
        ),
        (
            "an empty name",
            json,
            r#"{"name": " ", "quantity": 1}"#,
            handler,
            422,
        ),
        (
            "no JSON content type",
            "text/plain",
            r#"{"name": "pen"}"#,
            types,
            415,
        ),
    ];
    let mut table = Table::new(
        "Bad requests to POST /items",
        &["body", "refused by", "expected", "status"],
    );
    let mut all_as_expected = true;
    for (what, content_type, body, by, expected) in cases {
        let status = client
            .post(url)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await?
            .status();
        all_as_expected &= status.as_u16() == expected;
        table.push(vec![
            Cell::text(what),
            Cell::text(by),
            Cell::Count(expected.into()),
            Cell::text(status.to_string()),
        ]);
    }
    report.table(table);
    let listed: Vec<Item> = client.get(url).send().await?.json().await?;
    report.check(
        all_as_expected && listed.len() == count,
        "every malformed request was refused with the expected status, and none \
         created an item",
    );
    Ok(())
}
