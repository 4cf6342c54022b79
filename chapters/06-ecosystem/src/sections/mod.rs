//! One file per section. Each `measure` starts the services it needs,
//! measures into its typed results and stops everything it started; each
//! `report`, a pure function of those results, checks the claims it makes.

pub mod checked_queries;
pub mod database;
pub mod events;
pub mod http_client;
pub mod http_server;
pub mod pool;
pub mod server_limits;
pub mod versus_python;
pub mod web_framework;

/// `/download/0` … `/download/{n-1}` on `server`.
pub fn download_urls(
    server: &crate::server::RunningServer,
    n: usize,
) -> Vec<String> {
    (0..n)
        .map(|i| server.url(&format!("/download/{i}")))
        .collect()
}

/// Whether every result is `Ok` and its body names its own URL.
pub fn all_bodies_match(
    urls: &[String],
    results: &[anyhow::Result<crate::client::Fetched>],
) -> bool {
    urls.len() == results.len()
        && urls.iter().zip(results).all(|(url, result)| {
            result
                .as_ref()
                .is_ok_and(|f| url.ends_with(&body_path(&f.body)))
        })
}

/// "data from /download/7" → "/download/7".
fn body_path(body: &str) -> String {
    body.strip_prefix("data from ")
        .unwrap_or("<no path>")
        .to_string()
}

/// An HTTP status as a reader sees it: "404 Not Found".
pub fn status_text(code: u16) -> String {
    reqwest::StatusCode::from_u16(code)
        .map_or_else(|_| code.to_string(), |s| s.to_string())
}
