//! One file per section, in the order of the article.

pub mod as_completed;
pub mod failures;
pub mod future_methods;
pub mod landscape;
pub mod map;
pub mod process_pool;
pub mod shutdown;
pub mod submit;
pub mod throughput;
pub mod wait;

/// "yes" or "no", for tables that answer questions.
pub fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
