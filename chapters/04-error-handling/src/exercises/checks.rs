//! The checks behind the exercises. Each describes what an attempt did in
//! words a snapshot can hold; none depends on timing.

use super::batch::{BatchReport, Work};
use super::drain::Account;
use super::named_panic::{Job, Jobs};
use crate::BOUND;
use anyhow::Context as _;
use shared::exercise::attempt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::task::JoinSet;

/// The batch's work: 100 divided by the number — or an error, or (for 0)
/// a panic.
fn hundred_over(input: &str) -> anyhow::Result<u64> {
    let n: u64 = input
        .parse()
        .with_context(|| format!("parsing {input:?}"))?;
    Ok(100 / n)
}

/// Exercise 1: five inputs: two are fine, two
/// are errors and one panics.
pub fn check_batch(run_batch: fn(&[&str], Work) -> BatchReport) -> String {
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let inputs = ["4", "x", "0", "", "25"];
        attempt(
            || run_batch(&inputs, hundred_over),
            |report| {
                let mut out = String::new();
                for (input, value) in &report.succeeded {
                    out += &format!("ok     {input:?}: {value}\n");
                }
                for (input, why) in &report.failed {
                    out += &format!("failed {input:?}: {why}\n");
                }
                let total = report.succeeded.len() + report.failed.len();
                out +=
                    &format!("accounted for: {total} of {} inputs\n", inputs.len());
                out
            },
        )
    })
}

/// Exercise 2: the same function on healthy jobs, then on jobs of which
/// two panic; every job notes the name of the thread it ran on.
pub fn check_named(run_named: fn(Jobs) -> anyhow::Result<Vec<u64>>) -> String {
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let threads = Arc::new(Mutex::new(Vec::new()));
        let job = |value: u64, panics: Option<&'static str>| -> Job {
            let threads = threads.clone();
            Box::new(move || {
                let name = std::thread::current().name().map(str::to_string);
                threads.lock().unwrap_or_else(|e| e.into_inner()).push(name);
                if let Some(why) = panics {
                    panic!("{why}");
                }
                value
            })
        };
        let healthy = vec![
            ("alpha".to_string(), job(1, None)),
            ("beta".into(), job(2, None)),
        ];
        let failing = vec![
            ("gamma".to_string(), job(3, None)),
            ("delta".into(), job(4, Some("disk full"))),
            ("epsilon".into(), job(5, None)),
            ("zeta".into(), job(6, Some("out of memory"))),
        ];
        attempt(
            || (run_named(healthy), run_named(failing)),
            |(healthy, failing)| {
                let show = |r: anyhow::Result<Vec<u64>>| match r {
                    Ok(values) => format!("Ok({values:?})"),
                    Err(err) => format!("Err({err:#})"),
                };
                let mut names: Vec<Option<String>> =
                    threads.lock().unwrap_or_else(|e| e.into_inner()).clone();
                names.sort();
                format!(
                    "healthy jobs: {}\nfailing jobs: {}\nthe threads' names: {names:?}\n",
                    show(healthy),
                    show(failing),
                )
            },
        )
    })
}

/// Exercise 3: a set of two successes, an error, a panic, and a task that
/// waits forever until it is aborted.
pub fn check_drain<F>(drain: fn(JoinSet<anyhow::Result<u64>>) -> F) -> String
where
    F: Future<Output = Account> + 'static,
{
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
        {
            Ok(runtime) => runtime,
            Err(err) => return format!("could not start a runtime: {err}"),
        };
        attempt(
            || {
                runtime.block_on(async {
                    let mut set = JoinSet::new();
                    set.spawn(async { Ok(3) });
                    set.spawn(async { Ok(1) });
                    set.spawn(async { anyhow::bail!("input 2 rejected") });
                    set.spawn(async { panic!("a bug in task 4") });
                    let forever = set.spawn(async {
                        std::future::pending::<()>().await;
                        Ok(0)
                    });
                    forever.abort();
                    tokio::time::timeout(BOUND, drain(set)).await
                })
            },
            |account| match account {
                Ok(account) => format!("{account:#?}\n"),
                Err(_) => "the set was not drained within the bound\n".into(),
            },
        )
    })
}
