//! `threads`: a panic ends only the thread it happens on. `join` hands the
//! payload to whoever joins; a scope re-raises it when it ends; the panic
//! hook sees it first, on the panicking thread, and knows its name.

use crate::{Context, Results, need};
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use shared::panics::panic_message;
use shared::panics::{HookSwap, silenced};
use shared::report::{Cell, SectionReport, Table};
use std::hint::black_box;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

/// What `threads` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Threads {
    /// What `join()` gave for the parser that panics and the counter.
    pub parser: Result<u64, String>,
    pub counter: Result<u64, String>,
    pub scoped: Scoped,
    /// What the panic hook saw, sorted by thread name.
    pub hook_saw: Vec<HookSaw>,
    /// Each input line, and what `join()` of its thread gave.
    pub joined: Vec<(String, Joined)>,
    pub unwind: UnwindCost,
}

/// A scope with one panicking thread and three healthy ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scoped {
    /// What the caller of the scope got: the re-raised panic's message.
    pub caller_got: Result<(), String>,
    /// The healthy threads that finished.
    pub finished: usize,
}

/// One panic, as the hook saw it on the panicking thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HookSaw {
    pub thread: String,
    pub message: String,
}

/// The three outcomes `join()` of a thread returning `anyhow::Result` tells
/// apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Joined {
    /// `Ok(Ok(value))`
    Value(u64),
    /// `Ok(Err(error))`: the error the thread returned, its chain on one line.
    Error(String),
    /// `Err(payload)`: the thread panicked; the panic's message.
    Panic(String),
}

impl Joined {
    /// How the table shows it.
    pub fn shown(&self) -> String {
        match self {
            Joined::Value(width) => format!("Ok(Ok({width}))"),
            Joined::Error(err) => format!("Ok(Err({err}))"),
            Joined::Panic(message) => format!("Err(panic: {message})"),
        }
    }
}

/// The same failure returned as `Err` and panicked then caught, timed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnwindCost {
    pub iterations: u32,
    /// Failures seen as an `Err`, and as a caught panic.
    pub errors: u32,
    pub caught: u32,
    /// Seconds per failure, each way.
    pub per_error_s: f64,
    pub per_panic_s: f64,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let (parser, counter) = lone_panic()?;
    let threads = Threads {
        parser,
        counter,
        scoped: scoped(),
        hook_saw: hook()?,
        joined: joined()?,
        unwind: unwind_cost(context.sizes.unwind_iterations),
    };
    results.threads = Some(threads);
    Ok(())
}

fn lone_panic() -> anyhow::Result<(Result<u64, String>, Result<u64, String>)> {
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
    Ok((parsed, counted))
}

fn scoped() -> Scoped {
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
    Scoped {
        caller_got: outcome.map_err(|payload| panic_message(&*payload)),
        finished: finished.load(Ordering::SeqCst),
    }
}

fn hook() -> anyhow::Result<Vec<HookSaw>> {
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
    Ok(logged
        .into_iter()
        .map(|(thread, message)| HookSaw { thread, message })
        .collect())
}

// ANCHOR: result
/// The failures a caller should handle are values: an `Err`, not a panic.
fn parse_width(line: &str) -> anyhow::Result<u64> {
    let (_, value) = line.split_once('=').context("no '=' in the line")?;
    Ok(value.trim().parse()?)
}

fn join_parsed(line: &'static str) -> anyhow::Result<Joined> {
    let handle = thread::Builder::new().spawn(move || -> anyhow::Result<u64> {
        let width = parse_width(line)?;
        assert!(width <= 500, "width {width} is absurd"); // a bug: panic
        Ok(width)
    })?;
    Ok(match handle.join() {
        Ok(Ok(width)) => Joined::Value(width),
        Ok(Err(err)) => Joined::Error(format!("{err:#}")), // the thread's error
        Err(payload) => Joined::Panic(panic_message(&*payload)),
    })
}
// ANCHOR_END: result

/// The lines parsed on threads, and what `join()` must tell apart.
const LINES: [&str; 4] = ["width=80", "width=abc", "height", "width=9000"];

fn joined() -> anyhow::Result<Vec<(String, Joined)>> {
    LINES
        .into_iter()
        .map(|line| Ok((line.to_string(), join_parsed(line)?)))
        .collect()
}

/// Times returning an `Err` against panicking and catching: why a panic is
/// for bugs, not for the failures a caller expects.
fn unwind_cost(iterations: u32) -> UnwindCost {
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
    let per_error_s = started.elapsed().as_secs_f64() / f64::from(iterations);

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
    let per_panic_s = started.elapsed().as_secs_f64() / f64::from(iterations);
    drop(quiet);
    UnwindCost {
        iterations,
        errors,
        caught,
        per_error_s,
        per_panic_s,
    }
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let threads = need(&results.threads, "threads")?;
    let mut report = SectionReport::new(
        "threads",
        "A panic ends only its own thread: main goes on, and the failure waits \
         in the JoinHandle until someone joins — unless a scope or the panic \
         hook brings it out.",
    );

    report_panics(&mut report, threads);
    report_results(&mut report, threads);
    report_unwinding(&mut report, &threads.unwind);
    Ok(report)
}

