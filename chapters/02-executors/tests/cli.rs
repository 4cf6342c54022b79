//! The binary as a reader meets it.

use std::process::Command;

fn executors(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_executors"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    for (args, expected) in [
        (&["pools"][..], "no section 'pools'"),
        (&["--chunksize"][..], "unknown option '--chunksize'"),
    ] {
        testkit::assert_refused(&executors(args), expected);
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
fn json_has_every_section_record() {
    let out = executors(&["map", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = testkit::json_records(&doc);
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|r| r["section"] == "map" && r["wall_s"].as_f64().unwrap() > 0.0)
    );
}

#[test]
fn list_names_every_section() {
    testkit::assert_lists_sections(&executors(&["--list"]), &executors::CHAPTER);
}
