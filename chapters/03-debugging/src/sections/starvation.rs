//! `starvation`: a greedy thread takes a lock, holds it, lets go and takes
//! it again at once. A patient thread wants the same lock now and then.
//! How long it waits depends on the lock's rule for who goes next:
//! - polling with `try_lock` finds the lock free only in the instant
//!   between the greedy thread's release and its next take: starved;
//! - std's `lock()` wakes the waiter, but by the time it runs the greedy
//!   thread has usually taken the lock back: unfair;
//! - `parking_lot`'s `unlock_fair` hands the lock to a parked waiter;
//! - a ticket lock serves threads in the order they asked: first come,
//!   first served, so the patient thread waits for at most one turn.
//!
//! Times depend on the machine's load; the count of turns the greedy
//! thread took while the patient one waited is what the fix bounds.

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::measure::Spread;
use shared::report::{Cell, SectionReport, Table};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The lock, and how the patient thread asks for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// `std::sync::Mutex::try_lock`, retried every millisecond.
    Polling,
    /// `std::sync::Mutex::lock`: whoever gets there first after a release.
    Std,
    /// `parking_lot::Mutex`, released with `unlock_fair`.
    UnlockFair,
    /// A ticket lock: strictly in the order the threads asked.
    Tickets,
}

impl Rule {
    pub const ALL: [Rule; 4] =
        [Rule::Polling, Rule::Std, Rule::UnlockFair, Rule::Tickets];

    pub fn name(self) -> &'static str {
        match self {
            Rule::Polling => "std Mutex, try_lock every ms",
            Rule::Std => "std Mutex, lock",
            Rule::UnlockFair => "parking_lot, unlock_fair",
            Rule::Tickets => "ticket lock (first come)",
        }
    }
}

// ANCHOR: tickets
/// A fair lock in two counters: take a ticket, wait until it is served.
/// Nobody who asks later can go first.
#[derive(Default)]
pub struct TicketLock {
    next: AtomicU64,
    serving: AtomicU64,
}

impl TicketLock {
    /// Asking: from here on, only those with earlier tickets go first.
    pub fn ticket(&self) -> u64 {
        self.next.fetch_add(1, Ordering::SeqCst)
    }

    pub fn wait_for(&self, ticket: u64) {
        while self.serving.load(Ordering::SeqCst) != ticket {
            std::thread::yield_now();
        }
    }

