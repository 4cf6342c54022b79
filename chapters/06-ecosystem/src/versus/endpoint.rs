//! The endpoint every server in `versus-python` serves: FastAPI's and
//! aiohttp's in `python/ecosystem.py`, axum's here. It keeps no state, so
//! that the comparison measures the framework (parsing, routing, JSON),
//! not a lock.

use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use serde::{Deserialize, Serialize};

/// Ids the loads ask for: 1 ..= IDS, over and over (as the script does).
pub const IDS: usize = 1000;

/// What `GET /items/{id}` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: u64,
    pub name: String,
    pub quantity: u64,
}

impl Item {
    pub fn of(id: u64) -> Item {
        Item {
            id,
            name: format!("item {id}"),
            quantity: id % 100,
        }
    }
}

/// The id the `index`-th call asks for.
pub fn id_of_call(index: usize) -> u64 {
    (index % IDS + 1) as u64
}

// ANCHOR: endpoint
pub fn app() -> Router {
    Router::new().route("/items/{id}", get(get_item))
}

async fn get_item(Path(id): Path<u64>) -> Json<Item> {
    Json(Item::of(id))
}
// ANCHOR_END: endpoint
