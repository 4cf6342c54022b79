//! The tools of the chapter, each tested on its own: the log's fields, the
//! wait-for graph, the backtrace reader, the skip without gdb, and the
//! broken versions each failing where the section says.

use debugging::sections::deadlock::WaitGraph;
use debugging::sections::debugger::{backtraces, parse_backtraces};
use debugging::sections::logging::capture;
use debugging::sections::race_condition::{Counting, lost_per_run};
use debugging::sections::reproduce::{explore, on_real_threads};
use shuttle::scheduler::{DfsScheduler, RandomScheduler};
use std::time::Duration;

#[test]
fn every_log_line_carries_time_thread_pid_and_span() {
    let (text, lines) = capture().unwrap();
    let pid = format!("run{{pid={}}}", std::process::id());
    assert_eq!(text.lines().count(), 10, "{text}");
    for line in text.lines() {
        assert!(line.contains("ThreadId("), "no thread id: {line}");
        assert!(line.contains(&pid), "no pid span: {line}");
        assert!(line.contains(":job{id="), "no job span: {line}");
        assert!(line.trim_start().split(' ').next().unwrap().ends_with('s'));
    }
    assert!(lines.iter().all(Option::is_some), "every line parses");
}

#[test]
fn the_wait_for_graph_finds_a_cycle_only_when_there_is_one() {
    let mut graph = WaitGraph {
        holds: vec![("left", "A"), ("right", "B")],
        waits: vec![("left", "B")],
    };
    assert_eq!(graph.cycle_from("left"), None, "right waits for nothing");
    graph.waits.push(("right", "A"));
    let cycle = graph.cycle_from("left").expect("a cycle");
    assert_eq!(
        cycle,
        "left waits for B, held by right; right waits for A, held by left"
    );
}

#[test]
fn gdb_output_is_read_thread_by_thread() {
    let gdb = r#"
Thread 3 (Thread 0x7f00 (LWP 12) "right"):
#0  syscall () at ../sysdeps/unix/sysv/linux/x86_64/syscall.S:38
#1  0x000055 in std::sys::sync::mutex::futex::Mutex::lock_contended () at futex.rs:10
#2  0x000056 in debugging::hang::hold_then_take (first=0x1) at src/hang.rs:25
Thread 1 (Thread 0x7f01 (LWP 10) "debugging"):
#0  0x000057 in debugging::hang::main::{{closure}}::h0123456789abcdef () at src/hang.rs:70
Thread 2 (Thread 0x7f02 (LWP 11) "left"):
#0  syscall () at ../sysdeps/unix/sysv/linux/x86_64/syscall.S:38
#1  hold_then_take () at chapters/03-debugging/src/hang.rs:23
"#;
    let traces = parse_backtraces(gdb);
    let names: Vec<&str> = traces.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["debugging", "left", "right"]);
    assert_eq!(traces[0].ours.as_deref(), Some("main::{closure} (hang.rs)"));
    // A release build's inlined frame, without a module path: still ours.
    assert_eq!(traces[1].ours.as_deref(), Some("hold_then_take (hang.rs)"));
    assert_eq!(traces[2].frames, 3);
    assert_eq!(traces[2].ours.as_deref(), Some("hold_then_take (hang.rs)"));
}

#[test]
fn without_gdb_the_backtraces_are_skipped_not_failed() {
    let none = backtraces("gdb-is-not-installed-here", 1, Duration::from_secs(5));
    assert!(matches!(none, Ok(None)), "{none:?}");
}

#[test]
fn the_broken_counter_loses_updates_and_the_fixes_do_not() {
    // Four threads yielding between load and store, 20 runs: losing none
    // at all would need every yield to come back before any other thread
    // ran, 40 000 times over.
    let lost = lost_per_run(Counting::LoadThenStore, 4, 500, 20);
    assert!(lost.iter().any(|l| *l > 0), "{lost:?}");
    for fix in [Counting::FetchAdd, Counting::MutexHeld, Counting::Messages] {
        assert_eq!(lost_per_run(fix, 4, 500, 20), vec![0; 20], "{fix:?}");
    }
}

#[test]
fn shuttle_finds_the_double_start_and_clears_the_fix() {
    let random = explore(RandomScheduler::new_from_seed(7, 200), false);
    assert!(random.failing > 0);
    let (_, log) = random.first_failure.expect("a failing schedule");
    let not_ready = log.iter().filter(|l| l.ends_with("not ready")).count();
    assert_eq!(not_ready, 2, "both threads saw 'not ready': {log:?}");
    let fixed = explore(DfsScheduler::new(None, false), true);
    assert!(fixed.schedules > 1 && fixed.failing == 0, "{fixed:?}");
    // The fixed code on real threads: never a double start.
    assert_eq!(on_real_threads(200, true), 0);
}
