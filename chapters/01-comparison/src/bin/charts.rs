//! `cargo run -p comparison --bin charts -- RESULTS.json DIR`: draws the
//! book's charts from a `--json` run, so every chart is measured data.

use shared::chart::{LineChart, Series};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [results, dir] = &args[..] else {
        eprintln!("charts: usage: charts RESULTS.json OUTPUT_DIR");
        return ExitCode::from(2);
    };
    match draw(results, dir) {
        Ok(written) => {
            written.iter().for_each(|path| println!("wrote {path}"));
            ExitCode::SUCCESS
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
        .with_context(|| format!("reading {results}"))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).context("not a --json document")?;
    let rows = doc["results"]
        .as_array()
        .context("no \"results\" in the document")?;
    let cores = doc["machine"]["cores"].as_f64().unwrap_or(1.0);
    let points = |section: &str, model: &str, x: &str, y: &str, scale: f64| {
        rows.iter()
            .filter(|r| r["section"] == section && r["model"] == model)
            .filter_map(|r| Some((r[x].as_f64()?, r[y].as_f64()? / scale)))
            .collect::<Vec<_>>()
    };
    let series = |name: &str, points: Vec<(f64, f64)>| Series {
        name: name.into(),
        points,
        dashed: false,
    };
    let rayon = points("scaling", "rayon", "workers", "speedup", 1.0);
    let most = rayon.iter().map(|p| p.0).fold(1.0, f64::max);
    let ideal: Vec<(f64, f64)> = (1..=most as usize)
        .map(|k| (k as f64, (k as f64).min(cores)))
        .collect();
    let speedup = LineChart {
        title: format!("Speedup against workers ({cores} cores)"),
        x_label: "workers".into(),
        y_label: "speedup over one worker".into(),
        log_x: false,
        log_y: false,
        series: vec![
            series("rayon (threads)", rayon),
            series(
                "worker processes",
                points("scaling", "processes", "workers", "speedup", 1.0),
            ),
            Series {
                name: "one per core, ideal".into(),
                points: ideal,
                dashed: true,
            },
        ],
    };
    let memory = LineChart {
        title: "Memory per concurrent wait".into(),
        x_label: "concurrent waits".into(),
        y_label: "KiB per wait".into(),
        log_x: true,
        log_y: true,
        series: ["threads", "processes", "tokio", "async-std", "smol"]
            .iter()
            .map(|kind| {
                series(
                    kind,
                    points("memory", kind, "units", "bytes_per_unit", 1024.0),
                )
            })
            .collect(),
    };
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (name, chart) in [("speedup.svg", speedup), ("memory.svg", memory)] {
        let path = format!("{dir}/{name}");
        std::fs::write(&path, chart.to_svg())
            .with_context(|| format!("writing {path}"))?;
        written.push(path);
    }
    Ok(written)
}
