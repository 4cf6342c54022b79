//! The checks behind the exercises. Each describes what an attempt did in
//! words a snapshot can hold; none depends on timing beyond wide margins.

use super::ordered_map::Work;
use crate::BOUND;
use shared::executor::{
    Executor, ProcessPoolExecutor, Task, TaskError, TaskFuture, ThreadPoolExecutor,
};
use shared::exercise::attempt;
use shared::tasks::Sleep;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// Exercise 1: later inputs finish first, so order must be restored.
pub fn check_map_in_order(
    map_in_order: fn(usize, Vec<u64>, Work) -> Vec<u64>,
) -> String {
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let threads = Mutex::new(HashSet::new());
        let caller = std::thread::current().id();
        let square_slowly = |x: u64| {
            std::thread::sleep(Duration::from_millis(60 - 10 * x));
            threads
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(std::thread::current().id());
            x * x
        };
        attempt(
            || map_in_order(3, (0..6).collect(), &square_slowly),
            |outputs| {
                let threads = threads.lock().unwrap_or_else(|e| e.into_inner());
                format!(
                    "outputs: {outputs:?}\nin input order: {}\nworker threads: at most 3: {}, \
                     none of them the caller: {}\n",
                    yes(outputs == [0, 1, 4, 9, 16, 25]),
                    yes(!threads.is_empty() && threads.len() <= 3),
                    yes(!threads.contains(&caller)),
                )
            },
        )
    })
}

/// Exercise 2: three tasks taking 3, 1 and 2 steps on three workers.
pub fn check_completion_order(
    completion_order: fn(&[TaskFuture<u64>]) -> Vec<u64>,
) -> String {
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let pool = match ThreadPoolExecutor::new(3) {
            Ok(pool) => pool,
            Err(err) => return format!("could not start a pool: {err}"),
        };
        let futures: Result<Vec<_>, _> = [3, 1, 2]
            .iter()
            .map(|&k| {
                pool.submit(Sleep {
                    ms: 60 * k,
                    value: k,
                })
            })
            .collect();
        let Ok(futures) = futures else {
            return "could not submit".into();
        };
        attempt(
            || completion_order(&futures),
            |order| format!("values in completion order: {order:?}\n"),
        )
    })
}

/// Exercise 3: the task is run by a worker process of this chapter, started
/// from `program` — so a stub's panic comes back as the task's error.
pub fn check_word_count<T>(program: &Path, make: fn(String) -> T) -> String
where
    T: Task<Output = usize>,
{
    let program = program.to_path_buf();
    shared::exercise::bounded(shared::exercise::CHECK_LIMIT, move || {
        let program = program.as_path();
        let texts = [
            "",
            "one",
            "the quick brown fox",
            "  spaces   between\twords\n",
        ];
        let pool = match ProcessPoolExecutor::new(1, program) {
            Ok(pool) => pool,
            Err(err) => return format!("could not start a worker: {err}"),
        };
        let mut out = String::new();
        for text in texts {
            let counted = pool
                .submit(make(text.to_string()))
                .map_err(|e| e.to_string())
                .and_then(|future| match future.result_timeout(BOUND) {
                    Ok(count) => Ok(count.to_string()),
                    Err(TaskError::Panicked(why)) => {
                        Ok(format!("not solved yet: {why}"))
                    }
                    Err(other) => Err(other.to_string()),
                });
            let shown = counted.unwrap_or_else(|e| e);
            out += &format!("{text:?}: {shown}\n");
        }
        out
    })
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