    pub fn unlock(&self) {
        self.serving.fetch_add(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: tickets

/// The locks a run can use; each run uses one.
#[derive(Default)]
struct Locks {
    std: std::sync::Mutex<()>,
    fair: parking_lot::Mutex<()>,
    tickets: TicketLock,
}

impl Locks {
    /// Takes the lock by `rule` (calling `asking` the moment it asks), runs
    /// `inside` while holding it, releases. `None` if polling gave up at
    /// `give_up`.
    fn with<T>(
        &self,
        rule: Rule,
        give_up: Instant,
        asking: impl FnOnce(),
        inside: impl FnOnce() -> T,
    ) -> Option<T> {
        if rule == Rule::Tickets {
            let ticket = self.tickets.ticket();
            asking();
            self.tickets.wait_for(ticket);
            let value = inside();
            self.tickets.unlock();
            return Some(value);
        }
        asking();
        match rule {
            Rule::Polling => loop {
                if let Ok(_held) = self.std.try_lock() {
                    return Some(inside());
                }
                if Instant::now() > give_up {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(1));
            },
            Rule::Std => {
                let _held = self.std.lock().unwrap_or_else(|e| e.into_inner());
                Some(inside())
            }
            Rule::UnlockFair => {
                let held = self.fair.lock();
                let value = inside();
                parking_lot::MutexGuard::unlock_fair(held);
                Some(value)
            }
            Rule::Tickets => unreachable!("handled above"),
        }
    }
}

/// Busy for `d`, as real work holding the lock would be.
fn work_for(d: Duration) {
    let start = Instant::now();
    while start.elapsed() < d {
        std::hint::spin_loop();
    }
}

/// What the patient thread saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Starved {
    /// Each wait for the lock, in seconds (a wait that gave up counts as
    /// its length so far).
    pub waits: Vec<f64>,
    /// For each wait, how many turns the greedy thread took meanwhile.
    pub overtaken: Vec<u64>,
    /// How many of its turns the patient thread got while the greedy one
    /// was still at it.
    pub got: usize,
}

// ANCHOR: starve
/// The greedy thread holds the lock for `hold` at a time, over and over,
/// until the patient one has had `turns` tries or `deadline` passes.
pub fn starve(
    rule: Rule,
    turns: usize,
    hold: Duration,
    deadline: Duration,
) -> Starved {
    let locks = Locks::default();
    let (stop, greedy_turns) = (AtomicBool::new(false), AtomicU64::new(0));
    let end = Instant::now() + deadline;
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::SeqCst) && Instant::now() < end {
                locks.with(rule, end, || {}, || work_for(hold));
                greedy_turns.fetch_add(1, Ordering::SeqCst);
            }
        });
        while greedy_turns.load(Ordering::SeqCst) == 0 && Instant::now() < end {
            std::thread::yield_now(); // let the greedy thread get going
        }
        let mut seen = Starved {
            waits: vec![],
            overtaken: vec![],
            got: 0,
        };
        for _ in 0..turns {
            std::thread::sleep(Duration::from_millis(1)); // other work
            let asked = Instant::now();
            let mut before = 0;
            let count = || greedy_turns.load(Ordering::SeqCst);
            // The greedy thread's count when we ask, and while we hold.
            let after = locks.with(rule, end, || before = count(), count);
            seen.waits.push(asked.elapsed().as_secs_f64());
            seen.got += usize::from(after.is_some() && Instant::now() < end);
            seen.overtaken.push(after.unwrap_or_else(count) - before);
        }
        stop.store(true, Ordering::SeqCst);
        seen
    })
}
// ANCHOR_END: starve

/// What `starvation` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Starvation {
    /// How often the patient thread wanted the lock.
    pub turns: usize,
    /// How long the greedy thread held the lock each time, in seconds.
    pub greedy_hold_s: f64,
    /// When the greedy thread gave up, in seconds.
    pub greedy_deadline_s: f64,
    pub rules: Vec<(Rule, Starved)>,
}

impl Starvation {
    pub fn seen(&self, rule: Rule) -> Option<&Starved> {
        self.rules.iter().find(|(r, _)| *r == rule).map(|(_, s)| s)
    }
}

