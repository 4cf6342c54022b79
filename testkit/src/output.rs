//! What every chapter's binary must do when its output, its arguments or
//! its run go wrong: a closed pipe (`| head -1`) ends it quietly, a full
//! disk is one line and a failure status, an argument that is not UTF-8 or
//! is very long gets the usual one-line usage error, and Ctrl-C ends it
//! with every process it started. `output_tests!` writes these tests for a
//! chapter, so no chapter keeps its own copy.

use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a run whose reader went away may take to notice and stop.
const BOUND: Duration = Duration::from_secs(60);

/// One of these tests at a time in a test binary: the leftover check
/// counts every process below the test, so no other test may have one.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

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
    ends_within_the_bound(&mut child, Instant::now(), || {
        format!("{bin} {args:?} ran on after its reader left")
    });
    child.wait_with_output().expect("its output")
}

/// Waits for `child` until [`BOUND`] after `started`, then kills it and
/// fails the test with what `ran_on` says.
fn ends_within_the_bound(
    child: &mut std::process::Child,
    started: Instant,
    ran_on: impl Fn() -> String,
) -> std::process::ExitStatus {
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if started.elapsed() > BOUND {
            let _ = child.kill();
            panic!("{} (bound {BOUND:?})", ran_on());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs `bin` with `args` as `bin args 2>&1 | head -1` does: stdout and
/// stderr one pipe, whose reader leaves after the first line; returns the
/// exit status, killing the run if it outlives [`BOUND`].
pub fn as_head_of_both(bin: &str, args: &[&str]) -> std::process::ExitStatus {
    use std::io::BufRead;
    let (reader, writer) = std::io::pipe().expect("a pipe");
    let mut child = Command::new(bin)
        .args(args)
        .stdout(writer.try_clone().expect("a second end"))
        .stderr(writer)
        .spawn()
        .expect("the chapter's binary starts");
    let mut first = String::new();
    let _ = std::io::BufReader::new(reader).read_line(&mut first);
    ends_within_the_bound(&mut child, Instant::now(), || {
        format!("{bin} {args:?} ran on after its reader left")
    })
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
    let _alone = alone();
    for args in [&[][..], &["--list"], &["--help"]] {
        quiet_when_the_reader_leaves(bin, args);
    }
}

/// `2>&1 | head -1`: the sections that panic on purpose then find stderr
/// closed too, and the run still ends quietly, status 0, no abort.
pub fn assert_quiet_when_the_reader_of_both_leaves(bin: &str) {
    let _alone = alone();
    let status = as_head_of_both(bin, &[]);
    assert!(status.success(), "{bin} 2>&1 | head -1: {status:?}");
}

/// A full disk is one line on stderr and status 1, never a panic.
pub fn assert_one_line_on_a_full_disk(bin: &str) {
    let _alone = alone();
    for args in [&["--list"][..], &["--help"]] {
        one_line_on_a_full_disk(bin, args);
    }
}

/// Both of the above for a tool beside the chapter (`charts`), run with
/// `args` that make it print.
pub fn assert_a_tool_prints_as_a_chapter_does(bin: &str, args: &[&str]) {
    let _alone = alone();
    quiet_when_the_reader_leaves(bin, args);
    one_line_on_a_full_disk(bin, args);
}

fn quiet_when_the_reader_leaves(bin: &str, args: &[&str]) {
    let out = with_closed_stdout(bin, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
    assert!(stderr.is_empty(), "{args:?}: quiet, but said: {stderr}");
}

fn one_line_on_a_full_disk(bin: &str, args: &[&str]) {
    let out = with_full_disk(bin, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
    assert!(stderr.contains("cannot write the output"), "{stderr}");
}

/// An argument that is not UTF-8, or is 100 000 characters long, gets
/// the one-line usage error, exit status 2, and is not echoed in full.
pub fn assert_bad_arguments_refused(bin: &str) {
    let _alone = alone();
    let not_utf8 = std::ffi::OsString::from_vec(vec![0xff, b'x']);
    let out = Command::new(bin).arg(not_utf8).output().expect("it starts");
    crate::assert_refused(&out, "is not UTF-8 text");
    let long = "y".repeat(100_000);
    let out = Command::new(bin).arg(&long).output().expect("it starts");
    crate::assert_refused(&out, "(100000 characters)");
    assert!(out.stderr.len() < 300, "the argument is echoed in full");
    let out = Command::new(bin)
        .args(["--from", &long])
        .output()
        .expect("it starts");
    crate::assert_refused(&out, "(100000 characters): cannot read it");
    assert!(
        out.stderr.len() < 300,
        "the saved run's name is echoed in full"
    );
}

/// SIGINT in the middle of the default run ends it, status 130, with one
/// line that says so, and every process it had started is gone soon after.
pub fn assert_an_interrupt_ends_the_run_and_its_children(bin: &str) {
    let _alone = alone();
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    use shared::interrupt::descendants;
    let mut child = Command::new(bin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the chapter's binary starts");
    let pid = child.id();
    // Mid-run: after its first line (it listens for the signal by then),
    // once it has started a process of its own or a moment later.
    let (first_line, said) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let _ = first_line.send(());
        let _ = lines.next();
        let _ = first_line.send(());
        lines.for_each(drop); // keep reading, so the run never blocks on us
    });
    let started = Instant::now();
    said.recv_timeout(BOUND).expect("the reader starts");
    said.recv_timeout(BOUND)
        .expect("a first line within the bound");
    let moment = Instant::now();
    while descendants(pid).is_empty()
        && moment.elapsed() < Duration::from_millis(300)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let running = descendants(pid);
    kill(Pid::from_raw(pid as i32), Signal::SIGINT).expect("SIGINT");
    let status = ends_within_the_bound(&mut child, started, || {
        format!("{bin} still ran after SIGINT")
    });
    let stderr = std::io::read_to_string(child.stderr.take().expect("piped"))
        .unwrap_or_default();
    let name = Path::new(bin).file_name().unwrap().to_string_lossy();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.trim_end().ends_with("process(es) it had started")
            && stderr.contains(&format!("{name}: interrupted")),
        "one line says it was interrupted: {stderr}"
    );
    assert!(!stderr.contains("panicked at"), "no panic trace: {stderr}");
    for orphan in running {
        let gone = Instant::now();
        while Path::new(&format!("/proc/{orphan}")).exists() {
            assert!(
                gone.elapsed() < BOUND,
                "process {orphan}, started by {bin}, outlived its interrupt"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// The default run, to its end, leaves no process behind: none alive and
/// none defunct. The test process becomes a child subreaper, so anything
/// the chapter started and did not reap is re-parented here, where
/// `/proc` shows it.
pub fn assert_the_default_run_leaves_no_process(bin: &str) {
    let _alone = alone();
    use nix::sys::wait::{WaitPidFlag, waitpid};
    use shared::interrupt::descendants;
    nix::sys::prctl::set_child_subreaper(true).expect("a child subreaper");
    let out = Command::new(bin)
        .stdout(Stdio::null())
        .output()
        .expect("the default run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let me = std::process::id();
    let started = Instant::now();
    let mut left = descendants(me);
    // A process exiting as its parent did gets a moment, no more.
    while !left.is_empty() && started.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(20));
        left = descendants(me);
    }
    let named: Vec<String> = left
        .iter()
        .map(|pid| {
            let line =
                std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            format!(
                "{pid} {}",
                String::from_utf8_lossy(&line).replace('\0', " ")
            )
        })
        .collect();
    // Reap what is here either way, so one failure does not cause another.
    while let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
        if status == nix::sys::wait::WaitStatus::StillAlive {
            break;
        }
    }
    assert!(named.is_empty(), "{bin} left processes behind: {named:?}");
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
        fn a_closed_stdout_and_stderr_end_the_run_quietly() {
            $crate::output::assert_quiet_when_the_reader_of_both_leaves($bin);
        }

        #[test]
        fn a_full_disk_is_one_line_and_a_failure() {
            $crate::output::assert_one_line_on_a_full_disk($bin);
        }

        #[test]
        fn an_interrupt_ends_the_run_and_every_process_it_started() {
            $crate::output::assert_an_interrupt_ends_the_run_and_its_children($bin);
        }

        #[test]
        fn the_default_run_leaves_no_process_behind() {
            $crate::output::assert_the_default_run_leaves_no_process($bin);
        }

        #[test]
        fn bad_bytes_and_long_arguments_are_refused_in_one_line() {
            $crate::output::assert_bad_arguments_refused($bin);
        }
    };
}
