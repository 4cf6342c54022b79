//! The dataflow engine for real: timely in two threads, and across two
//! processes of this binary over loopback TCP, with exact counts.

use beyond_one_machine::dataflow::{Share, cluster, in_threads};
use shared::workload::sum_of_squares_formula;
use std::process::Command;

const PROGRAM: &str = env!("CARGO_BIN_EXE_beyond-one-machine");

/// Every share of a run of `rounds` rounds of `jobs` jobs below `n`: each
/// job computed once, all gathered on worker 0, the total exact, and every
/// worker given some.
fn assert_exact(shares: &[Share], jobs: u64, n: u64, rounds: u64) {
    assert_eq!(shares.len(), 2, "{shares:?}");
    let computed: u64 = shares.iter().map(|s| s.computed).sum();
    assert_eq!(computed, jobs * rounds, "{shares:?}");
    assert!(shares.iter().all(|s| s.computed > 0), "{shares:?}");
    let first = shares.iter().find(|s| s.worker == 0).expect("worker 0");
    assert_eq!(first.gathered, jobs * rounds, "{shares:?}");
    let expected = sum_of_squares_formula(n).wrapping_mul(jobs * rounds);
    assert_eq!(first.sum, expected, "{shares:?}");
    assert_eq!(first.round_s.len() as u64, rounds, "{shares:?}");
}

#[test]
fn two_threads_compute_each_job_once() {
    let shares = in_threads(2, 10, 1_000, 3).expect("the dataflow runs");
    assert_exact(&shares, 10, 1_000, 3);
}

#[test]
fn two_processes_over_tcp_compute_each_job_once() {
    let program = std::path::Path::new(PROGRAM);
    let shares =
        cluster::run_processes(program, 2, 10, 1_000, 2).expect("the dataflow runs");
    assert_exact(&shares, 10, 1_000, 2);
}

#[test]
fn a_dataflow_process_with_bad_arguments_says_so_and_exits_2() {
    for args in [
        &["0", "1", "1"][..],
        &["2", "1", "1", "1", "127.0.0.1:1"],
        &["x", "1", "1", "1", "a"],
    ] {
        let out = Command::new(PROGRAM)
            .arg(cluster::FLAG)
            .args(args)
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("needs INDEX JOBS N ROUNDS ADDRESS"),
            "{stderr}"
        );
    }
}
