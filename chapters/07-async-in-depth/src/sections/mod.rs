//! One module per section, in the order of the page.

pub mod asyncio_map;
pub mod awaiting;
pub mod cancellation;
pub mod orderings;
pub mod send_sync;
