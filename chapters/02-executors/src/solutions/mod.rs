//! Reference answers. Look after you have tried: the checks accept any
//! answer that behaves the same.

pub mod completion_order;
pub mod ordered_map;
pub mod word_count;
