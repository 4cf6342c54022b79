//! The binary as a reader meets it.

use std::process::Command;

fn chapter(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_async-in-depth"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    for (args, expected) in [
        (&["futures"][..], "no section 'futures'"),
        (&["--pin"][..], "unknown option '--pin'"),
        (&["--from"][..], "--from needs a FILE"),
    ] {
        testkit::assert_refused(&chapter(args), expected);
    }
}

#[test]
fn list_names_every_section() {
    testkit::assert_lists_sections(&chapter(&["--list"]), &async_in_depth::CHAPTER);
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
    let document = shared::cli::read_document::<async_in_depth::Results>(
        document(),
        "async-in-depth",
    )
    .expect("a document of this chapter");
    let names: Vec<&str> =
        document.sections.iter().map(|s| s.name.as_str()).collect();
    let expected: Vec<&str> = async_in_depth::CHAPTER
        .sections
        .iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, expected);
    let reports = shared::cli::rebuild(&async_in_depth::CHAPTER, &document, &[])
        .expect("every section rebuilds");
    for (run, rebuilt) in reports {
        assert_eq!(rebuilt, run.report, "{} rebuilt differs", run.name);
    }
}

/// Writes `text` to a fresh file and prints section `name` back with
/// `--from`.
fn replay(text: &str, tag: &str, name: &str) -> std::process::Output {
    let path = std::env::temp_dir()
        .join(format!("async-in-depth-{}-{tag}.json", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let out = chapter(&["--from", path.to_str().unwrap(), name]);
    let _ = std::fs::remove_file(&path);
    out
}

#[test]
fn a_saved_run_where_the_cancel_safe_loop_lost_a_half_is_refused() {
    let honest = replay(document(), "honest", "cancellation");
    let stdout = String::from_utf8_lossy(&honest.stdout);
    assert!(honest.status.success(), "{stdout}");
    assert!(stdout.contains("== cancellation =="), "{stdout}");
    assert!(!stdout.contains("== await =="), "{stdout}");
    let mut doc: testkit::serde_json::Value =
        testkit::serde_json::from_str(document()).unwrap();
    doc["results"]["cancellation"]["select"]["cancel_safe"]["halves_lost"] =
        1.into();
    let out = replay(&doc.to_string(), "doctored", "cancellation");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("[FAIL] the loop that keeps"), "{stdout}");
}
