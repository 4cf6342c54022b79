//! The binary as a reader meets it: bad input gets one line and status 2,
//! `--list` lists, `--hang` is bounded.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn debugging(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_debugging"))
        .args(args)
        .output()
        .expect("the chapter binary runs")
}

fn assert_usage_error(args: &[&str], expected: &str) {
    testkit::assert_refused(&debugging(args), expected);
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    assert_usage_error(&["no-such-section"], "no section 'no-such-section'");
    assert_usage_error(&["--fastest"], "unknown option '--fastest'");
    assert_usage_error(&["--hang", "forever"], "usage: --hang [SECONDS]");
    assert_usage_error(&["--hang", "1", "2"], "usage: --hang [SECONDS]");
}

#[test]
fn list_names_every_section() {
    testkit::assert_lists_sections(&debugging(&["--list"]), &debugging::CHAPTER);
}

#[test]
fn a_forgotten_hung_process_ends_itself() {
    // `--hang 1` deadlocks for real, then its self-destruct thread ends it.
    let start = Instant::now();
    let out = debugging(&["--hang", "1"]);
    assert_eq!(out.status.code(), Some(3), "ended by its own bound");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("deadlocked"));
    assert!(start.elapsed() < Duration::from_secs(30));
}
