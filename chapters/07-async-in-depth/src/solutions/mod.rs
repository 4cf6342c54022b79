//! Reference answers. Look after you have tried: the checks accept any
//! answer that behaves the same.

pub mod countdown;
pub mod read_messages;
pub mod stop_all;
