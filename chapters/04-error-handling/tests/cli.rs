//! The binary as a reader meets it, and as the children it starts.

use std::process::Command;

testkit::chapter_cli_tests! {
    binary: env!("CARGO_BIN_EXE_error-handling"),
    chapter: error_handling::CHAPTER,
    results: error_handling::Results,
    json: ["--json"],
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    for (args, expected) in [
        (&["panics"][..], "no section 'panics'"),
        (&["--retry"][..], "unknown option '--retry'"),
    ] {
        testkit::assert_refused(&chapter(args), expected);
    }
}

#[test]
fn a_child_asked_for_an_unknown_behaviour_says_so_with_status_2() {
    let out = chapter(&["--misbehaving-child", "explode"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr.trim(), "no behaviour 'explode'");
}

#[test]
fn panics_on_purpose_print_one_line_each_not_a_backtrace() {
    // Even with RUST_BACKTRACE=1, the chapter's hook keeps it to one line.
    let out = Command::new(env!("CARGO_BIN_EXE_error-handling"))
        .arg("threads")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("stack backtrace"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(!lines.is_empty());
    assert!(
        lines.iter().all(|l| l.starts_with("(panic on ")),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("5 of 5 invariants held") && !stdout.contains("[FAIL]"));
}

#[test]
fn json_carries_the_measured_costs_and_every_check() {
    let out = chapter(&["threads", "--json"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let doc: testkit::serde_json::Value =
        testkit::serde_json::from_str(&text).expect("one document");
    // The two costs timed, each a positive number of seconds.
    let unwind = &doc["results"]["threads"]["unwind"];
    for key in ["per_error_s", "per_panic_s"] {
        let each = unwind[key].as_f64();
        assert!(each.is_some_and(|s| s > 0.0), "{key}: {text}");
    }
    assert_eq!(unwind["errors"], unwind["iterations"], "{text}");
    assert_eq!(unwind["caught"], unwind["iterations"], "{text}");
    // Five invariants, each held; one measured claim, which a busy machine
    // may miss.
    let checks = testkit::json_checks(&doc);
    let count = |kind: &str, held: bool| {
        let of_kind = checks.iter().filter(|(_, c)| c["kind"] == kind);
        of_kind.filter(|(_, c)| !held || c["holds"] == true).count()
    };
    assert_eq!(count("invariant", true), 5, "{text}");
    assert_eq!(count("measured", false), 1, "{text}");
}

#[test]
fn a_saved_run_that_lost_an_input_is_refused() {
    let (saved, text) = document();
    let honest = replay(text, &["context"]);
    let stdout = String::from_utf8_lossy(&honest.stdout);
    assert!(honest.status.success(), "{stdout}");
    assert!(stdout.contains("== context =="), "{stdout}");
    assert!(!stdout.contains("== threads =="), "{stdout}");
    let mut doc = saved.clone();
    let failed = &mut doc["results"]["context"]["batch"]["failed"];
    failed.as_array_mut().expect("the failed inputs").pop();
    let out = replay(&doc.to_string(), &["context"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[FAIL] succeeded + failed == inputs"),
        "{stdout}"
    );
}
