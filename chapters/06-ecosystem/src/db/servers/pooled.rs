//! The `pool` section's app: `GET /items/{id}` answered from PostgreSQL,
//! with the handler's connection got one of three ways. What a FastAPI
//! app does with asyncpg's `create_pool`, and what it avoids.

use super::bounded;
use super::connections::Way;
use super::postgres::connect;
use crate::versus::endpoint::Item;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::{Client, NoTls, Statement};

/// How long a handler waits for a pooled connection before refusing.
pub const POOL_WAIT: Duration = Duration::from_secs(5);

// ANCHOR: connections
#[derive(Clone)]
enum Connections {
    PerRequest {
        url: Arc<str>,
    },
    Shared {
        client: Arc<Client>,
        select: Statement,
    },
    Pooled {
        pool: Pool,
    },
}
// ANCHOR_END: connections

#[derive(Clone)]
struct App {
    connections: Connections,
    query: Arc<str>,
}

/// The app, its connections made the given way.
pub async fn app(url: &str, table: &str, way: Way) -> anyhow::Result<Router> {
    let query: Arc<str> =
        format!("SELECT quantity FROM {table} WHERE id = $1").into();
    let connections = match way {
        Way::ConnectPerRequest => Connections::PerRequest { url: url.into() },
        Way::OneSharedClient => {
            let client = connect(url).await?;
            let select = bounded("prepare", client.prepare(&query)).await?;
            Connections::Shared {
                client: Arc::new(client),
                select,
            }
        }
        Way::Pool(size) => Connections::Pooled {
            pool: pool(url, size)?,
        },
    };
    let app = App { connections, query };
    Ok(Router::new()
        .route("/items/{id}", get(get_item))
        .with_state(app))
}

// ANCHOR: pool
fn pool(url: &str, size: usize) -> anyhow::Result<Pool> {
    let config: tokio_postgres::Config = url.parse()?;
    let recycling = ManagerConfig {
        recycling_method: RecyclingMethod::Fast,
    };
    let manager = Manager::from_config(config, NoTls, recycling);
    let pool = Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(POOL_WAIT))
        .create_timeout(Some(super::TIMEOUT))
        .runtime(Runtime::Tokio1)
        .build()?;
    Ok(pool)
}
// ANCHOR_END: pool

/// 503 when no connection could be had: the client may retry.
async fn get_item(
    State(app): State<App>,
    Path(id): Path<u64>,
) -> Result<Json<Item>, StatusCode> {
    let unavailable = |_| StatusCode::SERVICE_UNAVAILABLE;
    let key = i32::try_from(id).map_err(|_| StatusCode::NOT_FOUND)?;
    // ANCHOR: handler
    let row = match &app.connections {
        Connections::PerRequest { url } => {
            let client = connect(url).await.map_err(unavailable)?;
            client.query_one(&*app.query, &[&key]).await
        }
        Connections::Shared { client, select } => {
            client.query_one(select, &[&key]).await
        }
        Connections::Pooled { pool } => {
            let client = pool
                .get()
                .await
                .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
            let select = client.prepare_cached(&app.query).await;
            let select = select.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
            client.query_one(&select, &[&key]).await
        }
    };
    // ANCHOR_END: handler
    let row = row.map_err(|_| StatusCode::NOT_FOUND)?;
    let quantity: i32 = row
        .try_get(0)
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(Item {
        id,
        name: format!("item {id}"),
        quantity: u64::try_from(quantity).unwrap_or(0),
    }))
}

/// The server's `max_connections`: what a connection per request runs
/// into under load.
pub async fn max_connections(url: &str) -> anyhow::Result<i64> {
    let client = connect(url).await?;
    let row = bounded(
        "SHOW max_connections",
        client.query_one("SHOW max_connections", &[]),
    )
    .await?;
    let value: String = row.try_get(0)?;
    Ok(value.parse()?)
}
