//! The models and the worker process, held to what the chapter claims.

use comparison::models::Model;
use comparison::models::processes::run_jobs;
use comparison::sizes::Sizes;
use comparison::worker::{Job, Reply, WorkerCommand, serve};
use comparison::{Context, python};
use shared::report::{SectionReport, Table};
use shared::workload::{sum_of_squares_formula, urls};
use std::time::{Duration, Instant};

fn context() -> Context {
    let program = env!("CARGO_BIN_EXE_comparison").into();
    Context::new(Sizes::tiny(), WorkerCommand { program })
}

#[test]
fn every_model_returns_every_result_in_order() {
    let context = context();
    let urls = urls(5);
    let ns = [10, 1_000, 7, 0];
    for model in Model::ALL {
        let downloads = model.download_all(&context, &urls, Duration::ZERO).unwrap();
        let got: Vec<&str> = downloads.iter().map(|d| d.url.as_str()).collect();
        assert_eq!(got, urls, "{}", model.name());
        let sums = model.sum_all(&context, &ns).unwrap();
        let expected: Vec<u64> =
            ns.iter().map(|&n| sum_of_squares_formula(n)).collect();
        assert_eq!(sums, expected, "{}", model.name());
    }
}

#[test]
fn worker_processes_are_other_processes() {
    let context = context();
    let downloads = Model::Processes
        .download_all(&context, &urls(4), Duration::ZERO)
        .unwrap();
    assert!(downloads.iter().all(|d| d.ran_on.pid != std::process::id()));
}

#[test]
fn the_worker_answers_each_job_on_its_own_line() {
    let jobs = [
        Job::Sum { n: 4 },
        Job::Echo {
            payload: "hi".into(),
        },
    ];
    let input: String = jobs
        .iter()
        .map(|j| serde_json::to_string(j).unwrap() + "\n")
        .collect();
    let mut output = Vec::new();
    serve(input.as_bytes(), &mut output).unwrap();
    let replies: Vec<Reply> = String::from_utf8(output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        matches!(replies[..], [Reply::Sum(14), Reply::Echo(ref s)] if s == "hi")
    );
    assert!(serve("not json\n".as_bytes(), Vec::new()).is_err());
}

#[test]
fn a_worker_that_dies_fails_the_batch_instead_of_hanging() {
    let command = WorkerCommand {
        program: "false".into(),
    };
    let start = Instant::now();
    let result = run_jobs(
        &command,
        2,
        vec![Job::Sum { n: 1 }],
        Duration::from_secs(20),
    );
    assert!(result.is_err());
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "it waited for the deadline"
    );
}

#[test]
fn a_missing_python_is_skipped_with_a_message() {
    let mut context = context();
    context.python = Some("python3-that-does-not-exist".into());
    let mut table = Table::new("t", &["model", "wall"]);
    let mut report = SectionReport::new("io-bound", "claim");
    python::add_rows(&mut context, "io", &mut table, &mut report).unwrap();
    assert!(table.rows.is_empty());
    let text = report.render(shared::report::Render::Plain);
    assert!(text.contains("Python counterpart skipped"), "{text}");
}

#[test]
fn the_python_counterpart_reports_every_model_where_python_exists() {
    let context = context();
    match python::run_counterpart("python3", "io", &context).unwrap() {
        None => eprintln!("python3 not found: nothing to compare"),
        Some(rows) => {
            let models: Vec<&str> = rows.iter().map(|r| r.model.as_str()).collect();
            assert_eq!(
                models,
                [
                    "python-sequential",
                    "python-threading",
                    "python-multiprocessing",
                    "python-asyncio"
                ]
            );
            assert!(rows.iter().all(|r| r.wall_s.len() == context.sizes.runs));
        }
    }
}
