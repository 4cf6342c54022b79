//! Proof that the exercises work as exercises: every reference solution matches
//! its snapshot and every unsolved stub fails its check; `learner_check.rs`
//! runs the learner's check on the stubs.

use comparison::exercises::pick_model::Job;
use comparison::{exercises, solutions};
use exercises::checks;
use models::Model;
use shared::exercise::assert_stub_fails;
use testkit::learner::why_it_fails;

#[test]
fn fetch_all_solution_passes_and_stub_fails() {
    let solution = checks::check_fetch_all(solutions::fetch_all::fetch_all);
    testkit::assert_exercise_snapshot!("fetch_all", solution);
    assert_stub_fails(
        include_str!("../src/exercises/fetch_all.rs"),
        checks::check_fetch_all(exercises::fetch_all::fetch_all),
        &solution,
    );
}

#[test]
fn parallel_sum_solution_passes_and_stub_fails() {
    let solution = checks::check_parallel_sum(solutions::parallel_sum::parallel_sum);
    testkit::assert_exercise_snapshot!("parallel_sum", solution);
    assert_stub_fails(
        include_str!("../src/exercises/parallel_sum.rs"),
        checks::check_parallel_sum(exercises::parallel_sum::parallel_sum),
        &solution,
    );
}

#[test]
fn pick_model_solution_passes_and_stub_fails() {
    let solution = checks::check_pick_model(solutions::pick_model::pick_model);
    testkit::assert_exercise_snapshot!("pick_model", solution);
    assert_stub_fails(
        include_str!("../src/exercises/pick_model.rs"),
        checks::check_pick_model(exercises::pick_model::pick_model),
        &solution,
    );
}

#[test]
fn a_wrong_answer_fails_the_check() {
    // The check must tell a wrong answer from a right one, not just a panic.
    let wrong = checks::check_pick_model(|_| models::Model::Threads);
    let right = checks::check_pick_model(solutions::pick_model::pick_model);
    assert_ne!(wrong, right);
    let serial = checks::check_fetch_all(|urls, delay| {
        models::sequential::download_all(urls, delay)
    });
    assert!(
        serial.contains("waits overlapped (under half of 8 waits): no"),
        "{serial}"
    );
}

/// Ranges of `ceil(n / parts)` each: they cover `0..n`, but 10 in three
/// parts comes out 4, 4, 2, not near-equal.
fn parallel_sum_in_ceiling_chunks(
    n: u64,
    parts: usize,
    sum_range: exercises::parallel_sum::SumRange,
) -> u64 {
    let size = n.div_ceil(parts.max(1) as u64).max(1);
    (0..n)
        .step_by(size as usize)
        .map(|start| sum_range(start..(start + size).min(n)))
        .fold(0, u64::wrapping_add)
}

#[test]
fn uneven_ranges_fail_the_parallel_sum_check() {
    let uneven = checks::check_parallel_sum(parallel_sum_in_ceiling_chunks);
    assert!(
        uneven.contains("n = 10, parts = 3: total right: yes, ranges cover 0..n: yes, at most 3: yes, near-equal: no"),
        "{uneven}"
    );
}

/// An attempt at exercise 3.
type Pick = fn(&Job) -> Model;

#[test]
fn a_failure_names_the_case_and_the_property_never_the_answer() {
    let reference =
        checks::check_parallel_sum(solutions::parallel_sum::parallel_sum);
    let uneven = checks::check_parallel_sum(parallel_sum_in_ceiling_chunks);
    assert_eq!(
        why_it_fails(&uneven, &reference),
        "at line 2 (n = 10, parts = 3): near-equal: no"
    );
    let reference = checks::check_pick_model(solutions::pick_model::pick_model);
    let always: [(Pick, &str, &str); 2] = [
        (
            |_| Model::Rayon,
            "at line 1 (a crawler with 10 000 pages in flight): got rayon",
            "tokio",
        ),
        (
            |_| Model::Tokio,
            "at line 2 (resize 500 images held in memory): got tokio",
            "rayon",
        ),
    ];
    for (pick, why, answer) in always {
        let always = checks::check_pick_model(pick);
        let said = why_it_fails(&always, &reference);
        assert_eq!(said, why);
        assert!(!said.contains(answer), "the answer leaked: {said}");
    }
}
