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

/// One `--json` run of a few sections, shared by the tests below.
fn document() -> &'static (serde_json::Value, String) {
    static RUN: std::sync::OnceLock<(serde_json::Value, String)> =
        std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let out = executors(&["map", "wait", "failures", "landscape", "--json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let doc = serde_json::from_str(&text).expect("one JSON document");
        (doc, text)
    })
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
fn a_saved_run_rebuilds_every_report_as_printed() {
    let (_, text) = document();
    let document: shared::document::Document<executors::Results> =
        shared::cli::read_document(text, "executors").unwrap();
    let reports = shared::cli::rebuild(&executors::CHAPTER, &document, &[]).unwrap();
    assert_eq!(reports.len(), 4);
    for (run, rebuilt) in reports {
        let plain = shared::report::Render::Plain;
        assert_eq!(
            rebuilt.render(plain),
            run.report.render(plain),
            "{}",
            run.name
        );
    }
}

/// Writes `text` to a fresh file and prints it back with `--from`.
fn replay(text: &str, name: &str, sections: &[&str]) -> std::process::Output {
    let path = std::env::temp_dir()
        .join(format!("executors-{}-{name}.json", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let mut args = vec!["--from", path.to_str().unwrap()];
    args.extend(sections);
    let out = executors(&args);
    let _ = std::fs::remove_file(&path);
    out
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
    let out = replay(&doctored.to_string(), "doctored", &["landscape"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[busy] no CPU speedup above the core count"),
        "{stdout}"
    );
}

#[test]
fn list_names_every_section() {
    testkit::assert_lists_sections(&executors(&["--list"]), &executors::CHAPTER);
}
