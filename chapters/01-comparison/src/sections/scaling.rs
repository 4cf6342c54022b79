//! `scaling`: speedup against the number of workers, for a thread pool
//! (rayon) and for worker processes. Both climb until they run out of
//! cores, then flatten: past that, more workers only share the same cores.
//!
//! The book's speedup chart is drawn from these rows ([`Scaling::curve`]),
//! so the chart and the table are one set of figures.

use super::speedup;
use crate::{Context, Results, need};
use models::processes;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shared::measure::{Repeated, Spread};
use shared::report::{Cell, SectionReport, Table};
use shared::speedup::speedups_in_turns;
use shared::workload::sum_of_squares;

/// What `scaling` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    pub cores: usize,
    pub jobs: usize,
    /// One row per worker count, from one worker up.
    pub rows: Vec<ScalingRow>,
}

/// Both models at one worker count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScalingRow {
    pub workers: usize,
    pub rayon: Repeated,
    pub processes: Repeated,
    /// Over one worker of the same kind: the median of each turn's ratio to
    /// the faster of that turn's two one-worker runs ([`shared::speedup`]).
    /// A run saved before it was measured has none: the medians stand in.
    #[serde(default)]
    pub rayon_speedup: Option<Spread>,
    #[serde(default)]
    pub processes_speedup: Option<Spread>,
}

/// The two curves of the section, as the chart draws them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    Rayon,
    Processes,
}

impl Curve {
    pub const BOTH: [Curve; 2] = [Curve::Rayon, Curve::Processes];

    pub fn name(self) -> &'static str {
        match self {
            Curve::Rayon => "rayon",
            Curve::Processes => "processes",
        }
    }

    fn timing(self, row: &ScalingRow) -> &Repeated {
        match self {
            Curve::Rayon => &row.rayon,
            Curve::Processes => &row.processes,
        }
    }

    fn speedup(self, row: &ScalingRow) -> Option<Spread> {
        match self {
            Curve::Rayon => row.rayon_speedup,
            Curve::Processes => row.processes_speedup,
        }
    }
}

impl Scaling {
    /// (workers, speedup over one worker) for `curve`: the table's column
    /// and the chart's line.
    pub fn curve(&self, curve: Curve) -> Vec<(usize, f64)> {
        let Some(one) = self.rows.first() else {
            return Vec::new();
        };
        self.rows
            .iter()
            .map(|row| {
                let s = curve.speedup(row).map_or_else(
                    || speedup(&curve.timing(one).wall, &curve.timing(row).wall),
                    |paired| paired.median,
                );
                (row.workers, s)
            })
            .collect()
    }
}

