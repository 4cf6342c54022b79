//! What every chapter's binary must do when its output or its arguments
//! go wrong: a closed pipe (`| head -1`) ends it quietly, a full disk is
//! one line and a failure status, an argument that is not UTF-8 or is
//! very long gets the usual one-line usage error. `output_tests!` writes
//! these tests for a chapter, so no chapter keeps its own copy.

use std::os::unix::ffi::OsStringExt;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a run whose reader went away may take to notice and stop.
const BOUND: Duration = Duration::from_secs(60);

/// Runs `bin` with `args` and stdout a pipe whose reader has already
/// closed it; returns the output, killing the run if it outlives [`BOUND`].
pub fn with_closed_stdout(bin: &str, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut child = Command::new(bin)
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("the chapter's binary starts");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > BOUND {
            let _ = child.kill();
            panic!("{bin} {args:?} ran on for {BOUND:?} after its reader left");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("its output")
}

/// Runs `bin` with `args` and stdout `/dev/full`, a disk that is full.
pub fn with_full_disk(bin: &str, args: &[&str]) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    Command::new(bin)
        .args(args)
        .stdout(full)
        .output()
        .expect("the chapter's binary starts")
}

/// A closed stdout ends the run with status 0 and nothing on stderr.
pub fn assert_quiet_when_the_reader_leaves(bin: &str) {
    for args in [&[][..], &["--list"], &["--help"]] {
        let out = with_closed_stdout(bin, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(stderr.is_empty(), "{args:?}: quiet, but said: {stderr}");
    }
}

/// A full disk is one line on stderr and status 1, never a panic.
pub fn assert_one_line_on_a_full_disk(bin: &str) {
    for args in [&["--list"][..], &["--help"]] {
        let out = with_full_disk(bin, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
        assert!(stderr.contains("cannot write the output"), "{stderr}");
    }
}

/// An argument that is not UTF-8, or is 100 000 characters long, gets
/// the one-line usage error, exit status 2, and is not echoed in full.
pub fn assert_bad_arguments_refused(bin: &str) {
    let not_utf8 = std::ffi::OsString::from_vec(vec![0xff, b'x']);
    let out = Command::new(bin).arg(not_utf8).output().expect("it starts");
    crate::assert_refused(&out, "is not UTF-8 text");
    let long = "y".repeat(100_000);
    let out = Command::new(bin).arg(&long).output().expect("it starts");
    crate::assert_refused(&out, "(100000 characters)");
    assert!(out.stderr.len() < 300, "the argument is echoed in full");
}

/// The tests above, for the chapter binary `$bin`
/// (`env!("CARGO_BIN_EXE_NAME")`).
#[macro_export]
macro_rules! output_tests {
    ($bin:expr) => {
        #[test]
        fn a_closed_stdout_ends_the_run_quietly() {
            $crate::output::assert_quiet_when_the_reader_leaves($bin);
        }

        #[test]
        fn a_full_disk_is_one_line_and_a_failure() {
            $crate::output::assert_one_line_on_a_full_disk($bin);
        }

        #[test]
        fn bad_bytes_and_long_arguments_are_refused_in_one_line() {
            $crate::output::assert_bad_arguments_refused($bin);
        }
    };
}
