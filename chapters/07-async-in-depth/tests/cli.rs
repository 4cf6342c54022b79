//! The binary as a reader meets it.

testkit::chapter_cli_tests! {
    binary: env!("CARGO_BIN_EXE_async-in-depth"),
    chapter: async_in_depth::CHAPTER,
    results: async_in_depth::Results,
    json: ["--json"],
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
fn a_saved_run_where_the_cancel_safe_loop_lost_a_half_is_refused() {
    let (saved, text) = document();
    let honest = replay(text, &["cancellation"]);
    let stdout = String::from_utf8_lossy(&honest.stdout);
    assert!(honest.status.success(), "{stdout}");
    assert!(stdout.contains("== cancellation =="), "{stdout}");
    assert!(!stdout.contains("== await =="), "{stdout}");
    let mut doc = saved.clone();
    doc["results"]["cancellation"]["select"]["cancel_safe"]["halves_lost"] =
        1.into();
    let out = replay(&doc.to_string(), &["cancellation"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("[FAIL] the loop that keeps"), "{stdout}");
}
