//! The binary as a reader meets it.

use std::process::Command;

testkit::chapter_cli_tests! {
    binary: env!("CARGO_BIN_EXE_executors"),
    chapter: executors::CHAPTER,
    results: executors::Results,
    json: ["map", "wait", "failures", "landscape", "--json"],
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    for (args, expected) in [
        (&["pools"][..], "no section 'pools'"),
        (&["--chunksize"][..], "unknown option '--chunksize'"),
    ] {
        testkit::assert_refused(&chapter(args), expected);
    }
}

#[test]
fn a_worker_with_garbage_on_stdin_fails_with_status_2() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_executors"))
        .arg("--executor-worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"not json\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_has_every_section_result() {
    let (doc, _) = document();
    assert_eq!(doc["chapter"], "executors");
    let map = &doc["results"]["map"];
    assert!(map["downloads_s"].as_f64().unwrap() > 0.0, "{map}");
    assert!(map["processes_s"].as_f64().unwrap() > 0.0, "{map}");
    assert_eq!(map["pages"].as_array().unwrap().len(), 3);
    assert_eq!(map["sums"].as_array().unwrap().len(), 3);
    assert!(doc["results"]["wait"].is_object());
    assert!(doc["results"]["failures"].is_object());
    let tools = doc["results"]["landscape"]["rows"].as_array().unwrap();
    assert_eq!(tools.len(), 7);
    assert_eq!(tools[0]["tool"], "sequential");
    assert!(doc["results"]["throughput"].is_null(), "not run, not there");
}

#[test]
fn a_doctored_landscape_is_refused() {
    let (doc, _) = document();
    let mut doctored = doc.clone();
    // Sequential ten times slower: every speedup passes the cores.
    let wall = &mut doctored["results"]["landscape"]["rows"][0]["timing"]["wall"];
    for key in ["min", "median", "max"] {
        wall[key] = serde_json::json!(wall[key].as_f64().unwrap() * 10.0);
    }
    let out = replay(&doctored.to_string(), &["landscape"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[busy] no CPU speedup above the core count"),
        "{stdout}"
    );
}
