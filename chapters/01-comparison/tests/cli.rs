//! The binary as a reader meets it: bad input gets one line and status 2,
//! `--list` lists, `--json` is one parseable document.

testkit::chapter_cli_tests! {
    binary: env!("CARGO_BIN_EXE_comparison"),
    chapter: comparison::CHAPTER,
    results: comparison::Results,
    json: ["io-bound", "cpu-bound", "--json"],
}

fn assert_usage_error(args: &[&str], expected: &str) {
    testkit::assert_refused(&chapter(args), expected);
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    assert_usage_error(&["no-such-section"], "no section 'no-such-section'");
    assert_usage_error(&["--fastest"], "unknown option '--fastest'");
    assert_usage_error(&["--probe", "threads", "many", "10"], "usage: --probe");
    assert_usage_error(&["--probe", "goroutines", "10", "10"], "no probe kind");
}

#[test]
fn json_is_one_typed_document_with_every_model() {
    let (doc, _) = document();
    assert_eq!(doc["schema"], shared::document::SCHEMA);
    assert_eq!(doc["chapter"], "comparison");
    assert!(doc["machine"]["cores"].as_u64().unwrap() >= 1);
    let rows = doc["results"]["io_bound"]["rows"].as_array().unwrap();
    let models: Vec<&str> =
        rows.iter().map(|r| r["model"].as_str().unwrap()).collect();
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
    for r in rows {
        assert!(r["timing"]["wall"]["median"].as_f64().unwrap() > 0.0);
    }
    let sections: Vec<&str> = doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(sections, ["io-bound", "cpu-bound"]);
    for section in doc["sections"].as_array().unwrap() {
        assert!(section["load"]["load_average"].as_f64().is_some());
        let blocks = section["report"]["blocks"].as_array().unwrap();
        let checks = blocks.iter().filter_map(|b| b.get("Check"));
        for check in checks {
            assert!(
                check["holds"] == true || check["kind"] != "invariant",
                "{check}"
            );
        }
    }
}

#[test]
fn a_saved_run_prints_again_from_its_results() {
    let (_, text) = document();
    let out = replay(text, &["cpu-bound"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let words = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(stdout.contains("Measured on "), "{stdout}");
    assert!(words.contains("Before it: load average"), "{stdout}");
    assert!(stdout.contains("== cpu-bound =="), "{stdout}");
    assert!(!stdout.contains("== io-bound =="), "{stdout}");
}

#[test]
fn a_doctored_run_is_refused() {
    let (doc, _) = document();
    let mut doctored = doc.clone();
    // Threads' speedup over sequential, turn by turn, ten times larger:
    // past the cores.
    let rows = &mut doctored["results"]["cpu_bound"]["rows"];
    assert_eq!(rows[1]["model"], "threads", "{}", rows[1]);
    let speedup = &mut rows[1]["speedup"];
    for key in ["min", "median", "max"] {
        speedup[key] = serde_json::json!(speedup[key].as_f64().unwrap() * 10.0);
    }
    let out = replay(&doctored.to_string(), &["cpu-bound"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[busy] no CPU speedup above the core count"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fit to quote"), "{stderr}");
}

#[test]
fn a_document_of_another_schema_gets_one_line_and_status_2() {
    let (doc, _) = document();
    let mut old = doc.clone();
    old["schema"] = serde_json::json!(1);
    let out = replay(&old.to_string(), &[]);
    testkit::assert_refused(&out, "schema");
    assert_usage_error(&["--from"], "--from needs a FILE");
}
