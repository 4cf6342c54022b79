//! Exercise 1: lose no failure. Run a batch on threads and account for
//! every input — the values, the errors, and the panics.

/// The work done for one input; it may return an error, or panic.
pub type Work = fn(&str) -> anyhow::Result<u64>;

/// What happened to every input, each list in input order.
#[derive(Debug, Default, PartialEq)]
pub struct BatchReport {
    pub succeeded: Vec<(String, u64)>,
    /// The input and why it failed: the error's whole chain (`{:#}`), or
    /// "panicked: MESSAGE" for a panic.
    pub failed: Vec<(String, String)>,
}

// ANCHOR: exercise
/// Run `work` on every input, each on its own scoped thread, and file each
/// outcome under its input. `shared::panics::panic_message` turns a
/// panic's payload into its message.
pub fn run_batch(inputs: &[&str], work: Work) -> BatchReport {
    // TODO: spawn one scoped thread per input, join each handle in order,
    // and sort Ok(Ok(v)), Ok(Err(e)) and Err(payload) into the report.
    let _ = (inputs, work);
    todo!("run_batch")
}
// ANCHOR_END: exercise
