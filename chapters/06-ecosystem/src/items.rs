//! The web-framework app: a small JSON API over shared state.
//!
//! What FastAPI gives a Python programmer, axum gives through types: a
//! pydantic model is a serde struct, a path parameter is `Path<u64>`, the
//! app's state is `State<…>`, and a body that does not fit the struct is
//! refused (422, or 400 if it is not JSON at all) before the handler runs.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

// ANCHOR: types
/// What a client sends to create an item: a pydantic model's counterpart.
#[derive(Debug, Deserialize, Serialize)]
pub struct NewItem {
    pub name: String,
    pub quantity: u32,
}

/// An item as stored and returned.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct Item {
    pub id: u64,
    pub name: String,
    pub quantity: u32,
}

/// The app's state. A std `Mutex` is right here: it is held for a few
/// instructions and never across an `.await`.
#[derive(Debug, Default)]
pub struct Store {
    last_id: u64,
    items: BTreeMap<u64, Item>,
}

pub type SharedStore = Arc<Mutex<Store>>;
// ANCHOR_END: types

// ANCHOR: app
pub fn app(store: SharedStore) -> Router {
    Router::new()
        .route("/items", get(list_items).post(create_item))
        .route("/items/{id}", get(get_item))
        .with_state(store)
}

async fn create_item(
    State(store): State<SharedStore>,
    Json(new): Json<NewItem>,
) -> Result<(StatusCode, Json<Item>), (StatusCode, String)> {
    if new.name.trim().is_empty() {
        let why = "name must not be empty".to_string();
        return Err((StatusCode::UNPROCESSABLE_ENTITY, why));
    }
    let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
    store.last_id += 1;
    let id = store.last_id;
    let item = Item {
        id,
        name: new.name,
        quantity: new.quantity,
    };
    store.items.insert(id, item.clone());
    Ok((StatusCode::CREATED, Json(item)))
}

async fn get_item(
    State(store): State<SharedStore>,
    Path(id): Path<u64>,
) -> Result<Json<Item>, StatusCode> {
    let store = store.lock().unwrap_or_else(|e| e.into_inner());
    store
        .items
        .get(&id)
        .cloned()
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}
// ANCHOR_END: app

async fn list_items(State(store): State<SharedStore>) -> Json<Vec<Item>> {
    let store = store.lock().unwrap_or_else(|e| e.into_inner());
    Json(store.items.values().cloned().collect())
}