/// A panic in a thread: through join(), a scope, and the panic hook.
fn report_panics(report: &mut SectionReport, threads: &Threads) {
    let (parsed, counted) = (&threads.parser, &threads.counter);
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
        *parsed == Err("a number after '='".into()) && *counted == Ok(55),
        "the parser's panic came back from join() as Err with its message; the \
         counter and main went on",
    );

    let Scoped {
        caller_got,
        finished,
    } = &threads.scoped;
    report.note(format!(
        "Scoped threads: the scope waited for the {finished} healthy threads, then \
         re-raised in the caller: {caller_got:?}. The original message went to the \
         panic hook; the scope's own says only that a thread panicked."
    ));
    report.check(
        *caller_got == Err("a scoped thread panicked".into()) && *finished == 3,
        "thread::scope joined all four threads, then re-raised the panic in the \
         caller",
    );

    let mut table = Table::new("What the panic hook saw", &["thread", "message"]);
    for seen in &threads.hook_saw {
        table.push(vec![Cell::text(&seen.thread), Cell::text(&seen.message)]);
    }
    report.table(table);
    let names: Vec<&str> =
        threads.hook_saw.iter().map(|s| s.thread.as_str()).collect();
    report.check(
        names == ["fetch-1", "fetch-3"],
        "the hook saw both panics, each with its thread's name, although the \
         joins threw the payloads away",
    );
}

/// Threads that return anyhow::Result: a value, an error, a panic.
fn report_results(report: &mut SectionReport, threads: &Threads) {
    let mut table = Table::new(
        "Threads returning anyhow::Result",
        &["input", "join() of the thread"],
    );
    for (line, joined) in &threads.joined {
        table.push(vec![Cell::text(line), Cell::text(joined.shown())]);
    }
    report.table(table);
    let expected = [
        Joined::Value(80),
        Joined::Error("invalid digit found in string".into()),
        Joined::Error("no '=' in the line".into()),
        Joined::Panic("width 9000 is absurd".into()),
    ];
    let inputs: Vec<&str> = threads.joined.iter().map(|(l, _)| l.as_str()).collect();
    let outcomes: Vec<&Joined> = threads.joined.iter().map(|(_, j)| j).collect();
    report.check(
        inputs == LINES && outcomes == expected.iter().collect::<Vec<_>>(),
        "join() told apart a value, an error the thread returned, and a panic",
    );
}

/// The same failure returned or panicked and caught: what each costs.
fn report_unwinding(report: &mut SectionReport, unwind: &UnwindCost) {
    let mut table = Table::new(
        "The same failure, returned or panicked and caught",
        &["how", "times", "each"],
    );
    table.push(vec![
        Cell::text("return Err"),
        Cell::Count(u64::from(unwind.errors)),
        Cell::Seconds(unwind.per_error_s),
    ]);
    table.push(vec![
        Cell::text("panic! + catch_unwind"),
        Cell::Count(u64::from(unwind.caught)),
        Cell::Seconds(unwind.per_panic_s),
    ]);
    report.table(table);
    report.note(
        "catch_unwind is for boundaries — a pool keeping its worker alive, a \
         test harness — not for control flow: unwinding costs far more than a \
         return, the hook runs for every panic, and a build with panic = \
         \"abort\" catches nothing at all.",
    );
    report.check(
        unwind.iterations > 0
            && unwind.errors == unwind.iterations
            && unwind.caught == unwind.iterations,
        "every failure was seen both ways: as an Err and as a caught panic",
    );
    report.measured(
        unwind.per_panic_s > unwind.per_error_s,
        "a caught panic cost more than a returned Err",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a correct run sees, with made-up timings.
    fn honest() -> Threads {
        Threads {
            parser: Err("a number after '='".into()),
            counter: Ok(55),
            scoped: Scoped {
                caller_got: Err("a scoped thread panicked".into()),
                finished: 3,
            },
            hook_saw: ["fetch-1", "fetch-3"]
                .map(|thread| HookSaw {
                    thread: thread.into(),
                    message: "no answer from the server".into(),
                })
                .to_vec(),
            joined: LINES
                .into_iter()
                .zip([
                    Joined::Value(80),
                    Joined::Error("invalid digit found in string".into()),
                    Joined::Error("no '=' in the line".into()),
                    Joined::Panic("width 9000 is absurd".into()),
                ])
                .map(|(line, joined)| (line.to_string(), joined))
                .collect(),
            unwind: UnwindCost {
                iterations: 200,
                errors: 200,
                caught: 200,
                per_error_s: 1e-9,
                per_panic_s: 2e-6,
            },
        }
    }

    fn report_of(threads: Threads) -> SectionReport {
        let results = Results {
            threads: Some(threads),
            ..Results::default()
        };
        report(&results).unwrap()
    }

    #[test]
    fn a_correct_run_holds_every_check() {
        let report = report_of(honest());
        assert!(report.checks().all(|c| c.holds), "{report:?}");
    }

    #[test]
    fn each_lost_failure_breaks_its_invariant() {
        let mut lost_hook = honest();
        lost_hook.hook_saw.pop();
        let mut panic_as_value = honest();
        panic_as_value.joined[3].1 = Joined::Value(9000);
        let mut scope_swallowed = honest();
        scope_swallowed.scoped.caller_got = Ok(());
        let mut one_uncaught = honest();
        one_uncaught.unwind.caught -= 1;
        for broken in [lost_hook, panic_as_value, scope_swallowed, one_uncaught] {
            assert_eq!(report_of(broken).broken().len(), 1);
        }
    }

    #[test]
    fn a_cheap_panic_misses_the_claim_but_breaks_nothing() {
        let mut cheap = honest();
        cheap.unwind.per_panic_s = cheap.unwind.per_error_s;
        let report = report_of(cheap);
        assert!(report.broken().is_empty(), "{report:?}");
        let missed: Vec<_> = report.checks().filter(|c| !c.holds).collect();
        assert_eq!(missed.len(), 1);
        assert!(missed[0].claim.contains("caught panic"));
    }
}
