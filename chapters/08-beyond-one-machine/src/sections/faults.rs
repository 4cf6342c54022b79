//! `faults`: what a job queue must survive, each run for real on a
//! redis-server the section starts itself (it restarts the broker, which
//! it can do only to its own): a worker SIGKILLed mid-job, the broker
//! restarted mid-run, a poison job that always fails. Each counts what it
//! submitted, what completed and what was dead-lettered, and what took
//! effect: nothing lost, nothing twice. Needs `--features broker` and
//! `redis-server` on PATH.

use super::{Ran, skipped};
use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};

/// What `faults` saw: one run per fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    pub killed: FaultRun,
    pub restarted: FaultRun,
    pub poison: FaultRun,
    /// Attempts a failing job gets before it is dead-lettered.
    pub max_attempts: u64,
}

/// One fault's counts, read from Redis once every job had settled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRun {
    pub workers: u64,
    pub submitted: u64,
    /// In apalis's done set.
    pub completed: u64,
    /// In apalis's dead set.
    pub dead_lettered: u64,
    /// Distinct jobs whose effect was recorded under their id.
    pub effects: u64,
    /// Times a delivery recorded an effect (only the first per id can).
    pub applied: u64,
    /// Deliveries that reached the effect: what a handler without the
    /// key would have applied.
    pub deliveries: u64,
    /// Attempts of the job the fault aimed at (the stalled job, one of
    /// the in-flight jobs, the poison job).
    pub target_attempts: u64,
    /// Times a worker process built its worker again after losing Redis.
    pub reconnects: u64,
}

const CLAIM: &str = "A broker delivers each job at least once: a job whose worker died \
     runs again, so its effect must be keyed by the job's id to happen once; \
     a job that always fails must end in a dead-letter set, not loop.";

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    results.faults = Some(run(context)?);
    Ok(())
}

#[cfg(not(feature = "broker"))]
fn run(_: &Context) -> anyhow::Result<Ran<Faults>> {
    Ok(Ran::Skipped {
        why: super::NO_FEATURE.to_string(),
    })
}

#[cfg(feature = "broker")]
fn run(context: &Context) -> anyhow::Result<Ran<Faults>> {
    if !context.own_broker {
        return Ok(Ran::Skipped {
            why: "this run may not start a redis-server of its own".to_string(),
        });
    }
    if let Err(why) = crate::server::available() {
        return Ok(Ran::Skipped { why });
    }
    Ok(Ran::Ran(crate::broker::faults::all(&context.program)?))
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let faults = match need(&results.faults, "faults")? {
        Ran::Skipped { why } => return Ok(skipped("faults", CLAIM, why)),
        Ran::Ran(faults) => faults,
    };
    let mut report = SectionReport::new("faults", CLAIM);
    report.table(counts_table(faults));
    for (name, run) in rows(faults) {
        report.check(
            run.submitted == run.completed + run.dead_lettered,
            format!("{name}: submitted = completed + dead-lettered"),
        );
        report.check(
            run.effects == run.completed && run.applied == run.effects,
            format!("{name}: every completed job took effect exactly once"),
        );
    }
    let killed = &faults.killed;
    report.check(
        killed.target_attempts == 2 && killed.deliveries > killed.effects,
        "the killed worker's job ran again on another worker; without the key \
         its effect would have happened twice",
    );
    report.check(
        faults.restarted.dead_lettered == 0,
        "after the broker's restart every job finished",
    );
    let poison = &faults.poison;
    report.check(
        poison.dead_lettered == 1 && poison.target_attempts == faults.max_attempts,
        format!(
            "the poison job was dead-lettered after {} attempts",
            faults.max_attempts
        ),
    );
    Ok(report)
}

fn rows(faults: &Faults) -> [(&'static str, &FaultRun); 3] {
    [
        ("worker killed mid-job", &faults.killed),
        ("broker restarted mid-run", &faults.restarted),
        ("poison job", &faults.poison),
    ]
}

fn counts_table(faults: &Faults) -> Table {
    let mut table = Table::new(
        "Each fault on its own queue, counted once every job settled",
        &[
            "fault",
            "workers",
            "submitted",
            "completed",
            "dead-lettered",
            "effects",
            "deliveries",
        ],
    );
    for (name, run) in rows(faults) {
        table.push(vec![
            Cell::text(name),
            Cell::Count(run.workers),
            Cell::Count(run.submitted),
            Cell::Count(run.completed),
            Cell::Count(run.dead_lettered),
            Cell::Count(run.effects),
            Cell::Tally(run.deliveries),
        ]);
    }
    table
}
