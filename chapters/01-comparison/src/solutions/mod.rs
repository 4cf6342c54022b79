//! Reference answers to the exercises. Look after you have tried: the
//! checks accept any answer that behaves the same.

pub mod fetch_all;
pub mod parallel_sum;
pub mod pick_model;
