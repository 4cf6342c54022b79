//! The models and the worker process, held to what the chapter claims.

use comparison::python::PythonModel;
use comparison::sections::combining::FetchThenSum;
use comparison::sizes::Sizes;
use comparison::{Context, python};
use models::Model;
use models::WorkerCommand;
use models::processes::{run_all, sum_all};
use shared::executor::{Executor, SubmitError, Task, TaskError};
use shared::report::{Block, SectionReport};
use shared::tasks::{Echo, Sleep, SumOfSquares};
use shared::workload::{sum_of_squares_formula, urls};
use std::time::{Duration, Instant};

/// Far longer than any task here takes: only a hang reaches it.
const BOUND: Duration = Duration::from_secs(20);

fn context() -> Context {
    let program = env!("CARGO_BIN_EXE_comparison").into();
    Context::new(Sizes::tiny(), WorkerCommand { program })
}

#[test]
fn every_model_returns_every_result_in_order() {
    let context = context();
    let urls = urls(5);
    let ns = [10, 1_000, 7, 0];
    for &model in Model::ALL {
        let downloads = model
            .download_all(&context.runners, &urls, Duration::ZERO)
            .unwrap();
        let got: Vec<&str> = downloads.iter().map(|d| d.url.as_str()).collect();
        assert_eq!(got, urls, "{}", model.name());
        // The body comes from whoever ran the download: a worker process's
        // answers are in order too.
        assert!(
            downloads
                .iter()
                .all(|d| d.body == format!("data from {}", d.url)),
            "{}",
            model.name()
        );
        let sums = model.sum_all(&context.runners, &ns).unwrap();
        let expected: Vec<u64> =
            ns.iter().map(|&n| sum_of_squares_formula(n)).collect();
        assert_eq!(sums, expected, "{}", model.name());
    }
}

#[test]
fn worker_processes_are_other_processes() {
    let context = context();
    let downloads = Model::Processes
        .download_all(&context.runners, &urls(4), Duration::ZERO)
        .unwrap();
    assert!(downloads.iter().all(|d| d.ran_on.pid != std::process::id()));
}

#[test]
fn the_worker_runs_the_shared_tasks_and_the_chapters_own() {
    let context = context();
    let pool = context.runners.worker.pool(1).unwrap();
    let fetch = FetchThenSum {
        urls: urls(3),
        delay_ms: 0,
        n: 4,
    };
    let fetched = pool.submit(fetch).unwrap().result_timeout(BOUND);
    assert_eq!(fetched, Ok(vec![14, 14, 14]));
    let summed = pool.submit(SumOfSquares { n: 4 }).unwrap();
    assert_eq!(summed.result_timeout(BOUND), Ok(14));
    // A task the worker was not built with fails alone; the pool goes on.
    let unknown = pool.submit(Unregistered).unwrap().result_timeout(BOUND);
    assert!(
        matches!(unknown, Err(TaskError::Failed(ref why)) if why.contains("no task named")),
        "{unknown:?}"
    );
    let echoed = pool.submit(Echo(7)).unwrap();
    assert_eq!(echoed.result_timeout(BOUND), Ok(7));
    pool.shutdown(true, false);
}

/// A task that no worker registry lists.
#[derive(serde::Serialize, serde::Deserialize)]
struct Unregistered;

impl Task for Unregistered {
    type Output = u64;
    const NAME: &'static str = "unregistered";
    fn run(self) -> anyhow::Result<u64> {
        Ok(0)
    }
}

#[test]
fn a_worker_that_dies_fails_the_batch_instead_of_hanging() {
    let command = WorkerCommand {
        program: "false".into(),
    };
    let start = Instant::now();
    let error = sum_all(&command, 2, &[1, 2, 3]).unwrap_err();
    // A worker that dies before a later task is sent makes the pool refuse
    // that task (SubmitError::Broken), as CPython's submit raises
    // BrokenProcessPool; one that dies first fails the futures already
    // sent. Both are a broken pool, and neither waits.
    let broken = matches!(
        error.downcast_ref::<TaskError>(),
        Some(TaskError::BrokenPool(_))
    ) || matches!(
        error.downcast_ref::<SubmitError>(),
        Some(SubmitError::Broken(_))
    );
    assert!(broken, "{error:#}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "it waited for the deadline"
    );
}

#[test]
fn a_worker_that_stops_answering_fails_the_batch_at_its_deadline() {
    let context = context();
    let stuck = vec![Sleep {
        ms: 60_000,
        value: 1,
    }];
    let start = Instant::now();
    let error = run_all(
        &context.runners.worker,
        1,
        stuck,
        Duration::from_millis(200),
    )
    .unwrap_err();
    assert_eq!(
        error.downcast_ref::<TaskError>(),
        Some(&TaskError::TimedOut)
    );
    // The stuck worker was killed, so the pool shut down at once.
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "the pool waited for the stuck worker"
    );
}

#[test]
fn a_missing_python_is_skipped_with_a_message() {
    let mut context = context();
    context.python = Some("python3-that-does-not-exist".into());
    let run = python::measure(&context, python::Job::Io).unwrap();
    let mut report = SectionReport::new("io-bound", "claim");
    python::add_table(&run, &["model", "wall"], &mut report);
    assert!(!report.blocks.iter().any(|b| matches!(b, Block::Table(_))));
    let text = report.render(shared::report::Render::Plain);
    assert!(text.contains("Python counterpart skipped"), "{text}");
}

#[test]
fn the_python_counterpart_reports_every_model_where_python_exists() {
    let mut context = context();
    context.python = Some("python3".into());
    match python::measure(&context, python::Job::Io).unwrap() {
        python::PythonRun::Ran { rows, .. } => {
            let models: Vec<PythonModel> = rows.iter().map(|r| r.model).collect();
            assert_eq!(
                models,
                [
                    PythonModel::Sequential,
                    PythonModel::Threading,
                    PythonModel::Multiprocessing,
                    PythonModel::Asyncio
                ]
            );
            // CPU time read with getrusage, not os.times()'s 10 ms ticks.
            let cpu: Vec<f64> = rows.iter().map(|r| r.cpu.median).collect();
            let on_ticks = |s: &f64| ((s * 100.0).round() - s * 100.0).abs() < 1e-6;
            assert!(
                !cpu.iter().all(on_ticks),
                "CPU times on 10 ms ticks: {cpu:?}"
            );
        }
        other => eprintln!("python3 did not run, nothing to compare: {other:?}"),
    }
}
