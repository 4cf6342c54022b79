//! The binary as a reader meets it: bad input gets one line and status 2,
//! `--list` lists, `--hang` is bounded, `--json` is one typed document
//! that `--from` prints again.

use std::time::{Duration, Instant};
use testkit::serde_json::json;

testkit::chapter_cli_tests! {
    binary: env!("CARGO_BIN_EXE_debugging"),
    chapter: debugging::CHAPTER,
    results: debugging::Results,
    json: ["deadlock", "logging", "--json"],
}

fn assert_usage_error(args: &[&str], expected: &str) {
    testkit::assert_refused(&chapter(args), expected);
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    assert_usage_error(&["no-such-section"], "no section 'no-such-section'");
    assert_usage_error(&["--fastest"], "unknown option '--fastest'");
    assert_usage_error(&["--hang", "forever"], "usage: --hang [SECONDS]");
    assert_usage_error(&["--hang", "1", "2"], "usage: --hang [SECONDS]");
}

#[test]
fn a_forgotten_hung_process_ends_itself() {
    // `--hang 1` deadlocks for real, then its self-destruct thread ends it.
    let start = Instant::now();
    let out = chapter(&["--hang", "1"]);
    assert_eq!(out.status.code(), Some(3), "ended by its own bound");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("deadlocked"));
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn json_holds_each_sections_typed_results() {
    let (doc, _) = document();
    assert_eq!(doc["chapter"], "debugging");
    let deadlock = &doc["results"]["deadlock"];
    let runs = deadlock["runs"].as_array().unwrap();
    assert!(!runs.is_empty());
    for run in runs {
        assert_eq!(run["recovered"], true, "{run}");
        assert!(run["cycle"].as_str().unwrap().contains("held by right"));
        for thread in run["threads"].as_array().unwrap() {
            assert!(thread["got_it_after_s"].is_null(), "{thread}");
        }
    }
    let fixes = deadlock["fixes"].as_array().unwrap();
    let names: Vec<&str> = fixes.iter().map(|f| f[0].as_str().unwrap()).collect();
    assert_eq!(names, ["lock-order", "one-lock", "back-off"]);
    for (_, fixed) in fixes.iter().map(|f| (&f[0], &f[1])) {
        assert_eq!(fixed["total"], 200, "{fixed}");
        assert_eq!(fixed["timeouts"], 0, "{fixed}");
    }
    let lines = doc["results"]["logging"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 10);
    assert!(lines.iter().all(|l| l["job"].as_u64().is_some()));
    assert!(doc["results"]["race_condition"].is_null(), "it did not run");
}

#[test]
fn a_doctored_run_is_refused() {
    let (doc, _) = document();
    let mut doctored = doc.clone();
    // One thread got its second lock: that run was no deadlock.
    doctored["results"]["deadlock"]["runs"][0]["threads"][0]["got_it_after_s"] =
        json!(0.001);
    let out = replay(&doctored.to_string(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[FAIL] in every run, both threads timed out"),
        "{stdout}"
    );
}

/// `debugger`'s hung child dies with its parent, even when the parent is
/// killed outright (`kill -9` runs no cleanup); it used to linger 60 s.
#[test]
fn the_hung_child_does_not_outlive_a_killed_parent() {
    use shared::interrupt::descendants;
    use std::time::{Duration, Instant};
    const BOUND: Duration = Duration::from_secs(30);
    let mut parent = std::process::Command::new(env!("CARGO_BIN_EXE_debugging"))
        .arg("debugger")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let is_hung = |pid: &u32| {
        std::fs::read(format!("/proc/{pid}/cmdline"))
            .is_ok_and(|line| String::from_utf8_lossy(&line).contains("--hang"))
    };
    let started = Instant::now();
    let hung = loop {
        if let Some(pid) = descendants(parent.id()).into_iter().find(is_hung) {
            break pid;
        }
        assert!(started.elapsed() < BOUND, "no hung child appeared");
        assert!(parent.try_wait().unwrap().is_none(), "it ended first");
        std::thread::sleep(Duration::from_millis(5));
    };
    parent.kill().unwrap(); // SIGKILL
    parent.wait().unwrap();
    let killed = Instant::now();
    while std::path::Path::new(&format!("/proc/{hung}")).exists() {
        // Gone, or a zombie waiting for init: either way not hung.
        let state = std::fs::read_to_string(format!("/proc/{hung}/stat"))
            .unwrap_or_default();
        if state.contains(") Z") || state.is_empty() {
            break;
        }
        assert!(
            killed.elapsed() < Duration::from_secs(5),
            "the hung child {hung} outlived its killed parent"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn python_runs_the_interpreter_that_the_python_variable_names() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_debugging"))
        .args(["relock", "--python"])
        .env("PYTHON", "/no/such/python")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("'/no/such/python' was not found on this machine"),
        "{stdout}"
    );
}
