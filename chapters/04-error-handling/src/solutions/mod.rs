//! Reference answers. Look after you have tried: the checks accept any
//! answer that behaves the same.

pub mod batch;
pub mod drain;
pub mod named_panic;
