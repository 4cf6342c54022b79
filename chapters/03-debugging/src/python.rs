//! `race-condition --python`: CPython's shared counter, run by the same
//! number of threads, so the page's Python claim is measured instead of
//! asserted. The script counts two spellings of one read-modify-write —
//! `+=` inline, and the same load and store with a function call between
//! them — because CPython 3.10 and later only hand the GIL over at a few
//! points of the eval loop, and which spelling loses updates depends on it.

use crate::sizes::Sizes;
use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use shared::python::Outcome;
use shared::report::{Cell, SectionReport, Table, group_thousands};

/// The counter, run as `python3 -c SCRIPT THREADS INCREMENTS RUNS SWITCH_INTERVAL`.
pub const SCRIPT: &str = include_str!("../python/race.py");

/// How the script adds one, as it names each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PythonWay {
    #[serde(rename = "inline")]
    Inline,
    #[serde(rename = "through a call")]
    ThroughACall,
}

impl PythonWay {
    pub const ALL: [PythonWay; 2] = [PythonWay::Inline, PythonWay::ThroughACall];

    pub fn name(self) -> &'static str {
        match self {
            PythonWay::Inline => "box.value += 1",
            PythonWay::ThroughACall => "box.value = same(box.value) + 1",
        }
    }
}

/// One way's final counts, run by run, as the script printed them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PythonCount {
    pub way: PythonWay,
    pub counted: Vec<u64>,
}

/// What the script measured: the interpreter's version and switch interval
/// travel with the counts, because both decide what a reader will see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PythonRace {
    pub version: String,
    pub switch_interval_s: f64,
    pub threads: usize,
    pub increments: u64,
    pub ways: Vec<PythonCount>,
}

impl PythonRace {
    pub fn expected(&self) -> u64 {
        self.threads as u64 * self.increments
    }

    /// The lost updates of each run of `way` (expected minus counted).
    pub fn lost(&self, way: PythonWay) -> Option<Vec<u64>> {
        let expected = self.expected();
        self.ways
            .iter()
            .find(|w| w.way == way)
            .map(|w| w.counted.iter().map(|c| expected - c).collect())
    }
}

/// Whether the counter ran, and what it counted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum PythonRun {
    /// No `--python` on the command line.
    #[default]
    NotAsked,
    /// Asked, but it could not run here.
    Skipped {
        why: String,
    },
    Ran {
        race: PythonRace,
    },
}

/// With an interpreter, runs the script at `sizes`; otherwise `NotAsked`.
pub fn measure(
    interpreter: Option<&str>,
    sizes: &Sizes,
) -> anyhow::Result<PythonRun> {
    let Some(interpreter) = interpreter else {
        return Ok(PythonRun::NotAsked);
    };
    let args = [
        sizes.race_threads.to_string(),
        sizes.python_increments.to_string(),
        sizes.python_runs.to_string(),
        sizes.python_switch_interval.as_secs_f64().to_string(),
    ];
    match shared::python::run(interpreter, SCRIPT, &args)? {
        Outcome::Missing(why) => Ok(PythonRun::Skipped { why }),
        Outcome::Ran(stdout) => Ok(PythonRun::Ran {
            race: parse(&stdout, sizes)?,
        }),
    }
}

/// The script's document, refused unless it counted what was asked: every
/// way, every run, and never more than the threads added (a count above
/// that is a broken script, not a race).
pub fn parse(stdout: &str, sizes: &Sizes) -> anyhow::Result<PythonRace> {
    let race: PythonRace = serde_json::from_str(stdout.trim())
        .context("reading the Python counter's counts")?;
    if race.threads != sizes.race_threads
        || race.increments != sizes.python_increments
    {
        bail!(
            "the Python counter ran {} threads x {}, not the {} x {} asked",
            race.threads,
            race.increments,
            sizes.race_threads,
            sizes.python_increments
        );
    }
    for way in PythonWay::ALL {
        let Some(count) = race.ways.iter().find(|w| w.way == way) else {
            bail!("the Python counter did not count '{}'", way.name());
        };
        if count.counted.len() != sizes.python_runs {
            bail!(
                "the Python counter ran '{}' {} times, not {}",
                way.name(),
                count.counted.len(),
                sizes.python_runs
            );
        }
        if let Some(c) = count.counted.iter().find(|c| **c > race.expected()) {
            bail!(
                "the Python counter counted {c} of {} increments with '{}'",
                race.expected(),
                way.name()
            );
        }
    }
    Ok(race)
}

