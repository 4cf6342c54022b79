//! The binary as a reader meets it: bad input gets one line and status 2,
//! `--list` lists, `--json` is one parseable document.

use std::process::Command;

testkit::chapter_cli_tests! {
    binary: env!("CARGO_BIN_EXE_ecosystem"),
    chapter: ecosystem::CHAPTER,
    results: ecosystem::Results,
    json: ["http-client", "--json"],
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    for (args, expected) in [
        (&["no-such-section"][..], "no section 'no-such-section'"),
        (&["--port=8080"][..], "unknown option '--port=8080'"),
    ] {
        testkit::assert_refused(&chapter(args), expected);
    }
}

#[test]
fn json_is_one_typed_document_with_both_clients() {
    let (doc, _) = document();
    let runs = doc["results"]["http_client"]["runs"]
        .as_array()
        .expect("the typed runs of http-client");
    let clients: Vec<&str> =
        runs.iter().map(|r| r["client"].as_str().unwrap()).collect();
    assert_eq!(clients, ["async", "blocking", "async", "blocking"]);
    for r in runs {
        let throughput = &r["throughput"];
        assert!(throughput["requests_per_second"].as_f64().unwrap() > 0.0);
        assert!(
            throughput["p99"].as_f64().unwrap()
                >= throughput["p50"].as_f64().unwrap()
        );
    }
    let checks = testkit::json_checks(doc);
    assert!(!checks.is_empty());
    // Invariants must hold; a measured claim may be missed on a busy machine.
    assert!(
        checks
            .iter()
            .all(|(_, c)| c["holds"] == true || c["kind"] != "invariant")
    );
}

/// Ctrl-C runs no destructor: the temporary SQLite files are removed by
/// the interrupt handler instead (issue 18: they were left 6 times of 6).
#[test]
fn an_interrupt_in_database_leaves_no_sqlite_file() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    const BOUND: Duration = Duration::from_secs(60);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecosystem"))
        .arg("database")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the chapter binary runs");
    let pid = child.id();
    let ours = || -> Vec<String> {
        let marker = format!("-{pid}-");
        std::fs::read_dir(std::env::temp_dir())
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("ecosystem-") && name.contains(&marker))
            .collect()
    };
    let started = Instant::now();
    while ours().is_empty() {
        assert!(started.elapsed() < BOUND, "no database file appeared");
        assert!(
            child.try_wait().unwrap().is_none(),
            "it ended before a file"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    kill(Pid::from_raw(pid as i32), Signal::SIGINT).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(ours(), Vec::<String>::new(), "files left behind");
}

/// A saved run of `events` in which the stream that ignores the shutdown
/// signal let the stop finish: that cannot happen, and the replay says so.
#[test]
fn a_saved_events_run_whose_endless_stream_let_the_stop_finish_is_refused() {
    let binary = env!("CARGO_BIN_EXE_ecosystem");
    let (saved, _) = testkit::cli::json_run(binary, &["events", "--json"]);
    let ignoring = &saved["results"]["events"]["stops"][1];
    assert_eq!(ignoring["watches"], false, "{ignoring}");
    assert!(ignoring["stopped_in"].is_null(), "{ignoring}");
    let honest = replay(&saved.to_string(), &["events"]);
    let stdout = String::from_utf8_lossy(&honest.stdout);
    assert!(
        stdout.contains("== events ==") && !stdout.contains("[FAIL]"),
        "{stdout}"
    );
    let mut doc = saved.clone();
    doc["results"]["events"]["stops"][1]["stopped_in"] = serde_json::json!(0.002);
    let out = replay(&doc.to_string(), &["events"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[FAIL] the stream that ignores it held the stop"),
        "{stdout}"
    );
}
