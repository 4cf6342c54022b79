//! The binary as a reader meets it, and as the children it starts.

use std::process::Command;

fn chapter(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_error-handling"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap()
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
    let out = chapter(&["threads"]);
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
fn list_names_every_section() {
    testkit::assert_lists_sections(&chapter(&["--list"]), &error_handling::CHAPTER);
}

/// The whole chapter, run once with `--json`, shared by the tests below.
fn document() -> &'static str {
    static RUN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let out = chapter(&["--json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        String::from_utf8(out.stdout).expect("UTF-8")
    })
}

#[test]
fn every_report_is_rebuilt_exactly_from_the_saved_results() {
    let text = document();
    let document = shared::cli::read_document::<error_handling::Results>(
        text,
        "error-handling",
    )
    .expect("a document of this chapter");
    let names: Vec<&str> =
        document.sections.iter().map(|s| s.name.as_str()).collect();
    let expected: Vec<&str> = error_handling::CHAPTER
        .sections
        .iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, expected);
    let reports = shared::cli::rebuild(&error_handling::CHAPTER, &document, &[])
        .expect("every section rebuilds");
    for (run, rebuilt) in reports {
        assert_eq!(rebuilt, run.report, "{} rebuilt differs", run.name);
    }
}

/// Writes `text` to a fresh file and prints it back with `--from`.
fn replay(text: &str, name: &str) -> std::process::Output {
    let path = std::env::temp_dir()
        .join(format!("error-handling-{}-{name}.json", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let out = chapter(&["--from", path.to_str().unwrap(), "context"]);
    let _ = std::fs::remove_file(&path);
    out
}

#[test]
fn a_saved_run_that_lost_an_input_is_refused() {
    let honest = replay(document(), "honest");
    let stdout = String::from_utf8_lossy(&honest.stdout);
    assert!(honest.status.success(), "{stdout}");
    assert!(stdout.contains("== context =="), "{stdout}");
    assert!(!stdout.contains("== threads =="), "{stdout}");
    let mut doc: testkit::serde_json::Value =
        testkit::serde_json::from_str(document()).unwrap();
    let failed = &mut doc["results"]["context"]["batch"]["failed"];
    failed.as_array_mut().expect("the failed inputs").pop();
    let out = replay(&doc.to_string(), "doctored");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[FAIL] succeeded + failed == inputs"),
        "{stdout}"
    );
}