/// Adds CPython's counts to the report, or says why there are none.
pub fn add_rows(python: &PythonRun, report: &mut SectionReport) {
    let race = match python {
        PythonRun::NotAsked => {
            report.note(
                "Python's `counter += 1` is the same load, add and store. Whether \
                 CPython's threads lose updates depends on where the GIL may \
                 change hands: --python counts it.",
            );
            return;
        }
        PythonRun::Skipped { why } => {
            report.note(format!("CPython's counter skipped: {why}."));
            return;
        }
        PythonRun::Ran { race } => race,
    };
    let (table, losing) = race_table(race);
    report.table(table);
    report.check(
        losing[1] > 0,
        "CPython lost updates with a call between the load and the store",
    );
    report.note(what_lost(race, losing));
}

/// Says where this interpreter lost updates, and why when only a call did.
fn what_lost(race: &PythonRace, losing: [usize; 2]) -> String {
    let runs = race.lost(PythonWay::Inline).map_or(0, |l| l.len());
    let mut note = format!(
        "CPython {} lost updates in {} of {runs} runs of `+=` inline and in {} \
         of {runs} runs with a call between the load and the store.",
        race.version, losing[0], losing[1]
    );
    if losing == [0, runs] {
        note.push_str(
            " This interpreter hands the GIL over only at a call or a loop's \
             jump back, never inside `box.value += 1`: the race is there, but \
             only a call in the window lets another thread in.",
        );
    }
    note
}

/// One row per way of incrementing, and how many runs of each lost updates.
fn race_table(race: &PythonRace) -> (Table, [usize; 2]) {
    let mut table = Table::new(
        format!(
            "CPython {}: {} threads each add one {} times (of {} expected), \
             switch interval {} µs",
            race.version,
            race.threads,
            group_thousands(race.increments),
            group_thousands(race.expected()),
            (race.switch_interval_s * 1e6).round()
        ),
        &[
            "Python",
            "runs",
            "runs that lost",
            "fewest lost",
            "most lost",
        ],
    );
    let mut losing = [0; 2];
    for (i, way) in PythonWay::ALL.into_iter().enumerate() {
        let lost = race.lost(way).unwrap_or_default();
        losing[i] = lost.iter().filter(|l| **l > 0).count();
        table.push(vec![
            Cell::text(way.name()),
            Cell::Count(lost.len() as u64),
            Cell::Tally(losing[i] as u64),
            Cell::Tally(lost.iter().copied().min().unwrap_or(0)),
            Cell::Tally(lost.iter().copied().max().unwrap_or(0)),
        ]);
    }
    (table, losing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes() -> Sizes {
        Sizes {
            race_threads: 2,
            python_increments: 10,
            python_runs: 2,
            ..Sizes::tiny()
        }
    }

    fn script_output(inline: [u64; 2], call: [u64; 2]) -> String {
        format!(
            r#"{{"version": "3.11.7", "switch_interval_s": 1e-05, "threads": 2,
                "increments": 10, "ways": [
                {{"way": "inline", "counted": {inline:?}}},
                {{"way": "through a call", "counted": {call:?}}}]}}"#
        )
    }

    #[test]
    fn lost_is_expected_minus_counted() {
        let race = parse(&script_output([20, 20], [13, 20]), &sizes()).unwrap();
        assert_eq!(race.lost(PythonWay::Inline), Some(vec![0, 0]));
        assert_eq!(race.lost(PythonWay::ThroughACall), Some(vec![7, 0]));
    }

    #[test]
    fn a_count_above_what_the_threads_added_is_refused() {
        let err = parse(&script_output([21, 20], [13, 20]), &sizes()).unwrap_err();
        assert!(err.to_string().contains("counted 21 of 20"), "{err}");
    }

    #[test]
    fn a_missing_run_or_other_sizes_are_refused() {
        let mut fewer = sizes();
        fewer.python_runs = 3;
        assert!(parse(&script_output([20, 20], [13, 20]), &fewer).is_err());
        fewer = Sizes {
            python_increments: 11,
            ..sizes()
        };
        assert!(parse(&script_output([20, 20], [13, 20]), &fewer).is_err());
    }

    #[test]
    fn every_way_reads_as_the_script_names_it() {
        for (way, word) in
            PythonWay::ALL.into_iter().zip(["inline", "through a call"])
        {
            assert_eq!(serde_json::to_string(&way).unwrap(), format!("\"{word}\""));
            assert!(SCRIPT.contains(&format!("(\"{word}\"")), "{word}");
        }
    }

    #[test]
    fn no_loss_through_a_call_breaks_the_claim() {
        let race = parse(&script_output([20, 20], [20, 20]), &sizes()).unwrap();
        let mut report = SectionReport::new("race-condition", "test");
        add_rows(&PythonRun::Ran { race }, &mut report);
        assert_eq!(report.broken().len(), 1);
    }
}
