//! Measuring on a shared, noisy machine: repeat, report the median and the
//! range, and read CPU time beside wall time.
//!
//! CPU time over wall time says how many cores a run kept busy — the number
//! that shows Python's GIL (about 1.0 for CPU-bound threads) and Rust's lack
//! of one (about the core count).

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// The smallest, middle and largest of a set of samples, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl Spread {
    /// The spread of `samples`; all zero when there are none.
    pub fn of(samples: &[f64]) -> Spread {
        if samples.is_empty() {
            return Spread {
                min: 0.0,
                median: 0.0,
                max: 0.0,
            };
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        Spread {
            min: sorted[0],
            median: median_of_sorted(&sorted),
            max: sorted[sorted.len() - 1],
        }
    }

    /// One value seen once: no spread.
    pub fn single(value: f64) -> Spread {
        Spread {
            min: value,
            median: value,
            max: value,
        }
    }

    /// Every figure divided by `by`, e.g. a batch time into a per-item time.
    pub fn per(self, by: f64) -> Spread {
        Spread {
            min: self.min / by,
            median: self.median / by,
            max: self.max / by,
        }
    }
}

/// The median of `samples` (the mean of the middle two for an even count).
pub fn median(samples: &[f64]) -> f64 {
    Spread::of(samples).median
}

fn median_of_sorted(sorted: &[f64]) -> f64 {
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// CPU time (user + system) used so far by every thread of this process.
/// `None` where the OS will not say.
pub fn cpu_time_self() -> Option<Duration> {
    usage(nix::sys::resource::UsageWho::RUSAGE_SELF)
}

/// CPU time used so far by this process's children that have been waited
/// for. Worker processes count here once they have exited.
pub fn cpu_time_children() -> Option<Duration> {
    usage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
}

fn usage(who: nix::sys::resource::UsageWho) -> Option<Duration> {
    let usage = nix::sys::resource::getrusage(who).ok()?;
    let micros = |t: nix::sys::time::TimeVal| {
        let us = t.tv_sec() as i128 * 1_000_000 + t.tv_usec() as i128;
        u64::try_from(us).unwrap_or(0)
    };
    let total = micros(usage.user_time()) + micros(usage.system_time());
    Some(Duration::from_micros(total))
}

fn cpu_now() -> Duration {
    cpu_time_self().unwrap_or_default() + cpu_time_children().unwrap_or_default()
}

/// Wall and CPU time of one run.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub wall: Duration,
    /// This process and every child it waited for during the run.
    pub cpu: Duration,
}

/// Run `work` once and time it.
pub fn timed<T>(work: impl FnOnce() -> T) -> (T, Timing) {
    let cpu_before = cpu_now();
    let start = Instant::now();
    let value = work();
    let wall = start.elapsed();
    let cpu = cpu_now().saturating_sub(cpu_before);
    (value, Timing { wall, cpu })
}

/// The timings of several runs of the same work.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Repeated {
    pub runs: usize,
    pub wall: Spread,
    pub cpu: Spread,
}

/// Run `work` `runs` times (at least once), keeping the last value and the
/// spread of the timings. The first error stops the runs.
pub fn repeat<T, E>(
    runs: usize,
    mut work: impl FnMut() -> Result<T, E>,
) -> Result<(T, Repeated), E> {
    let runs = runs.max(1);
    let mut walls = Vec::with_capacity(runs);
    let mut cpus = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let (value, timing) = timed(&mut work);
        walls.push(timing.wall.as_secs_f64());
        cpus.push(timing.cpu.as_secs_f64());
        last = Some(value?);
    }
    let value = last.expect("runs is at least one");
    let repeated = Repeated {
        runs,
        wall: Spread::of(&walls),
        cpu: Spread::of(&cpus),
    };
    Ok((value, repeated))
}

/// [`repeat`] for several ways of doing one job, taken in turns: run 1 of
/// every way, then run 2 of every way, and so on. A machine that speeds up
/// or slows down while it is measured (a neighbour's load, a core clocking
/// up) then shifts every way alike, where `repeat` way after way would make
/// all of one way's runs slow, and a slow baseline inflates every speedup
/// taken over it. Returns each way's last value and its timing, in order.
pub fn repeat_in_turns<W, T, E>(
    runs: usize,
    ways: &[W],
    mut work: impl FnMut(&W) -> Result<T, E>,
) -> Result<Vec<(T, Repeated)>, E> {
    let runs = runs.max(1);
    let mut walls = vec![Vec::with_capacity(runs); ways.len()];
    let mut cpus = vec![Vec::with_capacity(runs); ways.len()];
    let mut last: Vec<Option<T>> = ways.iter().map(|_| None).collect();
    for _ in 0..runs {
        for (i, way) in ways.iter().enumerate() {
            let (value, timing) = timed(|| work(way));
            walls[i].push(timing.wall.as_secs_f64());
            cpus[i].push(timing.cpu.as_secs_f64());
            last[i] = Some(value?);
        }
    }
    Ok((last.into_iter().zip(walls.iter().zip(&cpus)))
        .map(|(value, (walls, cpus))| {
            let repeated = Repeated {
                runs,
                wall: Spread::of(walls),
                cpu: Spread::of(cpus),
            };
            (value.expect("runs is at least one"), repeated)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_in_turns_takes_the_ways_in_turn_and_times_each_alone() {
        let mut order = Vec::new();
        let timed = repeat_in_turns(3, &["a", "b"], |way| {
            order.push(*way);
            Ok::<_, ()>(way.len())
        })
        .unwrap();
        assert_eq!(order, ["a", "b", "a", "b", "a", "b"]);
        assert_eq!(timed.len(), 2);
        assert!(timed.iter().all(|(value, t)| *value == 1 && t.runs == 3));
    }

    #[test]
    fn repeat_in_turns_stops_at_the_first_error() {
        let mut calls = 0;
        let failed = repeat_in_turns(3, &[1, 2], |way| {
            calls += 1;
            if *way == 2 { Err("two") } else { Ok(()) }
        });
        assert_eq!(failed.unwrap_err(), "two");
        assert_eq!(calls, 2);
    }

    #[test]
    fn spread_of_odd_and_even_counts() {
        let s = Spread::of(&[3.0, 1.0, 2.0]);
        assert_eq!((s.min, s.median, s.max), (1.0, 2.0, 3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(Spread::of(&[]).median, 0.0);
    }

    #[test]
    fn cpu_time_grows_with_work() {
        let (_, t) = timed(|| crate::workload::sum_of_squares(3_000_000));
        assert!(t.cpu > Duration::ZERO, "no CPU time seen: {t:?}");
    }

    #[test]
    fn repeat_stops_at_the_first_error() {
        let mut calls = 0;
        let result: Result<((), Repeated), &str> = repeat(5, || {
            calls += 1;
            if calls == 2 {
                Err("second run failed")
            } else {
                Ok(())
            }
        });
        assert_eq!(result.unwrap_err(), "second run failed");
        assert_eq!(calls, 2);
    }
}
