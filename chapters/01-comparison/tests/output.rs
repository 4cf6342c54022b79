//! The binary when its output or its arguments go wrong (testkit::output).

testkit::output_tests!(env!("CARGO_BIN_EXE_comparison"));

/// The `charts` tool prints what it wrote through `shared::cli::print`,
/// so a closed pipe or a full disk is no panic there either, and it
/// shortens a long file name as the chapter shortens an argument.
#[test]
fn charts_prints_as_the_chapter_does() {
    let results = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../book/src/generated/comparison/results.json"
    );
    let dir = std::env::temp_dir().join(format!("charts-{}", std::process::id()));
    let dir = dir.to_str().expect("a UTF-8 temporary directory");
    let charts = env!("CARGO_BIN_EXE_charts");
    testkit::output::assert_a_tool_prints_as_a_chapter_does(charts, &[results, dir]);
    let long = "r".repeat(100_000);
    let out = std::process::Command::new(charts)
        .args([&long, dir])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("(100000 characters)") && stderr.len() < 300,
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
