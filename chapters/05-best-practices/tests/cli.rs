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

/// One `--json` run of idempotency, shared by the tests below.
fn document() -> &'static (serde_json::Value, String) {
    static RUN: std::sync::OnceLock<(serde_json::Value, String)> =
        std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let out = chapter(&["idempotency", "--json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let doc = serde_json::from_str(&text).expect("one JSON document");
        (doc, text)
    })
}

#[test]
fn json_is_one_typed_document_whose_checks_all_hold() {
    let (doc, _) = document();
    let checks = testkit::json_checks(doc);
    assert_eq!(checks.len(), 4);
    assert!(
        checks
            .iter()
            .all(|(section, c)| c["holds"] == true && *section == "idempotency")
    );
    // The typed results the report was built from: every retry applied
    // again without a key, none with one.
    let results = &doc["results"]["idempotency"];
    let (naive, keyed) = (&results["naive"], &results["keyed"]);
    let requests = keyed["requests"].as_u64().expect("a count of requests");
    assert!(requests > 0);
    assert_eq!(keyed["applied"], requests);
    assert_eq!(naive["applied"], 2 * requests);
    assert_eq!(keyed["charged"], keyed["meant"]);
    assert!(
        doc["results"]["timeouts"].is_null(),
        "only the section asked"
    );
}

#[test]
fn a_saved_run_rebuilds_the_very_report_it_printed() {
    let (_, text) = document();
    let saved = shared::cli::read_document::<best_practices::Results>(
        text,
        "best-practices",
    )
    .expect("a document of this chapter");
    let rebuilt = shared::cli::rebuild(&best_practices::CHAPTER, &saved, &[])
        .expect("every section rebuilt");
    assert_eq!(rebuilt.len(), 1);
    // Compared as printed: JSON may read a float back one unit in the last
    // place off, and a ratio computed from it with it.
    for (run, report) in rebuilt {
        let plain = shared::report::Render::Plain;
        assert_eq!(
            run.report.render(plain),
            report.render(plain),
            "{}",
            run.name
        );
    }
}
