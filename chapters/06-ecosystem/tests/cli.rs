//! The binary as a reader meets it: bad input gets one line and status 2,
//! `--list` lists, `--json` is one parseable document.

use std::process::{Command, Output};

fn ecosystem(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecosystem"))
        .args(args)
        .output()
        .expect("the chapter binary runs")
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    for (args, expected) in [
        (&["no-such-section"][..], "no section 'no-such-section'"),
        (&["--port=8080"][..], "unknown option '--port=8080'"),
    ] {
        testkit::assert_refused(&ecosystem(args), expected);
    }
}

#[test]
fn list_names_every_section() {
    testkit::assert_lists_sections(&ecosystem(&["--list"]), &ecosystem::CHAPTER);
}

#[test]
fn json_is_one_document_with_both_clients() {
    let out = ecosystem(&["http-client", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("one JSON document");
    let results = testkit::json_records(&doc);
    let clients: Vec<&str> = results
        .iter()
        .map(|r| r["model"].as_str().unwrap())
        .collect();
    assert_eq!(clients, ["async", "blocking", "async", "blocking"]);
    for r in results {
        assert!(r["requests_per_s"].as_f64().unwrap() > 0.0);
        assert!(r["p99_s"].as_f64().unwrap() >= r["p50_s"].as_f64().unwrap());
    }
    let checks = testkit::json_checks(&doc);
    assert!(!checks.is_empty());
    // Invariants must hold; a measured claim may be missed on a busy machine.
    assert!(
        checks
            .iter()
            .all(|(_, c)| c["holds"] == true || c["kind"] != "invariant")
    );
}
