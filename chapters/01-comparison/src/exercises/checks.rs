//! The checks behind the exercises: each runs an attempt and describes what
//! it did in words a snapshot can hold. Nothing here depends on timing
//! beyond a wide margin, so a correct answer passes on any machine.

use super::parallel_sum::SumRange;
use super::pick_model::{Job, Kind};
use models::Model;
use shared::exercise::attempt;
use shared::workload::{Download, sum_of_squares, sum_of_squares_formula, urls};
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Exercise 1: eight downloads of 100 ms each.
pub fn check_fetch_all(
    fetch_all: fn(&[String], Duration) -> Vec<Download>,
) -> String {
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let urls = urls(8);
        let delay = Duration::from_millis(100);
        attempt(
            || {
                let start = Instant::now();
                let downloads = fetch_all(&urls, delay);
                (downloads, start.elapsed())
            },
            |(downloads, took)| {
                let in_order = downloads.iter().map(|d| &d.url).eq(urls.iter());
                let bodies = downloads
                    .iter()
                    .all(|d| d.body == format!("data from {}", d.url));
                let threads: HashSet<_> =
                    downloads.iter().map(|d| &d.ran_on).collect();
                let serial = delay * urls.len() as u32;
                format!(
                    "downloads returned: {}\nin the order of the URLs: {}\n\
                     every body is 'data from URL': {}\ndistinct threads used: {}\n\
                     waits overlapped (under half of 8 waits): {}\n",
                    downloads.len(),
                    yes(in_order),
                    yes(bodies),
                    threads.len(),
                    yes(took < serial / 2),
                )
            },
        )
    })
}

/// Exercise 2: several sizes and part counts, with every range recorded.
pub fn check_parallel_sum(parallel_sum: fn(u64, usize, SumRange) -> u64) -> String {
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let mut out = String::new();
        for (n, parts) in [(1_000_000, 4), (10, 3), (7, 1), (3, 5), (0, 2)] {
            let ranges = Mutex::new(Vec::new());
            let record = |range: Range<u64>| {
                let sum = range
                    .clone()
                    .map(|i| i.wrapping_mul(i))
                    .fold(0u64, u64::wrapping_add);
                ranges.lock().unwrap_or_else(|e| e.into_inner()).push(range);
                sum
            };
            let line = attempt(
                || parallel_sum(n, parts, &record),
                |total| {
                    let mut ranges =
                        ranges.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    ranges.sort_by_key(|r| r.start);
                    let covers = covers_exactly(&ranges, n);
                    let lengths = ranges.iter().map(|r| r.end - r.start);
                    let near_equal = lengths.clone().max().unwrap_or(0)
                        - lengths.min().unwrap_or(0)
                        <= 1;
                    format!(
                        "total right: {}, ranges cover 0..n: {}, at most {parts}: {}, \
                         near-equal: {}",
                        yes(total == sum_of_squares_formula(n)
                            && total == sum_of_squares(n)),
                        yes(covers),
                        yes(ranges.len() <= parts.max(1)),
                        yes(near_equal),
                    )
                },
            );
            out += &format!("n = {n}, parts = {parts}: {line}\n");
        }
        out
    })
}

/// Exercise 3: five jobs and the model picked for each.
pub fn check_pick_model(pick_model: fn(&Job) -> Model) -> String {
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let jobs = [
            Job {
                what: "a crawler with 10 000 pages in flight",
                in_flight: 10_000,
                kind: Kind::Waiting,
                needs_isolation: false,
            },
            Job {
                what: "resize 500 images held in memory",
                in_flight: 500,
                kind: Kind::Computing,
                needs_isolation: false,
            },
            Job {
                what: "8 workers calling a blocking database driver",
                in_flight: 8,
                kind: Kind::BlockingLibrary,
                needs_isolation: false,
            },
            Job {
                what: "run a C plugin that sometimes crashes",
                in_flight: 4,
                kind: Kind::Computing,
                needs_isolation: true,
            },
            Job {
                what: "a chat server holding 100 000 idle connections",
                in_flight: 100_000,
                kind: Kind::Waiting,
                needs_isolation: false,
            },
        ];
        jobs.iter()
            .map(|job| {
                let pick =
                    attempt(|| pick_model(job), |model| model.name().to_string());
                format!("{}: {pick}\n", job.what)
            })
            .collect()
    })
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Whether sorted, non-empty `ranges` tile `0..n` with no gap or overlap.
fn covers_exactly(ranges: &[Range<u64>], n: u64) -> bool {
    let mut next = 0;
    for range in ranges.iter().filter(|r| !r.is_empty()) {
        if range.start != next {
            return false;
        }
        next = range.end;
    }
    next == n
}
