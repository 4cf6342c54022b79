//! `web-framework`: the FastAPI / Starlette counterpart.
//!
//! The claim: typed handlers turn validation into types — a body that does
//! not fit is refused with the status FastAPI would send, before the
//! handler runs — shared state survives many concurrent requests without a
//! lost update, and the app shuts down gracefully.

use super::status_text;
use crate::items::{self, Item, NewItem, SharedStore};
use crate::server::RunningServer;
use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

const TIMEOUT: Duration = Duration::from_secs(10);

/// What `web-framework` measured, durations in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebFramework {
    /// Items created at once.
    pub count: usize,
    /// Creations answered 201, the distinct ids among them, the lowest and
    /// the highest.
    pub created: usize,
    pub distinct_ids: usize,
    pub lowest_id: Option<u64>,
    pub highest_id: Option<u64>,
    /// Items `GET /items` listed after the creations.
    pub listed: usize,
    pub took: f64,
    /// `GET /items/1`: its status and item (which client's item got id 1
    /// is up to the scheduler).
    pub first_status: u16,
    pub first: Option<Item>,
    /// `GET /items/{count + 1}`, an id never created.
    pub missing_status: u16,
    pub refusals: Vec<Refusal>,
    /// Items listed after the malformed requests.
    pub listed_after: usize,
    pub stopped_in: f64,
    /// The most a graceful stop may take.
    pub stop_bound: f64,
}

/// The malformed requests to `POST /items`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Malformed {
    NotJson,
    FieldMissing,
    NegativeQuantity,
    EmptyName,
    NoJsonContentType,
}

impl Malformed {
    pub const ALL: [Malformed; 5] = [
        Malformed::NotJson,
        Malformed::FieldMissing,
        Malformed::NegativeQuantity,
        Malformed::EmptyName,
        Malformed::NoJsonContentType,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Malformed::NotJson => "not JSON at all",
            Malformed::FieldMissing => "a field missing",
            Malformed::NegativeQuantity => "a negative quantity",
            Malformed::EmptyName => "an empty name",
            Malformed::NoJsonContentType => "no JSON content type",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Malformed::NoJsonContentType => "text/plain",
            _ => "application/json",
        }
    }

    fn body(self) -> &'static str {
        match self {
            Malformed::NotJson => r#"{"name": "#,
            Malformed::FieldMissing | Malformed::NoJsonContentType => {
                r#"{"name": "pen"}"#
            }
            Malformed::NegativeQuantity => r#"{"name": "pen", "quantity": -1}"#,
            Malformed::EmptyName => r#"{"name": " ", "quantity": 1}"#,
        }
    }

    /// What refuses it: the extractor's types, or the handler.
    pub fn refused_by(self) -> &'static str {
        match self {
            Malformed::EmptyName => "the handler",
            _ => "Json<NewItem>",
        }
    }

    /// The status it must get.
    pub fn expected(self) -> u16 {
        match self {
            Malformed::NotJson => 400,
            Malformed::NoJsonContentType => 415,
            _ => 422,
        }
    }
}

/// A malformed request and the status it got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub request: Malformed,
    pub status: u16,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let count = context.sizes.items;
    results.web_framework = Some(context.runtime()?.block_on(exercise_app(count))?);
    Ok(())
}

async fn exercise_app(count: usize) -> anyhow::Result<WebFramework> {
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
    let first_status = first.status().as_u16();
    let first: Option<Item> = first.json().await.ok();
    let missing_status = client
        .get(server.url(&format!("/items/{}", count + 1)))
        .send()
        .await?
        .status()
        .as_u16();
    let refusals = refusals(&client, &url).await?;
    let listed_after: Vec<Item> = client.get(&url).send().await?.json().await?;
    let stopped_in = server.stop().await?;
    Ok(WebFramework {
        count,
        created: created.len(),
        distinct_ids: ids.len(),
        lowest_id: ids.first().copied(),
        highest_id: ids.last().copied(),
        listed: listed.len(),
        took: wall.as_secs_f64(),
        first_status,
        first,
        missing_status,
        refusals,
        listed_after: listed_after.len(),
        stopped_in: stopped_in.as_secs_f64(),
        stop_bound: crate::server::STOP_BOUND.as_secs_f64(),
    })
}

