//! Proof that the exercises work as exercises: every reference solution matches
//! its snapshot, every unsolved stub fails its check (`learner_check.rs`
//! runs the learner's check on them),
//! and a plausible wrong answer fails it too.

use ecosystem::{exercises, solutions};
use exercises::checks;
use shared::exercise::assert_stub_fails;

#[test]
fn fetch_bounded_solution_passes_and_stub_fails() {
    let solution =
        checks::check_fetch_bounded(solutions::fetch_bounded::fetch_bounded);
    testkit::assert_exercise_snapshot!("fetch_bounded", solution);
    assert_stub_fails(
        include_str!("../src/exercises/fetch_bounded.rs"),
        checks::check_fetch_bounded(exercises::fetch_bounded::fetch_bounded),
        &solution,
    );
}

#[test]
fn first_answer_solution_passes_and_stub_fails() {
    let solution = checks::check_first_answer(solutions::first_answer::first_answer);
    testkit::assert_exercise_snapshot!("first_answer", solution);
    assert_stub_fails(
        include_str!("../src/exercises/first_answer.rs"),
        checks::check_first_answer(exercises::first_answer::first_answer),
        &solution,
    );
}

#[test]
fn pay_all_solution_passes_and_stub_fails() {
    let solution = checks::check_pay_all(solutions::pay_all::pay_all);
    testkit::assert_exercise_snapshot!("pay_all", solution);
    assert_stub_fails(
        include_str!("../src/exercises/pay_all.rs"),
        checks::check_pay_all(exercises::pay_all::pay_all),
        &solution,
    );
}

/// One request after another: right bodies, but never overlapping.
async fn one_at_a_time(
    client: reqwest::Client,
    urls: Vec<String>,
    _limit: usize,
) -> Vec<String> {
    let mut bodies = Vec::new();
    for url in urls {
        bodies.push(client.get(url).send().await.unwrap().text().await.unwrap());
    }
    bodies
}

/// Every request at once: the limit ignored.
async fn all_at_once(
    client: reqwest::Client,
    urls: Vec<String>,
    _limit: usize,
) -> Vec<String> {
    solutions::fetch_bounded::fetch_bounded(client, urls, usize::MAX >> 4).await
}

/// Waits for every mirror, in order, and keeps the first good answer.
async fn waits_for_all(
    client: reqwest::Client,
    mirrors: Vec<String>,
) -> Option<String> {
    let mut first = None;
    for url in mirrors {
        let answer = async {
            client
                .get(url)
                .send()
                .await?
                .error_for_status()?
                .text()
                .await
        };
        if let (None, Ok(body)) = (&first, answer.await) {
            first = Some(body);
        }
    }
    first
}

/// Debits one by one, each committed on its own.
fn no_transaction(
    conn: &mut rusqlite::Connection,
    payments: &[(i64, i64)],
) -> rusqlite::Result<bool> {
    for &(account, amount) in payments {
        let debit = "UPDATE accounts SET balance = balance - ?2 WHERE id = ?1";
        if conn.execute(debit, (account, amount)).is_err() {
            return Ok(false);
        }
    }
    Ok(true)
}

#[test]
fn wrong_answers_fail_the_checks() {
    let right = checks::check_fetch_bounded(solutions::fetch_bounded::fetch_bounded);
    let serial = checks::check_fetch_bounded(one_at_a_time);
    assert!(serial.contains("more than one at once: no"), "{serial}");
    assert_ne!(serial, right);
    let unbounded = checks::check_fetch_bounded(all_at_once);
    assert!(
        unbounded.contains("never more than 3 at the server at once: no"),
        "{unbounded}"
    );

    let right = checks::check_first_answer(solutions::first_answer::first_answer);
    let patient = checks::check_first_answer(waits_for_all);
    assert!(
        patient.contains("before a slow mirror could answer: no"),
        "{patient}"
    );
    assert_ne!(patient, right);

    let right = checks::check_pay_all(solutions::pay_all::pay_all);
    let partial = checks::check_pay_all(no_transaction);
    assert!(
        partial.contains("[70, 50, 10]"),
        "a partial batch stayed: {partial}"
    );
    assert_ne!(partial, right);
}
