//! The binary as a reader meets it: bad input gets one line and status 2,
//! `--list` lists, `--json` is one parseable document.

use std::process::{Command, Output};

fn comparison(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_comparison"))
        .args(args)
        .output()
        .expect("the chapter binary runs")
}

fn assert_usage_error(args: &[&str], expected: &str) {
    testkit::assert_refused(&comparison(args), expected);
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    assert_usage_error(&["no-such-section"], "no section 'no-such-section'");
    assert_usage_error(&["--fastest"], "unknown option '--fastest'");
    assert_usage_error(&["--probe", "threads", "many", "10"], "usage: --probe");
    assert_usage_error(&["--probe", "goroutines", "10", "10"], "no probe kind");
}

#[test]
fn list_names_every_section() {
    testkit::assert_lists_sections(&comparison(&["--list"]), &comparison::CHAPTER);
}

#[test]
fn json_is_one_document_with_every_model() {
    let out = comparison(&["io-bound", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert!(doc["machine"]["cores"].as_u64().unwrap() >= 1);
    let results = doc["results"].as_array().unwrap();
    let models: Vec<&str> = results
        .iter()
        .map(|r| r["model"].as_str().unwrap())
        .collect();
    assert_eq!(
        models,
        [
            "sequential",
            "threads",
            "thread-pool",
            "rayon",
            "processes",
            "tokio",
            "async-std",
            "smol"
        ]
    );
    for r in results {
        assert_eq!(r["section"], "io-bound");
        assert_eq!(r["workload"], "io");
        assert!(r["wall_s"].as_f64().unwrap() > 0.0);
        assert!(r["speedup"].as_f64().unwrap() > 0.0);
    }
    assert!(
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["holds"] == true || c["measured"] == true)
    );
}
