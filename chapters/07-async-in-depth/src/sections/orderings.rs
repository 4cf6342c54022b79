//! `orderings`: an atomic's `Ordering` says what else a thread may see when
//! it sees the atomic's value. `Relaxed` promises nothing about other data:
//! a reader that sees a "ready" flag set may still read the data it
//! guards as it was before. `Release` on the store and `Acquire` on the
//! load make every write before the store visible after the load. `SeqCst`
//! adds one order of all `SeqCst` operations that every thread agrees on.
//!
//! x86 keeps stores in order and loads in order in hardware, so the
//! processor never shows the `Relaxed` bug there; the compiler may still
//! reorder `Relaxed` operations, on x86 as anywhere. So this section only
//! counts the stale reads the machine it runs on happens to show, and a
//! loom model test (`tests/loom_orderings.rs`) finds the bug by exploring
//! what the memory model allows. The cost of each ordering is measured on
//! a counter.

use crate::two_threads::slower_of_two;
use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::measure::Spread;
use shared::report::{Cell, SectionReport, Table, group_thousands};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// What `orderings` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Orderings {
    /// The processor architecture (`x86_64`, `aarch64`, …): whether the
    /// hardware reorders stores decides what `Relaxed` can show here.
    pub arch: String,
    pub passing: Vec<Passing>,
    pub costs: Vec<Cost>,
    pub ops_per_run: u64,
}

/// A writer publishing `rounds` values behind a flag, and a reader
/// checking each flag it sees against the data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Passing {
    /// "Relaxed" or "Release / Acquire": the flag's store and load.
    pub orderings: String,
    pub rounds: u64,
    /// The reader's reads of the flag.
    pub reads: u64,
    /// Reads where the flag said round r was published and the data was
    /// older than r.
    pub stale: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    pub operation: String,
    pub ordering: String,
    /// Seconds per operation over the timed runs.
    pub per_op: Spread,
}

// ANCHOR: passing
/// The writer stores round r's data, then raises the flag to r. A reader
/// that sees flag r must see data r or later — if `store`/`load` order it.
fn message_passing(store: Ordering, load: Ordering, rounds: u64) -> (u64, u64) {
    let (data, flag) = (AtomicU64::new(0), AtomicU64::new(0));
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for round in 1..=rounds {
                data.store(round, Ordering::Relaxed);
                flag.store(round, store); // publishes the data, or not
            }
        });
        let (mut reads, mut stale) = (0, 0);
        let started = Instant::now();
        loop {
            let published = flag.load(load);
            let seen = data.load(Ordering::Relaxed);
            reads += 1;
            stale += u64::from(seen < published);
            if published == rounds || started.elapsed() > BOUND {
                return (reads, stale);
            }
        }
    })
}
// ANCHOR_END: passing

// ANCHOR: costs
/// Seconds per `fetch_add` with `ordering`, one timed run.
fn fetch_adds(counter: &AtomicU64, ordering: Ordering, ops: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..ops {
        black_box(counter.fetch_add(1, ordering));
    }
    start.elapsed().as_secs_f64() / ops as f64
}

/// Seconds per `store` with `ordering` (`Relaxed`, `Release` or `SeqCst`).
fn stores(counter: &AtomicU64, ordering: Ordering, ops: u64) -> f64 {
    let start = Instant::now();
    for n in 0..ops {
        counter.store(black_box(n), ordering);
    }
    start.elapsed().as_secs_f64() / ops as f64
}
// ANCHOR_END: costs

/// Two threads adding to the same counter: the slower one's seconds per
/// `fetch_add`, or the error of a thread that panicked.
fn contended(
    counter: &AtomicU64,
    ordering: Ordering,
    ops: u64,
) -> anyhow::Result<f64> {
    slower_of_two(|| fetch_adds(counter, ordering, ops))
}

fn store_alone(
    counter: &AtomicU64,
    ordering: Ordering,
    ops: u64,
) -> anyhow::Result<f64> {
    Ok(stores(counter, ordering, ops))
}

fn fetch_add_alone(
    counter: &AtomicU64,
    ordering: Ordering,
    ops: u64,
) -> anyhow::Result<f64> {
    Ok(fetch_adds(counter, ordering, ops))
}

