//! What crosses to a worker process and back must be what a worker thread
//! would have returned: the switch between the pools is one line, so a
//! value that survives one and not the other is a bug (issue 17, bug 3).

use shared::executor::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use shared::tasks::EchoFloats;
use std::path::Path;
use std::time::Duration;

const BOUND: Duration = Duration::from_secs(20);

/// Every kind of f64 a computation can produce, the awkward ones first.
fn awkward_floats() -> Vec<f64> {
    vec![
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -0.0,
        0.0,
        f64::MIN_POSITIVE / 3.0, // subnormal
        f64::MAX,
        0.1 + 0.2,
        1.0 / 3.0,
    ]
}

fn bits(floats: &[f64]) -> Vec<u64> {
    floats.iter().map(|f| f.to_bits()).collect()
}

#[test]
fn nan_and_infinities_come_back_from_a_process_as_from_a_thread() {
    let sent = awkward_floats();
    let threads = ThreadPoolExecutor::new(1).unwrap();
    let on_thread = threads
        .submit(EchoFloats(sent.clone()))
        .unwrap()
        .result_timeout(BOUND)
        .unwrap();
    let program = Path::new(env!("CARGO_BIN_EXE_executor-worker"));
    let processes = ProcessPoolExecutor::new(1, program).unwrap();
    let on_process = processes
        .submit(EchoFloats(sent.clone()))
        .unwrap()
        .result_timeout(BOUND);
    let on_process = on_process.expect("the process pool returned no value");
    assert_eq!(
        bits(&on_thread),
        bits(&sent),
        "the thread pool changed them"
    );
    assert_eq!(
        bits(&on_process),
        bits(&sent),
        "the process pool changed them"
    );
    let mapped: Vec<_> = processes
        .map(vec![EchoFloats(sent.clone())], 1, Some(BOUND))
        .unwrap()
        .collect();
    let mapped = mapped[0].clone().expect("map on the process pool failed");
    assert_eq!(bits(&mapped), bits(&sent), "map changed them");
}