/// Requests the types refuse, and one the handler refuses.
async fn refusals(
    client: &reqwest::Client,
    url: &str,
) -> anyhow::Result<Vec<Refusal>> {
    let mut refusals = Vec::new();
    for request in Malformed::ALL {
        let status = client
            .post(url)
            .header("content-type", request.content_type())
            .body(request.body())
            .send()
            .await?
            .status();
        refusals.push(Refusal {
            request,
            status: status.as_u16(),
        });
    }
    Ok(refusals)
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let app = need(&results.web_framework, "web-framework")?;
    let count = app.count;
    let mut report = SectionReport::new(
        "web-framework",
        format!(
            "A JSON API in axum: {count} clients create an item at once, then \
             malformed requests are sent. Types do the validation; the shared \
             store loses nothing."
        ),
    );
    report.table(creation_table(app)?);
    // Distinct ids, as many as the items, from 1 to `count`: each id once.
    let every_id_once = app.distinct_ids == count
        && app.created == count
        && (count == 0
            || (app.lowest_id == Some(1) && app.highest_id == Some(count as u64)));
    report.check(
        every_id_once && app.listed == count,
        format!(
            "{count} concurrent creations got the ids 1 to {count}, each once, and \
             the list holds all of them: no update was lost"
        ),
    );
    report.check(
        app.first.as_ref().is_some_and(|item| item.id == 1)
            && app.missing_status == 404,
        "an item is read back by id; an id never created is 404",
    );

    report.table(refusals_table(app));
    let all_as_expected = app.refusals.len() == Malformed::ALL.len()
        && app
            .refusals
            .iter()
            .all(|r| r.status == r.request.expected());
    report.check(
        all_as_expected && app.listed_after == count,
        "every malformed request was refused with the expected status, and none \
         created an item",
    );
    report.check(
        app.stopped_in < app.stop_bound,
        "the app shut down gracefully when asked, well within its bound",
    );
    report.note(
        "FastAPI answers a body that fails its pydantic model with 422, and a \
         body that is not JSON at all with 422 too; axum's `Json` extractor \
         tells them apart: 400 for bad JSON syntax, 415 for a missing JSON \
         content type, 422 for JSON of the wrong shape. Starlette's lifespan \
         and shutdown hooks correspond to the code around `axum::serve`.",
    );
    Ok(report)
}

/// What the concurrent creations did, and two reads back.
fn creation_table(app: &WebFramework) -> anyhow::Result<Table> {
    let count = app.count;
    let mut table = Table::new("Concurrent creation", &["what", "result"]);
    table.push(vec![
        Cell::text("POST /items at once"),
        Cell::Count(count as u64),
    ]);
    table.push(vec![
        Cell::text("created (201)"),
        Cell::Count(app.created as u64),
    ]);
    table.push(vec![
        Cell::text("distinct ids"),
        Cell::Count(app.distinct_ids as u64),
    ]);
    table.push(vec![
        Cell::text("GET /items lists"),
        Cell::Count(app.listed as u64),
    ]);
    table.push(vec![Cell::text("took"), Cell::Seconds(app.took)]);
    table.push(vec![
        Cell::text("GET /items/1"),
        // Which client's item got id 1 is up to the scheduler.
        Cell::Varies(format!(
            "{} {}",
            app.first_status,
            serde_json::to_string(&app.first)?
        )),
    ]);
    table.push(vec![
        Cell::text(format!("GET /items/{}", count + 1)),
        Cell::text(status_text(app.missing_status)),
    ]);
    Ok(table)
}

/// Each malformed request, what refused it, and with which status.
fn refusals_table(app: &WebFramework) -> Table {
    let mut table = Table::new(
        "Bad requests to POST /items",
        &["body", "refused by", "expected", "status"],
    );
    for r in &app.refusals {
        table.push(vec![
            Cell::text(r.request.name()),
            Cell::text(r.request.refused_by()),
            Cell::Count(r.request.expected().into()),
            Cell::text(status_text(r.status)),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up(distinct_ids: usize, listed_after: usize) -> Results {
        Results {
            web_framework: Some(WebFramework {
                count: 20,
                created: 20,
                distinct_ids,
                lowest_id: Some(1),
                highest_id: Some(20),
                listed: 20,
                took: 0.01,
                first_status: 200,
                first: Some(Item {
                    id: 1,
                    name: "item 3".into(),
                    quantity: 3,
                }),
                missing_status: 404,
                refusals: (Malformed::ALL.into_iter())
                    .map(|request| Refusal {
                        request,
                        status: request.expected(),
                    })
                    .collect(),
                listed_after,
                stopped_in: 0.001,
                stop_bound: 5.0,
            }),
            ..Results::default()
        }
    }

    #[test]
    fn every_id_once_and_every_refusal_holds() {
        let good = report(&made_up(20, 20)).unwrap();
        assert!(good.checks().all(|c| c.holds), "{good:?}");
    }

    #[test]
    fn a_lost_update_or_an_item_from_a_bad_request_is_broken() {
        let lost = report(&made_up(19, 20)).unwrap();
        assert_eq!(lost.broken().len(), 1, "{lost:?}");
        assert!(lost.broken()[0].claim.contains("no update was lost"));
        let created = report(&made_up(20, 21)).unwrap();
        assert_eq!(created.broken().len(), 1);
        assert!(created.broken()[0].claim.contains("none created an item"));
    }

    #[test]
    fn a_refusal_with_the_wrong_status_is_broken() {
        let mut results = made_up(20, 20);
        results.web_framework.as_mut().unwrap().refusals[1].status = 400;
        assert_eq!(report(&results).unwrap().broken().len(), 1);
    }
}