type Timed = fn(&AtomicU64, Ordering, u64) -> anyhow::Result<f64>;

fn costs(ops: u64, runs: usize) -> anyhow::Result<Vec<Cost>> {
    use Ordering::{AcqRel, Relaxed, Release, SeqCst};
    let ways: [(&str, Timed, Ordering); 9] = [
        ("store", store_alone, Relaxed),
        ("store", store_alone, Release),
        ("store", store_alone, SeqCst),
        ("fetch_add", fetch_add_alone, Relaxed),
        ("fetch_add", fetch_add_alone, AcqRel),
        ("fetch_add", fetch_add_alone, SeqCst),
        (CONTENDED, contended, Relaxed),
        (CONTENDED, contended, AcqRel),
        (CONTENDED, contended, SeqCst),
    ];
    let counter = AtomicU64::new(0);
    ways.iter()
        .map(|(operation, time, ordering)| {
            let samples = (0..runs)
                .map(|_| time(&counter, *ordering, ops))
                .collect::<anyhow::Result<Vec<f64>>>()?;
            Ok(Cost {
                operation: operation.to_string(),
                ordering: format!("{ordering:?}"),
                per_op: Spread::of(&samples),
            })
        })
        .collect()
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = &context.sizes;
    let rounds = sizes.rounds;
    let passing = [
        ("Relaxed", Ordering::Relaxed, Ordering::Relaxed),
        ("Release / Acquire", Ordering::Release, Ordering::Acquire),
    ]
    .map(|(orderings, store, load)| {
        let (reads, stale) = message_passing(store, load, rounds);
        Passing {
            orderings: orderings.to_string(),
            rounds,
            reads,
            stale,
        }
    });
    results.orderings = Some(Orderings {
        arch: std::env::consts::ARCH.to_string(),
        passing: passing.to_vec(),
        costs: costs(sizes.atomic_ops, sizes.runs)?,
        ops_per_run: sizes.atomic_ops,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let orderings = need(&results.orderings, "orderings")?;
    let mut report = SectionReport::new(
        "orderings",
        "A flag stored and loaded Relaxed does not publish the data written \
         before it; Release on the store and Acquire on the load do. The \
         hardware may hide the difference (x86 does), which is why a model \
         checker, loom, tests it, over the executions loom explores. \
         Stronger orderings can cost more.",
    );
    passing_report(&mut report, orderings);
    costs_report(&mut report, orderings);
    Ok(report)
}

fn passing_report(report: &mut SectionReport, orderings: &Orderings) {
    let mut table = Table::new(
        format!(
            "A flag publishing data, {} rounds, on real threads",
            group_thousands(orderings.passing.first().map_or(0, |p| p.rounds)),
        ),
        &["flag's orderings", "reads of the flag", "stale data seen"],
    );
    for passing in &orderings.passing {
        table.push(vec![
            Cell::text(passing.orderings.clone()),
            Cell::Tally(passing.reads),
            Cell::Tally(passing.stale),
        ]);
    }
    report.table(table);
    let stale_of = |name: &str| {
        orderings
            .passing
            .iter()
            .find(|p| p.orderings == name && p.reads > 0)
            .map(|p| p.stale)
    };
    let (relaxed, fixed) = (stale_of("Relaxed"), stale_of("Release / Acquire"));
    report.plausible(
        relaxed.is_some() && fixed.is_some(),
        "both versions ran, and their readers read the flag",
    );
    report.verdict(what_real_threads_showed(
        relaxed.unwrap_or(0),
        fixed.unwrap_or(0),
        &orderings.arch,
    ));
}

/// What the real-thread runs showed, said as a demonstration, not a
/// proof: on x86 the hardware keeps these stores and loads in order, so
/// both versions pass there and no count of this run could fail for the
/// Relaxed one. The loom test is the check.
fn what_real_threads_showed(relaxed: u64, fixed: u64, arch: &str) -> String {
    if fixed > 0 {
        return format!(
            "Release / Acquire let the reader see older data {} times on this \
             {arch} machine, which the orderings forbid: a bug in the \
             compiler or the processor.",
            group_thousands(fixed)
        );
    }
    if relaxed == 0 {
        format!(
            "Neither version showed a stale read on this {arch} machine, so \
             this run cannot tell them apart. That proves nothing about \
             Relaxed: the language allows the stale read, the compiler or \
             other hardware can produce it, and the loom test finds it."
        )
    } else {
        format!(
            "Relaxed let the reader see a raised flag with older data {} \
             times on this {arch} machine; Release / Acquire never did, as \
             it promises. A run shows what happened here; the loom test \
             explores what may.",
            group_thousands(relaxed)
        )
    }
}

fn costs_report(report: &mut SectionReport, orderings: &Orderings) {
    let mut table = Table::new(
        format!(
            "One atomic operation, {} per timed run",
            group_thousands(orderings.ops_per_run)
        ),
        &["operation", "ordering", "fastest run", "median (range)"],
    );
    for cost in &orderings.costs {
        table.push(vec![
            Cell::text(cost.operation.clone()),
            Cell::text(cost.ordering.clone()),
            Cell::Seconds(cost.per_op.min),
            Cell::Timing(cost.per_op),
        ]);
    }
    report.table(table);
    report.plausible(
        !orderings.costs.is_empty()
            && orderings.costs.iter().all(|c| c.per_op.min > 0.0),
        "every operation was timed, and took some time",
    );
    report.note("The fastest run is the cost without interference.");
    report.verdict(what_the_hardware_charges(orderings));
    let alone = ["Relaxed", "AcqRel", "SeqCst"]
        .map(|ordering| fastest(orderings, "fetch_add", ordering));
    let together = ["Relaxed", "AcqRel", "SeqCst"]
        .map(|ordering| fastest(orderings, CONTENDED, ordering));
    if let (Some(alone), Some(together)) = (
        alone.into_iter().collect::<Option<Vec<f64>>>(),
        together.into_iter().collect::<Option<Vec<f64>>>(),
    ) {
        let strongest_alone = alone.into_iter().fold(0.0, f64::max);
        let cheapest_together = together.into_iter().fold(f64::INFINITY, f64::min);
        report.measured(
            cheapest_together > strongest_alone,
            "a second thread adding to the same counter made each fetch_add \
             cost more than any ordering did on one thread (fastest runs)",
        );
    }
}

/// The operation name of the timed rows where two threads add at once.
const CONTENDED: &str = "fetch_add, 2 threads";

/// The fastest run's seconds per operation of one row of the costs table.
fn fastest(orderings: &Orderings, operation: &str, ordering: &str) -> Option<f64> {
    orderings
        .costs
        .iter()
        .find(|c| c.operation == operation && c.ordering == ordering)
        .map(|c| c.per_op.min)
}

/// What a stronger ordering cost here, against `Relaxed`, and why, where
/// the architecture's instructions are known: the same sentence on an ARM
/// machine would explain figures it did not measure.
fn what_the_hardware_charges(orderings: &Orderings) -> String {
    let ratio = |operation| {
        Some(
            fastest(orderings, operation, "SeqCst")?
                / fastest(orderings, operation, "Relaxed")?,
        )
    };
    let (Some(store), Some(add)) = (ratio("store"), ratio("fetch_add")) else {
        return "An ordering costs what the hardware must add to give it: \
                the table shows what this machine charges."
            .to_string();
    };
    let arch = &orderings.arch;
    let measured = format!(
        "On this {arch} machine a SeqCst store took {store:.1}× a Relaxed \
         one, and a SeqCst fetch_add {add:.1}× a Relaxed one (fastest runs)."
    );
    if matches!(arch.as_str(), "x86" | "x86_64") {
        format!(
            "{measured} On x86 a Release store is the same plain store as a \
             Relaxed one, a SeqCst store also waits for the store buffer to \
             drain, and every fetch_add is one locked instruction whatever \
             its ordering."
        )
    } else {
        format!(
            "{measured} An ordering costs what this processor must add to \
             give it: a barrier, or a special load or store."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> Orderings {
        let passing = |orderings: &str, stale| Passing {
            orderings: orderings.into(),
            rounds: 1_000,
            reads: 700,
            stale,
        };
        let cost = |operation: &str, ordering: &str, ns: f64| Cost {
            operation: operation.into(),
            ordering: ordering.into(),
            per_op: Spread::of(&[ns * 1e-9, ns * 2e-9]),
        };
        Orderings {
            arch: "x86_64".into(),
            passing: vec![passing("Relaxed", 3), passing("Release / Acquire", 0)],
            costs: vec![
                cost("store", "Relaxed", 0.5),
                cost("store", "Release", 0.5),
                cost("store", "SeqCst", 8.0),
                cost("fetch_add", "Relaxed", 7.0),
                cost("fetch_add", "AcqRel", 7.0),
                cost("fetch_add", "SeqCst", 7.0),
                cost(CONTENDED, "Relaxed", 14.0),
                cost(CONTENDED, "AcqRel", 14.0),
                cost(CONTENDED, "SeqCst", 14.0),
            ],
            ops_per_run: 1_000,
        }
    }

    fn verdicts(report: &SectionReport) -> Vec<&str> {
        report
            .blocks
            .iter()
            .filter_map(|b| match b {
                shared::report::Block::Verdict(v) => Some(v.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn only_an_x86_run_is_explained_by_x86_instructions() {
        let x86 = report_of(honest());
        let costs = verdicts(&x86)[1];
        assert!(costs.contains("SeqCst store took 16.0×"), "{costs}");
        assert!(costs.contains("On x86"), "{costs}");
        let mut arm = honest();
        arm.arch = "aarch64".into();
        let arm = report_of(arm);
        let costs = verdicts(&arm)[1];
        assert!(
            costs.contains("aarch64") && !costs.contains("x86"),
            "{costs}"
        );
    }

    #[test]
    fn contention_cheaper_than_an_ordering_misses_the_measured_claim() {
        let contention = |report: &SectionReport| {
            report
                .checks()
                .find(|c| c.claim.starts_with("a second thread"))
                .map(|c| (c.holds, c.kind))
        };
        use shared::report::Kind::Measured;
        assert_eq!(contention(&report_of(honest())), Some((true, Measured)));
        let mut cheap = honest();
        for cost in &mut cheap.costs {
            if cost.operation == CONTENDED {
                cost.per_op = Spread::single(3e-9);
            }
        }
        let cheap = report_of(cheap);
        assert_eq!(contention(&cheap), Some((false, Measured)));
        assert!(cheap.broken().is_empty());
    }

    fn report_of(orderings: Orderings) -> SectionReport {
        let results = Results {
            orderings: Some(orderings),
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
    fn a_stale_read_under_acquire_release_is_called_a_bug() {
        let mut stale = honest();
        stale.passing[1].stale = 1;
        let report = report_of(stale);
        assert!(verdicts(&report)[0].contains("a bug"), "{report:?}");
        assert!(verdicts(&report_of(honest()))[0].contains("never did"));
    }

    #[test]
    fn no_stale_read_on_either_is_not_taken_for_evidence() {
        let mut clean = honest();
        clean.passing[0].stale = 0;
        let report = report_of(clean);
        assert!(verdicts(&report)[0].contains("cannot tell them apart"));
    }

    #[test]
    fn a_version_that_did_not_run_is_implausible() {
        let mut missing = honest();
        missing.passing.pop();
        let mut unread = honest();
        unread.passing[0].reads = 0;
        for broken in [missing, unread] {
            assert_eq!(report_of(broken).implausible().len(), 1);
        }
    }

    #[test]
    fn an_untimed_operation_is_implausible() {
        let mut untimed = honest();
        untimed.costs[0].per_op = Spread::single(0.0);
        assert_eq!(report_of(untimed).implausible().len(), 1);
    }

    /// A smoke test, not a proof: on x86 it would pass with `Relaxed`
    /// too. It shows the harness reads the flag and counts nothing stale
    /// where nothing may be; `tests/loom_orderings.rs` is the check.
    #[test]
    fn acquire_release_publishes_every_round_on_real_threads() {
        for _ in 0..20 {
            let (reads, stale) =
                message_passing(Ordering::Release, Ordering::Acquire, 2_000);
            assert!(reads > 0);
            assert_eq!(stale, 0);
        }
    }
}
