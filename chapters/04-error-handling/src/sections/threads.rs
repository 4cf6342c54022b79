//! `threads`: a panic ends only the thread it happens on. `join` hands the
//! payload to whoever joins; a scope re-raises it when it ends; the panic
//! hook sees it first, on the panicking thread, and knows its name.

use crate::Context;
use crate::hook::{HookSwap, silenced};
use anyhow::Context as _;
use shared::exercise::panic_message;
use shared::report::{Cell, Record, SectionReport, Table};
use std::hint::black_box;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let mut report = SectionReport::new(
        "threads",
        "A panic ends only its own thread: main goes on, and the failure waits \
         in the JoinHandle until someone joins — unless a scope or the panic \
         hook brings it out.",
    );
    lone_panic(&mut report)?;
    scoped(&mut report);
    hook(&mut report)?;
    results(&mut report)?;
    unwind_cost(&mut report, context.sizes.unwind_iterations);
    Ok(report)
}

fn lone_panic(report: &mut SectionReport) -> anyhow::Result<()> {
    // ANCHOR: join
    let parser = thread::Builder::new().name("parser".into()).spawn(|| {
        let line = "width=abc";
        let width: Option<u64> =
            line.split_once('=').and_then(|(_, v)| v.parse().ok());
        width.expect("a number after '='")
    })?;
    let counter = thread::spawn(|| (1..=10u64).sum::<u64>());
    let parsed = parser.join(); // Err(payload): the parser is gone, main is not
    let counted = counter.join(); // Ok(55)
    // ANCHOR_END: join
    let parsed = parsed.map_err(|payload| panic_message(&*payload));
    let counted = counted.map_err(|payload| panic_message(&*payload));
    let mut table = Table::new("Two threads, joined", &["thread", "join()"]);
    table.push(vec![
        Cell::text("parser"),
        Cell::text(format!("{parsed:?}")),
    ]);
    table.push(vec![
        Cell::text("counter"),
        Cell::text(format!("{counted:?}")),
    ]);
    report.table(table);
    report.check(
        parsed == Err("a number after '='".into()) && counted == Ok(55),
        "the parser's panic came back from join() as Err with its message; the \
         counter and main went on",
    );
    Ok(())
}

fn scoped(report: &mut SectionReport) {
    // ANCHOR: scoped
    let finished = AtomicUsize::new(0);
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        thread::scope(|s| {
            s.spawn(|| panic!("one scoped worker failed"));
            for _ in 0..3 {
                s.spawn(|| finished.fetch_add(1, Ordering::SeqCst));
            }
        }); // joins every thread, then panics if any of them did
    }));
    // ANCHOR_END: scoped
    let message = outcome.map_err(|payload| panic_message(&*payload));
    let finished = finished.load(Ordering::SeqCst);
    report.note(format!(
        "Scoped threads: the scope waited for the {finished} healthy threads, then \
         re-raised in the caller: {message:?}. The original message went to the \
         panic hook; the scope's own says only that a thread panicked."
    ));
    report.check(
        message == Err("a scoped thread panicked".into()) && finished == 3,
        "thread::scope joined all four threads, then re-raised the panic in the \
         caller",
    );
}

fn hook(report: &mut SectionReport) -> anyhow::Result<()> {
    // ANCHOR: hook
    let (seen, log) = mpsc::channel();
    let swap = HookSwap::new(move |info| {
        let name = thread::current().name().unwrap_or("unnamed").to_string();
        let _ = seen.send((name, panic_message(info.payload())));
    });
    let handles = ["fetch-1", "fetch-2", "fetch-3"].map(|name| {
        thread::Builder::new().name(name.into()).spawn(move || {
            if name != "fetch-2" {
                panic!("no answer from the server");
            }
        })
    });
    for handle in handles {
        let _ = handle?.join(); // ignored on purpose: the hook saw it
    }
    drop(swap); // the previous hook is back
    // ANCHOR_END: hook
    let mut logged: Vec<(String, String)> = log.try_iter().collect();
    logged.sort();
    let mut table = Table::new("What the panic hook saw", &["thread", "message"]);
    for (name, message) in &logged {
        table.push(vec![Cell::text(name), Cell::text(message)]);
    }
    report.table(table);
    let names: Vec<&str> = logged.iter().map(|(n, _)| n.as_str()).collect();
    report.check(
        names == ["fetch-1", "fetch-3"],
        "the hook saw both panics, each with its thread's name, although the \
         joins threw the payloads away",
    );
    Ok(())
}

