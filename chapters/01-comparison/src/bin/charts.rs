//! `cargo run -p comparison --bin charts -- RESULTS.json DIR`: draws the
//! book's charts from a `--json` run, so every chart is measured data —
//! the same typed rows the run's tables were printed from.

use comparison::Results;
use comparison::sections::memory::{Memory, Unit};
use comparison::sections::scaling::{Curve, Scaling};
use shared::chart::{LineChart, Series};
use shared::document::Document;
use shared::document::read_document;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match shared::cli::arguments("charts") {
        Ok(args) => args,
        Err(code) => return code,
    };
    let [results, dir] = &args[..] else {
        eprintln!("charts: usage: charts RESULTS.json OUTPUT_DIR");
        return ExitCode::from(2);
    };
    match draw(results, dir) {
        Ok(written) => {
            let said: String =
                written.iter().map(|p| format!("wrote {p}\n")).collect();
            shared::cli::print("charts", &said)
        }
        Err(err) => {
            eprintln!("charts: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn draw(results: &str, dir: &str) -> anyhow::Result<Vec<String>> {
    use anyhow::Context as _;
    let text = std::fs::read_to_string(results)
        .with_context(|| format!("reading {}", shared::cli::shown(results)))?;
    let document: Document<Results> = read_document(&text, "comparison")?;
    let cores = document.machine.cores as f64;
    let scaling = comparison::need(&document.results.scaling, "scaling")?;
    let memory = comparison::need(&document.results.memory, "memory")?;
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (name, chart) in [
        ("speedup.svg", speedup_chart(scaling, cores)),
        ("memory.svg", memory_chart(memory)),
    ] {
        let path = format!("{dir}/{name}");
        std::fs::write(&path, chart.to_svg())
            .with_context(|| format!("writing {path}"))?;
        written.push(path);
    }
    Ok(written)
}

fn series(name: &str, points: Vec<(f64, f64)>) -> Series {
    Series {
        name: name.into(),
        points,
        dashed: false,
    }
}

/// rayon's and the worker processes' speedup against workers, beside the
/// ideal of one per core.
fn speedup_chart(scaling: &Scaling, cores: f64) -> LineChart {
    let curve = |c: Curve| -> Vec<(f64, f64)> {
        scaling
            .curve(c)
            .into_iter()
            .map(|(w, s)| (w as f64, s))
            .collect()
    };
    let most = scaling.rows.len();
    let ideal: Vec<(f64, f64)> = (1..=most)
        .map(|k| (k as f64, (k as f64).min(cores)))
        .collect();
    LineChart {
        title: format!("Speedup against workers ({cores} cores)"),
        x_label: "workers".into(),
        y_label: "speedup over one worker".into(),
        log_x: false,
        log_y: false,
        series: vec![
            series("rayon (threads)", curve(Curve::Rayon)),
            series("worker processes", curve(Curve::Processes)),
            Series {
                name: "one per core, ideal".into(),
                points: ideal,
                dashed: true,
            },
        ],
    }
}

/// Memory per concurrent wait against the number of waits, a line per
/// kind of unit.
fn memory_chart(memory: &Memory) -> LineChart {
    LineChart {
        title: "Memory per concurrent wait".into(),
        x_label: "concurrent waits".into(),
        y_label: "KiB per wait".into(),
        log_x: true,
        log_y: true,
        series: Unit::ALL
            .iter()
            .map(|&unit| {
                let points = memory
                    .rows
                    .iter()
                    .filter(|r| r.unit == unit)
                    .filter_map(|r| r.probe.as_ref().ok())
                    .map(|p| (p.units as f64, p.bytes / p.units as f64 / 1024.0))
                    .collect();
                series(unit.name(), points)
            })
            .collect(),
    }
}