/// The two kinds of worker the section scales.
#[derive(Clone, Copy)]
enum Kind {
    Rayon,
    Processes,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let ns = vec![sizes.cpu_n / 2; sizes.cpu_jobs];
    let most = sizes
        .scaling_most
        .unwrap_or((2 * context.runners.cores).clamp(2, 8));
    // One untimed run of each first, as in `cpu-bound`: the one-worker
    // baseline must not pay for a cold start.
    ns.iter().for_each(|&n| {
        std::hint::black_box(sum_of_squares(n));
    });
    processes::sum_all(&context.runners.worker, 1, &ns[..1])?;
    let pools = (1..=most)
        .map(|workers| rayon::ThreadPoolBuilder::new().num_threads(workers).build())
        .collect::<Result<Vec<_>, _>>()?;
    // Every worker count of both kinds takes its turn, run by run, so a
    // machine that slows down for a while slows them all; each turn ends
    // with both one-worker baselines (ways 0 and 1) again, so one slow
    // baseline run cannot inflate the turn's speedups.
    let ways: Vec<(usize, Kind)> = (1..=most)
        .flat_map(|workers| [(workers, Kind::Rayon), (workers, Kind::Processes)])
        .collect();
    let timed = speedups_in_turns(
        sizes.runs,
        &ways,
        |i| i % 2,
        |&(workers, kind)| {
            let sums: Vec<u64> = match kind {
                Kind::Rayon => pools[workers - 1]
                    .install(|| ns.par_iter().map(|&n| sum_of_squares(n)).collect()),
                Kind::Processes => {
                    processes::sum_all(&context.runners.worker, workers, &ns)?
                }
            };
            anyhow::Ok(sums)
        },
    )?;
    let rows = (timed.chunks(2).zip(1..=most))
        .map(|(pair, workers)| ScalingRow {
            workers,
            rayon: pair[0].timing,
            processes: pair[1].timing,
            rayon_speedup: Some(pair[0].speedup),
            processes_speedup: Some(pair[1].speedup),
        })
        .collect();
    results.scaling = Some(Scaling {
        cores: context.runners.cores,
        jobs: sizes.cpu_jobs,
        rows,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let scaling = need(&results.scaling, "scaling")?;
    let cores = scaling.cores;
    let mut report = SectionReport::new(
        "scaling",
        "The CPU-bound jobs on one worker, then more, up to twice the cores: \
         speedup over one worker. It rises while idle cores can take the extra \
         workers; past the core count, more workers only share the same cores.",
    );
    let curves: Vec<Vec<(usize, f64)>> =
        Curve::BOTH.iter().map(|&c| scaling.curve(c)).collect();
    report.table(speedup_table(scaling, &curves));
    let checked_at = cores.min(scaling.rows.len());
    if cores >= 2
        && let Some(row) = scaling.rows.iter().find(|r| r.workers == checked_at)
    {
        let busy = |t: &Repeated| t.cpu.median / t.wall.median;
        report.measured(
            busy(&row.rayon) >= 1.5 && busy(&row.processes) >= 1.5,
            "with one worker per core (or all of them, if fewer), rayon and processes \
             each kept at least 1.5 cores busy at once",
        );
    }
    // Past the cores, a worker has no core of its own: the curve cannot
    // climb further (5 % for noise). A peak beyond it is a disturbed run.
    let flat_past_cores = curves.iter().all(|curve| {
        let at_cores = curve
            .iter()
            .filter(|(w, _)| *w <= cores)
            .map(|p| p.1)
            .fold(f64::NEG_INFINITY, f64::max);
        curve
            .iter()
            .filter(|(w, _)| *w > cores)
            .all(|(_, s)| *s <= at_cores * 1.05)
    });
    report.plausible(
        flat_past_cores,
        "neither curve climbs past as many workers as cores",
    );
    report.note(
        "Cores busy says what the workers did; speedup, what it bought: when \
         both cores compute, each may run slower than one alone (hyper-threads, \
         a busy host).",
    );
    report.note(
        "Python's process pool draws the same curve; its thread pool stays flat at \
         1× because of the GIL. Run `--python` in `cpu-bound` to see it.",
    );
    Ok(report)
}

/// A row per worker count: both curves' speedups.
fn speedup_table(scaling: &Scaling, curves: &[Vec<(usize, f64)>]) -> Table {
    let paired = scaling.rows.iter().all(|r| r.rayon_speedup.is_some());
    let title = if paired {
        "Speedup over one worker (median of each turn's ratio)"
    } else {
        "Speedup over one worker (median wall time)"
    };
    let mut table = Table::new(title, &["workers", "rayon", "processes"]);
    for (i, row) in scaling.rows.iter().enumerate() {
        let mut cells = vec![Cell::Count(row.workers as u64)];
        cells.extend(curves.iter().map(|curve| Cell::CpuSpeedup(curve[i].1)));
        table.push(cells);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(wall: f64) -> Repeated {
        Repeated {
            runs: 1,
            wall: Spread::single(wall),
            cpu: Spread::single(1.0),
        }
    }

    fn made_up(walls: &[f64]) -> Results {
        let rows = walls
            .iter()
            .enumerate()
            .map(|(i, &w)| ScalingRow {
                workers: i + 1,
                rayon: timing(w),
                processes: timing(w),
                rayon_speedup: None,
                processes_speedup: None,
            })
            .collect();
        Results {
            scaling: Some(Scaling {
                cores: 2,
                jobs: 8,
                rows,
            }),
            ..Results::default()
        }
    }

    #[test]
    fn the_chart_curve_is_the_table_column() {
        let results = made_up(&[2.0, 1.05, 1.04, 1.03]);
        let curve = results.scaling.as_ref().unwrap().curve(Curve::Rayon);
        assert_eq!(curve.len(), 4);
        assert_eq!(curve[0], (1, 1.0));
        let table = report(&results).unwrap();
        let text = table.render(shared::report::Render::Plain);
        assert!(text.contains(&format!("{:.2}×", curve[1].1)), "{text}");
        assert!(table.implausible().is_empty(), "{text}");
    }

    #[test]
    fn a_peak_past_the_cores_is_implausible() {
        let results = made_up(&[2.0, 1.3, 0.9, 1.0]);
        let report = report(&results).unwrap();
        assert_eq!(report.implausible().len(), 1, "{report:?}");
    }
}
