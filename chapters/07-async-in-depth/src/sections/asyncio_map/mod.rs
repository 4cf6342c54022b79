//! `asyncio-map`: asyncio's constructs one by one, each beside its tokio
//! counterpart and shown by a small check on a paused clock, so that every
//! outcome (which task ended first, when a send returned) is exact.
//!
//! - [`structured`]: `TaskGroup`, `wait(FIRST_COMPLETED)`, `as_completed`.
//! - [`channels`]: `Queue(maxsize)`, `Semaphore`, `Event`, pub-sub.
//! - [`context`]: async generators, `contextvars`, `shield`, `async with`.

pub mod channels;
pub mod context;
pub mod structured;

use super::cancellation::paused_runtime;
use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};

/// What `asyncio-map` saw, construct by construct.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AsyncioMap {
    pub task_group: structured::Group,
    pub first_completed: structured::First,
    pub as_completed: Vec<u64>,
    pub queue: channels::BackPressure,
    pub semaphore: channels::Limited,
    pub event: channels::Event,
    pub broadcast: channels::Lag,
    pub async_for: Vec<u64>,
    pub task_local: context::TaskLocal,
    pub shield: context::Shield,
    pub async_with: context::With,
}

async fn run_all() -> AsyncioMap {
    AsyncioMap {
        task_group: structured::task_group().await,
        first_completed: structured::first_completed().await,
        as_completed: structured::as_completed().await,
        queue: channels::back_pressure().await,
        semaphore: channels::semaphore().await,
        event: channels::event().await,
        broadcast: channels::lagging().await,
        async_for: context::async_for().await,
        task_local: context::task_local().await,
        shield: context::shield().await,
        async_with: context::async_with().await,
    }
}

pub fn measure(_context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let runtime = paused_runtime()?;
    let seen =
        runtime.block_on(async { tokio::time::timeout(BOUND, run_all()).await })?;
    results.asyncio_map = Some(seen);
    Ok(())
}

/// One row: the asyncio construct, tokio's, what this run saw, and
/// whether it is what the pair promises.
struct Pair {
    asyncio: &'static str,
    tokio: &'static str,
    seen: String,
    holds: bool,
    claim: &'static str,
}

fn pairs(m: &AsyncioMap) -> Vec<Pair> {
    let mut pairs = structured_pairs(m);
    pairs.extend(channel_pairs(m));
    pairs.extend(event_pairs(&m.event));
    pairs.extend(lag_pair(&m.broadcast));
    pairs.extend(context_pairs(m));
    pairs
}

fn structured_pairs(m: &AsyncioMap) -> Vec<Pair> {
    let (group, first) = (&m.task_group, &m.first_completed);
    vec![
        Pair {
            asyncio: "TaskGroup",
            tokio: "JoinSet + abort_all()",
            seen: format!(
                "{:?}; {} cancelled, {} finished",
                group.error, group.cancelled, group.finished
            ),
            holds: group.error == "child 2 failed"
                && group.cancelled == 2
                && group.finished == 0,
            claim: "the first failing child cancelled its two slower siblings",
        },
        Pair {
            asyncio: "wait(FIRST_COMPLETED)",
            tokio: "select!",
            seen: format!("{} won at {} ms", first.winner, first.after_ms),
            holds: first.winner == "fast" && first.after_ms == 10,
            claim: "select! returned with the first future done, at its time",
        },
        Pair {
            asyncio: "as_completed",
            tokio: "FuturesUnordered",
            seen: format!("30, 10, 20 ms came out as {:?}", m.as_completed),
            holds: m.as_completed == [10, 20, 30],
            claim: "FuturesUnordered yielded each future as it completed",
        },
    ]
}