// ANCHOR: result
/// The failures a caller should handle are values: an `Err`, not a panic.
fn parse_width(line: &str) -> anyhow::Result<u64> {
    let (_, value) = line.split_once('=').context("no '=' in the line")?;
    Ok(value.trim().parse()?)
}

fn describe_joined(line: &'static str) -> anyhow::Result<String> {
    let handle = thread::Builder::new().spawn(move || -> anyhow::Result<u64> {
        let width = parse_width(line)?;
        assert!(width <= 500, "width {width} is absurd"); // a bug: panic
        Ok(width)
    })?;
    Ok(match handle.join() {
        Ok(Ok(width)) => format!("Ok(Ok({width}))"),
        Ok(Err(err)) => format!("Ok(Err({err:#}))"), // the thread's error
        Err(payload) => format!("Err(panic: {})", panic_message(&*payload)),
    })
}
// ANCHOR_END: result

fn results(report: &mut SectionReport) -> anyhow::Result<()> {
    let lines = ["width=80", "width=abc", "height", "width=9000"];
    let mut table = Table::new(
        "Threads returning anyhow::Result",
        &["input", "join() of the thread"],
    );
    let mut outcomes = Vec::new();
    for line in lines {
        let outcome = describe_joined(line)?;
        table.push(vec![Cell::text(line), Cell::text(&outcome)]);
        outcomes.push(outcome);
    }
    report.table(table);
    report.check(
        outcomes
            == [
                "Ok(Ok(80))",
                "Ok(Err(invalid digit found in string))",
                "Ok(Err(no '=' in the line))",
                "Err(panic: width 9000 is absurd)",
            ],
        "join() told apart a value, an error the thread returned, and a panic",
    );
    Ok(())
}

/// Times returning an `Err` against panicking and catching: why a panic is
/// for bugs, not for the failures a caller expects.
fn unwind_cost(report: &mut SectionReport, iterations: u32) {
    fn fails(i: u32) -> Result<u32, &'static str> {
        if black_box(i) < u32::MAX {
            return Err("bad input");
        }
        Ok(i)
    }
    let started = Instant::now();
    let mut errors = 0u32;
    for i in 0..iterations {
        errors += u32::from(black_box(fails(i)).is_err());
    }
    let per_error = started.elapsed().as_secs_f64() / f64::from(iterations);

    let quiet = silenced(); // no hook output for panics that are only timed
    let started = Instant::now();
    let mut caught = 0u32;
    for i in 0..iterations {
        // ANCHOR: catch_unwind
        let outcome = catch_unwind(|| match fails(i) {
            Ok(value) => value,
            Err(why) => panic!("{why}"), // a panic used as an error: don't
        });
        // ANCHOR_END: catch_unwind
        caught += u32::from(outcome.is_err());
    }
    let per_panic = started.elapsed().as_secs_f64() / f64::from(iterations);
    drop(quiet);

    let mut table = Table::new(
        "The same failure, returned or panicked and caught",
        &["how", "times", "each"],
    );
    table.push(vec![
        Cell::text("return Err"),
        Cell::Count(u64::from(errors)),
        Cell::Seconds(per_error),
    ]);
    table.push(vec![
        Cell::text("panic! + catch_unwind"),
        Cell::Count(u64::from(caught)),
        Cell::Seconds(per_panic),
    ]);
    report.table(table);
    for (model, each) in [("return Err", per_error), ("catch_unwind", per_panic)] {
        let record = Record::new("threads", Some("one failure"), model);
        report.record(record.with("each_s", each));
    }
    report.note(
        "catch_unwind is for boundaries — a pool keeping its worker alive, a \
         test harness — not for control flow: unwinding costs far more than a \
         return, the hook runs for every panic, and a build with panic = \
         \"abort\" catches nothing at all.",
    );
    report.check(
        errors == iterations && caught == iterations,
        "every failure was seen both ways: as an Err and as a caught panic",
    );
    report.measured(
        per_panic > per_error,
        "a caught panic cost more than a returned Err",
    );
}
