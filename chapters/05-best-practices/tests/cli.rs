//! The binary as a reader meets it: bad input gets one line and status 2,
//! `--list` lists, `--json` is one parseable document.

use std::process::{Command, Output};

fn chapter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_best-practices"))
        .args(args)
        .output()
        .expect("the chapter binary runs")
}

fn assert_usage_error(args: &[&str], expected: &str) {
    testkit::assert_refused(&chapter(args), expected);
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    assert_usage_error(&["no-such-rule"], "no section 'no-such-rule'");
    assert_usage_error(&["--faster"], "unknown option '--faster'");
    assert_usage_error(&["--light-job", "https://a"], "usage: --light-job");
    assert_usage_error(&["--light-job", "https://a", "soon"], "not a number");
}

#[test]
fn list_names_every_section() {
    testkit::assert_lists_sections(&chapter(&["--list"]), &best_practices::CHAPTER);
}

#[test]
fn a_light_job_process_does_its_one_job() {
    let out = chapter(&["--light-job", "https://a", "1"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "data from https://a\n"
    );
}

#[test]
fn json_is_one_document_whose_checks_all_hold() {
    let out = chapter(&["idempotency", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("one JSON document");
    let checks = testkit::json_checks(&doc);
    assert_eq!(checks.len(), 4);
    assert!(
        checks
            .iter()
            .all(|(section, c)| c["holds"] == true && *section == "idempotency")
    );
}