fn channel_pairs(m: &AsyncioMap) -> Vec<Pair> {
    let (queue, limited) = (&m.queue, &m.semaphore);
    vec![
        Pair {
            asyncio: "Queue(maxsize=2)",
            tokio: "mpsc::channel(2)",
            seen: format!(
                "at most {} queued; sends returned at {:?} ms",
                queue.most_queued, queue.sent_at_ms
            ),
            holds: queue.most_queued == queue.capacity
                && queue.sent_at_ms == [0, 0, 0, 10, 20, 30],
            claim: "three sends went through at once (two queued, one taken); \
                    each later one waited for the consumer's next 10 ms step",
        },
        Pair {
            asyncio: "Semaphore(2)",
            tokio: "Semaphore::new(2)",
            seen: format!(
                "{} tasks: at most {} inside at once, all done at {} ms",
                limited.tasks, limited.most_inside, limited.took_ms
            ),
            holds: limited.most_inside == limited.permits && limited.took_ms == 30,
            claim: "two permits let two of five tasks in at a time: three rounds \
                    of 10 ms",
        },
    ]
}

/// `Event`, and `Notify`, which looks like one and is not.
fn event_pairs(event: &channels::Event) -> Vec<Pair> {
    vec![
        Pair {
            asyncio: "Event",
            tokio: "watch::channel(false)",
            seen: format!(
                "{} of 3 woken; a late waiter passed: {}",
                event.woken, event.late_waiter_passed
            ),
            holds: event.woken == 3 && event.late_waiter_passed,
            claim: "set() woke every waiter, and stays set for later ones",
        },
        Pair {
            asyncio: "(not Event)",
            tokio: "Notify::notify_waiters",
            seen: format!(
                "a waiter after the notify passed: {}",
                event.notify_late_waiter_passed
            ),
            holds: !event.notify_late_waiter_passed,
            claim: "notify_waiters wakes only those already waiting and stores \
                    nothing for later ones",
        },
        Pair {
            asyncio: "(not Event)",
            tokio: "Notify::notify_one",
            seen: format!(
                "after two notify_one, {} of 2 later waiters passed",
                event.notify_one_late_waiters_passed
            ),
            holds: event.notify_one_late_waiters_passed == 1,
            claim: "notify_one with no one waiting stores one permit (not a \
                    count): the next waiter passes at once, the one after waits",
        },
    ]
}

fn lag_pair(lag: &channels::Lag) -> Vec<Pair> {
    vec![Pair {
        asyncio: "pub-sub (per-subscriber queues)",
        tokio: "broadcast::channel(4)",
        seen: format!("skipped {}, then got {:?}", lag.skipped, lag.received),
        holds: lag.skipped == 6 && lag.received == [6, 7, 8, 9],
        claim: "a subscriber that fell behind was told how much it missed",
    }]
}

