//! Speedups a noisy machine cannot inflate.
//!
//! A speedup is a ratio to a baseline, so a slow baseline run inflates
//! every speedup taken over it. On a shared machine one thread alone
//! sometimes runs much slower than usual (a neighbour on its core) for one
//! run and not the next, and a ratio of medians then shows two cores
//! buying more than twice the speed. Here each turn times every way once,
//! then its baseline again, and keeps the faster of the baseline's two
//! runs: a neighbour has to slow both to move the ratio. The speedup is
//! the median over turns of each turn's own ratio, so a turn the whole
//! machine ran slow moves both sides of its ratio alike.

use crate::measure::{Repeated, Spread, Timing, timed};

/// One way's runs: its last value, its timings, and its speedup over its
/// baseline, turn by turn.
#[derive(Clone, Debug, PartialEq)]
pub struct InTurns<T> {
    pub value: T,
    /// The baseline's own timing holds the faster of each turn's two runs.
    pub timing: Repeated,
    /// Each turn's baseline time over this way's (1 for the baseline).
    pub speedup: Spread,
}

/// Runs every way once per turn, `runs` turns (at least one), in order;
/// then, still in the turn, each way that is some way's baseline again.
/// `baseline_of(i)` is the index in `ways` of way `i`'s baseline. The
/// first error stops the runs.
pub fn speedups_in_turns<W, T, E>(
    runs: usize,
    ways: &[W],
    baseline_of: impl Fn(usize) -> usize,
    mut work: impl FnMut(&W) -> Result<T, E>,
) -> Result<Vec<InTurns<T>>, E> {
    in_turns_of(runs, ways, baseline_of, |way| {
        let (value, timing) = timed(|| work(way));
        value.map(|value| (value, timing))
    })
}

/// [`speedups_in_turns`] with the timing done by `run`: the tests give it
/// times of their own, so what they check cannot depend on the machine.
fn in_turns_of<W, T, E>(
    runs: usize,
    ways: &[W],
    baseline_of: impl Fn(usize) -> usize,
    mut run: impl FnMut(&W) -> Result<(T, Timing), E>,
) -> Result<Vec<InTurns<T>>, E> {
    let runs = runs.max(1);
    let mut baselines: Vec<usize> = (0..ways.len()).map(&baseline_of).collect();
    baselines.sort_unstable();
    baselines.dedup();
    let seconds = |t: Timing| (t.wall.as_secs_f64(), t.cpu.as_secs_f64());
    let mut walls = vec![Vec::with_capacity(runs); ways.len()];
    let mut cpus = vec![Vec::with_capacity(runs); ways.len()];
    let mut ratios = vec![Vec::with_capacity(runs); ways.len()];
    let mut last: Vec<Option<T>> = ways.iter().map(|_| None).collect();
    for _ in 0..runs {
        let mut turn = Vec::with_capacity(ways.len());
        for (i, way) in ways.iter().enumerate() {
            let (value, timing) = run(way)?;
            last[i] = Some(value);
            turn.push(seconds(timing));
        }
        for &b in &baselines {
            let again = seconds(run(&ways[b])?.1);
            if again.0 < turn[b].0 {
                turn[b] = again;
            }
        }
        for (i, &(wall, cpu)) in turn.iter().enumerate() {
            walls[i].push(wall);
            cpus[i].push(cpu);
            ratios[i].push(turn[baseline_of(i)].0 / wall);
        }
    }
    Ok((last.into_iter().enumerate())
        .map(|(i, value)| InTurns {
            value: value.expect("runs is at least one"),
            timing: Repeated {
                runs,
                wall: Spread::of(&walls[i]),
                cpu: Spread::of(&cpus[i]),
            },
            speedup: Spread::of(&ratios[i]),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn each_turn_runs_every_way_then_each_baseline_again() {
        let mut order = Vec::new();
        let ways = ["a1", "b1", "a2", "b2"];
        let timed = speedups_in_turns(
            2,
            &ways,
            |i| i % 2,
            |way| {
                order.push(*way);
                Ok::<_, ()>(way.len())
            },
        )
        .unwrap();
        let turn = ["a1", "b1", "a2", "b2", "a1", "b1"];
        assert_eq!(order, [turn, turn].concat());
        assert!(timed.iter().all(|w| w.value == 2 && w.timing.runs == 2));
        assert!(timed[..2].iter().all(|w| w.speedup.median == 1.0));
    }

    fn millis(ms: u64) -> Timing {
        let wall = Duration::from_millis(ms);
        Timing { wall, cpu: wall }
    }

    /// The baseline is slow in its first run of every turn, as a neighbour
    /// would make it: the faster second run sets the ratio, so the way
    /// that is truly twice as fast is not seen as five times as fast.
    #[test]
    fn a_baseline_slowed_once_a_turn_does_not_inflate_the_speedup() {
        let mut baseline_runs = 0;
        let ways = ["baseline", "twice as fast"];
        let timed = in_turns_of(
            3,
            &ways,
            |_| 0,
            |way| {
                let ms = if *way == "baseline" {
                    baseline_runs += 1;
                    if baseline_runs % 2 == 1 { 100 } else { 40 }
                } else {
                    20
                };
                Ok::<_, ()>(((), millis(ms)))
            },
        )
        .unwrap();
        assert_eq!(timed[1].speedup, Spread::single(2.0));
        assert_eq!(timed[0].timing.wall, Spread::single(0.04));
        assert_eq!(timed[0].speedup, Spread::single(1.0));
    }

    /// Each turn's ratio is its own: a turn the whole machine ran at half
    /// speed gives the same ratio as the others.
    #[test]
    fn a_turn_run_slow_throughout_keeps_its_ratio() {
        let mut turn = 0;
        let timed = in_turns_of(
            3,
            &["baseline", "way"],
            |_| 0,
            |way| {
                let slow = if (3..6).contains(&turn) { 2 } else { 1 };
                turn += 1;
                let ms = if *way == "baseline" { 60 } else { 20 };
                Ok::<_, ()>(((), millis(ms * slow)))
            },
        )
        .unwrap();
        assert_eq!(timed[1].speedup, Spread::single(3.0));
        assert_eq!(timed[1].timing.wall.max, 0.04);
    }

    #[test]
    fn the_first_error_stops_the_runs() {
        let mut calls = 0;
        let failed = speedups_in_turns(
            3,
            &[1, 2],
            |_| 0,
            |way| {
                calls += 1;
                if *way == 2 { Err("two") } else { Ok(()) }
            },
        );
        assert_eq!(failed.unwrap_err(), "two");
        assert_eq!(calls, 2);
    }
}
