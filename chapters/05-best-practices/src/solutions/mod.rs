//! Reference answers to the exercises. Look after you have tried: the
//! checks accept any answer that behaves the same.

pub mod add_timeout;
pub mod idempotent_handler;
pub mod lock_to_channel;
