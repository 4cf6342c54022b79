//! The binary as a reader meets it.

use beyond_one_machine::sections::Ran;
use beyond_one_machine::sections::faults::{FaultRun, Faults};

testkit::chapter_cli_tests! {
    binary: env!("CARGO_BIN_EXE_beyond-one-machine"),
    chapter: beyond_one_machine::CHAPTER,
    results: beyond_one_machine::Results,
    json: ["--json"],
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    for (args, expected) in [
        (&["job-queu"][..], "no section 'job-queu'"),
        (&["--broker"][..], "unknown option '--broker'"),
        (&["--python"][..], "unknown option '--python'"),
    ] {
        testkit::assert_refused(&chapter(args), expected);
    }
}

/// A fault run whose counts add up: 7 submitted, 7 completed, each once.
fn honest_run() -> FaultRun {
    FaultRun {
        workers: 2,
        submitted: 7,
        completed: 7,
        dead_lettered: 0,
        effects: 7,
        applied: 7,
        deliveries: 8,
        target_attempts: 2,
        reconnects: 0,
    }
}

/// A saved run with these faults, printed back.
fn replay_faults(faults: Faults) -> std::process::Output {
    let (saved, _) = document();
    let mut doc = saved.clone();
    let ran: Ran<Faults> = Ran::Ran(faults);
    doc["results"]["faults"] = serde_json::to_value(ran).expect("serialisable");
    replay(&doc.to_string(), &["faults"])
}

fn faults_with(killed: FaultRun) -> Faults {
    let mut poison = honest_run();
    (poison.submitted, poison.completed, poison.dead_lettered) = (4, 3, 1);
    (poison.effects, poison.applied, poison.target_attempts) = (3, 3, 3);
    Faults {
        killed,
        restarted: honest_run(),
        poison,
        max_attempts: 3,
    }
}

#[test]
fn a_saved_run_that_lost_a_job_or_applied_one_twice_is_refused() {
    let honest = replay_faults(faults_with(honest_run()));
    let stdout = String::from_utf8_lossy(&honest.stdout);
    assert!(honest.status.success(), "{stdout}");
    assert!(stdout.contains("== faults =="), "{stdout}");
    let mut lost = honest_run();
    lost.completed = 6;
    let out = replay_faults(faults_with(lost));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[FAIL] worker killed mid-job: submitted = completed"),
        "{stdout}"
    );
    let mut twice = honest_run();
    twice.applied = 8;
    let out = replay_faults(faults_with(twice));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("took effect exactly once"), "{stdout}");
}

#[test]
fn a_saved_dataflow_run_with_a_wrong_total_is_refused() {
    let (saved, _) = document();
    // The run as saved breaks no invariant (a busy test machine may still
    // make it unfit to quote: status 1, no [FAIL]).
    let honest = replay(&saved.to_string(), &["dataflow"]);
    let stdout = String::from_utf8_lossy(&honest.stdout);
    assert!(
        stdout.contains("== dataflow ==") && !stdout.contains("[FAIL]"),
        "{stdout}"
    );
    let mut doc = saved.clone();
    let sum = &mut doc["results"]["dataflow"]["sizes"][0]["rows"][0]["sum"];
    *sum = serde_json::json!(sum.as_u64().expect("a total") ^ 1);
    let out = replay(&doc.to_string(), &["dataflow"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[FAIL] every way's total is the closed formula's"),
        "{stdout}"
    );
}
