//! The binary as a reader meets it: bad input gets one line and status 2,
//! `--list` lists, `--json` is one parseable document.

testkit::chapter_cli_tests! {
    binary: env!("CARGO_BIN_EXE_best-practices"),
    chapter: best_practices::CHAPTER,
    results: best_practices::Results,
    json: ["idempotency", "--json"],
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
fn a_light_job_process_does_its_one_job() {
    let out = chapter(&["--light-job", "https://a", "1"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "data from https://a\n"
    );
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
