//! One module per section, in the order of the page, and what both share:
//! a section that needs the broker either ran or says why it did not.

pub mod dataflow;
pub mod faults;
pub mod job_queue;

use serde::{Deserialize, Serialize};
use shared::report::SectionReport;

/// A section's results, or why it skipped: the broker is optional, and a
/// run without it must say what it left out, not pass in silence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Ran<T> {
    Skipped { why: String },
    Ran(T),
}

/// Why a build without the feature skips both sections.
pub const NO_FEATURE: &str = "built without the `broker` feature \
     (cargo run -p beyond-one-machine --features broker)";

/// The report of a section that skipped: its claim, then what and why.
pub fn skipped(name: &str, claim: &str, why: &str) -> SectionReport {
    let mut report = SectionReport::new(name, claim);
    report.note(format!("skipped: {why}"));
    report
}
