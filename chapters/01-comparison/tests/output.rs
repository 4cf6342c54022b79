//! The binary when its output or its arguments go wrong (testkit::output).

testkit::output_tests!(env!("CARGO_BIN_EXE_comparison"));

/// The `charts` tool prints what it wrote through `shared::cli::print`,
/// so a closed pipe or a full disk is no panic there either.
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
    let _ = std::fs::remove_dir_all(dir);
}