fn context_pairs(m: &AsyncioMap) -> Vec<Pair> {
    let (local, shield) = (&m.task_local, &m.shield);
    vec![
        Pair {
            asyncio: "async for, async generator",
            tokio: "Stream (futures-util), while let … next().await",
            seen: format!("squares of multiples of 3 up to 10: {:?}", m.async_for),
            holds: m.async_for == [9, 36, 81],
            claim: "the stream yielded its items in order, filtered lazily",
        },
        Pair {
            asyncio: "contextvars.ContextVar",
            tokio: "task_local!",
            seen: format!(
                "requests saw {:?}; a spawned child saw {:?}",
                local.seen, local.spawned_child_saw
            ),
            holds: local.seen == [1, 2] && local.spawned_child_saw.is_none(),
            claim: "each scope kept its own value across awaits; spawn does not \
                    inherit it (create_task copies contextvars)",
        },
        Pair {
            asyncio: "shield(job)",
            tokio: "tokio::spawn(job), await the handle",
            seen: format!(
                "the wait timed out: {}; the job finished: {}",
                shield.waiter_timed_out, shield.job_finished
            ),
            holds: shield.waiter_timed_out && shield.job_finished,
            claim: "cancelling the wait left the spawned job running to its end",
        },
        Pair {
            asyncio: "async with",
            tokio: "a guard's Drop",
            seen: format!(
                "left normally: {}; left by ?: {}",
                m.async_with.normal.join(", "),
                m.async_with.early_error.join(", ")
            ),
            holds: m.async_with.normal == ["body", "body done", "exit", "after"]
                && m.async_with.early_error == ["body", "exit", "after"],
            claim: "leaving the scope ran the guard's Drop before the code after \
                    it, on a normal exit and on an early error",
        },
    ]
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let map = need(&results.asyncio_map, "asyncio-map")?;
    let mut report = SectionReport::new(
        "asyncio-map",
        "Each asyncio construct has a tokio counterpart that behaves the same \
         where it matters — and the differences (select! drops the losers, \
         Notify stores at most one wake-up where an Event stays set, \
         task-locals are not inherited) are checked too.",
    );
    let pairs = pairs(map);
    let mut table = Table::new(
        "asyncio against tokio, on a paused clock",
        &["asyncio", "tokio", "seen"],
    );
    for pair in &pairs {
        table.push(vec![
            Cell::text(pair.asyncio),
            Cell::text(pair.tokio),
            Cell::text(pair.seen.clone()),
        ]);
    }
    report.table(table);
    for pair in &pairs {
        report.check(pair.holds, format!("{}: {}", pair.asyncio, pair.claim));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> AsyncioMap {
        AsyncioMap {
            task_group: structured::Group {
                error: "child 2 failed".into(),
                finished: 0,
                cancelled: 2,
            },
            first_completed: structured::First {
                winner: "fast".into(),
                after_ms: 10,
            },
            as_completed: vec![10, 20, 30],
            queue: channels::BackPressure {
                capacity: 2,
                most_queued: 2,
                sent_at_ms: vec![0, 0, 0, 10, 20, 30],
            },
            semaphore: channels::Limited {
                permits: 2,
                tasks: 5,
                most_inside: 2,
                took_ms: 30,
            },
            event: channels::Event {
                woken: 3,
                late_waiter_passed: true,
                notify_late_waiter_passed: false,
                notify_one_late_waiters_passed: 1,
            },
            broadcast: channels::Lag {
                capacity: 4,
                skipped: 6,
                received: vec![6, 7, 8, 9],
            },
            async_for: vec![9, 36, 81],
            task_local: context::TaskLocal {
                seen: vec![1, 2],
                spawned_child_saw: None,
            },
            shield: context::Shield {
                waiter_timed_out: true,
                job_finished: true,
            },
            async_with: context::With {
                normal: ["body", "body done", "exit", "after"]
                    .map(String::from)
                    .to_vec(),
                early_error: ["body", "exit", "after"].map(String::from).to_vec(),
            },
        }
    }

    fn report_of(map: AsyncioMap) -> SectionReport {
        let results = Results {
            asyncio_map: Some(map),
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
    fn each_pair_that_misbehaves_breaks_its_own_check() {
        let mut finished = honest();
        finished.task_group.finished = 1;
        let mut slow_won = honest();
        slow_won.first_completed.winner = "slow".into();
        let mut in_order = honest();
        in_order.as_completed = vec![30, 10, 20];
        let mut overfull = honest();
        overfull.queue.most_queued = 3;
        let mut crowded = honest();
        crowded.semaphore.most_inside = 3;
        let mut unset = honest();
        unset.event.late_waiter_passed = false;
        let mut stateful = honest();
        stateful.event.notify_late_waiter_passed = true;
        let mut no_permit = honest();
        no_permit.event.notify_one_late_waiters_passed = 0;
        let mut counted = honest();
        counted.event.notify_one_late_waiters_passed = 2;
        let mut no_lag = honest();
        no_lag.broadcast.skipped = 0;
        let mut unfiltered = honest();
        unfiltered.async_for.push(100);
        let mut inherited = honest();
        inherited.task_local.spawned_child_saw = Some(3);
        let mut unshielded = honest();
        unshielded.shield.job_finished = false;
        let mut leaked_guard = honest();
        leaked_guard.async_with.normal.retain(|line| line != "exit");
        let broken = [
            finished,
            slow_won,
            in_order,
            overfull,
            crowded,
            unset,
            stateful,
            no_permit,
            counted,
            no_lag,
            unfiltered,
            inherited,
            unshielded,
            leaked_guard,
        ];
        for map in broken {
            assert_eq!(report_of(map).broken().len(), 1);
        }
    }

    #[test]
    fn the_paused_clock_makes_every_outcome_exact() {
        let mut results = Results::default();
        measure(&mut Context::new(crate::sizes::Sizes::tiny()), &mut results)
            .unwrap();
        assert_eq!(results.asyncio_map.unwrap(), honest());
    }
}
