use crate::exercises::batch::{BatchReport, Work};
use shared::panics::panic_message;

// ANCHOR: solution
pub fn run_batch(inputs: &[&str], work: Work) -> BatchReport {
    let mut report = BatchReport::default();
    std::thread::scope(|s| {
        let handles: Vec<_> = inputs
            .iter()
            .map(|input| (input, s.spawn(move || work(input))))
            .collect();
        for (input, handle) in handles {
            let input = input.to_string();
            match handle.join() {
                Ok(Ok(value)) => report.succeeded.push((input, value)),
                Ok(Err(err)) => report.failed.push((input, format!("{err:#}"))),
                Err(payload) => {
                    let why = format!("panicked: {}", panic_message(&*payload));
                    report.failed.push((input, why));
                }
            }
        }
    });
    report
}
// ANCHOR_END: solution
