//! One file per section. Each `measure` makes its problem happen and keeps
//! what it saw in the section's typed results; each `report`, a pure
//! function of those results, checks the claims it makes and lays them out.

pub mod blocked_executor;
pub mod deadlock;
pub mod debugger;
pub mod logging;
pub mod profiling;
pub mod race_condition;
pub mod relock;
pub mod reproduce;
pub mod starvation;
