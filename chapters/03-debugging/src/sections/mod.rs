//! One file per section. Each `run` makes its problem happen, checks the
//! claims it makes and returns a report.

pub mod blocked_executor;
pub mod deadlock;
pub mod debugger;
pub mod logging;
pub mod profiling;
pub mod race_condition;
pub mod reproduce;
pub mod starvation;
