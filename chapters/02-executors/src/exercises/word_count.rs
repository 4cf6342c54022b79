//! Exercise 3: a task that can cross to a worker process.

use serde::{Deserialize, Serialize};
use shared::executor::Task;

// ANCHOR: exercise
/// Counts the words of `text` in a worker process. Its fields are what
/// crosses the pipe (hence `Serialize` and `Deserialize`), its `NAME` is how
/// the worker finds this code: the chapter's `registry()` registers it, as
/// Python finds a pickled function by its module and name.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WordCount {
    pub text: String,
}

impl Task for WordCount {
    type Output = usize;
    const NAME: &'static str = "word_count";

    fn run(self) -> anyhow::Result<usize> {
        // TODO: count the whitespace-separated words of `self.text`.
        todo!("WordCount::run")
    }
}
// ANCHOR_END: exercise
