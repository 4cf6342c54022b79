use crate::exercises::named_panic::Jobs;
use shared::panics::panic_message;
use std::thread;

// ANCHOR: solution
pub fn run_named(jobs: Jobs) -> anyhow::Result<Vec<u64>> {
    let mut handles = Vec::new();
    for (name, job) in jobs {
        let handle = thread::Builder::new().name(name.clone()).spawn(job)?;
        handles.push((name, handle));
    }
    let mut values = Vec::new();
    let mut first_panic = None;
    for (name, handle) in handles {
        match handle.join() {
            Ok(value) => values.push(value),
            Err(payload) => {
                let message = panic_message(&*payload);
                first_panic
                    .get_or_insert(format!("worker '{name}' panicked: {message}"));
            }
        }
    }
    match first_panic {
        Some(why) => Err(anyhow::anyhow!(why)),
        None => Ok(values),
    }
}
// ANCHOR_END: solution