impl Starved {
    /// The most greedy turns the patient thread sat through in one wait.
    pub fn most_overtaken(&self) -> u64 {
        self.overtaken.iter().copied().max().unwrap_or(0)
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let s = context.sizes.clone();
    let rules = Rule::ALL
        .into_iter()
        .map(|rule| {
            let run =
                starve(rule, s.patient_turns, s.greedy_hold, s.greedy_deadline);
            (rule, run)
        })
        .collect();
    results.starvation = Some(Starvation {
        turns: s.patient_turns,
        greedy_hold_s: s.greedy_hold.as_secs_f64(),
        greedy_deadline_s: s.greedy_deadline.as_secs_f64(),
        rules,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let starvation = need(&results.starvation, "starvation")?;
    let mut report = SectionReport::new(
        "starvation",
        format!(
            "A greedy thread takes a lock, works {} µs, lets go and takes it again, \
             for at most {} ms. A patient thread wants the lock {} times. How long it \
             waits, and how often the greedy thread goes first, under four rules for \
             who gets the lock next:",
            (starvation.greedy_hold_s * 1e6).round() as u64,
            (starvation.greedy_deadline_s * 1e3).round() as u64,
            starvation.turns
        ),
    );
    report.table(waits_table(starvation));
    check_rules(&mut report, starvation)?;
    report.note(
        "std's lock() and parking_lot's unlock_fair sit in between, and where depends \
         on the machine's load: the counts and times in their rows vary from run to \
         run. Unfair locks are the default because they are faster overall (no \
         hand-over; the greedy thread's data stays in its cache). Python's \
         threading.Lock promises no order either. The same fix — bound what one \
         party can take per turn — cures a reader flood on an RwLock and an async task \
         that never yields.",
    );
    Ok(report)
}

/// Polling starves the patient thread; the ticket lock serves it in turn.
fn check_rules(
    report: &mut SectionReport,
    starvation: &Starvation,
) -> anyhow::Result<()> {
    let (Some(polling), Some(tickets)) = (
        starvation.seen(Rule::Polling),
        starvation.seen(Rule::Tickets),
    ) else {
        anyhow::bail!("the starvation results lack a rule");
    };
    let turns = starvation.turns;
    report.measured(
        polling.got * 2 < turns,
        "polling with try_lock, the patient thread got under half its turns while the \
         greedy thread ran: starved",
    );
    // First come, first served holds whatever the load: that is the
    // invariant. That all its turns fit before the greedy thread's deadline
    // is timing: on a machine busy enough, they may not.
    report.check(
        tickets.most_overtaken() <= 1,
        "with the ticket lock the greedy thread went first at most once per wait",
    );
    report.measured(
        tickets.got == turns,
        "with the ticket lock the patient thread got every turn",
    );
    Ok(())
}

/// The patient thread's waits under each rule.
fn waits_table(starvation: &Starvation) -> Table {
    let mut table = Table::new(
        "The patient thread's waits (median, range) and the greedy turns it sat through",
        &["lock", "got", "wait", "overtaken (most)"],
    );
    for (rule, run) in &starvation.rules {
        table.push(vec![
            Cell::text(rule.name()),
            Cell::Tally(run.got as u64),
            Cell::Timing(Spread::of(&run.waits)),
            Cell::Tally(run.most_overtaken()),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten turns; polling got `polled` of them, the ticket lock `ticketed`,
    /// overtaken at most `overtaken` times per wait.
    fn made_up(polled: usize, ticketed: usize, overtaken: u64) -> Results {
        let starved = |got: usize, most: u64| Starved {
            waits: vec![0.001; 10],
            overtaken: vec![most; 10],
            got,
        };
        Results {
            starvation: Some(Starvation {
                turns: 10,
                greedy_hold_s: 500e-6,
                greedy_deadline_s: 0.5,
                rules: vec![
                    (Rule::Polling, starved(polled, 40)),
                    (Rule::Std, starved(8, 3)),
                    (Rule::UnlockFair, starved(10, 1)),
                    (Rule::Tickets, starved(ticketed, overtaken)),
                ],
            }),
            ..Results::default()
        }
    }

    #[test]
    fn a_fair_ticket_lock_holds() {
        let r = report(&made_up(2, 10, 1)).unwrap();
        assert!(r.checks().all(|c| c.holds), "{r:?}");
    }

    #[test]
    fn a_ticket_lock_overtaken_twice_is_broken() {
        assert_eq!(report(&made_up(2, 10, 2)).unwrap().broken().len(), 1);
    }

    #[test]
    fn a_ticket_lock_short_of_turns_misses_a_figure_only() {
        let r = report(&made_up(2, 9, 1)).unwrap();
        assert!(r.broken().is_empty());
        assert_eq!(r.checks().filter(|c| !c.holds).count(), 1);
    }

    #[test]
    fn polling_that_got_its_turns_misses_the_claim_only() {
        let r = report(&made_up(10, 10, 1)).unwrap();
        assert!(r.broken().is_empty());
        assert_eq!(r.checks().filter(|c| !c.holds).count(), 1);
    }
}
